// base64_decode_fuzz: Base64Decode and Base64DecodeSecret (plugins/common/base64.h).
// Invariants: only canonical text decodes, so Base64Encode(Base64Decode(text)) == text; both
// decoders agree; the size cap is exact (a value that fits decodes, a larger one is refused).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base64.h"
#include "common/bytes.h"
#include "common/secret.h"
#include "fuzz_check.h"

using namespace e2esasl;  // NOLINT: fuzz target

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsStringView(fuzz::Input(data, size));
  std::optional<Bytes> decoded = Base64Decode(text, text.size());
  std::optional<SecretBytes> secret = Base64DecodeSecret(text, text.size());
  FUZZ_CHECK(decoded.has_value() == secret.has_value());
  if (!decoded) {
    FUZZ_CHECK(!Base64Decode(text, Base64EncodedSize(text.size())).has_value());
    return 0;
  }
  FUZZ_CHECK(std::equal(decoded->begin(), decoded->end(), secret->begin(), secret->end()));
  FUZZ_CHECK(Base64EncodedSize(decoded->size()) == text.size());
  FUZZ_CHECK(Base64Encode(*decoded) == text);

  // The cap: exactly the decoded size passes, one byte less is refused.
  FUZZ_CHECK(Base64Decode(text, decoded->size()) == decoded);
  if (!decoded->empty()) {
    FUZZ_CHECK(!Base64Decode(text, decoded->size() - 1).has_value());
  }
  return 0;
}
