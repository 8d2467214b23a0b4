// vouch_files.cc: the bench's VOUCH-ES256-PLUS provisioning (vouch_files.h).
#include "vouch_files.h"

#include <sys/stat.h>

#include <ctime>
#include <fstream>

#include "common/secret_file.h"
#include "vouch/json.h"
#include "vouch/keys.h"
#include "vouch/statement.h"

namespace e2esasl::bench {
namespace {

using vouch::JsonPtr;
using vouch::PrivateKey;

bool WritePublic(const std::string& path, const std::string& text, std::string* error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text << "\n";
  out.close();
  if (!out) {
    *error = path + ": cannot write";
    return false;
  }
  return true;
}

// Jwks: {"keys":[the issuer's public JWK with kid, alg and use]}, as `e2esasl-vouch jwks`
// publishes it.
std::optional<std::string> Jwks(const PrivateKey& issuer) {
  JsonPtr jwk(json_deep_copy(issuer.public_key().jwk()));
  if (!jwk || json_object_set_new(jwk.get(), "kid", json_string(issuer.kid().c_str())) != 0 ||
      json_object_set_new(jwk.get(), "alg", json_string("ES256")) != 0 ||
      json_object_set_new(jwk.get(), "use", json_string("sig")) != 0) {
    return std::nullopt;
  }
  JsonPtr jwks(json_pack("{s:[O]}", "keys", jwk.get()));
  if (!jwks) {
    return std::nullopt;
  }
  std::string text = vouch::DumpJson(jwks.get());
  return text.empty() ? std::nullopt : std::optional(text);
}

// Party writes "<name>.key" (a new device key) and "<name>.jws" (issuer's statement for
// identity about it) and returns that side's options.
std::optional<std::map<std::string, std::string>> Party(const std::string& dir,
                                                        const std::string& name,
                                                        const std::string& identity,
                                                        const PrivateKey& issuer,
                                                        std::string* error) {
  Failure failure;
  std::optional<PrivateKey> device = PrivateKey::Generate(&failure);
  const std::string key_path = dir + "/" + name + ".key";
  if (!device || !WriteSecretFile(key_path, device->ToJson().view(), &failure)) {
    *error = "device key for " + identity + ": " + failure.detail;
    return std::nullopt;
  }
  vouch::IssueOptions options;
  options.now = static_cast<int64_t>(std::time(nullptr));
  const std::optional<vouch::Statement> statement = vouch::IssueStatement(
      issuer, identity, "bench-" + name, device->public_key(), options, &failure);
  const std::string statement_path = dir + "/" + name + ".jws";
  if (!statement) {
    *error = "statement for " + identity + ": " + failure.detail;
    return std::nullopt;
  }
  if (!WritePublic(statement_path, statement->token, error)) {
    return std::nullopt;
  }
  return std::map<std::string, std::string>{{"e2esasl_vouch_statement", statement_path},
                                            {"e2esasl_vouch_device_key", key_path},
                                            {"e2esasl_vouch_trust_dir", dir + "/trust"}};
}

}  // namespace

std::optional<VouchOptions> ProvisionVouch(const std::string& dir, std::string* error) {
  const std::string trust = dir + "/trust";
  if (mkdir(trust.c_str(), 0700) != 0) {
    *error = trust + ": cannot create";
    return std::nullopt;
  }
  Failure failure;
  const std::optional<PrivateKey> issuer = PrivateKey::Generate(&failure);
  if (!issuer) {
    *error = "issuer key: " + failure.detail;
    return std::nullopt;
  }
  const std::optional<std::string> jwks = Jwks(*issuer);
  if (!jwks) {
    *error = "the issuer's JWKS does not serialize";
    return std::nullopt;
  }
  if (!WritePublic(trust + "/" + kVouchDomain + ".jwks", *jwks, error)) {
    return std::nullopt;
  }
  VouchOptions out;
  auto client = Party(dir, "client", kVouchClient, *issuer, error);
  auto server = client ? Party(dir, "server", kVouchServer, *issuer, error) : std::nullopt;
  if (!client || !server) {
    return std::nullopt;
  }
  out.client = std::move(*client);
  out.server = std::move(*server);
  // The client expects the server's statement to name the server's identity (the default, the
  // serverFQDN given to sasl_client_new, is not an identity with a domain part).
  out.client["e2esasl_vouch_peer"] = kVouchServer;
  return out;
}

}  // namespace e2esasl::bench
