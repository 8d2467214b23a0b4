// es256.h: the ECDSA P-256 SHA-256 step of JWS ES256 (RFC 7518 section 3.4) with OpenSSL keys
// made once and kept (keys.h: every PublicKey and PrivateKey holds its EVP_PKEY).
//
// Why not libjose here: libjose's JWS calls take the key as a JWK and turn it into an OpenSSL
// key at every call (a new EC_GROUP each time, ~25 us), which made an authentication cost ~5x
// its two verifications and one signature (docs/performance.md). What stays libjose's: key
// generation, RFC 7638 thumbprints, base64url, the private JWK's conversion (once, at load).
// The JWS structure (compact form, the strict protected header) is jws.cc's; this file only
// turns R || S into OpenSSL's ECDSA_SIG and back, and calls EVP_DigestSign / EVP_DigestVerify.
// tests/vouch/statement_test.cc checks both directions against libjose's jose_jws_sig /
// jose_jws_ver on random keys and messages, and RFC 7515 A.3 as a known answer.
#ifndef E2ESASL_VOUCH_ES256_H_
#define E2ESASL_VOUCH_ES256_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.h"
#include "vouch/json.h"

namespace e2esasl::vouch {

// kEs256SignatureSize: R || S, 32 bytes each.
inline constexpr size_t kEs256SignatureSize = 64;
using Es256Signature = std::array<uint8_t, kEs256SignatureSize>;

// NewP256PublicKey makes an OpenSSL key of the SEC 1 uncompressed point 0x04 || x || y (65 bytes).
// Null unless the point is on P-256: OpenSSL decodes it with EC_POINT_oct2point, which refuses
// coordinates >= p and points off the curve; the one-byte point at infinity is refused here by
// length. That is SP 800-56A rev. 3 section 5.6.2.3.3's full validation but for its last step,
// n * Q = O, which holds for every point on the curve since P-256's cofactor is 1.
EvpPkeyPtr NewP256PublicKey(ByteView point);

// Es256Verify: true when signature (R || S) is a valid ECDSA P-256 SHA-256 signature by key over
// signing_input. False for any other signature, a wrong length or an OpenSSL failure.
bool Es256Verify(EVP_PKEY* key, std::string_view signing_input, ByteView signature);

// Es256Sign signs signing_input with the private key (OpenSSL's CSPRNG picks the nonce). nullopt
// when OpenSSL fails.
std::optional<Es256Signature> Es256Sign(EVP_PKEY* key, std::string_view signing_input);

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_ES256_H_
