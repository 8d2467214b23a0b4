// saslprep_fuzz: SaslPrep (plugins/common/saslprep.h, libidn's SASLprep profile) in both modes.
// Invariants: the output is valid UTF-8 without NUL; a "stored string" that is accepted is also
// accepted as a "query" with the same result (the modes differ only in refusing unassigned code
// points); input above kMaxSaslPrepInputBytes or invalid UTF-8 is refused.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.h"
#include "common/saslprep.h"
#include "common/secret.h"
#include "common/utf8.h"
#include "fuzz_check.h"

using namespace e2esasl;  // NOLINT: fuzz target

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsStringView(fuzz::Input(data, size));
  std::optional<SecretString> query = SaslPrep(text, SaslPrepMode::kQuery);
  std::optional<SecretString> stored = SaslPrep(text, SaslPrepMode::kStored);
  if (text.size() > kMaxSaslPrepInputBytes || !utf8::IsValid(text)) {
    FUZZ_CHECK(!query.has_value() && !stored.has_value());
    return 0;
  }
  if (query) {
    FUZZ_CHECK(utf8::IsValid(query->view()));
    FUZZ_CHECK(query->view().find('\0') == std::string_view::npos);
  }
  if (stored) {
    FUZZ_CHECK(query.has_value());
    FUZZ_CHECK(stored->view() == query->view());
  }
  return 0;
}
