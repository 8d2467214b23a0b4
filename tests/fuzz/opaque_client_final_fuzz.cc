// opaque_client_final_fuzz: opaque::ClientFinal::Parse (plugins/opaque/messages.h): never crashes,
// kMalformed with a detail on failure, Serialize(Parse(b)) == b.
#include "opaque/messages.h"
#include "opaque_message_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::fuzz::FuzzOpaqueMessage<e2esasl::opaque::ClientFinal>(data, size);
}
