// fuzz_entries.cc: the SAS-R255-PLUS libFuzzer entry functions (see fuzz_entries.h).
#include "sas/fuzz_entries.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "sas/messages.h"
#include "sas_test_util.h"

namespace e2esasl::sas::fuzz {
namespace {

#define SAS_FUZZ_CHECK(cond)                                                                     \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      std::fprintf(stderr, "%s:%d: sas fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                              \
    }                                                                                            \
  } while (0)

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
    SAS_FUZZ_CHECK(failure.status == Status::kMalformed && !failure.detail.empty());
    return;
  }
  const Bytes out = Serialized(*parsed);
  SAS_FUZZ_CHECK(out.size() == in.size() && std::equal(out.begin(), out.end(), in.begin()));
  SAS_FUZZ_CHECK(T::Parse(out) == parsed);
}

bool Documented(Status s) {
  return s == Status::kOk || s == Status::kContinue || s == Status::kMalformed ||
         s == Status::kAuthFailed || s == Status::kBadBinding;
}

}  // namespace

int FuzzMessages(const uint8_t* data, size_t size) {
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

int FuzzServerSession(const uint8_t* data, size_t size) {
  test::CountingRng rng(7);
  ServerConfig config;
  config.binding = ServerBinding{"tls-exporter", test::PatternBinding(3), false};
  config.plus_advertised = true;
  ServerSession server(rng, config);
  bool failed = false;
  Status last = Status::kContinue;
  for (ByteView message : SplitAll(data, size)) {
    Bytes out;
    Failure failure;
    Status s = server.Step(message, &out, &failure);
    if (s == Status::kContinue && server.PendingConfirmation()) {
      s = server.Confirm(true, &out, &failure);
    }
    SAS_FUZZ_CHECK(s == Status::kInternal || Documented(s));
    if (failed) {
      SAS_FUZZ_CHECK(s == last);  // failure is final
    }
    if (s != Status::kOk && s != Status::kContinue) {
      if (!failed) {
        SAS_FUZZ_CHECK(!failure.detail.empty());
      }
      failed = true;
      last = s;
    }
    if (s == Status::kOk) {
      SAS_FUZZ_CHECK(server.IsComplete());
    }
  }
  return 0;
}

int FuzzClientSession(const uint8_t* data, size_t size) {
  test::CountingRng rng(9);
  ClientConfig config;
  config.authcid = "alice";
  config.gs2 = test::PlusHeader();
  config.cb_data = test::PatternBinding(3);
  ClientSession client(rng, config);
  Bytes out;
  Failure failure;
  SAS_FUZZ_CHECK(client.Step({}, &out, &failure) == Status::kContinue);
  for (ByteView message : SplitAll(data, size)) {
    Status s = client.Step(message, &out, &failure);
    if (s == Status::kContinue && client.PendingConfirmation()) {
      s = client.Confirm(true, &out, &failure);
    }
    SAS_FUZZ_CHECK(s == Status::kInternal || Documented(s));
    // The fuzzer cannot forge the server's tag: never complete.
    SAS_FUZZ_CHECK(s != Status::kOk);
  }
  return 0;
}

}  // namespace e2esasl::sas::fuzz
