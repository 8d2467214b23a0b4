// vouch_world.cc: see vouch_world.h. Keys, statements and JWKS are made by e2esasl's VOUCH core
// (plugins/vouch: libjose, OpenSSL's CSPRNG), as `e2esasl-vouch keygen / issue / jwks /
// device-keygen` would.
#include "vouch_world.h"

#include <sys/stat.h>

#include <ctime>
#include <fstream>
#include <optional>
#include <vector>

#include "common/secret_file.h"
#include "util.h"
#include "vouch/keys.h"
#include "vouch/statement.h"

namespace e2esasl::demo {
namespace {

vouch::PrivateKey NewKey() {
  Failure failure;
  std::optional<vouch::PrivateKey> key = vouch::PrivateKey::Generate(&failure);
  if (!key) {
    throw DemoError(ExitCode::kSetup, "VOUCH key generation: " + failure.detail);
  }
  return std::move(*key);
}

void WritePublic(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text << "\n";
  if (!out) {
    throw DemoError(ExitCode::kSetup, "cannot write " + path);
  }
}

// Party: a new device key (0600) for identity and the statement issuer signs about it.
VouchParty Party(const std::string& dir, const std::string& name, const std::string& identity,
                 const vouch::PrivateKey& issuer) {
  VouchParty party{dir + "/" + name + ".jws", dir + "/" + name + ".key"};
  const vouch::PrivateKey device = NewKey();
  Failure failure;
  if (!WriteSecretFile(party.device_key, device.ToJson().view(), &failure)) {
    throw DemoError(ExitCode::kSetup, failure.detail);
  }
  vouch::IssueOptions options;
  options.now = static_cast<int64_t>(std::time(nullptr));
  const std::optional<vouch::Statement> statement =
      vouch::IssueStatement(issuer, identity, name, device.public_key(), options, &failure);
  if (!statement) {
    throw DemoError(ExitCode::kSetup, "VOUCH statement for " + identity + ": " + failure.detail);
  }
  WritePublic(party.statement, statement->token);
  return party;
}

}  // namespace

VouchWorld MakeVouchWorld(const std::string& dir) {
  VouchWorld world;
  world.trust_dir = dir + "/trust";
  if (mkdir(world.trust_dir.c_str(), 0700) != 0) {
    throw DemoError(ExitCode::kSetup, "cannot create " + world.trust_dir);
  }
  const vouch::PrivateKey atlanta = NewKey();
  const vouch::PrivateKey biloxi = NewKey();
  const std::string atlanta_jwks = vouch::PublicJwks({&atlanta});
  const std::string biloxi_jwks = vouch::PublicJwks({&biloxi});
  if (atlanta_jwks.empty() || biloxi_jwks.empty()) {
    throw DemoError(ExitCode::kSetup, "VOUCH: cannot make the issuers' JWKS");
  }
  WritePublic(world.trust_dir + "/atlanta.example.jwks", atlanta_jwks);
  WritePublic(world.trust_dir + "/biloxi.example.jwks", biloxi_jwks);
  world.alice = Party(dir, "alice-laptop", kVouchAlice, atlanta);
  world.bob = Party(dir, "bob-phone", kVouchBob, biloxi);
  world.mallory_as_alice = Party(dir, "mallory-1", kVouchAlice, atlanta);
  world.mallory_as_bob = Party(dir, "mallory-2", kVouchBob, biloxi);
  return world;
}

}  // namespace e2esasl::demo
