// saslprep.cc: RFC 4013 through libidn's stringprep_4i, on buffers we own and wipe.
#include "common/saslprep.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <stringprep.h>

#include "common/utf8.h"

namespace e2esasl {
namespace {

using CodePoints = std::vector<uint32_t, ZeroizingAllocator<uint32_t>>;

// NFKC expands one code point to at most 18 (U+FDFA); the other SASLprep steps never grow the
// string. So this capacity always suffices; smaller ones are tried first.
constexpr size_t kMaxExpansion = 18;

}  // namespace

std::optional<SecretString> SaslPrep(std::string_view in, SaslPrepMode mode) {
  // U+0000 is prohibited (RFC 3454 C.2.1); check it here since libidn's tables treat 0 as a
  // terminator.
  if (in.size() > kMaxSaslPrepInputBytes || in.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  CodePoints input;
  input.reserve(in.size());
  if (!utf8::Decode(&input, in)) {
    return std::nullopt;
  }
  const Stringprep_profile_flags flags =
      (mode == SaslPrepMode::kStored) ? STRINGPREP_NO_UNASSIGNED : Stringprep_profile_flags{};
  size_t capacity = input.size() * 2 + 8;
  const size_t max_capacity = input.size() * kMaxExpansion + 8;
  for (;;) {
    CodePoints work(capacity, 0);
    std::copy(input.begin(), input.end(), work.begin());
    size_t length = input.size();
    const int rc = stringprep_4i(work.data(), &length, work.size(), flags, stringprep_saslprep);
    if (rc == STRINGPREP_OK) {
      SecretString out;
      if (length > work.size() ||
          !utf8::Encode(&out, std::span<const uint32_t>(work.data(), length))) {
        return std::nullopt;
      }
      return out;
    }
    if (rc != STRINGPREP_TOO_SMALL_BUFFER || capacity >= max_capacity) {
      return std::nullopt;  // prohibited, unassigned, bidi, NFKC or allocation failure
    }
    capacity = std::min(capacity * 2, max_capacity);
  }
}

}  // namespace e2esasl
