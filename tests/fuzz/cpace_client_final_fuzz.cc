// cpace_client_final_fuzz: cpace::ClientFinal::Parse (plugins/cpace/messages.h); parse then
// serialize round-trips. The checks live in the CPace family's entry function FuzzCpaceClientFinal
// (tests/cpace/fuzz_*.cc), which its smoke test also runs; this file only makes it a libFuzzer
// target.
#include <cstddef>
#include <cstdint>

int FuzzCpaceClientFinal(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return FuzzCpaceClientFinal(data, size);
}
