// vouch_files.h: the files a VOUCH-ES256-PLUS end is configured with, made at test time in a
// directory: a domain's issuer key and its trust store, device key files (mode 0600) and
// statement files, and the e2esasl_vouch_* options that point at them. Used by the conformance
// row and tests/vouch/plugin_test.cc.
#ifndef E2ESASL_TESTS_VOUCH_VOUCH_FILES_H_
#define E2ESASL_TESTS_VOUCH_VOUCH_FILES_H_

#include <sys/stat.h>

#include <ctime>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include "common/secret_file.h"
#include "vouch/statement.h"
#include "vouch/vouch_test_util.h"

namespace e2esasl::vouch::test {

inline int64_t Now() {
  return static_cast<int64_t>(std::time(nullptr));
}

inline void WriteText(const std::string& path, const std::string& text, mode_t mode = 0644) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  if (chmod(path.c_str(), mode) != 0) {
    throw std::runtime_error("chmod " + path);
  }
}

// VouchFiles: in dir, "trust/" with one JWKS per domain (the issuers' public keys), and the
// device keys and statements made on request.
class VouchFiles {
 public:
  explicit VouchFiles(std::string dir) : dir_(std::move(dir)) {
    mkdir((dir_ + "/trust").c_str(), 0700);
  }

  std::string TrustDir() const { return dir_ + "/trust"; }

  // Issuer: domain's issuer key, made (and published in the trust store) on first use.
  const PrivateKey& Issuer(const std::string& domain) {
    auto it = issuers_.find(domain);
    if (it == issuers_.end()) {
      it = issuers_.emplace(domain, NewKey()).first;
      WriteText(TrustDir() + "/" + domain + ".jwks", JwksOf(it->second));
    }
    return it->second;
  }

  // Device writes a new device key to "<dir>/<name>.key" (0600) and returns the path.
  std::string Device(const std::string& name) {
    const std::string path = dir_ + "/" + name + ".key";
    const PrivateKey key = NewKey();
    Failure failure;
    if (!WriteSecretFile(path, key.ToJson().view(), &failure)) {
      throw std::runtime_error(failure.detail);
    }
    return path;
  }

  // Issue signs a statement for identity about the device key in key_path with the issuer of
  // identity's domain (or `issuer`) and returns the token.
  std::string Issue(const std::string& identity, const std::string& key_path,
                    const IssueOptions& options, const PrivateKey* issuer = nullptr,
                    const std::string& device_id = "device-1") {
    Failure failure;
    std::optional<SecretString> text = ReadSecretFile(key_path, kMaxJwkSize, &failure);
    std::optional<PrivateKey> device =
        text ? PrivateKey::FromJson(text->view(), &failure) : std::nullopt;
    const PrivateKey& signer =
        issuer != nullptr ? *issuer : Issuer(std::string(SubjectDomain(identity)));
    std::optional<Statement> statement =
        device
            ? IssueStatement(signer, identity, device_id, device->public_key(), options, &failure)
            : std::nullopt;
    if (!statement) {
      throw std::runtime_error("Issue: " + failure.detail);
    }
    return statement->token;
  }

  // StatementFile writes token to "<dir>/<name>.jws" and returns the path.
  std::string StatementFile(const std::string& name, const std::string& token) {
    const std::string path = dir_ + "/" + name + ".jws";
    WriteText(path, token + "\n");
    return path;
  }

  // Options: the e2esasl_vouch_* options of an end with this statement and key.
  std::map<std::string, std::string> Options(const std::string& statement_path,
                                             const std::string& key_path) const {
    return {{"e2esasl_vouch_statement", statement_path},
            {"e2esasl_vouch_device_key", key_path},
            {"e2esasl_vouch_trust_dir", TrustDir()}};
  }

  // Party: a device key and a statement issued now for identity: its options.
  std::map<std::string, std::string> Party(const std::string& name, const std::string& identity) {
    const std::string key = Device(name);
    IssueOptions options;
    options.now = Now();
    return Options(StatementFile(name, Issue(identity, key, options)), key);
  }

 private:
  std::string dir_;
  std::map<std::string, PrivateKey> issuers_;
};

}  // namespace e2esasl::vouch::test

#endif  // E2ESASL_TESTS_VOUCH_VOUCH_FILES_H_
