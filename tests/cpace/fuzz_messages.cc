// fuzz_messages.cc: the fuzz entry functions of the four CPACE-R255 message parsers
// (fuzz_entries.h). Each parses the input; a refused message gives kMalformed with a detail;
// whatever parses serializes back to exactly the input bytes (one canonical form only).
#include <cstddef>
#include <cstdint>
#include <optional>

#include "cpace/fuzz_entries.h"
#include "cpace/messages.h"
#include "fuzz/fuzz_check.h"

namespace e2esasl::fuzz {
namespace {

template <typename T>
int FuzzParse(const uint8_t* data, size_t size) {
  const ByteView in = Input(data, size);
  Failure failure;
  const std::optional<T> parsed = T::Parse(in, &failure);
  if (!parsed) {
    FUZZ_CHECK(failure.status == Status::kMalformed && !failure.detail.empty());
    return 0;
  }
  const std::optional<Bytes> out = Serialized(*parsed);
  FUZZ_CHECK(out && *out == Bytes(in.begin(), in.end()));
  return 0;
}

}  // namespace

int FuzzCpaceClientFirst(const uint8_t* data, size_t size) {
  return FuzzParse<cpace::ClientFirst>(data, size);
}
int FuzzCpaceServerFirst(const uint8_t* data, size_t size) {
  return FuzzParse<cpace::ServerFirst>(data, size);
}
int FuzzCpaceClientFinal(const uint8_t* data, size_t size) {
  return FuzzParse<cpace::ClientFinal>(data, size);
}
int FuzzCpaceServerFinal(const uint8_t* data, size_t size) {
  return FuzzParse<cpace::ServerFinal>(data, size);
}

}  // namespace e2esasl::fuzz
