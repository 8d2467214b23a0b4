// sas_messages_fuzz: the five SAS-R255-PLUS message parsers (first byte picks one).
// The body is e2esasl::fuzz::FuzzSasMessages (tests/sas/fuzz_entries.h, which lists its
// invariants); this file makes it a libFuzzer target (README.md, "Convention").
#include <cstddef>
#include <cstdint>

#include "sas/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzSasMessages(data, size);
}
