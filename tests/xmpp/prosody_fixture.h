// prosody_fixture.h: a sandbox Prosody for tests (xmpp/prosody/e2e-prosody).
//
// ProsodyServer starts a server in a fresh directory under /tmp (Prosody's user must reach it),
// registers accounts, and stops it and removes the directory in its destructor
// (E2ESASL_KEEP_PROSODY_DIR=1 keeps the directory for a look at prosody.log).
// Everything throws std::runtime_error on failure.
#ifndef E2ESASL_TESTS_XMPP_PROSODY_FIXTURE_H_
#define E2ESASL_TESTS_XMPP_PROSODY_FIXTURE_H_

#include <chrono>
#include <string>
#include <vector>

namespace e2esasl::xmpp_test {

// RunProgram runs argv (no shell), waits at most timeout, and returns its exit status (-1 when
// it was killed at the deadline); *output gets its stdout and stderr together.
int RunProgram(const std::vector<std::string>& argv, std::string* output,
               std::chrono::seconds timeout);

// ScriptPath: xmpp/prosody/e2e-prosody of this source tree.
std::string ScriptPath();

struct ProsodyOptions {
  bool limits = true;                   // false: --no-limits
  std::string log_level = "info";       // --log-level
  std::vector<std::string> compromise;  // {mallory full JID, victim1 bare, victim2 bare}
  std::string vouch_key_file;           // --vouch: load mod_e2e_vouch with this domain key
  int vouch_lifetime = 0;               // --vouch-lifetime when not 0
};

class ProsodyServer {
 public:
  // ProsodyServer: e2e-prosody start in a new directory; throws with the script's output when it
  // fails.
  explicit ProsodyServer(const ProsodyOptions& options = {});
  ~ProsodyServer();
  ProsodyServer(const ProsodyServer&) = delete;
  ProsodyServer& operator=(const ProsodyServer&) = delete;

  // Register: account user@localhost (e2e-prosody register).
  void Register(const std::string& user, const std::string& password);
  // Stop: e2e-prosody stop; returns its exit status (the destructor calls it again, harmlessly).
  int Stop();

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string ca_path() const { return dir_ + "/ca.pem"; }
  std::string ReadFile(const std::string& name) const;  // e.g. "prosody.cfg.lua"
  std::string LogTail() const;                          // last lines of prosody.log

 private:
  std::string dir_;
  int port_ = 0;
};

}  // namespace e2esasl::xmpp_test

#endif  // E2ESASL_TESTS_XMPP_PROSODY_FIXTURE_H_
