// scram_server_final_fuzz: scram::ServerFinal::Parse (plugins/scram/messages.h).
// Invariants: round trip (scram_message_fuzz.h); exactly one of error and verifier is set, a
// verifier has 1..kMaxHashSize bytes.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/hash.h"
#include "fuzz_check.h"
#include "scram/messages.h"
#include "scram_message_fuzz.h"

using namespace e2esasl;  // NOLINT: fuzz target

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::optional<scram::ServerFinal> message =
      fuzz::CheckScramRoundTrip<scram::ServerFinal>(fuzz::Input(data, size));
  if (!message) {
    return 0;
  }
  FUZZ_CHECK(message->error.empty() != message->verifier.empty());
  FUZZ_CHECK(message->verifier.size() <= kMaxHashSize);
  return 0;
}
