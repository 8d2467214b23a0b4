// scram_server_session_fuzz: a whole scram::ServerSession (plugins/scram/server.h) fed fuzzed
// client messages. Input: one config byte (hash = byte % 3, server binding = (byte / 3) % 4, see
// scram_session_fuzz.h), then client-first-message, NUL, client-final-message; or, for a client
// that sends no initial response, an empty message first: NUL, client-first, NUL, client-final.
// Invariants: only the Status values server.h documents; kInternal only when the credential
// source served an unusable verifier; a failure is final and is announced by an e=
// server-final-message sent first; server-first extends the client's nonce; kOk only with a
// verifier of the hash's size.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/byte_reader.h"
#include "common/hash.h"
#include "common/status.h"
#include "fuzz_check.h"
#include "scram/messages.h"
#include "scram/server.h"
#include "scram_session_fuzz.h"

using namespace e2esasl;  // NOLINT: fuzz target

namespace {

// Settle: a failing step sends "e=..." first (kContinue, ServerConfig::send_errors) and fails
// at the next step, whatever comes in; Settle takes that verdict. Other results pass through.
Status Settle(scram::ServerSession& server, Status status, const Bytes& out, Failure* failure) {
  if (status != Status::kContinue || out.empty()) {
    return status;
  }
  std::optional<scram::ServerFinal> error = scram::ServerFinal::Parse(out);
  if (!error || error->error.empty()) {
    return status;
  }
  Bytes none;
  const Status verdict = server.Step(ByteView(), &none, failure);
  FUZZ_CHECK(verdict != Status::kContinue && verdict != Status::kOk && none.empty());
  return verdict;
}

// CheckFailure: a failed step is final, with a detail.
void CheckFailure(scram::ServerSession& server, Status status, const Failure& failure,
                  const fuzz::FuzzCredentials& credentials) {
  FUZZ_CHECK(status == Status::kMalformed || status == Status::kBadBinding ||
             status == Status::kAuthFailed || status == Status::kInternal);
  FUZZ_CHECK(status != Status::kInternal || credentials.served_unusable_);
  FUZZ_CHECK(!server.IsComplete());
  FUZZ_CHECK(failure.status == status && !failure.detail.empty());
  Bytes again;
  Failure again_failure;
  FUZZ_CHECK(server.Step(ByteView(), &again, &again_failure) == status);
  FUZZ_CHECK(again.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteReader reader(fuzz::Input(data, size));
  uint8_t config = 0;
  if (!reader.ReadU8(&config)) {
    return 0;
  }
  // Up to three messages: an empty first one is "no initial response".
  ByteView messages[3];
  ByteView rest = reader.ReadRest();
  for (ByteView& message : messages) {
    fuzz::SplitAtNul(rest, &message, &rest);
  }

  const HashAlg alg = fuzz::AlgOf(config);
  fuzz::CountingRng rng(fuzz::kServerRngStart);
  fuzz::FuzzCredentials credentials(alg);
  scram::ServerSession server(rng, credentials, fuzz::FuzzServerConfig(config));

  // An empty first message is "no initial response": the client-first then comes second.
  size_t next = 0;
  Bytes out;
  Failure failure;
  Status status = server.Step(messages[next], &out, &failure);
  if (messages[next].empty()) {
    FUZZ_CHECK(status == Status::kContinue && out.empty());
    ++next;
    status = server.Step(messages[next], &out, &failure);
  }
  const ByteView client_first = messages[next++];
  const ByteView client_final = messages[next];
  status = Settle(server, status, out, &failure);
  if (status != Status::kContinue) {
    CheckFailure(server, status, failure, credentials);
    return 0;
  }
  FUZZ_CHECK(credentials.lookups_ == 1);
  std::optional<scram::ClientFirst> parsed_first = scram::ClientFirst::Parse(client_first);
  FUZZ_CHECK(parsed_first.has_value());
  std::optional<scram::ServerFirst> server_first = scram::ServerFirst::Parse(out);
  FUZZ_CHECK(server_first.has_value());
  FUZZ_CHECK(server_first->nonce.size() > parsed_first->nonce.size());
  FUZZ_CHECK(server_first->nonce.compare(0, parsed_first->nonce.size(), parsed_first->nonce) == 0);
  FUZZ_CHECK(server.ReceivedCbFlag() == parsed_first->gs2_header.flag);

  status = Settle(server, server.Step(client_final, &out, &failure), out, &failure);
  if (status != Status::kOk) {
    CheckFailure(server, status, failure, credentials);
    return 0;
  }
  FUZZ_CHECK(server.IsComplete());
  FUZZ_CHECK(server.Authcid() == fuzz::kFuzzUser);
  std::optional<scram::ServerFinal> server_final = scram::ServerFinal::Parse(out);
  FUZZ_CHECK(server_final.has_value() && server_final->error.empty());
  FUZZ_CHECK(server_final->verifier.size() == HashSize(alg));
  // A completed session refuses to go on.
  FUZZ_CHECK(server.Step(ByteView(), &out, &failure) == Status::kInternal);
  return 0;
}
