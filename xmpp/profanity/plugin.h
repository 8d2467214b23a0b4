// plugin.h: the e2esasl Profanity plugin's state: one session core (<e2esasl/xmpp.h>) on
// Profanity's own XMPP connection, driven through Profanity's stanza hooks, and the sessions the
// person sees (docs/profanity.md). Everything runs in Profanity's main thread.
#ifndef E2ESASL_PROFANITY_PLUGIN_H_
#define E2ESASL_PROFANITY_PLUGIN_H_

#include <memory>
#include <string>
#include <vector>

#include "e2esasl/xmpp.h"

namespace e2esasl::profanity {

inline constexpr const char* kSas = "SAS-R255-PLUS";

// BareJid: user@host of a full JID.
inline std::string BareJid(const std::string& jid) {
  return jid.substr(0, jid.find('/'));
}

// Entry: one session as the person sees it (kept after it ended, for /e2esasl status).
struct Entry {
  enum class State { kAsking, kRunning, kSasAsked, kOpen, kEnded };
  e2e_xmpp_session* session = nullptr;  // nullptr once ended
  std::string peer;                     // full JID
  std::string tag;                      // its window: "e2esasl <peer>"
  bool initiator = false;
  State state = State::kRunning;
  std::string mechanism;
  std::string outcome;  // what the window said last about how it went
};

class Plugin {
 public:
  static Plugin& Get();

  // Profanity's hooks.
  void Init();
  void Connected(const std::string& fulljid);
  void Disconnected();
  void Shutdown();
  // OnIq: 1 when Profanity should go on with the stanza, 0 when it was ours.
  int OnIq(const char* xml);
  void Tick();
  void Command(char** args);
  void WindowLine(const std::string& tag, const std::string& line);

 private:
  Plugin() = default;
  // Commands.
  void Start(const std::string& peer, const std::string& mechanism);
  void Password();
  void Accept(const std::string& peer, bool accept);
  void SasAnswer(const std::string& answer, const std::string& peer);
  void Status();
  void End(const std::string& peer);
  void Set(const std::string& key, const std::string& value);

  // Core callbacks.
  static int OnIncoming(void* user, e2e_xmpp_session* s, const char* peer);
  static void OnAuthenticated(void* user, e2e_xmpp_session* s, const char* identity,
                              const char* mechanism, const char* binding);
  static void OnFailed(void* user, e2e_xmpp_session* s, int code, const char* reason);
  static void OnData(void* user, e2e_xmpp_session* s, const char* text, size_t len);
  static void OnClosed(void* user, e2e_xmpp_session* s);
  static int OnSasConfirm(void* user, e2e_xmpp_session* s, const char* sas, int is_server);
  static void OnSasShow(void* user, e2e_xmpp_session* s, const char* sas);
  static void OnSasContinuity(void* user, e2e_xmpp_session* s, int event, const char* peer);
  static int OnSend(void* user, const char* xml);

  Entry* Find(e2e_xmpp_session* s);
  // Pick: the latest live session in `state` (any state when kEnded is given), with `peer` if
  // not empty; nullptr after telling the person why not.
  Entry* Pick(const std::string& peer, Entry::State state, const char* what);
  Entry& Add(e2e_xmpp_session* s, const std::string& peer, bool initiator);
  void OpenWindow(Entry& e, bool focus);
  void Say(Entry& e, const std::string& line);
  // Notice: a line for the person wherever they look: the console, and the current chat window
  // or else our latest session window.
  void Notice(const std::string& line);
  void Ended(Entry& e, const std::string& outcome);
  void WipePassword();
  std::string SasldbPath();
  // SaslPath: the "plugin_path" setting, or by default the installed mechanisms plus a private
  // directory holding only links to the system's sasldb module (made on first use).
  std::string SaslPath();

  e2e_xmpp* core_ = nullptr;
  std::string jid_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::string password_;  // for the next start or accept; wiped after use
};

}  // namespace e2esasl::profanity

#endif  // E2ESASL_PROFANITY_PLUGIN_H_
