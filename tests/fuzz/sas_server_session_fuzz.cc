// sas_server_session_fuzz: a whole sas::ServerSession fed NUL-separated client messages.
// The body is e2esasl::fuzz::FuzzSasServerSession (tests/sas/fuzz_entries.h, which lists its
// invariants); this file makes it a libFuzzer target (README.md, "Convention").
#include <cstddef>
#include <cstdint>

#include "sas/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzSasServerSession(data, size);
}
