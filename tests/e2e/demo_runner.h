// demo_runner.h: runs the e2e-demo binary's bob, relay and alice as child processes on
// loopback (listening sockets made here and inherited, so ports are ephemeral and there is no
// start-up race) and reads back their status files. Every child is killed at a deadline.
#ifndef E2ESASL_TESTS_E2E_DEMO_RUNNER_H_
#define E2ESASL_TESTS_E2E_DEMO_RUNNER_H_

#include <map>
#include <string>
#include <vector>

namespace e2esasl::e2e {

// Exit codes of e2e-demo (docs/demo.md).
enum DemoExit {
  kExitOk = 0,
  kExitUnexpected = 1,
  kExitUsage = 2,
  kExitSetup = 3,
  kExitTls = 4,
  kExitRefused = 5,
  kExitProtocol = 6,
  kExitConnectionLost = 7,
  kExitTimeout = 8,
};

// Status is a parsed --status-file / --report file ("key value" lines).
struct Status {
  std::multimap<std::string, std::string> values;
  std::string Get(const std::string& key) const;
  std::vector<std::string> GetAll(const std::string& key) const;
};

// DemoEnv is the per-process setup: plugin path (with the sasldb auxprop dir), a sasldb with
// user "alice", a temp directory (removed at exit).
struct DemoEnv {
  std::string binary;
  std::string plugin_path;
  std::string plugin_note;  // which plugins are tested (ours or Cyrus's fallback)
  std::string tmp;
  std::string sasldb;
  std::string user = "alice";
  std::string password = "correct horse battery staple";
  std::vector<std::string> mechanisms;  // as `e2e-demo mechs` lists them
};

// Env returns the process-wide DemoEnv, made on first use. Throws std::runtime_error.
const DemoEnv& Env();

// RunSpec describes one run. Options are appended to each child's command line.
struct RunSpec {
  std::vector<std::string> alice_args;
  std::vector<std::string> bob_args;
  std::vector<std::string> relay_args;  // e.g. {"--mitm", "--tls", "gnutls"}
  int timeout_s = 10;                   // each child's --timeout
  bool stop_bob = false;                // SIGSTOP bob right after starting it
  bool kill_bob = false;                // SIGKILL bob before alice connects
  std::string alice_says = "hello bob";
  std::string bob_says = "hello alice";
};

struct RunResult {
  int alice_exit = -1, bob_exit = -1, relay_exit = -1;  // -1: killed at the deadline
  Status alice, bob, relay;
  std::string alice_err, bob_err, relay_err;  // stderr of each child
  double seconds = 0;
  // ChatDelivered: both exited 0 and each heard the other's line.
  bool ChatDelivered(const RunSpec& spec) const;
  std::string Describe() const;
};

// Run runs one exchange. Children are killed timeout_s + 5 seconds after the start.
RunResult Run(const RunSpec& spec);

// RunCommand runs the binary with args, returns its exit status and captures stdout.
int RunCommand(const std::vector<std::string>& args, std::string* out, int timeout_s);

}  // namespace e2esasl::e2e

#endif  // E2ESASL_TESTS_E2E_DEMO_RUNNER_H_
