// profanity_user.h: a real Profanity process for the plugin tests, in its own tmux server, with
// its own HOME and XDG directories, account, trusted CA and e2esasl.so. The test types with
// `tmux send-keys` and reads the screen with `tmux capture-pane`, as a person would.
// Everything throws std::runtime_error on failure.
#ifndef E2ESASL_TESTS_PROFANITY_PROFANITY_USER_H_
#define E2ESASL_TESTS_PROFANITY_PROFANITY_USER_H_

#include <chrono>
#include <string>
#include <vector>

namespace e2esasl::profanity_test {

struct ProfanitySpec {
  std::string user;           // "alice" (alice@localhost)
  std::string resource;       // "laptop"
  std::string xmpp_password;  // the account's
  int port = 0;               // the sandbox Prosody's
  std::string ca_file;        // the sandbox's CA
  std::string plugin_file;    // the built e2esasl.so
  std::string sasl_path;      // the SASL plugin path for the plugin's "plugin_path" setting
};

class ProfanityUser {
 public:
  // ProfanityUser: writes the files and starts `profanity -a user@localhost -l DEBUG` in a tmux
  // session; returns once the console says the account is logged in (at most 30 s).
  explicit ProfanityUser(const ProfanitySpec& spec);
  ~ProfanityUser();  // /quit, then the tmux server is killed; the directory is removed
  ProfanityUser(const ProfanityUser&) = delete;
  ProfanityUser& operator=(const ProfanityUser&) = delete;

  std::string jid() const { return spec_.user + "@localhost/" + spec_.resource; }
  // Type: the keys of text, then Enter.
  void Type(const std::string& text);
  // Keys: text as typed (no Enter), then the named tmux keys (e.g. "Tab", "C-u").
  void Keys(const std::string& text, const std::vector<std::string>& named = {});
  // Screen: what the terminal shows now (the current window).
  std::string Screen() const;
  // WaitFor: whether the screen comes to show text within timeout (the screen is kept for
  // messages: last_screen()).
  bool WaitFor(const std::string& text, std::chrono::milliseconds timeout);
  const std::string& last_screen() const { return last_screen_; }
  // WaitGone: whether the screen comes to show no text within timeout.
  bool WaitGone(const std::string& text, std::chrono::milliseconds timeout);
  // Log: Profanity's log file (every stanza and typed line at level DEBUG).
  std::string Log() const;
  // FilesContain: whether any file under this user's directories holds text, other than the
  // plugin's own SASL store (the responder's credentials, which hold the shared secret).
  bool FilesContain(const std::string& text) const;

 private:
  std::string Tmux(const std::vector<std::string>& args) const;
  ProfanitySpec spec_;
  std::string dir_;
  std::string socket_;
  std::string last_screen_;
};

}  // namespace e2esasl::profanity_test

#endif  // E2ESASL_TESTS_PROFANITY_PROFANITY_USER_H_
