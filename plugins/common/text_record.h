// text_record.h: helpers for the small versioned text stores (SAS retained secrets, VOUCH key
// continuity): one record per line, fields separated by single spaces, times in Unix seconds.
#ifndef E2ESASL_COMMON_TEXT_RECORD_H_
#define E2ESASL_COMMON_TEXT_RECORD_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace e2esasl {

// SplitFields splits line at single spaces. Two spaces in a row, or a leading or trailing space,
// give an empty field (which every caller's field check then refuses). Never fails; the views
// point into line.
std::vector<std::string_view> SplitFields(std::string_view line);

// ParseUnixTime parses a non-negative decimal number of seconds: digits only, no sign, no
// leading zero (except "0" itself), at most 19 digits, within int64_t. False (and *out
// unspecified) otherwise.
[[nodiscard]] bool ParseUnixTime(std::string_view text, int64_t* out);

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_TEXT_RECORD_H_
