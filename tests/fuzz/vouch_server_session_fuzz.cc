// vouch_server_session_fuzz: bob's VOUCH-ES256-PLUS server session fed the client's messages.
// The body is e2esasl::fuzz::FuzzVouchServerSession (tests/vouch/fuzz_entries.h, which lists its
// invariants); this file makes it a libFuzzer target (README.md, "Convention").
#include <cstddef>
#include <cstdint>

#include "vouch/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzVouchServerSession(data, size);
}
