// vouch_continuity_fuzz: the key-continuity store's text (plugins/vouch/continuity.h).
// Invariant: an accepted file serializes back to exactly its text (the format has one spelling).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "vouch/continuity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace vouch = e2esasl::vouch;
  const std::string_view text = e2esasl::AsStringView(e2esasl::fuzz::Input(data, size));
  e2esasl::Failure failure;
  std::optional<vouch::ContinuityFile> file = vouch::ParseContinuity(text, &failure);
  if (file) {
    FUZZ_CHECK(vouch::SerializeContinuity(*file) == text);
  } else {
    FUZZ_CHECK(failure.detail.rfind("line ", 0) == 0);
  }
  return 0;
}
