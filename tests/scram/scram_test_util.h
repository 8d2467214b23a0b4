// scram_test_util.h: helpers shared by the SCRAM suites: a map-backed CredentialSource, the
// inverse of GenerateNonce (to replay a given nonce through FixedRng) and a full exchange driver.
#ifndef E2ESASL_TESTS_SCRAM_SCRAM_TEST_UTIL_H_
#define E2ESASL_TESTS_SCRAM_SCRAM_TEST_UTIL_H_

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"
#include "scram/client.h"
#include "scram/key_schedule.h"
#include "scram/messages.h"
#include "scram/server.h"

namespace e2esasl::scram::test {

// NonceRngBytes returns the RNG bytes that make GenerateNonce produce nonce: each character's
// index in kNonceAlphabet (all < 93, so none is discarded).
inline Bytes NonceRngBytes(std::string_view nonce) {
  Bytes bytes;
  for (char c : nonce) {
    const size_t index = kNonceAlphabet.find(c);
    if (index == std::string_view::npos) {
      throw std::invalid_argument("nonce character outside the printable alphabet");
    }
    bytes.push_back(static_cast<uint8_t>(index));
  }
  return bytes;
}

// MapCredentials: users and their verifiers; records the last lookup.
class MapCredentials final : public CredentialSource {
 public:
  void Add(std::string_view user, StoredCredentials credentials) {
    users_[std::string(user)] = std::move(credentials);
  }
  std::optional<StoredCredentials> Lookup(std::string_view authcid,
                                          std::string_view authzid) override {
    ++lookups_;
    last_authcid_ = std::string(authcid);
    last_authzid_ = std::string(authzid);
    auto it = users_.find(std::string(authcid));
    if (it == users_.end()) {
      return std::nullopt;
    }
    StoredCredentials copy;
    copy.alg = it->second.alg;
    copy.salt = it->second.salt;
    copy.iterations = it->second.iterations;
    copy.stored_key = it->second.stored_key;
    copy.server_key = it->second.server_key;
    return copy;
  }

  int lookups_ = 0;
  std::string last_authcid_;
  std::string last_authzid_;

 private:
  std::map<std::string, StoredCredentials> users_;
};

// Exchange: what happened in a client<->server run.
struct Exchange {
  Status client = Status::kInternal;  // the client's last status
  Status server = Status::kInternal;  // the server's last status
  std::string client_detail;
  std::string server_detail;
  Bytes last_server_out;  // what the server produced last (server-final, or e= on failure)
  int server_steps = 0;
};

// RunExchange drives client and server until one fails or both finish. When the server fails
// with an e= message, the client is fed it (as an application would as additional data).
inline Exchange RunExchange(ClientSession& client, ServerSession& server) {
  Exchange result;
  Bytes to_server;
  Bytes to_client;
  result.client = client.Step(ByteView(), &to_server);
  while (result.client == Status::kContinue) {
    result.server = server.Step(to_server, &to_client);
    ++result.server_steps;
    result.last_server_out = to_client;
    if (result.server != Status::kContinue && result.server != Status::kOk) {
      if (!to_client.empty()) {
        result.client = client.Step(to_client, &to_server);
      }
      break;
    }
    result.client = client.Step(to_client, &to_server);
    if (result.server == Status::kOk) {
      break;
    }
  }
  result.client_detail = std::string(client.ErrorDetail());
  result.server_detail = std::string(server.ErrorDetail());
  return result;
}

}  // namespace e2esasl::scram::test

#endif  // E2ESASL_TESTS_SCRAM_SCRAM_TEST_UTIL_H_
