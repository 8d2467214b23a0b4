// jws.h: JWS (RFC 7515) in the compact serialization, ES256 only (RFC 7518 section 3.4).
//
// The compact form is split at its two dots here; base64url is libjose's, the ECDSA P-256
// step is OpenSSL's with the key made once (es256.h explains why not libjose's JWS calls). The
// protected header is read first, strictly: "alg" must be "ES256" (no "none", no HS*, no RS*,
// no other curve); "crit" is refused (this code understands no extension, RFC 7515 section
// 4.1.11); "b64" (RFC 7797) is refused; other members are left to the caller.
#ifndef E2ESASL_VOUCH_JWS_H_
#define E2ESASL_VOUCH_JWS_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"
#include "vouch/json.h"
#include "vouch/keys.h"

namespace e2esasl::vouch {

// kMaxJwsSize caps any compact JWS handed to this file (statements, device proofs).
inline constexpr size_t kMaxJwsSize = 4096;

// CompactJws: the three parts of a compact JWS, still encoded, and the decoded header.
struct CompactJws {
  std::string_view header_b64;
  std::string_view payload_b64;
  std::string_view signature_b64;
  JsonPtr header;  // the protected header, checked as above
};

// ParseCompactJws splits text (at most kMaxJwsSize bytes) into three base64url parts and
// checks the protected header (kMalformed with the reason: "alg RS256 is not allowed (ES256
// only)", "crit is not supported", ...). The views point into text.
std::optional<CompactJws> ParseCompactJws(std::string_view text, Failure* failure);

// VerifyEs256 checks jws's signature with key, over payload_b64 or, when detached is
// given, over base64url(*detached) with an empty payload part required. kAuthFailed when the
// signature does not verify.
bool VerifyEs256(const CompactJws& jws, const PublicKey& key, const ByteView* detached,
                 Failure* failure);

// SignEs256 returns the compact JWS of payload under header (a JSON object that must hold
// "alg": "ES256") signed by key; detached leaves the payload part empty (RFC 7515 Appendix F).
// kInternal on failure.
std::optional<std::string> SignEs256(const PrivateKey& key, const json_t* header, ByteView payload,
                                     bool detached, Failure* failure);

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_JWS_H_
