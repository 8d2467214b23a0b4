// sas_retained_fuzz: SAS-R255-PLUS's retained-secret store text (plugins/sas/retained.h).
// Invariants: an accepted file serializes back to exactly its text (the format has one
// spelling); a refused one fails with kMalformed and a "line N: " detail.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "sas/retained.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sas = e2esasl::sas;
  const std::string_view text = e2esasl::AsStringView(e2esasl::fuzz::Input(data, size));
  e2esasl::Failure failure;
  std::optional<sas::RetainedFile> file = sas::ParseRetained(text, &failure);
  if (file) {
    FUZZ_CHECK(sas::SerializeRetained(*file).view() == text);
  } else {
    FUZZ_CHECK(failure.status == e2esasl::Status::kMalformed);
    FUZZ_CHECK(failure.detail.rfind("line ", 0) == 0);
  }
  return 0;
}
