// opaque_client_session_fuzz: a whole opaque::ClientSession fed server-first NUL server-final.
// The checks live in the OPAQUE family's entry function FuzzOpaqueClient
// (tests/opaque/fuzz_sessions.cc), which its smoke test also runs; this file only makes it a
// libFuzzer target.
#include <cstddef>
#include <cstdint>

int FuzzOpaqueClient(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return FuzzOpaqueClient(data, size);
}
