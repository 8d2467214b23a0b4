// vouch_transcript_fuzz: a real VOUCH-ES256-PLUS client and server, the messages in flight edited.
// The body is e2esasl::fuzz::FuzzVouchTranscript (tests/vouch/fuzz_entries.h, which lists its
// invariants); this file makes it a libFuzzer target (README.md, "Convention").
#include <cstddef>
#include <cstdint>

#include "vouch/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzVouchTranscript(data, size);
}
