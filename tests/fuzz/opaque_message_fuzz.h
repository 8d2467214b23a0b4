// opaque_message_fuzz.h: the shared body of the OPAQUE-R255 message fuzz targets: Parse never
// crashes; what parses serializes back to exactly the input, and re-parses to an equal struct.
#ifndef E2ESASL_TESTS_FUZZ_OPAQUE_MESSAGE_FUZZ_H_
#define E2ESASL_TESTS_FUZZ_OPAQUE_MESSAGE_FUZZ_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/status.h"
#include "fuzz_check.h"

namespace e2esasl::fuzz {

template <typename Message>
int FuzzOpaqueMessage(const uint8_t* data, size_t size) {
  const ByteView in = Input(data, size);
  Failure failure;
  const std::optional<Message> message = Message::Parse(in, &failure);
  if (!message) {
    FUZZ_CHECK(failure.status == Status::kMalformed);
    FUZZ_CHECK(!failure.detail.empty());
    return 0;
  }
  const std::optional<Bytes> bytes = Serialized(*message);
  FUZZ_CHECK(bytes.has_value());
  FUZZ_CHECK(bytes->size() == in.size() && std::equal(bytes->begin(), bytes->end(), in.begin()));
  const std::optional<Message> again = Message::Parse(*bytes);
  FUZZ_CHECK(again.has_value() && *again == *message);
  return 0;
}

}  // namespace e2esasl::fuzz

#endif  // E2ESASL_TESTS_FUZZ_OPAQUE_MESSAGE_FUZZ_H_
