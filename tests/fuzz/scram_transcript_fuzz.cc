// scram_transcript_fuzz: a real scram::ClientSession and scram::ServerSession run a whole
// exchange; the fuzzer edits the messages in flight (transcript_fuzz.h: input format and
// invariants). Config byte: hash = byte % 3; (byte / 3) % 3 picks the binding setup: client "n"
// and server without binding; client "y" and server without binding; client p=tls-exporter and
// server with tls-exporter (-PLUS advertised). Both ends are deterministic (CountingRng), the
// server knows kFuzzUser (scram_session_fuzz.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/byte_reader.h"
#include "common/cb_negotiation.h"
#include "common/secret.h"
#include "fuzz_check.h"
#include "scram/client.h"
#include "scram/server.h"
#include "scram_session_fuzz.h"
#include "transcript_fuzz.h"

using namespace e2esasl;  // NOLINT: fuzz target

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteReader reader(fuzz::Input(data, size));
  uint8_t config = 0;
  if (!reader.ReadU8(&config)) {
    return 0;
  }
  const int setup = (config / 3) % 3;
  scram::ClientConfig client_config;
  client_config.alg = fuzz::AlgOf(config);
  client_config.authcid = std::string(fuzz::kFuzzUser);
  client_config.password = SecretString(fuzz::kFuzzPassword);
  client_config.min_iterations = 1;
  client_config.max_iterations = fuzz::kFuzzIterations;
  scram::ServerConfig server_config = fuzz::FuzzServerConfig(config % 3);  // no binding
  if (setup == 0) {
    client_config.gs2.flag = gs2::CbFlag::kNone;
  } else if (setup == 1) {
    client_config.gs2.flag = gs2::CbFlag::kWant;
  } else {
    client_config.gs2.flag = gs2::CbFlag::kUsed;
    client_config.gs2.cb_name = std::string(fuzz::kFuzzBindingName);
    client_config.cb_data = ToBytes(fuzz::kFuzzBindingData);
    server_config.binding = e2esasl::ServerBinding{std::string(fuzz::kFuzzBindingName),
                                                   ToBytes(fuzz::kFuzzBindingData), false};
    server_config.plus_advertised = true;
  }
  fuzz::CountingRng client_rng(fuzz::kClientRngStart);
  fuzz::CountingRng server_rng(fuzz::kServerRngStart);
  fuzz::FuzzCredentials credentials(client_config.alg);
  scram::ClientSession client(client_rng, std::move(client_config));
  scram::ServerSession server(server_rng, credentials, std::move(server_config));
  fuzz::RunEditedExchange(client, server, reader.ReadRest());
  return 0;
}
