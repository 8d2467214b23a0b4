// vouch_messages_fuzz: the VOUCH-ES256-PLUS messages (client-first, server-first, client-final).
// The body is e2esasl::fuzz::FuzzVouchMessages (tests/vouch/fuzz_entries.h, which lists its
// invariants); this file makes it a libFuzzer target (README.md, "Convention").
#include <cstddef>
#include <cstdint>

#include "vouch/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzVouchMessages(data, size);
}
