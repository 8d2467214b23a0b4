// fuzz_check.h: what the fuzz targets share: the invariant check (active in every build type,
// unlike assert, which NDEBUG removes from the RelWithDebInfo replay build) and the view of the
// fuzzer's input.
#ifndef E2ESASL_TESTS_FUZZ_FUZZ_CHECK_H_
#define E2ESASL_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "common/byte_reader.h"
#include "common/bytes.h"

// FUZZ_CHECK aborts with the failed condition and its place when cond is false: libFuzzer then
// reports a crash and saves the input as the reproducer.
#define FUZZ_CHECK(cond)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace e2esasl::fuzz {

// Input views the fuzzer's bytes (data may be null when size is 0).
inline ByteView Input(const uint8_t* data, size_t size) {
  return size == 0 ? ByteView() : ByteView(data, size);
}

// Serialized runs message.Serialize into a fresh writer and returns the bytes, or nullopt when
// the serializer marked the writer failed.
template <typename Message>
std::optional<Bytes> Serialized(const Message& message) {
  ByteWriter writer;
  message.Serialize(writer);
  return writer.Finish();
}

// SplitAtNul splits in at its first NUL byte into *first and *second (the NUL belongs to
// neither). Without a NUL, *first is all of in and *second is empty. The session targets use it
// to carry two protocol messages in one input; NUL never occurs in a valid message of the
// SASL text formats, so a seed stays readable: "<message 1>\0<message 2>".
inline void SplitAtNul(ByteView in, ByteView* first, ByteView* second) {
  ByteReader reader(in);
  *first = reader.ReadField(0);
  if (reader.ReadExpected(0)) {
    *second = reader.ReadRest();
  } else {
    *second = ByteView();
  }
}

}  // namespace e2esasl::fuzz

#endif  // E2ESASL_TESTS_FUZZ_FUZZ_CHECK_H_
