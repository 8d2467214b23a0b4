// scram_client_first_fuzz: scram::ClientFirst::Parse (plugins/scram/messages.h).
// Invariants: round trip (scram_message_fuzz.h); the message is gs2-header followed by
// client-first-message-bare, as SerializeGs2Header and SerializeBare write them; the nonce is
// 1*printable.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/byte_reader.h"
#include "fuzz_check.h"
#include "scram/messages.h"
#include "scram_message_fuzz.h"

using namespace e2esasl;  // NOLINT: fuzz target

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in = fuzz::Input(data, size);
  std::optional<scram::ClientFirst> message = fuzz::CheckScramRoundTrip<scram::ClientFirst>(in);
  if (!message) {
    return 0;
  }
  FUZZ_CHECK(scram::IsValidNonce(message->nonce));
  FUZZ_CHECK(!message->username.empty());
  ByteWriter parts;
  message->SerializeGs2Header(parts);
  message->SerializeBare(parts);
  std::optional<Bytes> joined = parts.Finish();
  FUZZ_CHECK(joined.has_value());
  FUZZ_CHECK(*joined == Bytes(in.begin(), in.end()));
  return 0;
}
