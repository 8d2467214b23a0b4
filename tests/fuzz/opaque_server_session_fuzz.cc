// opaque_server_session_fuzz: a whole opaque::ServerSession fed client-first NUL client-final.
// The body is e2esasl::fuzz::FuzzOpaqueServerSession (tests/opaque/fuzz_entries.h, which lists its
// invariants); this file makes it a libFuzzer target (README.md, "Convention").
#include <cstddef>
#include <cstdint>

#include "opaque/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzOpaqueServerSession(data, size);
}
