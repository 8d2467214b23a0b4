// cpace_client_session_fuzz: a whole cpace::ClientSession fed server-first NUL server-final.
// The body is e2esasl::fuzz::FuzzCpaceClientSession (tests/cpace/fuzz_entries.h, which lists its
// invariants); this file makes it a libFuzzer target (README.md, "Convention").
#include <cstddef>
#include <cstdint>

#include "cpace/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzCpaceClientSession(data, size);
}
