// scram_test_util.h: helpers shared by the SCRAM suites: a map-backed CredentialSource, the
// inverse of GenerateNonce (to replay a given nonce through FixedRng), the server's verdict after
// an e= message, and a full exchange driver.
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

// MapCredentials: users and their verifiers (or plaintext passwords, the userPassword
// fallback); records the last lookup.
class MapCredentials final : public CredentialSource {
 public:
  void Add(std::string_view user, StoredCredentials credentials) {
    users_[std::string(user)] = std::move(credentials);
  }
  void AddPassword(std::string_view user, std::string_view password) {
    passwords_[std::string(user)] = std::string(password);
  }
  std::optional<StoredSecret> Lookup(HashAlg, std::string_view authcid,
                                     std::string_view authzid) override {
    ++lookups_;
    last_authcid_ = std::string(authcid);
    last_authzid_ = std::string(authzid);
    auto it = users_.find(std::string(authcid));
    if (it == users_.end()) {
      auto password = passwords_.find(std::string(authcid));
      if (password == passwords_.end()) {
        return std::nullopt;
      }
      return StoredSecret(SecretString(password->second));
    }
    StoredCredentials copy;
    copy.alg = it->second.alg;
    copy.salt = it->second.salt;
    copy.iterations = it->second.iterations;
    copy.stored_key = it->second.stored_key;
    copy.server_key = it->second.server_key;
    return StoredSecret(std::move(copy));
  }

  int lookups_ = 0;
  std::string last_authcid_;
  std::string last_authzid_;

 private:
  std::map<std::string, StoredCredentials> users_;
  std::map<std::string, std::string> passwords_;
};

// IsServerError: out is a server-final-message with e= (what a failing server step sends first).
inline bool IsServerError(const Bytes& out) {
  std::optional<ServerFinal> message = ServerFinal::Parse(out);
  return message && !message->error.empty();
}

// StepToVerdict steps the server with in. When the step sends an e= message (ServerConfig
// send_errors), it steps once more, as the glue does at the client's next response, and returns
// that verdict; *out keeps the e= message.
inline Status StepToVerdict(ServerSession& server, ByteView in, Bytes* out,
                            Failure* failure = nullptr) {
  Failure ignored;
  Failure* f = failure != nullptr ? failure : &ignored;
  Status status = server.Step(in, out, f);
  if (status == Status::kContinue && IsServerError(*out)) {
    Bytes none;
    status = server.Step(ByteView(), &none, f);
  }
  return status;
}

// Exchange: what happened in a client<->server run.
struct Exchange {
  Status client = Status::kInternal;  // the client's last status
  Status server = Status::kInternal;  // the server's last status
  std::string client_detail;
  std::string server_detail;
  Bytes last_server_out;  // what the server produced last (server-final, or e= on failure)
  int server_steps = 0;
};

// RunExchange drives client and server until one fails or both finish. A server that fails
// sends its e= message first (as a challenge, ServerConfig::send_errors): the client is fed it,
// and the server's verdict is taken at its next step (not counted in server_steps).
inline Exchange RunExchange(ClientSession& client, ServerSession& server) {
  Exchange result;
  Failure client_failure;
  Failure server_failure;
  Bytes to_server;
  Bytes to_client;
  result.client = client.Step(ByteView(), &to_server, &client_failure);
  while (result.client == Status::kContinue) {
    result.server = server.Step(to_server, &to_client, &server_failure);
    ++result.server_steps;
    result.last_server_out = to_client;
    if (result.server != Status::kContinue && result.server != Status::kOk) {
      break;
    }
    result.client = client.Step(to_client, &to_server, &client_failure);
    if (result.server == Status::kOk) {
      break;
    }
    if (result.client != Status::kContinue && IsServerError(to_client)) {
      Bytes none;
      result.server = server.Step(ByteView(), &none, &server_failure);
    }
  }
  if (result.client != Status::kOk && result.client != Status::kContinue) {
    result.client_detail = client_failure.detail;
  }
  if (result.server != Status::kOk && result.server != Status::kContinue) {
    result.server_detail = server_failure.detail;
  }
  return result;
}

}  // namespace e2esasl::scram::test

#endif  // E2ESASL_TESTS_SCRAM_SCRAM_TEST_UTIL_H_
