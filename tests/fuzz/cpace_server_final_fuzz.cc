// cpace_server_final_fuzz: cpace::ServerFinal::Parse (plugins/cpace/messages.h); parse then
// serialize round-trips. The checks live in the CPace family's entry function FuzzCpaceServerFinal
// (tests/cpace/fuzz_*.cc), which its smoke test also runs; this file only makes it a libFuzzer
// target.
#include <cstddef>
#include <cstdint>

int FuzzCpaceServerFinal(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return FuzzCpaceServerFinal(data, size);
}
