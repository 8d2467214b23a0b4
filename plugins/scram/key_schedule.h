// key_schedule.h: the SCRAM key schedule (RFC 5802 section 3) for SHA-1, SHA-256 (RFC 7677)
// and SHA-512 (draft-melnikov-scram-sha-512), and the stored verifier format.
//
// Every function returns std::nullopt (or Status::kInternal) only on a local failure (OpenSSL,
// allocation) or an argument outside its documented range. Keys are SecretBytes owned by the
// caller. Nothing here sees peer bytes except through values messages.h already parsed.
#ifndef E2ESASL_SCRAM_KEY_SCHEDULE_H_
#define E2ESASL_SCRAM_KEY_SCHEDULE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.h"
#include "common/hash.h"
#include "common/random.h"
#include "common/secret.h"
#include "common/status.h"

namespace e2esasl::scram {

// kDefaultIterations: the iteration count for new verifiers and for unknown users (RFC 5802
// s5.1: "at least 4096"; RFC 7677 s4 recommends at least 4096 as well).
inline constexpr uint32_t kDefaultIterations = 4096;
// kDefaultSaltSize: the salt size of new verifiers and of unknown users' fake salts (bytes).
inline constexpr size_t kDefaultSaltSize = 16;

// MechanismName returns "SCRAM-SHA-1", "SCRAM-SHA-256" or "SCRAM-SHA-512" (no "-PLUS").
std::string_view MechanismName(HashAlg alg);

// NormalizePassword returns Normalize(password) of RFC 5802 s2.2: SASLprep (RFC 4013) with the
// password treated as a "stored string" (unassigned code points prohibited). std::nullopt when
// SASLprep rejects the password or the result is empty.
std::optional<SecretString> NormalizePassword(std::string_view password);

// SaltedPassword := Hi(Normalize(password), salt, i) (RFC 5802 s3), Hi = PBKDF2-HMAC-H with
// dkLen = HashSize(alg) (s2.2). `normalized` must already be Normalize(password). nullopt when
// iterations is 0 or salt is empty.
std::optional<SecretBytes> SaltedPassword(HashAlg alg, const SecretString& normalized,
                                          ByteView salt, uint32_t iterations);
// ClientKey := HMAC(SaltedPassword, "Client Key")
std::optional<SecretBytes> ClientKey(HashAlg alg, ByteView salted_password);
// ServerKey := HMAC(SaltedPassword, "Server Key")
std::optional<SecretBytes> ServerKey(HashAlg alg, ByteView salted_password);
// StoredKey := H(ClientKey)
std::optional<SecretBytes> StoredKey(HashAlg alg, ByteView client_key);
// ClientSignature := HMAC(StoredKey, AuthMessage)
std::optional<SecretBytes> ClientSignature(HashAlg alg, ByteView stored_key, ByteView auth_message);
// ClientProof := ClientKey XOR ClientSignature; nullopt when the lengths differ.
std::optional<SecretBytes> ClientProof(ByteView client_key, ByteView client_signature);
// ServerSignature := HMAC(ServerKey, AuthMessage)
std::optional<SecretBytes> ServerSignature(HashAlg alg, ByteView server_key, ByteView auth_message);

// VerifyClientProof is the server's check of RFC 5802 s3: it recovers
// ClientKey := ClientProof XOR HMAC(StoredKey, AuthMessage) and compares H(ClientKey) with
// StoredKey using CtEqual. Returns kOk on a match, kAuthFailed on a mismatch or a proof of the
// wrong length, kInternal on a local failure. The work done does not depend on where the bytes
// differ.
Status VerifyClientProof(HashAlg alg, ByteView stored_key, ByteView auth_message,
                         ByteView client_proof);

// StoredCredentials: what the server stores per user and hash (RFC 5802 s2.1 "authentication
// information"): salt, iteration count, StoredKey, ServerKey. Never the password.
//
// Text form (Serialize / Parse), the RFC 5803 authPassword value, also used by PostgreSQL:
//   <mechanism> "$" <iterations> ":" <base64 salt> "$" <base64 StoredKey> ":" <base64 ServerKey>
// e.g. "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$<44 chars>:<44 chars>", mechanism as
// MechanismName(alg), iterations decimal without leading zeros, base64 canonical with padding.
struct StoredCredentials {
  HashAlg alg = HashAlg::kSha256;
  Bytes salt;
  uint32_t iterations = 0;
  SecretBytes stored_key;  // HashSize(alg) bytes
  SecretBytes server_key;  // HashSize(alg) bytes

  // IsWellFormed: non-empty salt of at most 256 bytes, iterations > 0, both keys
  // HashSize(alg) bytes long.
  bool IsWellFormed() const;

  // Derive computes the credentials of password (normalized here with NormalizePassword) for
  // the given salt and iteration count. nullopt when SASLprep rejects the password, salt is
  // empty, iterations is 0, or on a local failure. Costs one PBKDF2 of `iterations`.
  static std::optional<StoredCredentials> Derive(HashAlg alg, std::string_view password,
                                                 ByteView salt, uint32_t iterations);
  // Generate is Derive with a fresh random salt of salt_size bytes from rng (for setpass).
  static std::optional<StoredCredentials> Generate(HashAlg alg, Rng& rng, std::string_view password,
                                                   uint32_t iterations = kDefaultIterations,
                                                   size_t salt_size = kDefaultSaltSize);

  // Serialize returns the text form above; nullopt when !IsWellFormed().
  std::optional<SecretString> Serialize() const;
  // Parse reads the text form strictly (mechanism must be MechanismName(alg), no whitespace,
  // nothing left over, IsWellFormed()); nullopt otherwise.
  static std::optional<StoredCredentials> Parse(HashAlg alg, std::string_view text);
};

}  // namespace e2esasl::scram

#endif  // E2ESASL_SCRAM_KEY_SCHEDULE_H_
