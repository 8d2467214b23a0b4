// fuzz_messages.cc: libFuzzer entry functions for the four CPACE-R255 message parsers. Each
// parses the input; whatever parses must serialize back to exactly the input bytes (the
// parsers accept one canonical form only). Plain functions, so that the tests/fuzz wiring (a
// LLVMFuzzerTestOneInput per target) and the fuzz smoke test (fuzz_smoke_test.cc) call them alike.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "cpace/messages.h"

namespace {

[[noreturn]] void Die(const char* why) {
  std::fprintf(stderr, "cpace fuzz invariant failed: %s\n", why);
  std::abort();
}

template <typename T>
int FuzzParse(const uint8_t* data, size_t size) {
  const e2esasl::ByteView in(data, size);
  e2esasl::Failure failure;
  const std::optional<T> parsed = T::Parse(in, &failure);
  if (!parsed) {
    if (failure.status != e2esasl::Status::kMalformed || failure.detail.empty()) {
      Die("a refused message must give kMalformed with a detail");
    }
    return 0;
  }
  e2esasl::ByteWriter writer;
  parsed->Serialize(writer);
  const std::optional<e2esasl::Bytes> out = writer.Finish();
  if (!out || *out != e2esasl::Bytes(in.begin(), in.end())) {
    Die("Serialize(Parse(bytes)) != bytes: two encodings of one message");
  }
  return 0;
}

}  // namespace

int FuzzCpaceClientFirst(const uint8_t* data, size_t size) {
  return FuzzParse<e2esasl::cpace::ClientFirst>(data, size);
}
int FuzzCpaceServerFirst(const uint8_t* data, size_t size) {
  return FuzzParse<e2esasl::cpace::ServerFirst>(data, size);
}
int FuzzCpaceClientFinal(const uint8_t* data, size_t size) {
  return FuzzParse<e2esasl::cpace::ClientFinal>(data, size);
}
int FuzzCpaceServerFinal(const uint8_t* data, size_t size) {
  return FuzzParse<e2esasl::cpace::ServerFinal>(data, size);
}
