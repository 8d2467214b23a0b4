// keys.h: the P-256 keys of VOUCH-ES256-PLUS as JWKs (RFC 7517/7518 section 6.2): a domain's
// issuer key, a device's key, their public halves, RFC 7638 thumbprints, and the device's
// proof of possession (an ES256 JWS over given bytes).
//
// All JOSE and signature work is libjose's (latchset jose on OpenSSL); this file validates
// shapes and owns handles. Private keys are JSON objects in jansson: the "d" member is wiped in
// place before the object is freed.
#ifndef E2ESASL_VOUCH_KEYS_H_
#define E2ESASL_VOUCH_KEYS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/secret.h"
#include "common/status.h"
#include "vouch/json.h"

namespace e2esasl::vouch {

// kMaxKeyFileSize caps a private key file or a JWK text read from anywhere.
inline constexpr size_t kMaxJwkSize = 4096;
// kThumbprintSize: an RFC 7638 SHA-256 thumbprint in base64url (32 bytes -> 43 characters).
inline constexpr size_t kThumbprintSize = 43;

// Thumbprint returns the RFC 7638 SHA-256 thumbprint of any public or private JWK libjose knows
// (EC, RSA, oct, ...), base64url. nullopt when the JWK lacks a required member.
std::optional<std::string> Thumbprint(const json_t* jwk);

// IsThumbprint: 43 base64url characters (the shape of a SHA-256 thumbprint).
bool IsThumbprint(std::string_view text);

// kPublicPointSize: a P-256 point in SEC 1 uncompressed form, 0x04 || x || y.
inline constexpr size_t kPublicPointSize = 65;

// PublicKey: a P-256 public key as a JWK holding exactly kty "EC", crv "P-256", x and y (32
// bytes each, a point on the curve), with its OpenSSL key made once (es256.h). Copyable: copies
// share the OpenSSL key, which is only read (OpenSSL allows that from several threads).
class PublicKey {
 public:
  // FromJwk validates jwk (members alg "ES256", use "sig", kid and key_ops are allowed and
  // dropped; "d" or any other key type or curve is refused) and copies the public members.
  // kMalformed with the reason otherwise.
  static std::optional<PublicKey> FromJwk(const json_t* jwk, Failure* failure);
  // FromJson parses text (at most kMaxJwkSize bytes) and calls FromJwk.
  static std::optional<PublicKey> FromJson(std::string_view text, Failure* failure);

  PublicKey(const PublicKey& other);
  PublicKey& operator=(const PublicKey& other);
  PublicKey(PublicKey&&) noexcept = default;
  PublicKey& operator=(PublicKey&&) noexcept = default;

  const json_t* jwk() const { return jwk_.get(); }
  // thumbprint: RFC 7638 SHA-256 thumbprint (base64url), computed once.
  const std::string& thumbprint() const { return thumbprint_; }
  // point: 0x04 || x || y.
  ByteView point() const { return point_; }
  // pkey: the OpenSSL key, for es256.h.
  EVP_PKEY* pkey() const { return pkey_.get(); }
  // ToJson: the JWK, compact with sorted keys.
  std::string ToJson() const { return DumpJson(jwk_.get()); }

 private:
  PublicKey() = default;
  JsonPtr jwk_;
  std::string thumbprint_;
  std::array<uint8_t, kPublicPointSize> point_{};
  EvpPkeyPtr pkey_;
};

class PrivateKey;

// PublicJwks: the JWKS (RFC 7517 s5) a domain publishes for its issuer keys, {"keys": [...]},
// each the public JWK with "kid" (the thumbprint), "alg": "ES256", "use": "sig"; compact, sorted
// keys. Empty on an allocation failure.
std::string PublicJwks(const std::vector<const PrivateKey*>& keys);

// PrivateKey: a P-256 private key as a JWK (kty, crv, x, y, d, and kid = the thumbprint).
// Move-only; the destructor wipes "d".
class PrivateKey {
 public:
  // Generate makes a new key with libjose (OpenSSL's CSPRNG). kInternal on failure.
  static std::optional<PrivateKey> Generate(Failure* failure);
  // FromJson parses a private JWK (at most kMaxJwkSize bytes): EC, P-256, x, y, d (32 bytes)
  // with d matching x and y. A "kid", when present, must be the thumbprint. kMalformed
  // otherwise; the detail never contains key material.
  static std::optional<PrivateKey> FromJson(std::string_view text, Failure* failure);

  ~PrivateKey();
  PrivateKey(PrivateKey&&) noexcept = default;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;

  const json_t* jwk() const { return jwk_.get(); }
  const PublicKey& public_key() const { return public_; }
  // pkey: the OpenSSL private key, for es256.h (made once; OpenSSL clears the scalar it frees).
  EVP_PKEY* pkey() const { return pkey_.get(); }
  // kid: the key id, the public key's thumbprint.
  const std::string& kid() const { return public_.thumbprint(); }
  // ToJson: the private JWK (with "kid", "alg": "ES256", "use": "sig") in a wiped buffer.
  SecretString ToJson() const;

 private:
  PrivateKey(JsonPtr jwk, PublicKey pub, EvpPkeyPtr pkey)
      : jwk_(std::move(jwk)), public_(std::move(pub)), pkey_(std::move(pkey)) {}
  JsonPtr jwk_;
  PublicKey public_;
  EvpPkeyPtr pkey_;
};

// kDeviceProofHeader: the protected header of every device proof.
inline constexpr std::string_view kDeviceProofHeader = R"({"alg":"ES256"})";

// DeviceProofInput: the JWS signing input of a device proof over message,
// ASCII(base64url(kDeviceProofHeader) '.' base64url(message)) (RFC 7515 section 5.1).
std::string DeviceProofInput(ByteView message);

// SignWithDeviceKey proves possession of key over message: an RFC 7515 JWS with the protected
// header kDeviceProofHeader, the payload base64url(message) detached (Appendix F), so the result
// is "<header>..<signature>" in the compact form. nullopt (kInternal) when signing fails.
std::optional<std::string> SignWithDeviceKey(const PrivateKey& key, ByteView message,
                                             Failure* failure);

// VerifyDeviceSignature checks a SignWithDeviceKey result over message against key: kMalformed
// when proof does not have the form above, kAuthFailed when the signature does not verify.
bool VerifyDeviceSignature(const PublicKey& key, ByteView message, std::string_view proof,
                           Failure* failure);

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_KEYS_H_
