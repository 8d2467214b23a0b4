// scram_client_session_fuzz: a whole scram::ClientSession (plugins/scram/client.h) fed fuzzed
// server messages. Input: one config byte (hash = byte % 3, client binding = (byte / 3) % 3:
// "n", "y", "p=tls-exporter"), then server-first-message, NUL, server-final-message. The client
// (kFuzzUser / kFuzzPassword, deterministic nonce) accepts 1..64 iterations, so a hostile count
// costs little.
// Invariants: only the Status values client.h documents, never kInternal (the local inputs are
// valid); a failure is final; client-final echoes the server's nonce and binds the gs2-header
// (plus the binding data for p=); kOk only after a verifying server signature.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/byte_reader.h"
#include "common/cb_negotiation.h"
#include "common/hash.h"
#include "common/secret.h"
#include "common/status.h"
#include "fuzz_check.h"
#include "scram/client.h"
#include "scram/messages.h"
#include "scram_session_fuzz.h"

using namespace e2esasl;  // NOLINT: fuzz target

namespace {

constexpr uint32_t kMaxClientIterations = 64;

// ClientConfigOf: the client (kFuzzUser / kFuzzPassword) with the binding the config byte
// picks ("n", "y", "p=tls-exporter") and 1..kMaxClientIterations iterations.
scram::ClientConfig ClientConfigOf(uint8_t config) {
  scram::ClientConfig client;
  client.alg = fuzz::AlgOf(config);
  client.authcid = std::string(fuzz::kFuzzUser);
  client.password = SecretString(fuzz::kFuzzPassword);
  client.min_iterations = 1;
  client.max_iterations = kMaxClientIterations;
  switch ((config / 3) % 3) {
    case 0:
      client.gs2.flag = gs2::CbFlag::kNone;
      break;
    case 1:
      client.gs2.flag = gs2::CbFlag::kWant;
      break;
    default:
      client.gs2.flag = gs2::CbFlag::kUsed;
      client.gs2.cb_name = std::string(fuzz::kFuzzBindingName);
      client.cb_data = ToBytes(fuzz::kFuzzBindingData);
      break;
  }
  return client;
}

// CheckFailure: a failed step is final; ServerError is set exactly for kBadBinding, and maybe
// for kAuthFailed.
void CheckFailure(scram::ClientSession& client, Status status, const Failure& failure) {
  FUZZ_CHECK(status == Status::kMalformed || status == Status::kBadBinding ||
             status == Status::kAuthFailed);
  FUZZ_CHECK(!client.IsComplete());
  FUZZ_CHECK(failure.status == status && !failure.detail.empty());
  FUZZ_CHECK(status != Status::kBadBinding || !client.ServerError().empty());
  FUZZ_CHECK(status != Status::kMalformed || client.ServerError().empty());
  Bytes again;
  Failure again_failure;
  FUZZ_CHECK(client.Step(ByteView(), &again, &again_failure) == status);
  FUZZ_CHECK(again.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteReader reader(fuzz::Input(data, size));
  uint8_t config = 0;
  if (!reader.ReadU8(&config)) {
    return 0;
  }
  ByteView server_first;
  ByteView server_final;
  fuzz::SplitAtNul(reader.ReadRest(), &server_first, &server_final);

  const HashAlg alg = fuzz::AlgOf(config);
  const scram::ClientConfig client_config = ClientConfigOf(config);
  const gs2::CbFlag flag = client_config.gs2.flag;
  const Bytes cb_data = client_config.cb_data;
  fuzz::CountingRng rng(fuzz::kClientRngStart);
  scram::ClientSession client(rng, ClientConfigOf(config));

  Bytes client_first_bytes;
  Failure failure;
  FUZZ_CHECK(client.Step(ByteView(), &client_first_bytes, &failure) == Status::kContinue);
  std::optional<scram::ClientFirst> client_first = scram::ClientFirst::Parse(client_first_bytes);
  FUZZ_CHECK(client_first.has_value());

  Bytes out;
  Status status = client.Step(server_first, &out, &failure);
  if (status != Status::kContinue) {
    CheckFailure(client, status, failure);
    return 0;
  }
  std::optional<scram::ServerFirst> parsed_first = scram::ServerFirst::Parse(server_first);
  FUZZ_CHECK(parsed_first.has_value());
  FUZZ_CHECK(parsed_first->iterations >= 1 && parsed_first->iterations <= kMaxClientIterations);
  std::optional<scram::ClientFinal> client_final = scram::ClientFinal::Parse(out);
  FUZZ_CHECK(client_final.has_value());
  FUZZ_CHECK(client_final->nonce == parsed_first->nonce);
  FUZZ_CHECK(client_final->proof.size() == HashSize(alg));
  ByteWriter header;
  client_first->SerializeGs2Header(header);
  std::optional<Bytes> header_bytes = header.Finish();
  FUZZ_CHECK(header_bytes.has_value());
  FUZZ_CHECK(client_final->channel_binding ==
             cb::ChannelBindingInput(*header_bytes, flag, cb_data));

  status = client.Step(server_final, &out, &failure);
  FUZZ_CHECK(out.empty());
  if (status != Status::kOk) {
    CheckFailure(client, status, failure);
    return 0;
  }
  FUZZ_CHECK(client.IsComplete());
  std::optional<scram::ServerFinal> parsed_final = scram::ServerFinal::Parse(server_final);
  FUZZ_CHECK(parsed_final.has_value() && parsed_final->verifier.size() == HashSize(alg));
  FUZZ_CHECK(client.Step(ByteView(), &out, &failure) == Status::kInternal);
  return 0;
}
