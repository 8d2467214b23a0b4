// cpace_transcript_fuzz: a real cpace::ClientSession and cpace::ServerSession run a whole
// CPACE-R255 exchange; the fuzzer edits the messages in flight (transcript_fuzz.h: input format
// and invariants). Config byte: byte % 3 picks the binding setup: client "n" and server without
// binding; client "y" and server without binding; client p=tls-exporter and server with
// tls-exporter (-PLUS advertised). Both ends draw from seeded RNGs. When both end kOk, their
// session keys (ISK) are equal.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/byte_reader.h"
#include "common/bytes.h"
#include "common/ct.h"
#include "common/secret.h"
#include "cpace/client.h"
#include "cpace/server.h"
#include "fuzz_check.h"
#include "transcript_fuzz.h"

using namespace e2esasl;  // NOLINT: fuzz target

namespace {

constexpr std::string_view kUser = "alice";
constexpr std::string_view kPassword = "correct horse";
constexpr std::string_view kBindingName = "tls-exporter";

class FuzzSecrets final : public cpace::SecretSource {
 public:
  std::optional<SecretString> Lookup(std::string_view authcid) override {
    if (authcid == kUser) {
      return SecretString(kPassword);
    }
    return std::nullopt;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteReader reader(fuzz::Input(data, size));
  uint8_t config = 0;
  if (!reader.ReadU8(&config)) {
    return 0;
  }
  cpace::ClientConfig client_config;
  client_config.authcid = std::string(kUser);
  client_config.password = SecretString(kPassword);
  cpace::ServerConfig server_config;
  switch (config % 3) {
    case 0:
      client_config.gs2.flag = gs2::CbFlag::kNone;
      break;
    case 1:
      client_config.gs2.flag = gs2::CbFlag::kWant;
      break;
    default:
      client_config.gs2.flag = gs2::CbFlag::kUsed;
      client_config.gs2.cb_name = std::string(kBindingName);
      client_config.cb_data = Bytes(32, 7);
      server_config.binding =
          e2esasl::ServerBinding{std::string(kBindingName), Bytes(32, 7), false};
      server_config.plus_advertised = true;
      break;
  }
  fuzz::SeededRng client_rng(1);
  fuzz::SeededRng server_rng(2);
  FuzzSecrets secrets;
  cpace::ClientSession client(client_rng, std::move(client_config));
  cpace::ServerSession server(server_rng, secrets, std::move(server_config));
  const fuzz::ExchangeResult result = fuzz::RunEditedExchange(client, server, reader.ReadRest());
  if (result.client == Status::kOk && result.server == Status::kOk) {
    FUZZ_CHECK(CtEqual(client.SessionKey().view(), server.SessionKey().view()));
  }
  return 0;
}
