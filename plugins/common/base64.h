// base64.h: strict RFC 4648 section 4 base64 (standard alphabet, with padding), as every SASL
// attribute carrying binary data uses it; and section 5 base64url without padding (JOSE).
#ifndef E2ESASL_COMMON_BASE64_H_
#define E2ESASL_COMMON_BASE64_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/secret.h"

namespace e2esasl {

// Base64EncodedSize returns the length of the encoding of n bytes (4 * ceil(n / 3)).
constexpr size_t Base64EncodedSize(size_t n) {
  return ((n + 2) / 3) * 4;
}

// Base64Encode returns the padded standard-alphabet encoding of data. Never fails (apart from
// std::bad_alloc).
std::string Base64Encode(ByteView data);

// Base64Decode decodes text strictly: the length is a multiple of 4, only the standard alphabet
// A-Z a-z 0-9 + / is allowed, "=" only as one or two final padding characters, no whitespace or
// line breaks, and the unused bits before the padding must be zero (one canonical encoding per
// value). Returns nullopt on any violation, or when the decoded data would exceed
// max_decoded_size bytes (checked before decoding, from the input length). The character
// decoding does not branch on the characters' values, so it may decode secrets (stored keys).
std::optional<Bytes> Base64Decode(std::string_view text, size_t max_decoded_size);

// Base64UrlEncode: RFC 4648 section 5 (the URL and file name safe alphabet, "-" and "_") without
// padding, as JOSE uses it (RFC 7515 section 2).
std::string Base64UrlEncode(ByteView data);

// Base64UrlDecode decodes Base64UrlEncode's form as strictly as Base64Decode: only that alphabet,
// no padding, no whitespace, a length that is not 1 modulo 4, zero unused bits (one encoding
// per value), at most max_decoded_size bytes (checked from the length first); constant time in
// the characters' values.
std::optional<Bytes> Base64UrlDecode(std::string_view text, size_t max_decoded_size);

// Base64DecodeSecret is Base64Decode into a wiped buffer (stored verifiers, keys).
std::optional<SecretBytes> Base64DecodeSecret(std::string_view text, size_t max_decoded_size);

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_BASE64_H_
