// fuzz_sessions.cc: libFuzzer entry functions that drive whole CPACE-R255 sessions with peer
// bytes from the fuzzer. The input is split at the first 0x00 byte into two peer messages.
// FuzzCpaceServer feeds them to a server as client-first and client-final; FuzzCpaceClient
// feeds them to a client as server-first and server-final. Neither may crash, leak or report
// success (the fuzzer cannot know the password).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "cpace/client.h"
#include "cpace/server.h"

namespace {

using e2esasl::Bytes;
using e2esasl::ByteView;
using e2esasl::Failure;
using e2esasl::Status;

[[noreturn]] void Die(const char* why) {
  std::fprintf(stderr, "cpace fuzz invariant failed: %s\n", why);
  std::abort();
}

class FuzzSecrets final : public e2esasl::cpace::SecretSource {
 public:
  std::optional<e2esasl::SecretString> Lookup(std::string_view authcid) override {
    if (authcid == "alice") {
      return e2esasl::SecretString("correct horse");
    }
    return std::nullopt;
  }
};

void Split(const uint8_t* data, size_t size, ByteView* first, ByteView* second) {
  const ByteView all(data, size);
  const auto zero = std::find(all.begin(), all.end(), uint8_t{0});
  const size_t at = static_cast<size_t>(zero - all.begin());
  *first = all.first(at);
  *second = at < size ? all.subspan(at + 1) : ByteView();
}

}  // namespace

int FuzzCpaceServer(const uint8_t* data, size_t size) {
  ByteView first, second;
  Split(data, size, &first, &second);
  FuzzSecrets secrets;
  e2esasl::cpace::ServerConfig config;
  if (size % 2 == 1) {
    config.binding = e2esasl::cpace::ServerBinding{"tls-exporter", Bytes(32, 7), false};
  }
  e2esasl::cpace::ServerSession server(e2esasl::SystemRandom(), secrets, config);
  Bytes out;
  Failure failure;
  if (server.Step(first, &out, &failure) == Status::kContinue &&
      server.Step(second, &out, &failure) == Status::kOk) {
    Die("the server accepted a confirmation forged without the password");
  }
  return 0;
}

int FuzzCpaceClient(const uint8_t* data, size_t size) {
  ByteView first, second;
  Split(data, size, &first, &second);
  e2esasl::cpace::ClientConfig config;
  config.authcid = "alice";
  config.password = e2esasl::SecretString("correct horse");
  e2esasl::cpace::ClientSession client(e2esasl::SystemRandom(), std::move(config));
  Bytes out;
  Failure failure;
  if (client.Step({}, &out, &failure) != Status::kContinue) {
    Die("the client could not start");
  }
  if (client.Step(first, &out, &failure) == Status::kContinue &&
      client.Step(second, &out, &failure) == Status::kOk) {
    Die("the client accepted a server confirmation forged without the password");
  }
  return 0;
}
