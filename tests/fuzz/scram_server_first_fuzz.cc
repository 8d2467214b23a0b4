// scram_server_first_fuzz: scram::ServerFirst::Parse (plugins/scram/messages.h).
// Invariants: round trip (scram_message_fuzz.h); nonce 1*printable, salt 1..kMaxSaltSize bytes,
// iteration count positive.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "fuzz_check.h"
#include "scram/messages.h"
#include "scram_message_fuzz.h"

using namespace e2esasl;  // NOLINT: fuzz target

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::optional<scram::ServerFirst> message =
      fuzz::CheckScramRoundTrip<scram::ServerFirst>(fuzz::Input(data, size));
  if (!message) {
    return 0;
  }
  FUZZ_CHECK(scram::IsValidNonce(message->nonce));
  FUZZ_CHECK(!message->salt.empty() && message->salt.size() <= scram::kMaxSaltSize);
  FUZZ_CHECK(message->iterations > 0);
  return 0;
}
