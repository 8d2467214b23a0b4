// saslname_fuzz: gs2::UnescapeSaslName and gs2::EscapeSaslName (plugins/common/gs2.h).
// Invariants: each value has exactly one escaped form, so Escape(Unescape(x)) == x when x is
// accepted, and Unescape(Escape(y)) == y when y is accepted; an unescaped name never contains
// NUL and is valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/gs2.h"
#include "common/utf8.h"
#include "fuzz_check.h"

using namespace e2esasl;  // NOLINT: fuzz target

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsStringView(fuzz::Input(data, size));

  std::optional<std::string> unescaped = gs2::UnescapeSaslName(text);
  if (unescaped) {
    FUZZ_CHECK(!unescaped->empty());
    FUZZ_CHECK(unescaped->find('\0') == std::string::npos);
    FUZZ_CHECK(utf8::IsValid(*unescaped));
    FUZZ_CHECK(text.size() <= gs2::kMaxSaslNameBytes);
    std::optional<std::string> escaped = gs2::EscapeSaslName(*unescaped);
    FUZZ_CHECK(escaped.has_value());
    FUZZ_CHECK(*escaped == text);
  }

  std::optional<std::string> escaped = gs2::EscapeSaslName(text);
  if (escaped) {
    FUZZ_CHECK(escaped->find(',') == std::string::npos);
    std::optional<std::string> back = gs2::UnescapeSaslName(*escaped);
    FUZZ_CHECK(back.has_value());
    FUZZ_CHECK(*back == text);
  }
  return 0;
}
