// fuzz_sessions.cc: the fuzz entry functions that drive whole CPACE-R255 sessions with peer
// bytes from the fuzzer (fuzz_entries.h). The input is split at the first NUL byte into two
// peer messages (fuzz_check.h SplitAtNul). FuzzCpaceServerSession feeds them to a server as
// client-first and client-final; FuzzCpaceClientSession feeds them to a client as server-first
// and server-final. Neither may crash, leak or report success (the fuzzer cannot know the
// password).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "cpace/client.h"
#include "cpace/fuzz_entries.h"
#include "cpace/server.h"
#include "fuzz/fuzz_check.h"

namespace e2esasl::fuzz {
namespace {

class FuzzSecrets final : public cpace::SecretSource {
 public:
  std::optional<SecretString> Lookup(std::string_view authcid) override {
    if (authcid == "alice") {
      return SecretString("correct horse");
    }
    return std::nullopt;
  }
};

}  // namespace

int FuzzCpaceServerSession(const uint8_t* data, size_t size) {
  ByteView first, second;
  SplitAtNul(Input(data, size), &first, &second);
  FuzzSecrets secrets;
  cpace::ServerConfig config;
  if (size % 2 == 1) {
    config.binding = e2esasl::ServerBinding{"tls-exporter", Bytes(32, 7), false};
  }
  cpace::ServerSession server(SystemRandom(), secrets, config);
  Bytes out;
  Failure failure;
  // The server never accepts a confirmation forged without the password.
  FUZZ_CHECK(!(server.Step(first, &out, &failure) == Status::kContinue &&
               server.Step(second, &out, &failure) == Status::kOk));
  return 0;
}

int FuzzCpaceClientSession(const uint8_t* data, size_t size) {
  ByteView first, second;
  SplitAtNul(Input(data, size), &first, &second);
  cpace::ClientConfig config;
  config.authcid = "alice";
  config.password = SecretString("correct horse");
  cpace::ClientSession client(SystemRandom(), std::move(config));
  Bytes out;
  Failure failure;
  FUZZ_CHECK(client.Step({}, &out, &failure) == Status::kContinue);
  // The client never accepts a server confirmation forged without the password.
  FUZZ_CHECK(!(client.Step(first, &out, &failure) == Status::kContinue &&
               client.Step(second, &out, &failure) == Status::kOk));
  return 0;
}

}  // namespace e2esasl::fuzz
