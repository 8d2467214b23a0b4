// cpace_client_first_fuzz: cpace::ClientFirst::Parse (plugins/cpace/messages.h); parse then
// serialize round-trips. The checks live in the CPace family's entry function FuzzCpaceClientFirst
// (tests/cpace/fuzz_*.cc), which its smoke test also runs; this file only makes it a libFuzzer
// target.
#include <cstddef>
#include <cstdint>

int FuzzCpaceClientFirst(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return FuzzCpaceClientFirst(data, size);
}
