// xmpp_programs.h: e2e-xmpp processes (alice, bob) through a sandbox Prosody, for the tests of
// faults that need a real XMPP server (prosody_fault_test.cc).
//
// XmppWorld starts a ProsodyServer with the accounts alice and bob, makes a private work
// directory under /tmp with their XMPP passwords and the shared secret, provisions bob's sasldb
// for alice@localhost with `e2e-xmpp passwd`, and builds e2e-xmpp command lines. Child runs one
// program in the background; RunProgram (prosody_fixture.h) runs one in the foreground.
// Everything throws std::runtime_error on failure.
#ifndef E2ESASL_TESTS_XMPP_XMPP_PROGRAMS_H_
#define E2ESASL_TESTS_XMPP_XMPP_PROGRAMS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "prosody_fixture.h"

namespace e2esasl::xmpp_test {

inline constexpr char kProgramAlice[] = "alice@localhost/laptop";
inline constexpr char kProgramBob[] = "bob@localhost/phone";

// Child: a program running in the background with stdout and stderr appended to a log file and
// stdin from /dev/null. The destructor kills (SIGKILL) and reaps it if it still runs.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& log_path);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Wait: the program's exit status; 128 + N when signal N ended it (as a shell says); -1 when
  // it still ran at the deadline (it is then killed and reaped).
  int Wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int result_ = -1;
  bool reaped_ = false;
};

// WaitForText: whether the file at path comes to contain text within timeout.
bool WaitForText(const std::string& path, const std::string& text,
                 std::chrono::milliseconds timeout);

// CountText: how often text occurs in the file at path (0 when it cannot be read).
int CountText(const std::string& path, const std::string& text);

// StatusFile: what e2e-xmpp wrote with --status-file ("key value" lines); empty when the file
// is missing.
class StatusFile {
 public:
  explicit StatusFile(const std::string& path);
  // Get: the first value of key, "" when absent.
  std::string Get(const std::string& key) const;
  // All: every value of key, in order.
  std::vector<std::string> All(const std::string& key) const;
  bool Has(const std::string& key) const;
  // text: the whole file, for assertion messages.
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::pair<std::string, std::string>> lines_;
};

class XmppWorld {
 public:
  // options: the sandbox server's (e.g. a VOUCH domain key: mod_e2e_vouch).
  explicit XmppWorld(const ProsodyOptions& options = {});
  ~XmppWorld();
  XmppWorld(const XmppWorld&) = delete;
  XmppWorld& operator=(const XmppWorld&) = delete;

  ProsodyServer& server() { return *server_; }
  // Path: a file in the work directory.
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  // WriteFile: writes content (and a newline) to Path(name), mode 600; returns the path.
  std::string WriteFile(const std::string& name, const std::string& content) const;

  // Bob / Alice: e2e-xmpp command lines with the JID, XMPP password file, server, CA file and
  // plugin path (Alice also --peer bob@localhost/phone and --secret-file with the secret bob
  // holds), followed by extra. A repeated option in extra overrides (the last one counts).
  std::vector<std::string> Bob(const std::vector<std::string>& extra) const;
  std::vector<std::string> Alice(const std::vector<std::string>& extra) const;

  // ServerLog: the path of prosody.log.
  std::string ServerLog() const { return server_->dir() + "/prosody.log"; }
  // KillServer: SIGKILL to the server's whole process group (runuser and Prosody).
  void KillServer();
  // FreezeServer / ThawServer: SIGSTOP the group (the server keeps its connections open and
  // answers nothing), then SIGCONT it until no process of it is stopped. runuser stops itself
  // again when it sees its child stopped, so a single SIGCONT may leave it stopped.
  void FreezeServer();
  void ThawServer();

 private:
  void SignalGroup(int signal);

  std::unique_ptr<ProsodyServer> server_;
  std::string dir_;
  std::string plugin_path_;
};

}  // namespace e2esasl::xmpp_test

#endif  // E2ESASL_TESTS_XMPP_XMPP_PROGRAMS_H_
