// jws.cc: see jws.h.
#include "vouch/jws.h"

#include <utility>

#include "vouch/es256.h"

namespace e2esasl::vouch {
namespace {

// A JSON header or payload is at most the size of the whole JWS.
constexpr size_t kMaxDecodedPart = kMaxJwsSize;

bool Malformed(Failure* failure, const std::string& why) {
  Fail(failure, Status::kMalformed, why);
  return false;
}

bool IsBase64Url(std::string_view text) {
  for (const char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// CheckHeader: RFC 7515 section 4.1.1 (alg), 4.1.11 (crit), RFC 7797 (b64).
bool CheckHeader(const json_t* header, Failure* failure) {
  const json_t* alg = json_object_get(header, "alg");
  if (alg == nullptr) {
    return Malformed(failure, "JWS header: no alg");
  }
  if (!json_is_string(alg)) {
    return Malformed(failure, "JWS header: alg is not a string");
  }
  const std::string_view name(json_string_value(alg), json_string_length(alg));
  if (name != "ES256") {
    // Printed only when short and printable: it comes from the peer.
    const bool printable = name.size() <= 16 && IsBase64Url(name);
    return Malformed(failure, "JWS header: alg " +
                                  (printable ? std::string(name) : "(unprintable)") +
                                  " is not allowed (ES256 only)");
  }
  if (json_object_get(header, "crit") != nullptr) {
    return Malformed(failure, "JWS header: crit is not supported (no extension is understood)");
  }
  if (json_object_get(header, "b64") != nullptr) {
    return Malformed(failure, "JWS header: b64 (RFC 7797) is not supported");
  }
  return true;
}

}  // namespace

std::optional<CompactJws> ParseCompactJws(std::string_view text, Failure* failure) {
  if (text.size() > kMaxJwsSize) {
    Malformed(failure, "JWS: larger than " + std::to_string(kMaxJwsSize) + " bytes");
    return std::nullopt;
  }
  const size_t dot1 = text.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : text.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || text.find('.', dot2 + 1) != std::string_view::npos) {
    Malformed(failure, "JWS: the compact form has three parts separated by two dots");
    return std::nullopt;
  }
  CompactJws jws;
  jws.header_b64 = text.substr(0, dot1);
  jws.payload_b64 = text.substr(dot1 + 1, dot2 - dot1 - 1);
  jws.signature_b64 = text.substr(dot2 + 1);
  if (!IsBase64Url(jws.header_b64) || !IsBase64Url(jws.payload_b64) ||
      !IsBase64Url(jws.signature_b64)) {
    Malformed(failure, "JWS: a part is not base64url");
    return std::nullopt;
  }
  const std::optional<Bytes> header = Base64UrlDecode(jws.header_b64, kMaxDecodedPart);
  if (!header) {
    Malformed(failure, "JWS: the header is not valid base64url");
    return std::nullopt;
  }
  std::string why;
  jws.header = ParseJsonObject(AsStringView(*header), &why);
  if (!jws.header) {
    Malformed(failure, "JWS header: " + why);
    return std::nullopt;
  }
  if (!CheckHeader(jws.header.get(), failure)) {
    return std::nullopt;
  }
  // ES256 signatures are R || S, 32 bytes each (RFC 7518 section 3.4).
  const std::optional<Bytes> signature = Base64UrlDecode(jws.signature_b64, 64);
  if (!signature || signature->size() != 64) {
    Malformed(failure, "JWS: an ES256 signature is 64 bytes");
    return std::nullopt;
  }
  return jws;
}

bool VerifyEs256(const CompactJws& jws, const PublicKey& key, const ByteView* detached,
                 Failure* failure) {
  if (detached != nullptr && !jws.payload_b64.empty()) {
    return Malformed(failure, "JWS: a detached payload needs an empty payload part");
  }
  // RFC 7515 section 5.2 step 8: ECDSA P-256 SHA-256 over ASCII(header '.' payload), where the
  // payload of a detached JWS is base64url of the detached bytes (Appendix F).
  std::string input;
  input.reserve(jws.header_b64.size() + 1 + jws.payload_b64.size());
  input.append(jws.header_b64);
  input += '.';
  if (detached != nullptr) {
    input += Base64UrlEncode(*detached);
  } else {
    input.append(jws.payload_b64);
  }
  const std::optional<Bytes> signature = Base64UrlDecode(jws.signature_b64, kEs256SignatureSize);
  if (!signature || signature->size() != kEs256SignatureSize) {
    return Malformed(failure, "JWS: an ES256 signature is 64 bytes");
  }
  if (!Es256Verify(key.pkey(), input, *signature)) {
    Fail(failure, Status::kAuthFailed, "JWS: the signature does not verify");
    return false;
  }
  return true;
}

std::optional<std::string> SignEs256(const PrivateKey& key, const json_t* header, ByteView payload,
                                     bool detached, Failure* failure) {
  const std::optional<std::string_view> alg = StringMember(header, "alg");
  if (!alg || *alg != "ES256") {
    Fail(failure, Status::kInternal, "JWS: the header must say alg ES256");
    return std::nullopt;
  }
  // The protected header as we serialize it (sorted keys, compact), encoded once here so the
  // compact form carries exactly the bytes that were signed.
  const std::string header_json = DumpJson(header);
  if (header_json.empty()) {
    Fail(failure, Status::kInternal, "JWS: out of memory");
    return std::nullopt;
  }
  const std::string payload_b64 = Base64UrlEncode(payload);
  std::string out = Base64UrlEncode(AsBytes(header_json));
  out += '.';
  out += payload_b64;
  // RFC 7515 section 5.1 step 5: the signature over ASCII(header '.' payload).
  const std::optional<Es256Signature> signature = Es256Sign(key.pkey(), out);
  if (!signature) {
    Fail(failure, Status::kInternal, "JWS: signing failed");
    return std::nullopt;
  }
  if (detached) {
    out.resize(out.size() - payload_b64.size());
  }
  out += '.';
  out += Base64UrlEncode(*signature);
  return out;
}

}  // namespace e2esasl::vouch
