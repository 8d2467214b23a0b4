// sas_test_util.h: helpers shared by the SAS-R255-PLUS tests: a deterministic RNG, bindings, and
// a driver that runs a client and a server core session against each other with scripted people.
#ifndef E2ESASL_TESTS_SAS_SAS_TEST_UTIL_H_
#define E2ESASL_TESTS_SAS_SAS_TEST_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/random.h"
#include "sas/client.h"
#include "sas/server.h"

namespace e2esasl::sas::test {

// CountingRng: deterministic bytes (byte i of the stream is seed + i mod 251), for sessions
// whose randomness does not matter but must reproduce.
class CountingRng final : public Rng {
 public:
  explicit CountingRng(uint8_t seed = 1) : next_(seed) {}
  [[nodiscard]] bool Fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) {
      b = static_cast<uint8_t>(next_ % 251);
      ++next_;
    }
    return true;
  }

 private:
  uint32_t next_;
};

inline gs2::Gs2Header PlusHeader(const std::string& cb_name = "tls-exporter") {
  gs2::Gs2Header h;
  h.flag = gs2::CbFlag::kUsed;
  h.cb_name = cb_name;
  return h;
}

inline Bytes PatternBinding(uint8_t seed) {
  Bytes b;
  for (int i = 0; i < 32; ++i) {
    b.push_back(static_cast<uint8_t>(seed + i * 7));
  }
  return b;
}

// RunResult: what a core-to-core run produced.
struct RunResult {
  Status client = Status::kInternal;  // the client's last status
  Status server = Status::kInternal;  // the server's last status
  std::string client_detail;
  std::string server_detail;
  std::optional<std::string> client_sas;    // the string the client's person saw
  std::optional<std::string> server_sas;    // the string the server's person was asked about
  std::optional<std::string> client_shown;  // the client's Announcement (after server-first)
  std::optional<std::string> server_shown;  // the server's Announcement (with server-confirm)
  std::vector<Bytes> messages;              // in order: c1, s1, c2, s2, c3
  bool ok() const { return client == Status::kOk && server == Status::kOk; }
};

// RunCore runs one exchange between core sessions; accept_* are the people's answers.
inline RunResult RunCore(Rng& client_rng, Rng& server_rng, const Bytes& client_cb,
                         const Bytes& server_cb, bool accept_client = true,
                         bool accept_server = true, unsigned digits = kDefaultDigits) {
  ClientConfig cc;
  cc.authcid = "alice";
  cc.gs2 = PlusHeader();
  cc.cb_data = client_cb;
  cc.digits = digits;
  ServerConfig sc;
  sc.binding = ServerBinding{"tls-exporter", server_cb, false};
  sc.plus_advertised = true;
  ClientSession client(client_rng, cc);
  ServerSession server(server_rng, sc);
  RunResult r;
  Failure cf;
  Failure sf;
  Bytes c1, s1, c2, s2, c3, s3;
  auto done = [&] {
    r.client_detail = cf.detail;
    r.server_detail = sf.detail;
    return r;
  };
  if ((r.client = client.Step({}, &c1, &cf)) != Status::kContinue)
    return done();
  r.messages.push_back(c1);
  if ((r.server = server.Step(c1, &s1, &sf)) != Status::kContinue)
    return done();
  r.messages.push_back(s1);
  if ((r.client = client.Step(s1, &c2, &cf)) != Status::kContinue)
    return done();
  r.client_shown = client.Announcement();
  r.messages.push_back(c2);
  if ((r.server = server.Step(c2, &s2, &sf)) != Status::kContinue)
    return done();
  r.server_shown = server.Announcement();
  r.messages.push_back(s2);
  if ((r.client = client.Step(s2, &c3, &cf)) != Status::kContinue)
    return done();
  r.client_sas = client.PendingConfirmation();
  if ((r.client = client.Confirm(accept_client, &c3, &cf)) != Status::kContinue)
    return done();
  r.messages.push_back(c3);
  if ((r.server = server.Step(c3, &s3, &sf)) != Status::kContinue)
    return done();
  r.server_sas = server.PendingConfirmation();  // the server's person answers last
  if ((r.server = server.Confirm(accept_server, &s3, &sf)) != Status::kOk)
    return done();
  r.client = client.Step(s3, &c3, &cf);
  return done();
}

}  // namespace e2esasl::sas::test

#endif  // E2ESASL_TESTS_SAS_SAS_TEST_UTIL_H_
