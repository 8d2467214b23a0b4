// sas_transcript_fuzz: a real SAS-R255-PLUS client and server, the messages in flight edited.
// The body is e2esasl::fuzz::FuzzSasTranscript (tests/sas/fuzz_entries.h, which lists its
// invariants); this file makes it a libFuzzer target (README.md, "Convention").
#include <cstddef>
#include <cstdint>

#include "sas/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzSasTranscript(data, size);
}
