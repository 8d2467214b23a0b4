// tls_credentials.h: self-signed server certificates made at test time with OpenSSL, as PEM and
// DER so both OpenSSL and GnuTLS can load them. Nothing is read from or written to disk.
#ifndef E2ESASL_TESTS_SUPPORT_TLS_CREDENTIALS_H_
#define E2ESASL_TESTS_SUPPORT_TLS_CREDENTIALS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace e2esasl::testing {

using Bytes = std::vector<uint8_t>;

// CertKind is a server key type together with the hash of the certificate's self-signature.
enum class CertKind {
  kRsaSha256,     // RSA 2048, sha256WithRSAEncryption
  kRsaSha1,       // RSA 2048, sha1WithRSAEncryption
  kRsaPssSha384,  // RSA 2048 (rsaEncryption key), RSASSA-PSS signature, SHA-384, MGF1-SHA-384
  kEcdsaP384,     // EC P-384, ecdsa-with-SHA384
  kEd25519,       // Ed25519 (pure EdDSA, no separate hash)
};

inline constexpr std::array<CertKind, 5> kAllCertKinds = {CertKind::kRsaSha256, CertKind::kRsaSha1,
                                                          CertKind::kRsaPssSha384,
                                                          CertKind::kEcdsaP384, CertKind::kEd25519};

// CertKindName returns a short stable name, e.g. "rsa-sha256", "ecdsa-p384", "ed25519".
std::string_view CertKindName(CertKind kind);

// ServerCredentials is a private key and its self-signed certificate.
struct ServerCredentials {
  CertKind kind;
  std::string common_name;
  std::string key_pem;   // PKCS#8 "PRIVATE KEY"
  std::string cert_pem;  // "CERTIFICATE"
  Bytes key_der;         // PKCS#8 DER
  Bytes cert_der;        // X.509 DER: the bytes tls-server-end-point hashes
};

// DefaultServerCredentials returns this process's credentials of the given kind, made on first
// use (thread-safe) and kept until exit. Throws std::runtime_error if OpenSSL fails.
const ServerCredentials& DefaultServerCredentials(CertKind kind);

// MakeServerCredentials makes a new self-signed certificate (random serial, so a new DER every
// call) for common_name. key_slot picks the key: each (key type, slot) pair is generated once per
// process and cached, because RSA key generation is slow under sanitizers; slot 0 is the key of
// DefaultServerCredentials. The RSA kinds share the RSA key of a slot. Throws std::runtime_error.
ServerCredentials MakeServerCredentials(CertKind kind, std::string_view common_name,
                                        int key_slot = 0);

}  // namespace e2esasl::testing

#endif  // E2ESASL_TESTS_SUPPORT_TLS_CREDENTIALS_H_
