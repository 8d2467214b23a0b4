// utf8.h: strict UTF-8 (RFC 3629) validation, decoding and encoding, for SASLprep and the
// saslname / authzid checks of the GS2 header.
#ifndef E2ESASL_COMMON_UTF8_H_
#define E2ESASL_COMMON_UTF8_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/secret.h"

namespace e2esasl::utf8 {

// kMaxCodePoint is the largest Unicode scalar value.
inline constexpr uint32_t kMaxCodePoint = 0x10ffff;

// IsValid returns true when text is well-formed UTF-8 (RFC 3629 s4): no overlong forms, no
// surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence. NUL (U+0000) is
// well-formed; callers that forbid it check separately.
bool IsValid(std::string_view text);

// Decode appends the code points of text to *out and returns true; on invalid UTF-8 it returns
// false and *out is wiped and cleared. *out is wiped storage because the text may be a password.
bool Decode(std::vector<uint32_t, ZeroizingAllocator<uint32_t>>* out, std::string_view text);

// Encode appends the UTF-8 encoding of the code points to *out and returns true; returns false
// and clears *out if a value is a surrogate or above kMaxCodePoint.
bool Encode(SecretString* out, std::span<const uint32_t> code_points);

}  // namespace e2esasl::utf8

#endif  // E2ESASL_COMMON_UTF8_H_
