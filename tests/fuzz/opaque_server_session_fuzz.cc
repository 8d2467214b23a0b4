// opaque_server_session_fuzz: a whole opaque::ServerSession fed client-first NUL client-final.
// The checks live in the OPAQUE family's entry function FuzzOpaqueServer
// (tests/opaque/fuzz_sessions.cc), which its smoke test also runs; this file only makes it a
// libFuzzer target.
#include <cstddef>
#include <cstdint>

int FuzzOpaqueServer(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return FuzzOpaqueServer(data, size);
}
