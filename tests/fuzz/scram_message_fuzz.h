// scram_message_fuzz.h: the invariant every SCRAM message target checks (plugins/scram/messages.h
// promises Parse(Serialize(m)) == m and Serialize(Parse(bytes)) == bytes).
#ifndef E2ESASL_TESTS_FUZZ_SCRAM_MESSAGE_FUZZ_H_
#define E2ESASL_TESTS_FUZZ_SCRAM_MESSAGE_FUZZ_H_

#include <algorithm>
#include <optional>

#include "common/bytes.h"
#include "common/status.h"
#include "fuzz_check.h"
#include "scram/messages.h"

namespace e2esasl::fuzz {

// CheckScramRoundTrip parses in as Message; when it parses, the message serializes back to in
// exactly and reparses to an equal struct; when it does not, the failure is kMalformed with a
// detail. Returns the parsed message for further checks.
template <typename Message>
std::optional<Message> CheckScramRoundTrip(ByteView in) {
  Failure failure;
  std::optional<Message> message = Message::Parse(in, &failure);
  FUZZ_CHECK(Message::Parse(in) == message);
  if (!message) {
    FUZZ_CHECK(failure.status == Status::kMalformed);
    FUZZ_CHECK(!failure.detail.empty());
    return std::nullopt;
  }
  FUZZ_CHECK(in.size() <= scram::kMaxMessageSize);
  std::optional<Bytes> serialized = Serialized(*message);
  FUZZ_CHECK(serialized.has_value());
  FUZZ_CHECK(std::equal(serialized->begin(), serialized->end(), in.begin(), in.end()));
  std::optional<Message> reparsed = Message::Parse(*serialized);
  FUZZ_CHECK(reparsed == message);
  for (const scram::Extension& extension : message->extensions) {
    FUZZ_CHECK(!extension.value.empty());
  }
  return message;
}

}  // namespace e2esasl::fuzz

#endif  // E2ESASL_TESTS_FUZZ_SCRAM_MESSAGE_FUZZ_H_
