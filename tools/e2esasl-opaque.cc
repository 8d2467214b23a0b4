// e2esasl-opaque: OPAQUE-R255 registration in which the password never leaves the client
// (RFC 9807 s5), in four file-based steps, plus the server's key file:
//
//   client:  e2esasl-opaque request  --state STATE --out REQUEST          (password on stdin)
//   server:  e2esasl-opaque respond  --key-file KEY --user USER --in REQUEST --out RESPONSE
//                                    [--ksf argon2id:M:T:P] [--server-id ID]
//   client:  e2esasl-opaque finalize --state STATE --in RESPONSE --out RECORD
//                                    [--server-id ID] [--max-ksf argon2id:M:T:P]
//                                    [--max-work KIB_PASSES] (password on stdin; the cap
//                                    defaults to the plugin's client cap, ksf.h)
//   server:  e2esasl-opaque store    --sasldb PATH --user USER --in RECORD
//   server:  e2esasl-opaque keygen   --key-file KEY
//
// The files travel over a channel that authenticates the server to the client and the client to
// the server (the demo's authenticated channel, or an administrator's hands): registration itself
// authenticates neither side (RFC 9807 s10.1). STATE holds the OPRF blind and the blinded element
// (mode 0600, deleted by finalize; finalize refuses a password other than request's). Exit status
// 0 on success, 1 with a message on stderr otherwise.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "common/base64.h"
#include "common/random.h"
#include "common/saslprep.h"
#include "opaque/credentials.h"
#include "opaque/key_file.h"
#include "opaque/records.h"

namespace e2esasl::opaque {
namespace {

using Args = std::map<std::string, std::string>;

int Die(const std::string& message) {
  std::cerr << "e2esasl-opaque: " << message << "\n";
  return 1;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool WriteFile(const std::string& path, std::string_view text, mode_t mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return false;
  }
  const bool ok = fchmod(fd, mode) == 0 &&
                  write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  return close(fd) == 0 && ok;
}

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

// ReadPassword reads one line from stdin (no echo control: pipe it, or type it).
std::optional<SecretString> ReadPassword() {
  std::string line;
  if (!std::getline(std::cin, line)) {
    return std::nullopt;
  }
  std::optional<SecretString> prepared = SaslPrep(Trim(line), SaslPrepMode::kStored);
  WipeMemory(line.data(), line.size());
  if (!prepared || prepared->empty()) {
    return std::nullopt;
  }
  return prepared;
}

// Fields parses "name=value" lines.
std::map<std::string, std::string> Fields(const std::string& text) {
  std::map<std::string, std::string> fields;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) {
      fields[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return fields;
}

// ParseWork reads --max-work: decimal digits only, 8 <= value <= kMaxMemoryKib * kMaxIterations.
std::optional<uint64_t> ParseWork(const std::string& text) {
  uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < 8 ||
      value > static_cast<uint64_t>(kMaxMemoryKib) * kMaxIterations) {
    return std::nullopt;
  }
  return value;
}

Identities IdentitiesFrom(const Args& args) {
  Identities ids;
  if (auto it = args.find("server-id"); it != args.end() && !it->second.empty()) {
    ids.server = ToBytes(it->second);
  }
  return ids;
}

// StartWithBlind runs CreateRegistrationRequest with a given blind (RandomScalar replays a
// canonical scalar from a FixedRng exactly), so request and finalize agree on it.
bool StartWithBlind(RegistrationClient* client, const Scalar& blind, ByteView password,
                    RegistrationRequest* request) {
  FixedRng replay(blind.view());
  return client->Start(replay, password, request) && replay.Remaining() == 0;
}

int Request(const Args& args) {
  std::optional<SecretString> password = ReadPassword();
  if (!password) {
    return Die("no valid password on stdin");
  }
  Scalar blind;
  RegistrationClient client;
  RegistrationRequest request;
  if (!ristretto255::RandomScalar(SystemRandom(), &blind) ||
      !StartWithBlind(&client, blind, password->bytes(), &request)) {
    return Die("OPRF blind failed");
  }
  // STATE keeps the blinded element too, so finalize can tell that it was given the same
  // password: with another one the record would open with neither.
  const std::string request_line = "request=" + Base64Encode(SerializeToBytes(request)) + "\n";
  std::string state = "blind=" + Base64Encode(blind.view()) + "\n" + request_line;
  const bool ok = WriteFile(args.at("state"), state, 0600);
  WipeMemory(state.data(), state.size());
  if (!ok) {
    return Die("cannot write " + args.at("state"));
  }
  if (!WriteFile(args.at("out"), request_line, 0644)) {
    return Die("cannot write " + args.at("out"));
  }
  return 0;
}

int Respond(const Args& args) {
  Failure failure;
  std::optional<ServerKeyMaterial> keys =
      LoadOrCreateKeyFile(args.at("key-file"), SystemRandom(), &failure);
  if (!keys) {
    return Die(failure.detail);
  }
  const std::string& user = args.at("user");
  KsfParams ksf;
  if (auto it = args.find("ksf"); it != args.end()) {
    std::optional<KsfParams> parsed = KsfParams::Parse(it->second);
    if (!parsed) {
      return Die("--ksf must be argon2id:<m KiB>:<t>:<p>");
    }
    ksf = *parsed;
  }
  const std::optional<std::string> text = ReadFile(args.at("in"));
  const auto fields = Fields(text.value_or(""));
  const auto it = fields.find("request");
  const std::optional<Bytes> bytes =
      it == fields.end() ? std::nullopt : Base64Decode(it->second, kElementSize);
  const std::optional<RegistrationRequest> request =
      bytes ? RegistrationRequest::Parse(*bytes) : std::nullopt;
  RegistrationResponse response;
  if (!request || !CreateRegistrationResponse(*request, keys->public_key, ToBytes(user),
                                              keys->oprf_seed.view(), &response)) {
    return Die("malformed registration request");
  }
  const std::string out = "user=" + Base64Encode(ToBytes(user)) + "\nksf=" + ksf.Serialize() +
                          "\nresponse=" + Base64Encode(SerializeToBytes(response)) + "\n";
  return WriteFile(args.at("out"), out, 0644) ? 0 : Die("cannot write " + args.at("out"));
}

int Finalize(const Args& args) {
  std::optional<SecretString> password = ReadPassword();
  if (!password) {
    return Die("no valid password on stdin");
  }
  const auto state = Fields(ReadFile(args.at("state")).value_or(""));
  const auto blind_it = state.find("blind");
  const std::optional<SecretBytes> blind_bytes =
      blind_it == state.end() ? std::nullopt : Base64DecodeSecret(blind_it->second, kScalarSize);
  const auto request_it = state.find("request");
  const std::optional<Bytes> sent_request =
      request_it == state.end() ? std::nullopt : Base64Decode(request_it->second, kElementSize);
  Scalar blind;
  if (!blind_bytes || !blind.CopyFrom(*blind_bytes) || !sent_request) {
    return Die("malformed state file");
  }
  const auto fields = Fields(ReadFile(args.at("in")).value_or(""));
  StoredRecord stored;
  const std::optional<Bytes> user =
      fields.count("user") ? Base64Decode(fields.at("user"), kMaxCredentialIdentifierBytes)
                           : std::nullopt;
  const std::optional<KsfParams> ksf =
      fields.count("ksf") ? KsfParams::Parse(fields.at("ksf")) : std::nullopt;
  const std::optional<Bytes> response_bytes =
      fields.count("response") ? Base64Decode(fields.at("response"), 2 * kElementSize)
                               : std::nullopt;
  const std::optional<RegistrationResponse> response =
      response_bytes ? RegistrationResponse::Parse(*response_bytes) : std::nullopt;
  if (!user || user->empty() || !ksf || !response) {
    return Die("malformed registration response");
  }
  // The cap is the plugin's client cap (ksf.h): --max-ksf sets m, t and p, --max-work m * t.
  KsfCap cap;
  if (auto it = args.find("max-ksf"); it != args.end()) {
    // A cap that does not parse is refused: falling back to the (looser) default would
    // silently accept what the user meant to refuse.
    const std::optional<KsfParams> parsed = KsfParams::Parse(it->second);
    if (!parsed) {
      return Die("--max-ksf must be argon2id:<m KiB>:<t>:<p>");
    }
    cap.memory_kib = parsed->memory_kib;
    cap.iterations = parsed->iterations;
    cap.parallelism = parsed->parallelism;
  }
  if (auto it = args.find("max-work"); it != args.end()) {
    const std::optional<uint64_t> work = ParseWork(it->second);
    if (!work) {
      return Die("--max-work must be a decimal number of KiB-passes (m * t), at least 8");
    }
    cap.work_kib = *work;
  }
  if (!ksf->WithinCap(cap)) {
    return Die("the server asks for KSF costs above the cap: " + ksf->Serialize() + " exceeds " +
               cap.Describe());
  }
  RegistrationClient client;
  RegistrationRequest request;
  SecretBytes export_key;
  stored.ksf = *ksf;
  stored.credential_identifier = *user;
  if (!StartWithBlind(&client, blind, password->bytes(), &request)) {
    return Die("OPRF blind failed");
  }
  // The blinded element is public (it went to the server), so a plain comparison is fine.
  if (SerializeToBytes(request) != *sent_request) {
    return Die("the password differs from the one given to request");
  }
  if (!client.Finish(SystemRandom(), *response, IdentitiesFrom(args), stored.ksf, &stored.record,
                     &export_key)) {
    return Die("registration failed (invalid response)");
  }
  SecretString text = stored.Serialize();
  text.Append("\n");
  if (!WriteFile(args.at("out"), text.view(), 0600)) {
    return Die("cannot write " + args.at("out"));
  }
  unlink(args.at("state").c_str());
  return 0;
}

int Store(const Args& args) {
  const std::optional<std::string> text = ReadFile(args.at("in"));
  if (!text || !StoredRecord::Parse(Trim(*text))) {
    return Die("malformed record file");
  }
  static std::string sasldb;
  sasldb = args.at("sasldb");
  using GetoptFn = int (*)(void*, const char*, const char*, const char**, unsigned*);
  static const GetoptFn getopt = [](void*, const char*, const char* option, const char** result,
                                    unsigned* len) {
    if (std::string_view(option) == "sasldb_path") {
      *result = sasldb.c_str();
    } else if (std::string_view(option) == "auxprop_plugin") {
      *result = "sasldb";
    } else {
      return SASL_FAIL;
    }
    if (len != nullptr) {
      *len = static_cast<unsigned>(std::strlen(*result));
    }
    return SASL_OK;
  };
  static sasl_callback_t callbacks[] = {
      {SASL_CB_GETOPT, reinterpret_cast<int (*)(void)>(reinterpret_cast<void (*)()>(getopt)),
       nullptr},
      {SASL_CB_LIST_END, nullptr, nullptr}};
  sasl_conn_t* conn = nullptr;
  int r = sasl_server_init(callbacks, "e2esasl-opaque");
  if (r == SASL_OK) {
    r = sasl_server_new("e2esasl-opaque", nullptr, nullptr, nullptr, nullptr, nullptr, 0, &conn);
  }
  propctx* ctx = r == SASL_OK ? prop_new(0) : nullptr;
  const char* names[] = {"e2esasl-OPAQUE-R255", nullptr};
  if (ctx != nullptr) {
    const std::string value = Trim(*text);
    r = prop_request(ctx, names);
    if (r == SASL_OK) {
      r = prop_set(ctx, names[0], value.c_str(), static_cast<int>(value.size()));
    }
    if (r == SASL_OK) {
      r = sasl_auxprop_store(conn, ctx, args.at("user").c_str());
    }
    prop_dispose(&ctx);
  }
  sasl_dispose(&conn);
  sasl_server_done();
  return r == SASL_OK ? 0
                      : Die(std::string("storing failed: ") + sasl_errstring(r, nullptr, nullptr));
}

int Keygen(const Args& args) {
  Failure failure;
  return LoadOrCreateKeyFile(args.at("key-file"), SystemRandom(), &failure) ? 0
                                                                            : Die(failure.detail);
}

int Usage() {
  return Die(
      "usage: request --state F --out F | respond --key-file F --user U --in F --out F [--ksf K] "
      "| finalize --state F --in F --out F [--server-id ID] [--max-ksf K] [--max-work W] | store "
      "--sasldb P "
      "--user U --in F | keygen --key-file F");
}

}  // namespace
}  // namespace e2esasl::opaque

int main(int argc, char** argv) {
  using namespace e2esasl::opaque;  // NOLINT: main
  if (argc < 2) {
    return Usage();
  }
  Args args;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag.rfind("--", 0) != 0) {
      return Usage();
    }
    args[flag.substr(2)] = argv[i + 1];
  }
  const std::string command = argv[1];
  const std::map<std::string, std::vector<const char*>> required = {
      {"request", {"state", "out"}},
      {"respond", {"key-file", "user", "in", "out"}},
      {"finalize", {"state", "in", "out"}},
      {"store", {"sasldb", "user", "in"}},
      {"keygen", {"key-file"}}};
  const auto it = required.find(command);
  if (it == required.end() || (argc % 2) != 0) {
    return Usage();
  }
  for (const char* name : it->second) {
    if (!args.count(name)) {
      return Usage();
    }
  }
  try {
    if (command == "request") {
      return Request(args);
    }
    if (command == "respond") {
      return Respond(args);
    }
    if (command == "finalize") {
      return Finalize(args);
    }
    if (command == "store") {
      return Store(args);
    }
    return Keygen(args);
  } catch (const std::exception& e) {
    return Die(e.what());
  }
}
