// cpace_client_session_fuzz: a whole cpace::ClientSession fed server-first NUL server-final.
// The checks live in the CPace family's entry function FuzzCpaceClient (tests/cpace/fuzz_*.cc),
// which its smoke test also runs; this file only makes it a libFuzzer target.
#include <cstddef>
#include <cstdint>

int FuzzCpaceClient(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return FuzzCpaceClient(data, size);
}
