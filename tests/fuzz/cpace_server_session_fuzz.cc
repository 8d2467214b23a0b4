// cpace_server_session_fuzz: a whole cpace::ServerSession fed client-first NUL client-final.
// The checks live in the CPace family's entry function FuzzCpaceServer (tests/cpace/fuzz_*.cc),
// which its smoke test also runs; this file only makes it a libFuzzer target.
#include <cstddef>
#include <cstdint>

int FuzzCpaceServer(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return FuzzCpaceServer(data, size);
}
