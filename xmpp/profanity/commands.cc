// commands.cc: the /e2esasl command and Profanity's hooks (the C entry points Profanity looks up
// in e2esasl.so by name).
#include <cstring>
#include <string>
#include <utility>

#include <openssl/crypto.h>

#include "plugin.h"
#include "prof_ui.h"

namespace e2esasl::profanity {
namespace {

constexpr const char* kDefaultMechanism = "CPACE-R255-PLUS";

std::string Arg(char** args, int i) {
  for (int k = 0; k < i; ++k) {
    if (args[k] == nullptr) {
      return "";
    }
  }
  return args[i] != nullptr ? args[i] : "";
}

}  // namespace

void Plugin::Init() {
  CommandHelp help;
  help.synopsis = {"/e2esasl start <full-jid> [<mechanism>]", "/e2esasl password",
                   "/e2esasl accept [<jid>]",  "/e2esasl reject [<jid>]",
                   "/e2esasl sas yes|no [<jid>]", "/e2esasl status",
                   "/e2esasl end [<jid>]", "/e2esasl set [<setting> <value>]"};
  help.description =
      "Authenticate a contact end to end, through the servers: TLS runs between the two clients "
      "inside XMPP, and SASL inside it proves who is on the other end, bound to that TLS channel "
      "(a server that reads the traffic breaks the binding). With a password you both know: "
      "both type /e2esasl password first (CPACE-R255-PLUS by default). Without one: compare a "
      "short string by voice or in person (SAS-R255-PLUS). Chat over the authenticated channel "
      "in the session's own window.";
  help.arguments = {
      {"start <full-jid> [<mechanism>]",
       "Ask the contact's client (full JID with resource) for a session. Mechanism: "
       "CPACE-R255-PLUS, OPAQUE-R255-PLUS, SCRAM-SHA-256-PLUS (password) or SAS-R255-PLUS "
       "(no password); default: setting 'mechanism' with a password, SAS-R255-PLUS without."},
      {"password", "Type the password you share with the contact (hidden, never logged); "
                   "used by the next start or accept."},
      {"accept|reject [<jid>]", "Answer a contact's request."},
      {"sas yes|no [<jid>]", "Answer whether the contact shows the same string."},
      {"status", "Sessions and their state."},
      {"end [<jid>]", "End a session."},
      {"set [<setting> <value>]",
       "Show or change settings: mechanism, offer, sas_digits, sasldb, plugin_path, timeout."}};
  help.examples = {"/e2esasl password", "/e2esasl start bob@example.org/phone",
                   "/e2esasl start bob@example.org/phone SAS-R255-PLUS", "/e2esasl sas yes"};
  RegisterCommand("/e2esasl", 1, 3, help, [](char** args) {
    try {
      Plugin::Get().Command(args);
    } catch (...) {  // std::bad_alloc
      ConsShow("e2esasl: out of memory");
    }
  });
  AddCompletions("/e2esasl",
                 {"start", "password", "accept", "reject", "sas", "status", "end", "set"});
  AddCompletions("/e2esasl sas", {"yes", "no"});
  AddCompletions("/e2esasl set",
                 {"mechanism", "offer", "sas_digits", "sasldb", "plugin_path", "timeout"});
  AddCompletions("/e2esasl set mechanism", {"CPACE-R255-PLUS", "OPAQUE-R255-PLUS",
                                            "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS"});
  RegisterTimed(
      [] {
        try {
          Plugin::Get().Tick();
        } catch (...) {
        }
      },
      1);
  AddDiscoFeature(E2E_XMPP_NS_APP);
}

void Plugin::Command(char** args) {
  std::string sub = Arg(args, 0);
  if (sub == "start") {
    Start(Arg(args, 1), Arg(args, 2));
  } else if (sub == "password") {
    Password();
  } else if (sub == "accept" || sub == "reject") {
    Accept(Arg(args, 1), sub == "accept");
  } else if (sub == "sas") {
    SasAnswer(Arg(args, 1), Arg(args, 2));
  } else if (sub == "status") {
    Status();
  } else if (sub == "end") {
    End(Arg(args, 1));
  } else if (sub == "set") {
    Set(Arg(args, 1), Arg(args, 2));
  } else {
    Notice("e2esasl: unknown subcommand '" + sub + "' (see /help e2esasl)");
  }
}

void Plugin::Start(const std::string& peer, const std::string& mechanism_arg) {
  if (core_ == nullptr) {
    Notice("e2esasl: not connected");
    return;
  }
  if (peer.find('/') == std::string::npos || peer.find('@') == std::string::npos) {
    Notice("e2esasl: start needs the contact's full JID (user@host/resource)");
    return;
  }
  std::string mechanism = mechanism_arg;
  if (mechanism.empty()) {
    mechanism = password_.empty() ? kSas : SettingString("mechanism", kDefaultMechanism);
  }
  if (mechanism != kSas && password_.empty()) {
    Notice("e2esasl: " + mechanism + " needs the password you share with " + BareJid(peer) +
             ": type /e2esasl password first (or use " + kSas + ")");
    return;
  }
  e2e_xmpp_start_options options{};
  options.mechanism = mechanism.c_str();
  options.password = mechanism == kSas ? nullptr : password_.c_str();
  e2e_xmpp_session* s = e2e_xmpp_start(core_, peer.c_str(), &options);
  WipePassword();
  if (s == nullptr) {
    Notice("e2esasl: cannot start a session with " + peer);
    return;
  }
  Entry& e = Add(s, peer, /*initiator=*/true);
  e.mechanism = mechanism;
  OpenWindow(e, /*focus=*/true);
  Say(e, "asking " + peer + " for an end-to-end session with " + mechanism + " ...");
}

void Plugin::Password() {
  Notice("e2esasl: type the password you share with your contact, then Enter (not shown):");
  std::string secret;
  if (!AskSecret(&secret)) {
    Notice("e2esasl: this Profanity has no hidden prompt; the password was not asked");
    return;
  }
  WipePassword();
  password_ = std::move(secret);
  OPENSSL_cleanse(secret.data(), secret.size());
  Notice(password_.empty() ? "e2esasl: no password given"
                           : "e2esasl: password taken for the next /e2esasl start or accept");
}

void Plugin::Accept(const std::string& peer, bool accept) {
  Entry* e = Pick(peer, Entry::State::kAsking, "is waiting for an answer");
  if (e == nullptr) {
    return;
  }
  if (!accept) {
    e2e_xmpp_decline(e->session);
    Ended(*e, "you declined");
    Notice("e2esasl: declined " + e->peer);
    return;
  }
  if (!password_.empty()) {
    // The responder's SASL store holds the secret the peer's account authenticates with.
    std::string sasldb = SasldbPath();
    e2e_xmpp_config config{};
    std::string plugin_path = SaslPath();
    config.jid = jid_.c_str();
    config.sasldb_path = sasldb.c_str();
    config.plugin_path = plugin_path.c_str();
    char* error = nullptr;
    int rc = e2e_xmpp_set_password(&config, BareJid(e->peer).c_str(), password_.c_str(), &error);
    WipePassword();
    if (rc != 0) {
      Notice("e2esasl: cannot store the password: " +
               std::string(error != nullptr ? error : "?"));
      e2e_xmpp_free_string(error);
      return;
    }
  }
  e->state = Entry::State::kRunning;
  OpenWindow(*e, /*focus=*/true);
  if (e2e_xmpp_accept(e->session) != 0) {
    Say(*e, "the request is gone");
    return;
  }
  if (e->session != nullptr && e->state == Entry::State::kRunning) {
    Say(*e, "accepted " + e->peer + "; authenticating ...");
  }
}

void Plugin::SasAnswer(const std::string& answer, const std::string& peer) {
  if (answer != "yes" && answer != "no") {
    Notice("e2esasl: answer /e2esasl sas yes or /e2esasl sas no");
    return;
  }
  Entry* e = Pick(peer, Entry::State::kSasAsked, "is waiting for a string comparison");
  if (e == nullptr) {
    return;
  }
  if (e2e_xmpp_sas_answer(e->session, answer == "yes" ? 1 : 0) != 0) {
    Say(*e, "no answer is awaited");
    return;
  }
  e->state = Entry::State::kRunning;
  Say(*e, answer == "yes" ? "you said the strings match" : "you said the strings differ");
  Tick();  // carry on now rather than at the next timer
}

void Plugin::Status() {
  if (entries_.empty()) {
    Notice("e2esasl: no sessions");
  }
  for (const auto& e : entries_) {
    Notice("e2esasl: " + e->peer + (e->initiator ? " (you asked)" : " (they asked)") + ": " +
             (e->state == Entry::State::kEnded ? "ended: " + e->outcome
                                               : (e->state == Entry::State::kOpen
                                                      ? e->outcome
                                                      : std::string("in progress"))));
  }
}

void Plugin::End(const std::string& peer) {
  Entry* e = Pick(peer, Entry::State::kEnded, "is open");
  if (e == nullptr) {
    return;
  }
  e2e_xmpp_close(e->session);
}

void Plugin::Set(const std::string& key, const std::string& value) {
  static const char* const kStrings[] = {"mechanism", "offer", "sasldb", "plugin_path"};
  static const char* const kInts[] = {"sas_digits", "timeout"};
  if (key.empty()) {
    Notice("e2esasl settings (changes apply from the next connection):");
    for (const char* k : kStrings) {
      Notice(std::string("  ") + k + " = " + SettingString(k, ""));
    }
    for (const char* k : kInts) {
      Notice(std::string("  ") + k + " = " + std::to_string(SettingInt(k, 0)));
    }
    return;
  }
  for (const char* k : kStrings) {
    if (key == k) {
      SetSettingString(key, value);
      Notice("e2esasl: " + key + " = " + value +
             (key == "plugin_path" ? " (libsasl2 reads it once: restart Profanity)"
                                   : " (from the next connection)"));
      return;
    }
  }
  for (const char* k : kInts) {
    if (key == k) {
      char* end = nullptr;
      long v = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || v < 0 || v > 86400) {
        Notice("e2esasl: " + key + " takes a number");
        return;
      }
      SetSettingInt(key, static_cast<int>(v));
      Notice("e2esasl: " + key + " = " + value);
      return;
    }
  }
  Notice("e2esasl: unknown setting '" + key + "'");
}

}  // namespace e2esasl::profanity

// Profanity's C plugin hooks.
using e2esasl::profanity::Plugin;

namespace {

// Guarded: no exception (only std::bad_alloc is possible) crosses into Profanity.
template <typename F>
auto Guarded(decltype(std::declval<F>()()) fallback, F body) noexcept {
  try {
    return body();
  } catch (...) {
    return fallback;
  }
}

template <typename F>
void Guarded(F body) noexcept {
  try {
    body();
  } catch (...) {
  }
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void prof_init(const char* const /*version*/,
                                                     const char* const /*status*/,
                                                     const char* const /*account_name*/,
                                                     const char* const fulljid) {
  Guarded([&] {
    Plugin::Get().Init();
    if (fulljid != nullptr) {
      Plugin::Get().Connected(fulljid);
    }
  });
}

__attribute__((visibility("default"))) void prof_on_connect(const char* const /*account_name*/,
                                                           const char* const fulljid) {
  Guarded([&] {
    if (fulljid != nullptr) {
      Plugin::Get().Connected(fulljid);
    }
  });
}

__attribute__((visibility("default"))) void prof_on_disconnect(
    const char* const /*account_name*/, const char* const /*fulljid*/) {
  Guarded([] { Plugin::Get().Disconnected(); });
}

__attribute__((visibility("default"))) void prof_on_shutdown(void) {
  Guarded([] { Plugin::Get().Shutdown(); });
}

__attribute__((visibility("default"))) void prof_on_unload(void) {
  Guarded([] { Plugin::Get().Shutdown(); });
}

__attribute__((visibility("default"))) int prof_on_iq_stanza_receive(const char* const stanza) {
  return Guarded(1, [&] { return Plugin::Get().OnIq(stanza); });
}

}  // extern "C"
