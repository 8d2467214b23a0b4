// statement.cc: see statement.h.
#include "vouch/statement.h"

#include <memory>
#include <utility>

#include "common/ct.h"
#include "vouch/jws.h"
#include "vouch/stamped_cache.h"

namespace e2esasl::vouch {
namespace {

bool Malformed(Failure* failure, const std::string& why) {
  Fail(failure, Status::kMalformed, "statement: " + why);
  return false;
}

bool Refused(Failure* failure, const std::string& why) {
  Fail(failure, Status::kAuthFailed, "statement: " + why);
  return false;
}

bool IsPrintable(std::string_view text) {
  for (const char c : text) {
    if (c < 0x21 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

bool CheckSubject(std::string_view subject, Failure* failure) {
  if (subject.empty() || subject.size() > kMaxSubjectSize ||
      subject.find('/') != std::string_view::npos || subject.find('\0') != std::string_view::npos) {
    return Malformed(failure, "sub must be a bare identity of 1 to " +
                                  std::to_string(kMaxSubjectSize) + " bytes (no '/')");
  }
  const size_t at = subject.rfind('@');
  if (at == 0 || at == std::string_view::npos || !IsDomainName(subject.substr(at + 1))) {
    return Malformed(failure, "sub must be local@domain with a lower-case domain name");
  }
  return true;
}

bool CheckDeviceId(std::string_view device_id, Failure* failure) {
  if (device_id.empty() || device_id.size() > kMaxDeviceIdSize || !IsPrintable(device_id)) {
    return Malformed(failure, "device_id must be 1 to " + std::to_string(kMaxDeviceIdSize) +
                                  " printable ASCII characters");
  }
  return true;
}

bool GetString(const json_t* claims, const char* name, std::string* out, Failure* failure) {
  const json_t* value = json_object_get(claims, name);
  if (value == nullptr) {
    return Malformed(failure, std::string("no ") + name + " claim");
  }
  if (!json_is_string(value)) {
    return Malformed(failure, std::string(name) + " is not a string");
  }
  out->assign(json_string_value(value), json_string_length(value));
  return true;
}

bool GetTime(const json_t* claims, const char* name, int64_t* out, Failure* failure) {
  const json_t* value = json_object_get(claims, name);
  if (value == nullptr) {
    return Malformed(failure, std::string("no ") + name + " claim");
  }
  // RFC 7519 section 2 NumericDate; non-integer values are refused here.
  if (!json_is_integer(value) || json_integer_value(value) < 0) {
    return Malformed(failure, std::string(name) + " is not a non-negative integer");
  }
  *out = json_integer_value(value);
  return true;
}

bool ParseConfirmation(const json_t* claims, Confirmation* out, Failure* failure) {
  const json_t* cnf = json_object_get(claims, "cnf");
  if (cnf == nullptr) {
    return Malformed(failure, "no cnf claim");
  }
  if (!json_is_object(cnf)) {
    return Malformed(failure, "cnf is not an object");
  }
  const json_t* jwk = json_object_get(cnf, "jwk");
  const json_t* jkt = json_object_get(cnf, "jkt");
  if ((jwk == nullptr) == (jkt == nullptr) || json_object_size(cnf) != 1) {
    return Malformed(failure, "cnf must hold exactly one of jwk and jkt");
  }
  if (jwk != nullptr) {
    Failure key_failure;
    out->jwk = PublicKey::FromJwk(jwk, &key_failure);
    if (!out->jwk) {
      return Malformed(failure, "cnf: " + key_failure.detail);
    }
    return true;
  }
  if (!json_is_string(jkt) ||
      !IsThumbprint(std::string_view(json_string_value(jkt), json_string_length(jkt)))) {
    return Malformed(failure, "cnf: jkt must be a SHA-256 thumbprint (43 base64url characters)");
  }
  out->jkt = json_string_value(jkt);
  return true;
}

}  // namespace

std::string_view SubjectDomain(std::string_view subject) {
  const size_t at = subject.rfind('@');
  return at == std::string_view::npos ? std::string_view() : subject.substr(at + 1);
}

std::optional<Statement> IssueStatement(const PrivateKey& issuer_key, std::string_view subject,
                                        std::string_view device_id, const PublicKey& device_key,
                                        const IssueOptions& options, Failure* failure) {
  if (!CheckSubject(subject, failure) || !CheckDeviceId(device_id, failure)) {
    return std::nullopt;
  }
  if (options.lifetime < 1 || options.lifetime > kDefaultMaxLifetime || options.now < 0) {
    Malformed(failure,
              "the lifetime must be 1 to " + std::to_string(kDefaultMaxLifetime) + " seconds");
    return std::nullopt;
  }
  Statement statement;
  statement.issuer = std::string(SubjectDomain(subject));
  statement.subject = std::string(subject);
  statement.device_id = std::string(device_id);
  statement.issued_at = options.now;
  statement.expires_at = options.now + options.lifetime;
  statement.kid = issuer_key.kid();
  JsonPtr cnf;
  if (options.thumbprint_only) {
    statement.cnf.jkt = device_key.thumbprint();
    cnf.reset(json_pack("{s:s}", "jkt", statement.cnf.jkt.c_str()));
  } else {
    statement.cnf.jwk = device_key;
    cnf.reset(json_pack("{s:O}", "jwk", device_key.jwk()));
  }
  JsonPtr header(json_pack("{s:s,s:s,s:s%}", "alg", "ES256", "kid", statement.kid.c_str(), "typ",
                           kStatementType.data(), kStatementType.size()));
  JsonPtr claims(json_pack("{s:s%,s:s%,s:s%,s:I,s:I,s:O}", "iss", statement.issuer.data(),
                           statement.issuer.size(), "sub", statement.subject.data(),
                           statement.subject.size(), "device_id", statement.device_id.data(),
                           statement.device_id.size(), "iat",
                           static_cast<json_int_t>(statement.issued_at), "exp",
                           static_cast<json_int_t>(statement.expires_at), "cnf", cnf.get()));
  if (!cnf || !header || !claims) {
    Fail(failure, Status::kInternal, "statement: out of memory");
    return std::nullopt;
  }
  const std::string payload = DumpJson(claims.get());
  std::optional<std::string> token =
      SignEs256(issuer_key, header.get(), AsBytes(payload), /*detached=*/false, failure);
  if (!token) {
    return std::nullopt;
  }
  if (token->size() > kMaxStatementSize) {
    Malformed(failure, "larger than " + std::to_string(kMaxStatementSize) + " bytes");
    return std::nullopt;
  }
  statement.token = std::move(*token);
  return statement;
}

namespace {

// VerifySigned: the checks that depend on the token and the issuer keys only.
std::optional<Statement> VerifySigned(std::string_view token, const TrustStore& trust,
                                      Failure* failure) {
  if (token.size() > kMaxStatementSize) {
    Malformed(failure, "larger than " + std::to_string(kMaxStatementSize) + " bytes");
    return std::nullopt;
  }
  Failure jws_failure;
  std::optional<CompactJws> jws = ParseCompactJws(token, &jws_failure);
  if (!jws) {
    Malformed(failure, jws_failure.detail);
    return std::nullopt;
  }
  const std::optional<std::string_view> typ = StringMember(jws->header.get(), "typ");
  if (!typ || *typ != kStatementType) {
    Malformed(failure, "typ must be \"vouch+jwt\"");
    return std::nullopt;
  }
  const std::optional<std::string_view> kid = StringMember(jws->header.get(), "kid");
  if (!kid || kid->empty() || kid->size() > 256) {
    Malformed(failure, "the header has no kid");
    return std::nullopt;
  }
  // The payload's claims are read now only to find the issuer; nothing is believed before the
  // signature verifies.
  const std::optional<Bytes> payload = Base64UrlDecode(jws->payload_b64, kMaxStatementSize);
  if (!payload) {
    Malformed(failure, "the payload is not valid base64url");
    return std::nullopt;
  }
  std::string why;
  JsonPtr claims = ParseJsonObject(AsStringView(*payload), &why);
  if (!claims) {
    Malformed(failure, "claims: " + why);
    return std::nullopt;
  }
  Statement statement;
  statement.token = std::string(token);
  statement.kid = std::string(*kid);
  if (!GetString(claims.get(), "iss", &statement.issuer, failure)) {
    return std::nullopt;
  }
  if (!IsDomainName(statement.issuer)) {
    Malformed(failure, "iss is not a lower-case domain name");
    return std::nullopt;
  }
  if (!trust.HasDomain(statement.issuer)) {
    Refused(failure, "issuer " + statement.issuer + " is not in the trust store");
    return std::nullopt;
  }
  const PublicKey* issuer_key = trust.Find(statement.issuer, statement.kid);
  if (issuer_key == nullptr) {
    Refused(failure, "unknown key id for issuer " + statement.issuer);
    return std::nullopt;
  }
  Failure signature;
  if (!VerifyEs256(*jws, *issuer_key, nullptr, &signature)) {
    Fail(failure, signature.status,
         signature.status == Status::kAuthFailed
             ? "statement: the issuer's signature does not verify (tampered or forged)"
             : "statement: " + signature.detail);
    return std::nullopt;
  }
  if (!GetString(claims.get(), "sub", &statement.subject, failure) ||
      !CheckSubject(statement.subject, failure) ||
      !GetString(claims.get(), "device_id", &statement.device_id, failure) ||
      !CheckDeviceId(statement.device_id, failure) ||
      !GetTime(claims.get(), "iat", &statement.issued_at, failure) ||
      !GetTime(claims.get(), "exp", &statement.expires_at, failure) ||
      !ParseConfirmation(claims.get(), &statement.cnf, failure)) {
    return std::nullopt;
  }
  if (json_object_get(claims.get(), "nbf") != nullptr) {
    int64_t nbf = 0;
    if (!GetTime(claims.get(), "nbf", &nbf, failure)) {
      return std::nullopt;
    }
    statement.not_before = nbf;
  }
  // The issuer vouches only for identities of its own domain.
  if (SubjectDomain(statement.subject) != statement.issuer) {
    Refused(failure, "issuer " + statement.issuer + " is not authoritative for the domain of sub");
    return std::nullopt;
  }
  return statement;
}

// CheckValidity: the checks that depend on the call.
bool CheckValidity(const Statement& statement, const VerifyOptions& options, Failure* failure) {
  if (!options.expected_subject.empty() && statement.subject != options.expected_subject) {
    Refused(failure, "sub is not the expected identity");
    return false;
  }
  const int64_t skew = options.max_skew < 0 ? 0 : options.max_skew;
  if (statement.expires_at <= statement.issued_at) {
    Refused(failure, "exp is not after iat");
    return false;
  }
  if (statement.expires_at - statement.issued_at > options.max_lifetime) {
    Refused(failure, "valid for longer than " + std::to_string(options.max_lifetime) + " seconds");
    return false;
  }
  // RFC 7519 section 4.1.4: exp - the statement must not be accepted on or after it.
  if (options.now - skew >= statement.expires_at) {
    Refused(failure, "expired");
    return false;
  }
  if (statement.issued_at > options.now + skew ||
      (statement.not_before && *statement.not_before > options.now + skew)) {
    Refused(failure, "not yet valid (iat or nbf in the future beyond the allowed clock skew)");
    return false;
  }
  return true;
}

// Verified: statements that passed VerifySigned, by token and trust store generation.
StampedCache<uint64_t, Statement>& Verified() {
  static StampedCache<uint64_t, Statement> cache(kVerifiedCacheSize);  // destroyed at unload/exit
  return cache;
}

}  // namespace

std::optional<Statement> VerifyStatement(std::string_view token, const TrustStore& trust,
                                         const VerifyOptions& options, Failure* failure) {
  std::shared_ptr<const Statement> signed_statement =
      options.use_cache ? Verified().Find(token, trust.generation()) : nullptr;
  if (!signed_statement) {
    std::optional<Statement> fresh = VerifySigned(token, trust, failure);
    if (!fresh) {
      return std::nullopt;
    }
    signed_statement = std::make_shared<const Statement>(std::move(*fresh));
    if (options.use_cache) {
      Verified().Keep(signed_statement->token, trust.generation(), signed_statement);
    }
  }
  if (!CheckValidity(*signed_statement, options, failure)) {
    return std::nullopt;
  }
  return *signed_statement;
}

bool ConfirmDeviceKey(const Statement& statement, const PublicKey& key, Failure* failure) {
  const std::string& expected = statement.cnf.Thumbprint();
  if (expected.size() != key.thumbprint().size() ||
      !CtEqual(AsBytes(expected), AsBytes(key.thumbprint()))) {
    return Refused(failure, "the device key is not the one cnf names");
  }
  return true;
}

}  // namespace e2esasl::vouch
