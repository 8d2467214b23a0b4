// e2esasl-vouch: a domain's issuing tool for VOUCH-ES256-PLUS statements
// (docs/mechanisms/vouch.md):
//
//   e2esasl-vouch keygen DOMAIN KEY-FILE        a new issuer key for DOMAIN (private JWK, 0600);
//                                               prints its kid
//   e2esasl-vouch jwks KEY-FILE...              prints the public JWKS of the domain's keys
//   e2esasl-vouch issue KEY-FILE IDENTITY DEVICE-ID DEVICE-KEY
//                       [--lifetime SECONDS] [--jkt] [--now UNIX-TIME]
//                                               prints a statement (compact JWS) for IDENTITY's
//                                               device key (a public JWK file); IDENTITY's domain
//                                               must be the key's
//   e2esasl-vouch device-keygen KEY-FILE        a new device key (private JWK, 0600); prints
//                                               the public JWK
//   e2esasl-vouch verify TRUST-DIR [--sub IDENTITY] [--now UNIX-TIME] [--skew SECONDS]
//                                               checks the statement on stdin against the
//                                               "<domain>.jwks" files of TRUST-DIR; prints
//                                               its claims
//
// Exit status: 0 success; 1 internal error; 2 bad command line; 3 bad input (a file that cannot
// be read or is not what it should be, a refused statement); 4 the output file exists or cannot
// be written. Messages go to stderr; nothing secret is printed.
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/secret_file.h"
#include "vouch/json.h"
#include "vouch/keys.h"
#include "vouch/statement.h"
#include "vouch/trust_store.h"

namespace e2esasl::vouch {
namespace {

constexpr int kExitInternal = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInput = 3;
constexpr int kExitOutput = 4;
// The member of a domain key file that names its domain (ignored by other JWK readers).
constexpr const char* kDomainMember = "e2esasl_domain";

int Die(int code, const std::string& message) {
  std::cerr << "e2esasl-vouch: " << message << "\n";
  return code;
}

int Usage() {
  std::cerr << "usage: e2esasl-vouch keygen DOMAIN KEY-FILE\n"
               "       e2esasl-vouch jwks KEY-FILE...\n"
               "       e2esasl-vouch issue KEY-FILE IDENTITY DEVICE-ID DEVICE-KEY [--lifetime S]"
               " [--jkt] [--now T]\n"
               "       e2esasl-vouch device-keygen KEY-FILE\n"
               "       e2esasl-vouch verify TRUST-DIR [--sub IDENTITY] [--now T] [--skew S]"
               " < STATEMENT\n"
               "exit status: 0 ok, 1 internal error, 2 usage, 3 bad input, 4 cannot write output\n";
  return kExitUsage;
}

bool ParseInt(const std::string& text, int64_t* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && *out >= 0;
}

// WriteNewKey writes text to path (0600, atomic) unless path exists.
int WriteNewKey(const std::string& path, std::string_view text) {
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    return Die(kExitOutput, path + ": exists (not overwritten)");
  }
  Failure failure;
  if (!WriteSecretFile(path, text, &failure)) {
    return Die(kExitOutput, failure.detail);
  }
  return 0;
}

struct DomainKey {
  std::string domain;
  std::optional<PrivateKey> key;
};

int ReadDomainKey(const std::string& path, DomainKey* out) {
  Failure failure;
  std::optional<SecretString> text = ReadSecretFile(path, kMaxJwkSize, &failure);
  if (!text) {
    return Die(kExitInput, failure.detail);
  }
  out->key = PrivateKey::FromJson(text->view(), &failure);
  if (!out->key) {
    return Die(kExitInput, path + ": " + failure.detail);
  }
  std::string why;
  JsonPtr json = ParseJsonObject(text->view(), &why);
  const std::optional<std::string_view> domain =
      json ? StringMember(json.get(), kDomainMember) : std::nullopt;
  if (json) {
    WipeStringMember(json.get(), "d");
  }
  if (!domain || !IsDomainName(*domain)) {
    return Die(kExitInput, path + ": not a domain key (no " + kDomainMember + "; see keygen)");
  }
  out->domain = std::string(*domain);
  return 0;
}

int Keygen(const std::vector<std::string>& args) {
  if (args.size() != 2) {
    return Usage();
  }
  if (!IsDomainName(args[0])) {
    return Die(kExitUsage, "not a lower-case domain name: " + args[0]);
  }
  Failure failure;
  std::optional<PrivateKey> key = PrivateKey::Generate(&failure);
  if (!key) {
    return Die(kExitInternal, failure.detail);
  }
  std::string why;
  JsonPtr json = ParseJsonObject(key->ToJson().view(), &why);
  if (!json) {
    return Die(kExitInternal, "the key does not serialize: " + why);
  }
  if (json_object_set_new(json.get(), kDomainMember, json_string(args[0].c_str())) != 0) {
    return Die(kExitInternal, "out of memory");
  }
  const SecretString text = DumpSecretJson(json.get());
  WipeStringMember(json.get(), "d");
  if (const int code = WriteNewKey(args[1], text.view())) {
    return code;
  }
  std::cout << key->kid() << "\n";
  return 0;
}

int Jwks(const std::vector<std::string>& args) {
  if (args.empty()) {
    return Usage();
  }
  std::vector<DomainKey> domain_keys(args.size());
  std::vector<const PrivateKey*> keys;
  for (size_t i = 0; i < args.size(); ++i) {
    DomainKey& key = domain_keys[i];
    if (const int code = ReadDomainKey(args[i], &key)) {
      return code;
    }
    if (i > 0 && key.domain != domain_keys[0].domain) {
      return Die(kExitInput,
                 args[i] + ": a key of " + key.domain + ", not " + domain_keys[0].domain);
    }
    keys.push_back(&*key.key);
  }
  const std::string jwks = PublicJwks(keys);
  if (jwks.empty()) {
    return Die(kExitInternal, "out of memory");
  }
  std::cout << jwks << "\n";
  return 0;
}

int Issue(const std::vector<std::string>& all) {
  std::vector<std::string> args;
  IssueOptions options;
  options.now = static_cast<int64_t>(std::time(nullptr));
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == "--jkt") {
      options.thumbprint_only = true;
    } else if (all[i] == "--lifetime" || all[i] == "--now") {
      int64_t value = 0;
      if (i + 1 == all.size() || !ParseInt(all[i + 1], &value)) {
        return Die(kExitUsage, all[i] + " needs a non-negative integer");
      }
      (all[i] == "--now" ? options.now : options.lifetime) = value;
      ++i;
    } else if (all[i].rfind("--", 0) == 0) {
      return Die(kExitUsage, "unknown option " + all[i]);
    } else {
      args.push_back(all[i]);
    }
  }
  if (args.size() != 4) {
    return Usage();
  }
  DomainKey issuer;
  if (const int code = ReadDomainKey(args[0], &issuer)) {
    return code;
  }
  if (SubjectDomain(args[1]) != issuer.domain) {
    return Die(kExitInput, "the key is " + issuer.domain +
                               "'s: it vouches only for identities "
                               "of that domain, not " +
                               args[1]);
  }
  std::ifstream in(args[3], std::ios::binary);
  std::ostringstream device_text;
  device_text << in.rdbuf();
  if (!in) {
    return Die(kExitInput, args[3] + ": cannot read");
  }
  Failure failure;
  std::optional<PublicKey> device = PublicKey::FromJson(device_text.str(), &failure);
  if (!device) {
    return Die(kExitInput, args[3] + ": " + failure.detail);
  }
  std::optional<Statement> statement =
      IssueStatement(*issuer.key, args[1], args[2], *device, options, &failure);
  if (!statement) {
    return Die(failure.status == Status::kMalformed ? kExitInput : kExitInternal, failure.detail);
  }
  std::cout << statement->token << "\n";
  return 0;
}

int DeviceKeygen(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return Usage();
  }
  Failure failure;
  std::optional<PrivateKey> key = PrivateKey::Generate(&failure);
  if (!key) {
    return Die(kExitInternal, failure.detail);
  }
  if (const int code = WriteNewKey(args[0], key->ToJson().view())) {
    return code;
  }
  std::cout << key->public_key().ToJson() << "\n";
  return 0;
}

int Verify(const std::vector<std::string>& all) {
  std::vector<std::string> args;
  VerifyOptions options;
  options.now = static_cast<int64_t>(std::time(nullptr));
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == "--sub") {
      if (i + 1 == all.size()) {
        return Die(kExitUsage, "--sub needs an identity");
      }
      options.expected_subject = all[++i];
    } else if (all[i] == "--now" || all[i] == "--skew") {
      int64_t value = 0;
      if (i + 1 == all.size() || !ParseInt(all[i + 1], &value)) {
        return Die(kExitUsage, all[i] + " needs a non-negative integer");
      }
      (all[i] == "--now" ? options.now : options.max_skew) = value;
      ++i;
    } else if (all[i].rfind("--", 0) == 0) {
      return Die(kExitUsage, "unknown option " + all[i]);
    } else {
      args.push_back(all[i]);
    }
  }
  if (args.size() != 1) {
    return Usage();
  }
  TrustStore trust;
  Failure failure;
  if (!trust.LoadDirectory(args[0], &failure)) {
    return Die(kExitInput, failure.detail);
  }
  std::string token;
  std::getline(std::cin, token);
  std::optional<Statement> statement = VerifyStatement(token, trust, options, &failure);
  if (!statement) {
    return Die(kExitInput, failure.detail);
  }
  JsonPtr out(json_pack("{s:s,s:s,s:s,s:I,s:I,s:s}", "iss", statement->issuer.c_str(), "sub",
                        statement->subject.c_str(), "device_id", statement->device_id.c_str(),
                        "iat", static_cast<json_int_t>(statement->issued_at), "exp",
                        static_cast<json_int_t>(statement->expires_at), "jkt",
                        statement->cnf.Thumbprint().c_str()));
  std::cout << DumpJson(out.get()) << "\n";
  return 0;
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    return Usage();
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "keygen") {
    return Keygen(args);
  }
  if (command == "jwks") {
    return Jwks(args);
  }
  if (command == "issue") {
    return Issue(args);
  }
  if (command == "device-keygen") {
    return DeviceKeygen(args);
  }
  if (command == "verify") {
    return Verify(args);
  }
  if (command == "-h" || command == "--help") {
    Usage();
    return 0;
  }
  return Usage();
}

}  // namespace
}  // namespace e2esasl::vouch

int main(int argc, char** argv) {
  try {
    return e2esasl::vouch::Main(argc, argv);
  } catch (const std::exception& e) {
    return e2esasl::vouch::Die(e2esasl::vouch::kExitInternal, e.what());
  }
}
