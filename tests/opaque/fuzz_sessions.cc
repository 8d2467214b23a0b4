// fuzz_sessions.cc: libFuzzer entry functions that drive whole OPAQUE-R255 sessions with peer
// bytes from the fuzzer. The input is split at NUL bytes into peer messages (fuzz_check.h
// SplitAtNul; NUL never occurs in a valid OPAQUE-R255 message).
//
// FuzzOpaqueServer: a real opaque::ServerSession (fixed key material, a real registration record
// for kUser) fed client-first NUL client-final; an empty first message is "no initial response",
// and client-first and client-final then follow as the second and third. The server's channel
// binding is picked by the input size: size % 4 == 0 none; 1 tls-exporter; 2 tls-exporter with
// -PLUS advertised; 3 tls-exporter, critical.
//
// FuzzOpaqueClient: a real opaque::ClientSession (kUser / kPassword, a tiny KSF cap) fed
// server-first NUL server-final. Its gs2 flag is picked by the input size: size % 3 == 0 "n";
// 1 "y"; 2 "p=tls-exporter".
//
// Both sessions draw from SystemRandom, so no input (not even one recorded from a real exchange)
// can complete: the server would need KE3 made with kPassword for its fresh KE2, the client a
// server-first opening an envelope under its fresh blind. Invariants (FUZZ_CHECK aborts):
//   - no crash, no leak; the server never reports kOk; the client never gets past server-first
//   - only the Status values server.h / client.h document, never kInternal (the local inputs are
//     valid) nor kUnavailable
//   - a message Parse rejects fails the session with Parse's own Failure (status and detail)
//   - a server-first whose KSF costs exceed the client's cap (kKsfCap) is refused before the KSF
//     runs, with the cap detail; every other authentication failure reads kAuthFailedDetail
//   - server-first carries the record's KSF parameters for the known and unknown users alike
//   - a failure is final: the next Step repeats it, with no output
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "common/bytes.h"
#include "common/cb_negotiation.h"
#include "common/ct.h"
#include "common/random.h"
#include "common/secret.h"
#include "common/status.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/transcript_fuzz.h"
#include "opaque/client.h"
#include "opaque/credentials.h"
#include "opaque/fuzz_entries.h"
#include "opaque/key_file.h"
#include "opaque/ksf.h"
#include "opaque/messages.h"
#include "opaque/records.h"
#include "opaque/server.h"

namespace e2esasl::fuzz {
namespace {

using opaque::KsfKind;
using opaque::KsfParams;

constexpr std::string_view kUser = "alice";
constexpr std::string_view kPassword = "correct horse";
constexpr std::string_view kBindingName = "tls-exporter";
// kRecordKsf: the cheapest Argon2id there is (m = 8 * p); the server never runs it, the client
// runs it once per server-first within the cap.
const KsfParams kRecordKsf{KsfKind::kArgon2id, 8, 1, 1};
// kKsfCap: what the fuzzed client agrees to run at most (64 KiB, 2 passes, 1 lane): anything
// costlier a fuzz input announces is refused, not computed.
const opaque::KsfCap kKsfCap{64, 2, 1, 128};
constexpr std::string_view kCapDetailPrefix =
    "the server asks for KSF costs above this client's cap (";
constexpr std::string_view kInvalidKe1Detail =
    "client-first: KE1 holds an invalid ristretto255 element";
constexpr std::string_view kInvalidKe2Detail =
    "server-first: KE2 holds an invalid ristretto255 element";

Bytes BindingData() {
  return Bytes(32, 7);
}

// World: the server's fixed key material and kUser's record (registered once, with kPassword).
struct World {
  opaque::ServerKeyMaterial keys;
  opaque::StoredRecord record;
};

World MakeWorld() {
  World world;
  SeededRng rng(20260423);
  std::optional<opaque::ServerKeyMaterial> keys = opaque::GenerateKeyMaterial(rng);
  FUZZ_CHECK(keys.has_value());
  world.keys = std::move(*keys);
  // RFC 9807 s5: registration, both halves in one place.
  opaque::RegistrationClient client;
  opaque::RegistrationRequest request;
  opaque::RegistrationResponse response;
  SecretBytes export_key;
  world.record.ksf = kRecordKsf;
  world.record.credential_identifier = ToBytes(kUser);
  FUZZ_CHECK(client.Start(rng, AsBytes(kPassword), &request));
  FUZZ_CHECK(opaque::CreateRegistrationResponse(request, world.keys.public_key,
                                                world.record.credential_identifier,
                                                world.keys.oprf_seed.view(), &response));
  FUZZ_CHECK(client.Finish(rng, response, opaque::Identities{}, world.record.ksf,
                           &world.record.record, &export_key));
  return world;
}

// TheWorld is made on first use and kept until exit.
const World& TheWorld() {
  static const World world = MakeWorld();
  return world;
}

opaque::ServerKeyMaterial CopyKeys(const opaque::ServerKeyMaterial& keys) {
  opaque::ServerKeyMaterial copy;
  FUZZ_CHECK(copy.oprf_seed.CopyFrom(keys.oprf_seed.view()));
  FUZZ_CHECK(copy.private_key.CopyFrom(keys.private_key.view()));
  copy.public_key = keys.public_key;
  return copy;
}

// FuzzRecords: kUser has the world's record; everyone else is unknown (the fake record path).
class FuzzRecords final : public opaque::RecordSource {
 public:
  std::optional<opaque::StoredRecord> Lookup(std::string_view authcid) override {
    ++lookups_;
    if (authcid != kUser) {
      return std::nullopt;
    }
    const opaque::StoredRecord& stored = TheWorld().record;
    return opaque::StoredRecord{stored.ksf, stored.credential_identifier, stored.record};
  }
  int lookups_ = 0;
};

bool SameFailure(const Failure& a, const Failure& b) {
  return a.status == b.status && a.detail == b.detail;
}

// CheckFinal: after a failure, one more Step repeats it and writes nothing.
template <typename Session>
void CheckFinal(Session& session, ByteView in, const Failure& failure) {
  Bytes out;
  Failure again;
  FUZZ_CHECK(session.Step(in, &out, &again) == failure.status);
  FUZZ_CHECK(SameFailure(again, failure));
  FUZZ_CHECK(out.empty());
  FUZZ_CHECK(!session.IsComplete());
}

// CheckClientFirstFailure: the server refused client-first with *failure, as server.h says.
void CheckClientFirstFailure(ByteView client_first,
                             const std::optional<cb::ChannelBindingRef>& binding,
                             bool plus_advertised, const Failure& failure) {
  Failure parse_failure;
  const std::optional<opaque::ClientFirst> parsed =
      opaque::ClientFirst::Parse(client_first, &parse_failure);
  if (!parsed) {
    FUZZ_CHECK(parse_failure.status == Status::kMalformed && !parse_failure.detail.empty());
    FUZZ_CHECK(SameFailure(failure, parse_failure));
    return;
  }
  const cb::ServerVerdict verdict =
      cb::JudgeServerFlag(parsed->gs2_header, binding, plus_advertised);
  if (verdict.status != Status::kOk) {
    // kBadBinding, or kAuthFailed for a "y" downgrade: the negotiation's own words.
    FUZZ_CHECK(verdict.status == Status::kBadBinding || verdict.status == Status::kAuthFailed);
    FUZZ_CHECK(SameFailure(failure, Failure{verdict.status, verdict.detail}));
    return;
  }
  FUZZ_CHECK(SameFailure(failure, Failure{Status::kMalformed, std::string(kInvalidKe1Detail)}));
}

}  // namespace

// RunOpaqueServer is FuzzOpaqueServer's body: it aborts on a broken invariant, and otherwise
// returns the failure the session ended with and (in *out_continued) how many Steps answered
// kContinue. The smoke test asserts on both.
Failure RunOpaqueServer(ByteView in, int* out_continued) {
  ByteView messages[3];
  ByteView rest = in;
  for (ByteView& message : messages) {
    SplitAtNul(rest, &message, &rest);
  }
  std::optional<e2esasl::ServerBinding> binding;
  if (in.size() % 4 != 0) {
    binding = e2esasl::ServerBinding{std::string(kBindingName), BindingData(), in.size() % 4 == 3};
  }
  const bool plus_advertised = in.size() % 4 == 2;
  std::optional<cb::ChannelBindingRef> binding_ref;
  if (binding) {
    binding_ref = cb::ChannelBindingRef{binding->name, binding->critical, binding->data};
  }

  FuzzRecords records;
  opaque::ServerConfig config;
  config.keys = CopyKeys(TheWorld().keys);
  config.binding = binding;
  config.plus_advertised = plus_advertised;
  config.fake_ksf = kRecordKsf;
  opaque::ServerSession server(SystemRandom(), records, std::move(config));

  int continued = 0;
  size_t next = 0;
  Bytes out;
  Failure failure;
  if (messages[0].empty()) {
    // No initial response: the server asks for client-first with empty data.
    FUZZ_CHECK(server.Step(messages[0], &out, &failure) == Status::kContinue);
    FUZZ_CHECK(out.empty());
    ++continued;
    ++next;
  }
  const ByteView client_first = messages[next];
  const ByteView client_final = messages[next + 1];
  *out_continued = continued;

  Status status = server.Step(client_first, &out, &failure);
  if (status != Status::kContinue) {
    FUZZ_CHECK(status == failure.status && !failure.detail.empty());
    FUZZ_CHECK(out.empty());
    CheckClientFirstFailure(client_first, binding_ref, plus_advertised, failure);
    CheckFinal(server, client_final, failure);
    return failure;
  }
  *out_continued = ++continued;
  FUZZ_CHECK(records.lookups_ == 1);
  const std::optional<opaque::ClientFirst> parsed_first = opaque::ClientFirst::Parse(client_first);
  FUZZ_CHECK(parsed_first.has_value());
  FUZZ_CHECK(server.Authcid() == parsed_first->authcid);
  FUZZ_CHECK(cb::JudgeServerFlag(parsed_first->gs2_header, binding_ref, plus_advertised).status ==
             Status::kOk);
  // Known and unknown users get the same KSF parameters (the fake record's).
  const std::optional<opaque::ServerFirst> server_first = opaque::ServerFirst::Parse(out);
  FUZZ_CHECK(server_first.has_value());
  FUZZ_CHECK(server_first->ksf == kRecordKsf);

  status = server.Step(client_final, &out, &failure);
  if (status == Status::kOk) {
    std::fprintf(stderr, "opaque fuzz: the server accepted a KE3 forged without the password\n");
    std::abort();
  }
  FUZZ_CHECK(status == failure.status);
  FUZZ_CHECK(out.empty());
  Failure parse_failure;
  if (!opaque::ClientFinal::Parse(client_final, &parse_failure)) {
    FUZZ_CHECK(parse_failure.status == Status::kMalformed && !parse_failure.detail.empty());
    FUZZ_CHECK(SameFailure(failure, parse_failure));
  } else {
    FUZZ_CHECK(
        SameFailure(failure, Failure{Status::kAuthFailed, std::string(opaque::kAuthFailedDetail)}));
  }
  CheckFinal(server, ByteView(), failure);
  return failure;
}

// RunOpaqueClient is FuzzOpaqueClient's body, returning the failure the session ended with (the
// client never gets further than server-first).
Failure RunOpaqueClient(ByteView in) {
  ByteView server_first;
  ByteView server_final;
  SplitAtNul(in, &server_first, &server_final);

  opaque::ClientConfig config;
  config.authcid = std::string(kUser);
  config.password = SecretString(kPassword);
  config.ksf_cap = kKsfCap;
  switch (in.size() % 3) {
    case 0:
      config.gs2.flag = gs2::CbFlag::kNone;
      break;
    case 1:
      config.gs2.flag = gs2::CbFlag::kWant;
      break;
    default:
      config.gs2.flag = gs2::CbFlag::kUsed;
      config.gs2.cb_name = std::string(kBindingName);
      config.cb_data = BindingData();
      break;
  }
  const gs2::CbFlag flag = config.gs2.flag;
  opaque::ClientSession client(SystemRandom(), std::move(config));

  Bytes out;
  Failure failure;
  FUZZ_CHECK(client.Step(ByteView(), &out, &failure) == Status::kContinue);
  const std::optional<opaque::ClientFirst> client_first = opaque::ClientFirst::Parse(out);
  FUZZ_CHECK(client_first.has_value());
  FUZZ_CHECK(client_first->authcid == kUser && client_first->gs2_header.flag == flag);

  const Status status = client.Step(server_first, &out, &failure);
  if (status == Status::kContinue || status == Status::kOk) {
    std::fprintf(stderr,
                 "opaque fuzz: the client accepted a server-first forged without the "
                 "password\n");
    std::abort();
  }
  FUZZ_CHECK(status == failure.status);
  FUZZ_CHECK(out.empty());
  Failure parse_failure;
  const std::optional<opaque::ServerFirst> parsed =
      opaque::ServerFirst::Parse(server_first, &parse_failure);
  if (!parsed) {
    FUZZ_CHECK(parse_failure.status == Status::kMalformed && !parse_failure.detail.empty());
    FUZZ_CHECK(SameFailure(failure, parse_failure));
  } else if (!parsed->ksf.WithinCap(kKsfCap)) {
    FUZZ_CHECK(status == Status::kAuthFailed);
    FUZZ_CHECK(failure.detail.starts_with(kCapDetailPrefix));
  } else {
    FUZZ_CHECK(SameFailure(failure,
                           Failure{Status::kAuthFailed, std::string(opaque::kAuthFailedDetail)}) ||
               SameFailure(failure, Failure{Status::kMalformed, std::string(kInvalidKe2Detail)}));
  }
  CheckFinal(client, server_final, failure);
  return failure;
}

int FuzzOpaqueServerSession(const uint8_t* data, size_t size) {
  int continued = 0;
  RunOpaqueServer(Input(data, size), &continued);
  return 0;
}

int FuzzOpaqueClientSession(const uint8_t* data, size_t size) {
  RunOpaqueClient(Input(data, size));
  return 0;
}

// FuzzOpaqueTranscript: a real client (kUser / kPassword) and server (the world's record) run
// a whole exchange, both on seeded RNGs; the fuzzer edits the messages in flight
// (transcript_fuzz.h). Config byte % 3: client "n" / server without binding; "y" / without;
// p=tls-exporter / tls-exporter with -PLUS advertised. When both end kOk, their session keys
// are equal.
int FuzzOpaqueTranscript(const uint8_t* data, size_t size) {
  const ByteView in = Input(data, size);
  if (in.empty()) {
    return 0;
  }
  opaque::ClientConfig client_config;
  client_config.authcid = std::string(kUser);
  client_config.password = SecretString(kPassword);
  client_config.ksf_cap = kKsfCap;
  opaque::ServerConfig server_config;
  server_config.keys = CopyKeys(TheWorld().keys);
  server_config.fake_ksf = kRecordKsf;
  switch (in[0] % 3) {
    case 0:
      client_config.gs2.flag = gs2::CbFlag::kNone;
      break;
    case 1:
      client_config.gs2.flag = gs2::CbFlag::kWant;
      break;
    default:
      client_config.gs2.flag = gs2::CbFlag::kUsed;
      client_config.gs2.cb_name = std::string(kBindingName);
      client_config.cb_data = BindingData();
      server_config.binding =
          e2esasl::ServerBinding{std::string(kBindingName), BindingData(), false};
      server_config.plus_advertised = true;
      break;
  }
  SeededRng client_rng(1);
  SeededRng server_rng(2);
  FuzzRecords records;
  opaque::ClientSession client(client_rng, std::move(client_config));
  opaque::ServerSession server(server_rng, records, std::move(server_config));
  const ExchangeResult result = RunEditedExchange(client, server, in.subspan(1));
  if (result.client == Status::kOk && result.server == Status::kOk) {
    FUZZ_CHECK(CtEqual(client.session_key().view(), server.session_key().view()));
  }
  return 0;
}

}  // namespace e2esasl::fuzz
