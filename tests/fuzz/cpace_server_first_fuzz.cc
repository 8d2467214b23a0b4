// cpace_server_first_fuzz: cpace::ServerFirst::Parse (plugins/cpace/messages.h); parse then
// serialize round-trips. The checks live in the CPace family's entry function FuzzCpaceServerFirst
// (tests/cpace/fuzz_*.cc), which its smoke test also runs; this file only makes it a libFuzzer
// target.
#include <cstddef>
#include <cstdint>

int FuzzCpaceServerFirst(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return FuzzCpaceServerFirst(data, size);
}
