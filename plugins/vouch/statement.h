// statement.h: the VOUCH statement, a JWT (RFC 7519) signed with JWS ES256 (RFC 7515, RFC 7518
// section 3.4) by the user's home domain, saying "this device key belongs to this user".
//
// Protected header: {"alg":"ES256","kid":<issuer key id>,"typ":"vouch+jwt"} (RFC 8725 section
// 3.11: explicit typing, so no other JWT of the same issuer key passes as a statement).
// Claims (all required except nbf; others are ignored, RFC 7519 section 4):
//   iss        the issuer, a domain name (IsDomainName)
//   sub        the identity, "local@domain" with domain == iss (the issuer is authoritative only
//              for its own domain); no '/', at most kMaxSubjectSize bytes
//   device_id  the device's id, 1..kMaxDeviceIdSize printable ASCII characters
//   iat, exp   integers (Unix seconds), iat < exp, exp - iat <= the verifier's max lifetime
//   nbf        optional integer
//   cnf        RFC 7800: {"jwk": <the device's P-256 public JWK>} or {"jkt": <its RFC 7638
//              thumbprint>}, exactly one of the two
#ifndef E2ESASL_VOUCH_STATEMENT_H_
#define E2ESASL_VOUCH_STATEMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "vouch/jws.h"
#include "vouch/keys.h"
#include "vouch/trust_store.h"

namespace e2esasl::vouch {

inline constexpr std::string_view kStatementType = "vouch+jwt";
inline constexpr int64_t kDefaultLifetime = 3600;         // 1 hour
inline constexpr int64_t kDefaultMaxSkew = 60;            // seconds either way
inline constexpr int64_t kDefaultMaxLifetime = 86400;     // a verifier refuses longer statements
inline constexpr size_t kMaxStatementSize = kMaxJwsSize;  // 4096 bytes
inline constexpr size_t kMaxSubjectSize = 1024;
inline constexpr size_t kMaxDeviceIdSize = 128;

// Confirmation: the cnf claim. Exactly one of jwk and jkt is set.
struct Confirmation {
  std::optional<PublicKey> jwk;
  std::string jkt;  // set when cnf holds only the thumbprint

  // Thumbprint: the device key's RFC 7638 thumbprint (jkt, or jwk's).
  const std::string& Thumbprint() const { return jwk ? jwk->thumbprint() : jkt; }
};

struct Statement {
  std::string issuer;
  std::string subject;
  std::string device_id;
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> not_before;
  Confirmation cnf;
  std::string kid;    // the issuer key that signed it
  std::string token;  // the compact JWS as received or issued
};

struct IssueOptions {
  int64_t now = 0;                      // iat
  int64_t lifetime = kDefaultLifetime;  // exp = now + lifetime; 1 .. kDefaultMaxLifetime
  bool thumbprint_only = false;         // cnf {"jkt": ...} instead of {"jwk": ...}
};

// IssueStatement signs a statement for subject's device key with the domain's issuer_key
// (kid = the key's thumbprint). The issuer is the domain part of subject. kMalformed when
// subject, device_id or the lifetime is not acceptable (the same rules as VerifyStatement);
// kInternal when signing fails.
std::optional<Statement> IssueStatement(const PrivateKey& issuer_key, std::string_view subject,
                                        std::string_view device_id, const PublicKey& device_key,
                                        const IssueOptions& options, Failure* failure);

struct VerifyOptions {
  int64_t now = 0;
  int64_t max_skew = kDefaultMaxSkew;          // tolerated clock difference, >= 0
  int64_t max_lifetime = kDefaultMaxLifetime;  // exp - iat at most this
  // expected_subject: when not empty, sub must equal it (the identity the peer claims).
  std::string expected_subject;
  // use_cache: look the token up among the statements that verified before under the same
  // trust store keys, and keep it there when it verifies (see VerifyStatement).
  bool use_cache = true;
};

// VerifyStatement checks token and returns its claims. Every refusal has its own detail:
//   kMalformed  larger than kMaxStatementSize, not a compact JWS, bad base64url, malformed JSON,
//               a duplicated member, alg other than ES256, crit, typ other than vouch+jwt, no
//               kid, a claim missing or of the wrong type, a malformed cnf
//   kAuthFailed issuer not in the trust store, unknown key id, bad signature (a tampered
//               header or payload), sub not in iss's domain, sub not the expected identity,
//               expired, not yet valid (iat or nbf in the future beyond max_skew), a lifetime
//               beyond max_lifetime
// The signature is checked before any claim is believed.
//
// Cache (options.use_cache): a peer presents the same statement at every exchange until it
// expires, so the part of the checks that depends only on the token and the issuer keys (its
// form, the issuer's signature, the claims, iss's authority over sub) is done once per
// (token, trust.generation()) and kept, at most kVerifiedCacheSize tokens per process; what
// depends on the call (now and the skew, max_lifetime, expected_subject) is checked at every
// call. Only successes are kept; a refusal is recomputed each time with its own detail.
inline constexpr size_t kVerifiedCacheSize = 256;
std::optional<Statement> VerifyStatement(std::string_view token, const TrustStore& trust,
                                         const VerifyOptions& options, Failure* failure);

// ConfirmDeviceKey: RFC 7800 section 3 - key is the one the statement's cnf names (the same
// JWK, or the thumbprint jkt). kAuthFailed otherwise.
bool ConfirmDeviceKey(const Statement& statement, const PublicKey& key, Failure* failure);

// SubjectDomain returns the part of subject after its last '@', or empty when there is none.
std::string_view SubjectDomain(std::string_view subject);

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_STATEMENT_H_
