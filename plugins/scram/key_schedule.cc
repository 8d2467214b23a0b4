// key_schedule.cc: RFC 5802 section 3 key schedule and the RFC 5803 verifier text form.
#include "scram/key_schedule.h"

#include <limits>
#include <string>

#include "common/base64.h"
#include "common/ct.h"
#include "common/saslprep.h"

namespace e2esasl::scram {
namespace {

constexpr std::string_view kClientKeyLabel = "Client Key";
constexpr std::string_view kServerKeyLabel = "Server Key";
constexpr size_t kMaxStoredSaltSize = 256;

// ParseDecimalU32 reads a positive decimal without leading zeros that fits in uint32_t.
std::optional<uint32_t> ParseDecimalU32(std::string_view text) {
  if (text.empty() || text.size() > 10 || text[0] < '1' || text[0] > '9') {
    return std::nullopt;
  }
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > std::numeric_limits<uint32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(value);
}

// SplitOnce splits text at the first sep into *head and *tail; false when sep does not occur.
bool SplitOnce(std::string_view text, char sep, std::string_view* head, std::string_view* tail) {
  const size_t at = text.find(sep);
  if (at == std::string_view::npos) {
    return false;
  }
  *head = text.substr(0, at);
  *tail = text.substr(at + 1);
  return true;
}

}  // namespace

std::string_view MechanismName(HashAlg alg) {
  // Indexed by HashAlg.
  constexpr std::string_view kNames[] = {"SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512"};
  const auto index = static_cast<size_t>(alg);
  return index < std::size(kNames) ? kNames[index] : "SCRAM-UNKNOWN";
}

std::optional<SecretString> NormalizePassword(std::string_view password) {
  // Normalize(str): SASLprep, "str" treated as a "stored string" (RFC 5802 s2.2)
  std::optional<SecretString> normalized = SaslPrep(password, SaslPrepMode::kStored);
  if (!normalized || normalized->empty()) {
    return std::nullopt;
  }
  return normalized;
}

std::optional<SecretBytes> SaltedPassword(HashAlg alg, const SecretString& normalized,
                                          ByteView salt, uint32_t iterations) {
  if (salt.empty() || iterations == 0) {
    return std::nullopt;
  }
  // SaltedPassword := Hi(Normalize(password), salt, i)                    (RFC 5802 s3)
  // Hi() is PBKDF2 with HMAC() as the PRF and dkLen == output length of H() (s2.2)
  return Pbkdf2(alg, normalized.bytes(), salt, iterations, HashSize(alg));
}

std::optional<SecretBytes> ClientKey(HashAlg alg, ByteView salted_password) {
  // ClientKey := HMAC(SaltedPassword, "Client Key")                       (RFC 5802 s3)
  return Hmac(alg, salted_password, AsBytes(kClientKeyLabel));
}

std::optional<SecretBytes> ServerKey(HashAlg alg, ByteView salted_password) {
  // ServerKey := HMAC(SaltedPassword, "Server Key")                       (RFC 5802 s3)
  return Hmac(alg, salted_password, AsBytes(kServerKeyLabel));
}

std::optional<SecretBytes> StoredKey(HashAlg alg, ByteView client_key) {
  // StoredKey := H(ClientKey)                                             (RFC 5802 s3)
  return Digest(alg, client_key);
}

std::optional<SecretBytes> ClientSignature(HashAlg alg, ByteView stored_key,
                                           ByteView auth_message) {
  // ClientSignature := HMAC(StoredKey, AuthMessage)                       (RFC 5802 s3)
  return Hmac(alg, stored_key, auth_message);
}

std::optional<SecretBytes> ClientProof(ByteView client_key, ByteView client_signature) {
  if (client_key.size() != client_signature.size()) {
    return std::nullopt;
  }
  // ClientProof := ClientKey XOR ClientSignature                          (RFC 5802 s3)
  SecretBytes proof(client_key.size());
  for (size_t i = 0; i < proof.size(); ++i) {
    proof[i] = client_key[i] ^ client_signature[i];
  }
  return proof;
}

std::optional<SecretBytes> ServerSignature(HashAlg alg, ByteView server_key,
                                           ByteView auth_message) {
  // ServerSignature := HMAC(ServerKey, AuthMessage)                       (RFC 5802 s3)
  return Hmac(alg, server_key, auth_message);
}

Status VerifyClientProof(HashAlg alg, ByteView stored_key, ByteView auth_message,
                         ByteView client_proof) {
  if (stored_key.size() != HashSize(alg)) {
    return Status::kInternal;
  }
  if (client_proof.size() != HashSize(alg)) {
    return Status::kAuthFailed;
  }
  // ClientSignature := HMAC(StoredKey, AuthMessage)                       (RFC 5802 s3)
  std::optional<SecretBytes> signature = ClientSignature(alg, stored_key, auth_message);
  if (!signature) {
    return Status::kInternal;
  }
  // "exclusive-ORing that with the ClientProof to recover the ClientKey" (s3):
  // ClientKey := ClientProof XOR ClientSignature
  std::optional<SecretBytes> client_key = ClientProof(client_proof, *signature);
  if (!client_key) {
    return Status::kInternal;
  }
  // "applying the hash function and comparing the result to the StoredKey" (s3):
  // H(ClientKey) == StoredKey, compared in constant time
  std::optional<SecretBytes> recomputed = StoredKey(alg, *client_key);
  if (!recomputed) {
    return Status::kInternal;
  }
  return CtEqual(*recomputed, stored_key) ? Status::kOk : Status::kAuthFailed;
}

bool StoredCredentials::IsWellFormed() const {
  return !salt.empty() && salt.size() <= kMaxStoredSaltSize && iterations > 0 &&
         stored_key.size() == HashSize(alg) && server_key.size() == HashSize(alg);
}

std::optional<StoredCredentials> StoredCredentials::Derive(HashAlg alg, std::string_view password,
                                                           ByteView salt, uint32_t iterations) {
  if (salt.empty() || salt.size() > kMaxStoredSaltSize || iterations == 0) {
    return std::nullopt;
  }
  std::optional<SecretString> normalized = NormalizePassword(password);
  if (!normalized) {
    return std::nullopt;
  }
  std::optional<SecretBytes> salted = SaltedPassword(alg, *normalized, salt, iterations);
  if (!salted) {
    return std::nullopt;
  }
  std::optional<SecretBytes> client_key = ClientKey(alg, *salted);
  std::optional<SecretBytes> server_key = ServerKey(alg, *salted);
  if (!client_key || !server_key) {
    return std::nullopt;
  }
  std::optional<SecretBytes> stored_key = StoredKey(alg, *client_key);
  if (!stored_key) {
    return std::nullopt;
  }
  StoredCredentials credentials;
  credentials.alg = alg;
  credentials.salt = Bytes(salt.begin(), salt.end());
  credentials.iterations = iterations;
  credentials.stored_key = std::move(*stored_key);
  credentials.server_key = std::move(*server_key);
  return credentials;
}

std::optional<StoredCredentials> StoredCredentials::Generate(HashAlg alg, Rng& rng,
                                                             std::string_view password,
                                                             uint32_t iterations,
                                                             size_t salt_size) {
  if (salt_size == 0 || salt_size > kMaxStoredSaltSize) {
    return std::nullopt;
  }
  Bytes salt(salt_size);
  if (!rng.Fill(salt)) {
    return std::nullopt;
  }
  return Derive(alg, password, salt, iterations);
}

std::optional<SecretString> StoredCredentials::Serialize() const {
  if (!IsWellFormed()) {
    return std::nullopt;
  }
  // <mechanism>$<iterations>:<salt>$<StoredKey>:<ServerKey>   (RFC 5803 s3 authPassword)
  SecretString text;
  text.Append(MechanismName(alg));
  text.Append("$");
  text.Append(std::to_string(iterations));
  text.Append(":");
  text.Append(Base64Encode(salt));
  text.Append("$");
  {
    std::string encoded = Base64Encode(stored_key);
    text.Append(encoded);
    Wipe(std::span<char>(encoded));
  }
  text.Append(":");
  {
    std::string encoded = Base64Encode(server_key);
    text.Append(encoded);
    Wipe(std::span<char>(encoded));
  }
  return text;
}

std::optional<StoredCredentials> StoredCredentials::Parse(HashAlg alg, std::string_view text) {
  std::string_view mechanism, rest, iterations_text, salt_text, keys, stored_text, server_text;
  if (!SplitOnce(text, '$', &mechanism, &rest) || mechanism != MechanismName(alg) ||
      !SplitOnce(rest, '$', &rest, &keys) || !SplitOnce(rest, ':', &iterations_text, &salt_text) ||
      !SplitOnce(keys, ':', &stored_text, &server_text)) {
    return std::nullopt;
  }
  std::optional<uint32_t> iterations = ParseDecimalU32(iterations_text);
  std::optional<Bytes> salt = Base64Decode(salt_text, kMaxStoredSaltSize);
  std::optional<SecretBytes> stored_key = Base64DecodeSecret(stored_text, HashSize(alg));
  std::optional<SecretBytes> server_key = Base64DecodeSecret(server_text, HashSize(alg));
  if (!iterations || !salt || !stored_key || !server_key) {
    return std::nullopt;
  }
  StoredCredentials credentials;
  credentials.alg = alg;
  credentials.salt = std::move(*salt);
  credentials.iterations = *iterations;
  credentials.stored_key = std::move(*stored_key);
  credentials.server_key = std::move(*server_key);
  if (!credentials.IsWellFormed()) {
    return std::nullopt;
  }
  return credentials;
}

}  // namespace e2esasl::scram
