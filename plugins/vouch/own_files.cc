// own_files.cc: reading one end's own VOUCH inputs (see own_files.h).
#include "vouch/own_files.h"

#include <fstream>
#include <iterator>

#include "common/secret_file.h"
#include "vouch/messages.h"
#include "vouch/statement.h"

namespace e2esasl::vouch {

std::optional<std::string> ReadStatementFile(const std::string& path, Failure* failure) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    Fail(failure, Status::kUnavailable, path + ": cannot open the statement file");
    return std::nullopt;
  }
  std::string text(kMaxStatementSize + 2, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  if (!IsCompactJwsText(text)) {
    Fail(failure, Status::kUnavailable,
         path + ": not one compact JWS of at most " + std::to_string(kMaxStatementSize) +
             " characters (the output of e2esasl-vouch issue)");
    return std::nullopt;
  }
  return text;
}

std::shared_ptr<const PrivateKey> ReadDeviceKeyFile(const std::string& path, Failure* failure) {
  std::optional<SecretString> text = ReadSecretFile(path, kMaxJwkSize, failure);
  if (!text) {
    return nullptr;
  }
  Failure why;
  std::optional<PrivateKey> key = PrivateKey::FromJson(text->view(), &why);
  if (!key) {
    Fail(failure, Status::kUnavailable, path + ": not a device key: " + why.detail);
    return nullptr;
  }
  return std::make_shared<const PrivateKey>(std::move(*key));
}

std::shared_ptr<const TrustStore> ReadTrustDirectory(const std::string& dir, Failure* failure) {
  auto trust = std::make_shared<TrustStore>();
  if (!trust->LoadDirectory(dir, failure)) {
    return nullptr;
  }
  return trust;
}

}  // namespace e2esasl::vouch
