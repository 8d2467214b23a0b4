// cpace_server_final_fuzz: cpace::ServerFinal::Parse (plugins/cpace/messages.h).
// The body is e2esasl::fuzz::FuzzCpaceServerFinal (tests/cpace/fuzz_entries.h, which lists its
// invariants); this file makes it a libFuzzer target (README.md, "Convention").
#include <cstddef>
#include <cstdint>

#include "cpace/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzCpaceServerFinal(data, size);
}
