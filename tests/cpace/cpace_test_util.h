// cpace_test_util.h: helpers shared by the CPace core tests: an in-memory SecretSource and a
// driver that runs a client and a server session against each other with a tamper hook.
#ifndef E2ESASL_TESTS_CPACE_CPACE_TEST_UTIL_H_
#define E2ESASL_TESTS_CPACE_CPACE_TEST_UTIL_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cpace/client.h"
#include "cpace/server.h"

namespace e2esasl::test {

// MapSecrets: users and their passwords; counts lookups.
class MapSecrets final : public cpace::SecretSource {
 public:
  std::map<std::string, std::string> passwords;
  int lookups = 0;
  std::optional<SecretString> Lookup(std::string_view authcid) override {
    ++lookups;
    const auto it = passwords.find(std::string(authcid));
    if (it == passwords.end()) {
      return std::nullopt;
    }
    return SecretString(it->second);
  }
};

// Run: the outcome of one core exchange.
struct Run {
  Status client = Status::kContinue;  // the client's last status
  Status server = Status::kContinue;  // the server's last status
  Failure client_failure;
  Failure server_failure;
  std::vector<std::string> client_messages;
  std::vector<std::string> server_messages;
  bool ok() const { return client == Status::kOk && server == Status::kOk; }
};

// Tamper rewrites a message in flight: (from_client, index, message) -> message.
using CoreTamper = std::function<std::string(bool, int, const std::string&)>;

// RunCore drives client and server until one fails or both finish.
inline Run RunCore(cpace::ClientSession& client, cpace::ServerSession& server,
                   const CoreTamper& tamper = nullptr) {
  Run run;
  Bytes to_server;
  Bytes to_client;
  run.client = client.Step({}, &to_server, &run.client_failure);
  for (int round = 0; round < 4; ++round) {
    if (run.client != Status::kContinue && run.client != Status::kOk) {
      return run;
    }
    if (run.client == Status::kOk) {
      return run;
    }
    std::string message = ToString(to_server);
    if (tamper) {
      message = tamper(true, static_cast<int>(run.client_messages.size()), message);
    }
    run.client_messages.push_back(message);
    run.server = server.Step(AsBytes(message), &to_client, &run.server_failure);
    if (run.server != Status::kContinue && run.server != Status::kOk) {
      return run;
    }
    message = ToString(to_client);
    if (tamper) {
      message = tamper(false, static_cast<int>(run.server_messages.size()), message);
    }
    run.server_messages.push_back(message);
    run.client = client.Step(AsBytes(message), &to_server, &run.client_failure);
  }
  return run;
}

// Config helpers.
inline cpace::ClientConfig ClientFor(const std::string& user, const std::string& password) {
  cpace::ClientConfig config;
  config.authcid = user;
  config.password = SecretString(password);
  return config;
}

inline cpace::ClientConfig BoundClient(const std::string& user, const std::string& password,
                                       const std::string& cb_name, const Bytes& cb_data) {
  cpace::ClientConfig config = ClientFor(user, password);
  config.gs2.flag = gs2::CbFlag::kUsed;
  config.gs2.cb_name = cb_name;
  config.cb_data = cb_data;
  return config;
}

inline cpace::ServerConfig BoundServer(const std::string& cb_name, const Bytes& cb_data,
                                       bool critical = false) {
  cpace::ServerConfig config;
  config.binding = e2esasl::ServerBinding{cb_name, cb_data, critical};
  config.plus_advertised = true;
  return config;
}

}  // namespace e2esasl::test

#endif  // E2ESASL_TESTS_CPACE_CPACE_TEST_UTIL_H_
