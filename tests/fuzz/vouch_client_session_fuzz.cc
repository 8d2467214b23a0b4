// vouch_client_session_fuzz: alice's VOUCH-ES256-PLUS client session fed the server's messages.
// The body is e2esasl::fuzz::FuzzVouchClientSession (tests/vouch/fuzz_entries.h, which lists its
// invariants); this file makes it a libFuzzer target (README.md, "Convention").
#include <cstddef>
#include <cstdint>

#include "vouch/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzVouchClientSession(data, size);
}
