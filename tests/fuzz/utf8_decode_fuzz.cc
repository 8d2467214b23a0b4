// utf8_decode_fuzz: utf8::Decode, utf8::IsValid and utf8::Encode (plugins/common/utf8.h).
// Invariants: Decode succeeds exactly when IsValid; on success every code point is a Unicode
// scalar value and Encode gives back the input byte for byte; on failure the output is empty.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/secret.h"
#include "common/utf8.h"
#include "fuzz_check.h"

using namespace e2esasl;  // NOLINT: fuzz target

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsStringView(fuzz::Input(data, size));
  std::vector<uint32_t, ZeroizingAllocator<uint32_t>> code_points;
  const bool ok = utf8::Decode(&code_points, text);
  FUZZ_CHECK(ok == utf8::IsValid(text));
  if (!ok) {
    FUZZ_CHECK(code_points.empty());
    return 0;
  }
  FUZZ_CHECK(code_points.size() <= text.size());
  for (uint32_t c : code_points) {
    FUZZ_CHECK(c <= utf8::kMaxCodePoint && (c < 0xd800 || c > 0xdfff));
  }
  SecretString encoded;
  FUZZ_CHECK(utf8::Encode(&encoded, code_points));
  FUZZ_CHECK(encoded.view() == text);
  return 0;
}
