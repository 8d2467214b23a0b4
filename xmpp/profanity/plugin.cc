// plugin.cc: see plugin.h.
#include "plugin.h"

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <openssl/crypto.h>

#include "prof_ui.h"

namespace e2esasl::profanity {
namespace {

constexpr int kDefaultTimeoutSeconds = 300;  // people compare strings and type passwords

std::string StateName(Entry::State s) {
  switch (s) {
    case Entry::State::kAsking:
      return "asking you (/e2esasl accept or reject)";
    case Entry::State::kRunning:
      return "authenticating";
    case Entry::State::kSasAsked:
      return "waiting for your answer (/e2esasl sas yes|no)";
    case Entry::State::kOpen:
      return "authenticated";
    case Entry::State::kEnded:
      return "ended";
  }
  return "";
}

void EnsurePrivateDir(const std::string& file) {
  size_t slash = file.rfind('/');
  if (slash == std::string::npos || slash == 0) {
    return;
  }
  std::string dir = file.substr(0, slash);
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      mkdir(dir.substr(0, i).c_str(), 0700);  // existing parents stay as they are
    }
  }
}

}  // namespace

Plugin& Plugin::Get() {
  static Plugin* plugin = new Plugin;  // never destroyed: Profanity may call hooks at exit
  return *plugin;
}

std::string Plugin::SasldbPath() {
  std::string def;
  if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data != '\0') {
    def = std::string(data) + "/profanity/e2esasl/peers.sasldb";
  } else if (const char* home = std::getenv("HOME"); home != nullptr) {
    def = std::string(home) + "/.local/share/profanity/e2esasl/peers.sasldb";
  }
  return SettingString("sasldb", def);
}

std::string Plugin::SaslPath() {
  std::string path = SettingString("plugin_path", "");
  if (!path.empty()) {
    return path;
  }
  // SASL_PATH replaces libsasl2's default directory, so the store's module (sasldb) must be on
  // it too; the whole system directory would also load Cyrus's own SCRAM under the same names.
  std::string store = SasldbPath();
  std::string modules = store.substr(0, store.rfind('/') + 1) + "sasl-modules";
  EnsurePrivateDir(modules + "/x");
  glob_t g{};
  for (const char* pattern : {"/usr/lib/*-linux-gnu/sasl2/libsasldb.so*",
                              "/usr/lib/sasl2/libsasldb.so*", "/usr/lib64/sasl2/libsasldb.so*"}) {
    if (glob(pattern, 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        std::string target = g.gl_pathv[i];
        std::string link = modules + target.substr(target.rfind('/'));
        symlink(target.c_str(), link.c_str());  // an existing link stays
      }
      globfree(&g);
      break;
    }
    globfree(&g);
  }
  return std::string(E2ESASL_PROFANITY_SASL_DIR) + ":" + modules;
}

void Plugin::Connected(const std::string& fulljid) {
  if (core_ != nullptr) {
    return;
  }
  jid_ = fulljid;
  std::string plugin_path = SaslPath();
  std::string sasldb = SasldbPath();
  std::string offer = SettingString("offer", "");
  EnsurePrivateDir(sasldb);
  e2e_xmpp_config config{};
  config.jid = jid_.c_str();
  config.plugin_path = plugin_path.c_str();
  config.sasldb_path = sasldb.c_str();
  config.mechanisms = offer.empty() ? nullptr : offer.c_str();
  config.timeout_ms = static_cast<unsigned>(SettingInt("timeout", kDefaultTimeoutSeconds)) * 1000;
  e2e_xmpp_io io{this, &Plugin::OnSend};
  e2e_xmpp_callbacks cbs{};
  cbs.user = this;
  cbs.incoming = &Plugin::OnIncoming;
  cbs.authenticated = &Plugin::OnAuthenticated;
  cbs.failed = &Plugin::OnFailed;
  cbs.data = &Plugin::OnData;
  cbs.closed = &Plugin::OnClosed;
  cbs.sas_confirm = &Plugin::OnSasConfirm;
  cbs.sas_show = &Plugin::OnSasShow;
  const std::string sas_store = SettingString("sas_store", "");
  if (!sas_store.empty()) {
    cbs.sas_continuity = &Plugin::OnSasContinuity;
  }
  char* error = nullptr;
  core_ = e2e_xmpp_new(&config, &io, &cbs, &error);
  if (core_ == nullptr) {
    ConsShow("e2esasl: unavailable: " + std::string(error != nullptr ? error : "?"));
    e2e_xmpp_free_string(error);
    return;
  }
  if (!sas_store.empty() &&
      e2e_xmpp_set_sasl_option(core_, "e2esasl_sas_store", sas_store.c_str()) != 0) {
    ConsShow("e2esasl: cannot use sas_store " + sas_store);
  }
  int digits = SettingInt("sas_digits", 0);
  if (digits >= 10 && digits <= 18) {
    e2e_xmpp_set_sasl_option(core_, "e2esasl_sas_digits", std::to_string(digits).c_str());
  } else if (digits != 0) {
    ConsShow("e2esasl: sas_digits must be 10..18; using the default (10)");
  }
  LogInfo("e2esasl: ready for " + jid_);
}

void Plugin::Disconnected() {
  if (core_ == nullptr) {
    return;
  }
  e2e_xmpp_disconnected(core_);  // every live session fails (callbacks below)
  e2e_xmpp_free(core_);
  core_ = nullptr;
}

void Plugin::Shutdown() {
  if (core_ != nullptr) {
    e2e_xmpp_free(core_);  // tells the peers (session-terminate), no callbacks
    core_ = nullptr;
  }
  for (auto& e : entries_) {
    e->session = nullptr;
    e->state = Entry::State::kEnded;
  }
  WipePassword();
}

int Plugin::OnIq(const char* xml) {
  if (core_ == nullptr || xml == nullptr) {
    return 1;
  }
  return e2e_xmpp_handle_stanza(core_, xml) == 1 ? 0 : 1;
}

void Plugin::Tick() {
  if (core_ != nullptr) {
    e2e_xmpp_tick(core_);
  }
}

void Plugin::WipePassword() {
  OPENSSL_cleanse(password_.data(), password_.size());
  password_.clear();
}

// --- Sessions as the person sees them --------------------------------------------------------

Entry* Plugin::Find(e2e_xmpp_session* s) {
  for (auto& e : entries_) {
    if (e->session == s) {
      return e.get();
    }
  }
  return nullptr;
}

Entry& Plugin::Add(e2e_xmpp_session* s, const std::string& peer, bool initiator) {
  auto e = std::make_unique<Entry>();
  e->session = s;
  e->peer = peer;
  e->tag = "e2esasl " + peer;
  e->initiator = initiator;
  entries_.push_back(std::move(e));
  return *entries_.back();
}

Entry* Plugin::Pick(const std::string& peer, Entry::State state, const char* what) {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    Entry& e = **it;
    if (e.session != nullptr && (state == Entry::State::kEnded || e.state == state) &&
        (peer.empty() || e.peer == peer || BareJid(e.peer) == peer)) {
      return &e;
    }
  }
  Notice(std::string("e2esasl: no session ") + what +
           (peer.empty() ? "" : " with " + peer));
  return nullptr;
}

void Plugin::OpenWindow(Entry& e, bool focus) {
  bool created = WindowEnsure(e.tag, [](char* tag, char* line) {
    Plugin::Get().WindowLine(tag != nullptr ? tag : "", line != nullptr ? line : "");
  });
  if (created) {
    WindowShow(e.tag, "[e2esasl] end-to-end session with " + e.peer +
                          ": lines typed here go only over the authenticated channel");
  }
  if (focus) {
    WindowFocus(e.tag);
  }
}

void Plugin::Say(Entry& e, const std::string& line) {
  WindowShow(e.tag, "[e2esasl] " + line);
}

void Plugin::Notice(const std::string& line) {
  ConsShow(line);
  if (CurrentIsConsole()) {
    return;
  }
  if (std::string chat = CurrentChat(); !chat.empty()) {
    ChatShow(chat, line);
    return;
  }
  if (!entries_.empty() && WindowExists(entries_.back()->tag)) {
    WindowShow(entries_.back()->tag, line);
  }
}

void Plugin::Ended(Entry& e, const std::string& outcome) {
  e.session = nullptr;
  e.state = Entry::State::kEnded;
  e.outcome = outcome;
}

void Plugin::WindowLine(const std::string& tag, const std::string& line) {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    Entry& e = **it;
    if (e.tag != tag) {
      continue;
    }
    if (e.state != Entry::State::kOpen || e.session == nullptr) {
      Say(e, "not sent: the session is " + StateName(e.state));
      return;
    }
    if (e2e_xmpp_send(e.session, line.data(), line.size()) != 0) {
      Say(e, "not sent: the line is too long or the channel is gone");
      return;
    }
    WindowShow(e.tag, "me: " + line);
    return;
  }
}

// --- Core callbacks ---------------------------------------------------------------------------

int Plugin::OnSend(void* /*user*/, const char* xml) {
  return SendStanza(xml) ? 0 : -1;
}

int Plugin::OnIncoming(void* user, e2e_xmpp_session* s, const char* peer) {
  auto* self = static_cast<Plugin*>(user);
  Entry& e = self->Add(s, peer, /*initiator=*/false);
  e.state = Entry::State::kAsking;
  std::string text = "e2esasl: " + e.peer +
                     " asks for an end-to-end authenticated session. With a password you agreed "
                     "on: /e2esasl password, then /e2esasl accept. To compare a short "
                     "authentication string instead: /e2esasl accept. To refuse: /e2esasl reject";
  ChatShow(BareJid(e.peer), text);
  if (WindowExists(e.tag)) {
    WindowShow(e.tag, text);  // an earlier session's window with this peer
  }
  ConsShow(text);
  ConsAlert();
  return E2E_XMPP_PENDING;
}

void Plugin::OnAuthenticated(void* user, e2e_xmpp_session* s, const char* identity,
                             const char* mechanism, const char* binding) {
  auto* self = static_cast<Plugin*>(user);
  Entry* e = self->Find(s);
  if (e == nullptr) {
    return;
  }
  e->mechanism = mechanism;
  // The responder learns who authenticated from SASL: with a password that must be the peer's
  // own account (the store may hold other peers' secrets).
  if (!e->initiator && std::string(mechanism) != kSas &&
      std::string(identity) != BareJid(e->peer)) {
    self->Say(*e, "refused " + e->peer + ": it authenticated as " + identity +
                      ", not as its own JID");
    e2e_xmpp_close(s);
    return;
  }
  e->state = Entry::State::kOpen;
  std::string line = "authenticated " + e->peer + " with " + mechanism + " (" + binding + ")";
  e->outcome = line;
  self->Say(*e, line);
  ConsShow("e2esasl: " + line);
  LogInfo("e2esasl: " + line);
}

void Plugin::OnFailed(void* user, e2e_xmpp_session* s, int code, const char* reason) {
  auto* self = static_cast<Plugin*>(user);
  Entry* e = self->Find(s);
  if (e == nullptr) {
    return;
  }
  std::string line = code == E2E_XMPP_ERR_REFUSED
                         ? "refused " + e->peer + ": " + reason
                         : std::string(e2e_xmpp_code_name(code)) + " (" + e->peer + "): " + reason;
  self->Say(*e, line);
  ConsShow("e2esasl: " + line);
  LogInfo("e2esasl: session with " + e->peer + " failed: " + e2e_xmpp_code_name(code));
  self->Ended(*e, line);
}

void Plugin::OnData(void* user, e2e_xmpp_session* s, const char* text, size_t len) {
  auto* self = static_cast<Plugin*>(user);
  if (Entry* e = self->Find(s); e != nullptr) {
    WindowShow(e->tag, BareJid(e->peer) + ": " + std::string(text, len));
  }
}

void Plugin::OnClosed(void* user, e2e_xmpp_session* s) {
  auto* self = static_cast<Plugin*>(user);
  if (Entry* e = self->Find(s); e != nullptr) {
    self->Say(*e, "session with " + e->peer + " ended");
    self->Ended(*e, e->outcome.empty() ? "ended" : e->outcome + ", ended");
  }
}

void Plugin::OnSasContinuity(void* user, e2e_xmpp_session* s, int event, const char* peer) {
  auto* self = static_cast<Plugin*>(user);
  Entry* e = self->Find(s);
  if (e == nullptr) {
    return;
  }
  if (event == E2E_XMPP_SAS_REMEMBERED) {
    self->Say(*e, std::string(peer) + " is remembered from a comparison you both confirmed: no "
                                      "comparison needed");
  } else if (event == E2E_XMPP_SAS_FIRST) {
    self->Say(*e, "first contact with " + std::string(peer) + ": compare the strings");
  } else if (event == E2E_XMPP_SAS_NOT_MATCHED) {
    self->Say(*e, "WARNING: " + std::string(peer) +
                      " is remembered but did NOT prove it: a new device, a lost store, or a man "
                      "in the middle. Compare the strings!");
    ConsAlert();
  }
}

void Plugin::OnSasShow(void* user, e2e_xmpp_session* s, const char* sas) {
  auto* self = static_cast<Plugin*>(user);
  if (Entry* e = self->Find(s); e != nullptr) {
    self->Say(*e, "short authentication string: " + std::string(sas) + "   (compare it with " +
                      e->peer + " by voice or in person)");
  }
}

int Plugin::OnSasConfirm(void* user, e2e_xmpp_session* s, const char* sas, int /*is_server*/) {
  auto* self = static_cast<Plugin*>(user);
  Entry* e = self->Find(s);
  if (e == nullptr) {
    return 0;
  }
  e->state = Entry::State::kSasAsked;
  self->Say(*e, "does " + e->peer + " show exactly " + sas +
                    " ? Type /e2esasl sas yes or /e2esasl sas no");
  ConsAlert();
  return E2E_XMPP_PENDING;
}

}  // namespace e2esasl::profanity
