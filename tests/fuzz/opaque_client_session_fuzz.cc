// opaque_client_session_fuzz: a whole opaque::ClientSession fed server-first NUL server-final.
// The body is e2esasl::fuzz::FuzzOpaqueClientSession (tests/opaque/fuzz_entries.h, which lists its
// invariants); this file makes it a libFuzzer target (README.md, "Convention").
#include <cstddef>
#include <cstdint>

#include "opaque/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzOpaqueClientSession(data, size);
}
