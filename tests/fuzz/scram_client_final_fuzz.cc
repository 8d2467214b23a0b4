// scram_client_final_fuzz: scram::ClientFinal::Parse (plugins/scram/messages.h).
// Invariants: round trip (scram_message_fuzz.h); c= non-empty, nonce 1*printable, proof
// 1..kMaxHashSize bytes; the message without proof is a prefix of the message.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/byte_reader.h"
#include "common/hash.h"
#include "fuzz_check.h"
#include "scram/messages.h"
#include "scram_message_fuzz.h"

using namespace e2esasl;  // NOLINT: fuzz target

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in = fuzz::Input(data, size);
  std::optional<scram::ClientFinal> message = fuzz::CheckScramRoundTrip<scram::ClientFinal>(in);
  if (!message) {
    return 0;
  }
  FUZZ_CHECK(!message->channel_binding.empty());
  FUZZ_CHECK(scram::IsValidNonce(message->nonce));
  FUZZ_CHECK(!message->proof.empty() && message->proof.size() <= kMaxHashSize);
  ByteWriter writer;
  message->SerializeWithoutProof(writer);
  std::optional<Bytes> without_proof = writer.Finish();
  FUZZ_CHECK(without_proof.has_value());
  FUZZ_CHECK(without_proof->size() < in.size());
  FUZZ_CHECK(std::equal(without_proof->begin(), without_proof->end(), in.begin()));
  return 0;
}
