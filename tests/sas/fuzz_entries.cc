// fuzz_entries.cc: the SAS-R255-PLUS fuzz entry functions (see fuzz_entries.h).
#include "sas/fuzz_entries.h"

#include <optional>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "fuzz/transcript_fuzz.h"
#include "sas/messages.h"
#include "sas_test_util.h"

namespace e2esasl::fuzz {
namespace {

using sas::ClientConfirm;
using sas::ClientFirst;
using sas::ClientReveal;
using sas::ServerConfirm;
using sas::ServerFirst;

// SplitAll splits the input at every NUL.
std::vector<ByteView> SplitAll(const uint8_t* data, size_t size) {
  std::vector<ByteView> parts;
  const ByteView all(data, size);
  size_t start = 0;
  for (size_t i = 0; i <= all.size(); ++i) {
    if (i == all.size() || all[i] == 0) {
      parts.push_back(all.subspan(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

template <typename T>
void RoundTrip(ByteView in) {
  Failure failure;
  const std::optional<T> parsed = T::Parse(in, &failure);
  if (!parsed) {
    FUZZ_CHECK(failure.status == Status::kMalformed && !failure.detail.empty());
    return;
  }
  const Bytes out = sas::Serialized(*parsed);
  FUZZ_CHECK(out == Bytes(in.begin(), in.end()));
  FUZZ_CHECK(T::Parse(out) == parsed);
}

// ConfirmingParty: a SAS session whose person accepts every string it is shown, with the
// Step of transcript_fuzz.h: a step that leaves a confirmation pending confirms at once.
template <typename Session>
class ConfirmingParty {
 public:
  explicit ConfirmingParty(Session& session) : session_(session) {}
  Status Step(ByteView in, Bytes* out, Failure* failure) {
    Status status = session_.Step(in, out, failure);
    if (status == Status::kContinue && session_.PendingConfirmation()) {
      status = session_.Confirm(true, out, failure);
    }
    return status;
  }

 private:
  Session& session_;
};

}  // namespace

int FuzzSasMessages(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const ByteView in(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      RoundTrip<ClientFirst>(in);
      break;
    case 1:
      RoundTrip<ServerFirst>(in);
      break;
    case 2:
      RoundTrip<ClientReveal>(in);
      break;
    case 3:
      RoundTrip<ServerConfirm>(in);
      break;
    default:
      RoundTrip<ClientConfirm>(in);
      break;
  }
  return 0;
}

int FuzzSasServerSession(const uint8_t* data, size_t size) {
  sas::test::CountingRng rng(7);
  sas::ServerConfig config;
  config.binding = e2esasl::ServerBinding{"tls-exporter", sas::test::PatternBinding(3), false};
  config.plus_advertised = true;
  sas::ServerSession server(rng, config);
  bool failed = false;
  Status last = Status::kContinue;
  for (ByteView message : SplitAll(data, size)) {
    Bytes out;
    Failure failure;
    Status s = server.Step(message, &out, &failure);
    if (s == Status::kContinue && server.PendingConfirmation()) {
      s = server.Confirm(true, &out, &failure);
    }
    FUZZ_CHECK(s == Status::kInternal || Documented(s));
    if (failed) {
      FUZZ_CHECK(s == last);  // failure is final
    }
    if (s != Status::kOk && s != Status::kContinue) {
      if (!failed) {
        FUZZ_CHECK(!failure.detail.empty());
      }
      failed = true;
      last = s;
    }
    if (s == Status::kOk) {
      FUZZ_CHECK(server.IsComplete());
    }
  }
  return 0;
}

int FuzzSasClientSession(const uint8_t* data, size_t size) {
  sas::test::CountingRng rng(9);
  sas::ClientConfig config;
  config.authcid = "alice";
  config.gs2 = sas::test::PlusHeader();
  config.cb_data = sas::test::PatternBinding(3);
  sas::ClientSession client(rng, config);
  Bytes out;
  Failure failure;
  FUZZ_CHECK(client.Step({}, &out, &failure) == Status::kContinue);
  for (ByteView message : SplitAll(data, size)) {
    Status s = client.Step(message, &out, &failure);
    if (s == Status::kContinue && client.PendingConfirmation()) {
      s = client.Confirm(true, &out, &failure);
    }
    FUZZ_CHECK(s == Status::kInternal || Documented(s));
    // The fuzzer cannot forge the server's tag: never complete.
    FUZZ_CHECK(s != Status::kOk);
  }
  return 0;
}

int FuzzSasTranscript(const uint8_t* data, size_t size) {
  const ByteView in = Input(data, size);
  if (in.empty()) {
    return 0;
  }
  // Config byte % 2: both ends bound to the same data, critical or not.
  const bool critical = in[0] % 2 == 1;
  sas::test::CountingRng client_rng(9);
  sas::test::CountingRng server_rng(7);
  sas::ClientConfig client_config;
  client_config.authcid = "alice";
  client_config.gs2 = sas::test::PlusHeader();
  client_config.cb_data = sas::test::PatternBinding(3);
  sas::ServerConfig server_config;
  server_config.binding =
      e2esasl::ServerBinding{"tls-exporter", sas::test::PatternBinding(3), critical};
  server_config.plus_advertised = true;
  sas::ClientSession client(client_rng, client_config);
  sas::ServerSession server(server_rng, server_config);
  ConfirmingParty<sas::ClientSession> client_party(client);
  ConfirmingParty<sas::ServerSession> server_party(server);
  const ExchangeResult result = RunEditedExchange(client_party, server_party, in.subspan(1));
  if (result.client == Status::kOk && result.server == Status::kOk) {
    FUZZ_CHECK(client.Sas() == server.Sas());
  }
  return 0;
}

}  // namespace e2esasl::fuzz
