// e2e-xmpp: two people authenticate each other end to end through their XMPP servers, with the
// session core (<e2esasl/xmpp.h>) on libstrophe. docs/xmpp.md "The e2e-xmpp program".
//
//   e2e-xmpp bob     --jid bob@example.org/phone --xmpp-password-file F --sasldb F [options]
//   e2e-xmpp alice   --jid alice@example.org/laptop --xmpp-password-file F
//                    --peer bob@example.org/phone [--mech M] [--secret-file F] [options]
//   e2e-xmpp mallory --jid mallory@example.org/relay --xmpp-password-file F
//                    --target bob@example.org/phone   (the attack demo's relay)
//   e2e-xmpp passwd  --sasldb F --user alice@example.org [--secret-file F]
//   e2e-xmpp statement --jid alice@example.org/laptop --xmpp-password-file F
//                    --device-key F --device-id ID --out F   (VOUCH: fetch the home server's
//                    statement about a device key, docs/mechanisms/vouch.md)
//
// Exit codes are the e2e_xmpp_code values (0 ok, 2 usage, 3 setup, 4 tls, 5 refused,
// 6 protocol, 7 closed, 8 timeout, 9 unavailable, 10 declined, 11 limit).
//
// This file is the connection (class Program: one XMPP connection, one session core, its
// callbacks); commands.{h,cc} the command line, passwd, the statement's files and the SAS prompt.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <strophe.h>

#include "cli_util.h"
#include "commands.h"
#include "e2esasl/xmpp.h"
#include "e2esasl/xmpp_strophe.h"

namespace {

using namespace e2e_xmpp_cli;  // NOLINT: the program's own helpers
using Clock = std::chrono::steady_clock;

// Program: one e2e-xmpp process (one XMPP connection, one core).
class Program {
 public:
  Program(std::string role, const Args& args) : role_(std::move(role)), args_(args) {}

  int Run() {
    report_.Set("role", role_);
    Setup();
    Connect();
    Loop();
    return Finish();
  }

 private:
  void Setup() {
    jid_ = args_.Need("jid");
    xmpp_password_ = ReadSecret(args_.Get("xmpp-password-file"), "XMPP password for " + jid_);
    if (role_ == "alice") {
      peer_ = args_.Need("peer");
      if (args_.Get("mech").rfind("SAS-", 0) != 0) {
        secret_ = ReadSecret(args_.Get("secret-file"),
                             "the secret you share with " + peer_ + " (end-to-end)");
      }
      says_ = args_.All("say");
      expect_ = args_.Number("expect", 0);
    } else if (role_ == "statement") {
      device_key_ = ReadDeviceKey(args_.Need("device-key"));
      device_id_ = args_.Need("device-id");
      out_ = args_.Need("out");
    } else if (role_ == "bob") {
      sessions_left_ = args_.Number("sessions", 1);
      says_ = args_.All("say");
    } else {
      target_ = args_.Need("target");
      sessions_left_ = 1;
    }
    timeout_s_ = args_.Number("timeout", 60);
    sas_ = SasPrompt{args_.Get("sas-answer", role_ == "mallory" ? "" : "ask"), role_, timeout_s_};
  }

  static void OnConnection(xmpp_conn_t* conn, xmpp_conn_event_t event, int /*error*/,
                           xmpp_stream_error_t* /*stream_error*/, void* user) {
    auto* self = static_cast<Program*>(user);
    if (event == XMPP_CONN_CONNECT) {
      self->Connected(conn);
    } else {
      self->Disconnected();
    }
  }

  void Connect() {
    xmpp_initialize();
    ctx_ = xmpp_ctx_new(
        nullptr, args_.Has("xmpp-debug") ? xmpp_get_default_logger(XMPP_LEVEL_DEBUG) : nullptr);
    conn_ = xmpp_conn_new(ctx_);
    xmpp_conn_set_jid(conn_, jid_.c_str());
    xmpp_conn_set_pass(conn_, xmpp_password_.c_str());
    std::fill(xmpp_password_.begin(), xmpp_password_.end(), '\0');
    xmpp_conn_set_flags(conn_, XMPP_CONN_FLAG_MANDATORY_TLS);
    // The session core answers each data IQ and sends the next as two small writes: with Nagle's
    // algorithm the second waits for a delayed ACK (~40 ms a round trip; docs/performance.md).
    xmpp_conn_set_sockopt_callback(conn_, &Program::SocketOptions);
    if (args_.Has("cafile")) {
      xmpp_conn_set_cafile(conn_, args_.Get("cafile").c_str());
    }
    std::string server = args_.Get("server");
    std::string host;
    unsigned short port = 0;
    if (!server.empty()) {
      size_t colon = server.rfind(':');
      host = server.substr(0, colon);
      if (colon != std::string::npos) {
        port = static_cast<unsigned short>(std::stoi(server.substr(colon + 1)));
      }
    }
    if (xmpp_connect_client(conn_, host.empty() ? nullptr : host.c_str(), port, &OnConnection,
                            this) != XMPP_EOK) {
      throw Error{E2E_XMPP_ERR_SETUP, "cannot connect to the XMPP server"};
    }
    deadline_ = Clock::now() + std::chrono::seconds(timeout_s_ + 30);
  }

  static int SocketOptions(xmpp_conn_t* conn, void* sock) {
    int fd = *static_cast<int*>(sock);
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
      return -1;
    }
    return xmpp_sockopt_cb_keepalive(conn, sock);
  }

  void Connected(xmpp_conn_t* conn) {
    connected_ = true;
    // Available, so the server routes to our full JID; priority -1: no chat messages for us.
    xmpp_stanza_t* presence = xmpp_presence_new(ctx_);
    xmpp_stanza_t* priority = xmpp_stanza_new(ctx_);
    xmpp_stanza_set_name(priority, "priority");
    xmpp_stanza_t* text = xmpp_stanza_new(ctx_);
    xmpp_stanza_set_text(text, "-1");
    xmpp_stanza_add_child(priority, text);
    xmpp_stanza_release(text);
    xmpp_stanza_add_child(presence, priority);
    xmpp_stanza_release(priority);
    xmpp_send(conn, presence);
    xmpp_stanza_release(presence);

    std::string plugin_dir = args_.Get("plugin-dir");
    std::string sasldb = args_.Get("sasldb");
    std::string mechs = args_.Get("mechs");
    std::string tls = args_.Get("tls", "openssl");
    std::string version = args_.Get("tls-version", "any");
    std::string cb = args_.Get("cb", "default");
    e2e_xmpp_config config{};
    config.jid = nullptr;  // the bound JID
    config.plugin_path = plugin_dir.empty() ? nullptr : plugin_dir.c_str();
    config.sasldb_path = sasldb.empty() ? nullptr : sasldb.c_str();
    config.mechanisms = mechs.empty() ? nullptr : mechs.c_str();
    config.tls_library = tls.c_str();
    config.tls_version = version.c_str();
    config.channel_binding = cb.c_str();
    config.block_size = args_.Number("block-size", 0);
    config.timeout_ms = timeout_s_ * 1000;
    config.relay = role_ == "mallory" ? 1 : 0;
    e2e_xmpp_callbacks cbs{};
    cbs.user = this;
    cbs.incoming = &Program::Incoming;
    cbs.authenticated = &Program::Authenticated;
    cbs.failed = &Program::Failed;
    cbs.data = &Program::Data;
    cbs.closed = &Program::Closed;
    if (role_ != "mallory" && !sas_.answer.empty()) {
      cbs.sas_confirm = &Program::SasConfirm;
      cbs.sas_show = &Program::SasShow;
    }
    const std::string sas_store = args_.Get("sas-store");
    if (!sas_store.empty()) {
      cbs.sas_continuity = &Program::SasContinuity;
    }
    if (args_.Has("trace")) {
      cbs.trace = &Program::Trace;
    }
    char* error = nullptr;
    core_ = e2e_xmpp_strophe_attach(conn, &config, &cbs, &error);
    if (core_ == nullptr) {
      setup_error_ = Error{E2E_XMPP_ERR_SETUP, error != nullptr ? error : "attach failed"};
      e2e_xmpp_free_string(error);
      done_ = true;
      return;
    }
    if (!sas_store.empty() &&
        e2e_xmpp_set_sasl_option(core_, "e2esasl_sas_store", sas_store.c_str()) != 0) {
      setup_error_ = Error{E2E_XMPP_ERR_SETUP, "cannot set e2esasl_sas_store"};
      done_ = true;
      return;
    }
    for (const std::string& option : args_.All("sasl-option")) {
      const size_t eq = option.find('=');
      if (eq == std::string::npos ||
          e2e_xmpp_set_sasl_option(core_, option.substr(0, eq).c_str(),
                                   option.substr(eq + 1).c_str()) != 0) {
        setup_error_ = Error{E2E_XMPP_ERR_USAGE,
                             "--sasl-option needs NAME=VALUE with NAME e2esasl_* (64 bytes at most) "
                             "and VALUE at most 256 bytes: " + option.substr(0, eq)};
        done_ = true;
        return;
      }
    }
    report_.Set("jid", xmpp_conn_get_bound_jid(conn));
    Log(std::string("connected as ") + xmpp_conn_get_bound_jid(conn));
    if (role_ == "statement") {
      int rc = e2e_xmpp_fetch_statement(core_, device_key_.c_str(), device_id_.c_str(),
                                        &Program::StatementDone, this);
      if (rc != 0) {
        setup_error_ = Error{rc, "the statement request could not be sent (" +
                                     std::string(e2e_xmpp_code_name(rc)) +
                                     "): --device-key must be a public JWK of at most 1024 "
                                     "bytes, --device-id 1..128 printable ASCII characters"};
        done_ = true;
        return;
      }
      Log("asking the server for a statement about device " + device_id_);
    } else if (role_ == "alice") {
      e2e_xmpp_start_options o{};
      std::string mech = args_.Get("mech");
      std::string user = args_.Get("user");
      o.mechanism = mech.empty() ? nullptr : mech.c_str();
      o.user = user.empty() ? nullptr : user.c_str();
      o.password = secret_.c_str();
      e2e_xmpp_session* s = e2e_xmpp_start(core_, peer_.c_str(), &o);
      std::fill(secret_.begin(), secret_.end(), '\0');
      if (s == nullptr) {
        setup_error_ = Error{E2E_XMPP_ERR_USAGE, "--peer must be a full JID (user@domain/res)"};
        done_ = true;
        return;
      }
      Log("asking " + peer_ + " for an end-to-end session");
    } else {
      Log("waiting for end-to-end sessions");
    }
  }

  void Disconnected() {
    bool was = connected_;
    connected_ = false;
    if (core_ != nullptr) {
      e2e_xmpp_disconnected(core_);
    }
    if (!was && !done_) {
      setup_error_ = Error{E2E_XMPP_ERR_SETUP,
                           "XMPP login failed (server unreachable, certificate not trusted, or "
                           "wrong account password)"};
    } else if (!done_ && result_code_ < 0) {
      result_code_ = E2E_XMPP_ERR_CLOSED;
      result_reason_ = "the XMPP connection was lost";
    }
    done_ = true;
  }

  void Loop() {
    while (!done_) {
      xmpp_run_once(ctx_, 50);
      if (Clock::now() > deadline_ && !done_) {
        if (role_ == "bob" && !any_session_) {
          continue;  // a responder waits for its peer as long as it must
        }
        result_code_ = E2E_XMPP_ERR_TIMEOUT;
        result_reason_ = "gave up after " + std::to_string(timeout_s_ + 30) + " s";
        break;
      }
    }
    if (core_ != nullptr) {
      e2e_xmpp_strophe_detach(core_);
      core_ = nullptr;
    }
    if (connected_) {
      xmpp_disconnect(conn_);
      for (int i = 0; i < 40 && connected_; ++i) {
        xmpp_run_once(ctx_, 50);
      }
    }
    xmpp_conn_release(conn_);
    xmpp_ctx_free(ctx_);
    xmpp_shutdown();
  }

  int Finish() {
    int code = E2E_XMPP_OK;
    std::string reason;
    if (setup_error_) {
      code = setup_error_->code;
      reason = setup_error_->message;
    } else if (result_code_ > 0) {
      code = result_code_;
      reason = result_reason_;
    }
    report_.Set("outcome", e2e_xmpp_code_name(code));
    report_.Set("exit", std::to_string(code));
    if (!reason.empty()) {
      report_.Set("reason", reason);
      Log(std::string(code == E2E_XMPP_ERR_REFUSED ? "REFUSED: " : "error: ") + reason);
    }
    report_.Write(args_.Get("status-file"));
    return code;
  }

  // StatementDone: e2e_xmpp_fetch_statement's answer; the statement goes to --out (replaced
  // atomically: written beside it, then renamed).
  static void StatementDone(void* user, int code, const char* statement, const char* reason) {
    auto* self = static_cast<Program*>(user);
    self->done_ = true;
    if (code != E2E_XMPP_OK) {
      self->result_code_ = code;
      self->result_reason_ = reason;
      return;
    }
    if (std::optional<Error> error = SaveStatement(self->out_, statement)) {
      self->result_code_ = error->code;
      self->result_reason_ = error->message;
      return;
    }
    self->result_code_ = 0;
    self->report_.Set("statement", self->out_);
    self->Log("statement saved to " + self->out_);
  }

  // --- callbacks ---
  static int Incoming(void* user, e2e_xmpp_session* s, const char* peer) {
    auto* self = static_cast<Program*>(user);
    self->any_session_ = true;
    self->deadline_ = Clock::now() + std::chrono::seconds(self->timeout_s_ + 30);
    self->Log(std::string("session request from ") + peer);
    self->report_.Set("peer", peer);
    if (self->role_ == "mallory") {
      e2e_xmpp_start_options o{};
      e2e_xmpp_session* other = e2e_xmpp_start(self->core_, self->target_.c_str(), &o);
      if (other != nullptr) {
        self->links_[s] = other;
        self->links_[other] = s;
        self->Log("relaying " + std::string(peer) + " <-> " + self->target_);
      }
    }
    return E2E_XMPP_ACCEPT;
  }

  static void Authenticated(void* user, e2e_xmpp_session* s, const char* identity,
                            const char* mechanism, const char* binding) {
    auto* self = static_cast<Program*>(user);
    std::string peer = e2e_xmpp_session_peer(s);
    if (self->role_ == "mallory") {
      self->Log("inner TLS up with " + peer + " (relaying)");
      for (const std::string& line : self->waiting_[s]) {
        e2e_xmpp_send(s, line.data(), line.size());
      }
      self->waiting_.erase(s);
      return;
    }
    std::string who = self->role_ == "bob" ? std::string(identity) : peer;
    self->Log("authenticated " + who + " with " + mechanism + " (binding: " + binding + ")");
    self->report_.Set("authenticated", who);
    self->report_.Set("mech", mechanism);
    self->report_.Set("cb", binding);
    for (const std::string& line : self->says_) {
      e2e_xmpp_send(s, line.data(), line.size());
    }
    if (self->role_ == "alice" && self->expect_ == 0) {
      e2e_xmpp_close(s);
    }
  }

  static void Failed(void* user, e2e_xmpp_session* s, int code, const char* reason) {
    auto* self = static_cast<Program*>(user);
    self->result_code_ = code;
    self->result_reason_ = reason;
    self->SessionEnded(s);
  }

  static void Data(void* user, e2e_xmpp_session* s, const char* text, size_t len) {
    auto* self = static_cast<Program*>(user);
    std::string line(text, len);
    std::string peer = e2e_xmpp_session_peer(s);
    if (self->role_ == "mallory") {
      std::cout << "mallory reads (" << peer << "): " << line << std::endl;
      self->report_.Add("heard", line);
      auto link = self->links_.find(s);
      if (link != self->links_.end() &&
          e2e_xmpp_send(link->second, line.data(), line.size()) != 0) {
        self->waiting_[link->second].push_back(line);
      }
      return;
    }
    std::cout << peer << ": " << line << std::endl;
    self->report_.Add("heard", line);
    if (self->role_ == "alice" && ++self->heard_ >= self->expect_ && self->expect_ > 0) {
      e2e_xmpp_close(s);
    }
  }

  static void Closed(void* user, e2e_xmpp_session* s) {
    auto* self = static_cast<Program*>(user);
    if (self->result_code_ < 0) {
      self->result_code_ = 0;
    }
    self->Log(std::string("session with ") + e2e_xmpp_session_peer(s) + " closed");
    self->SessionEnded(s);
  }

  void SessionEnded(e2e_xmpp_session* s) {
    auto link = links_.find(s);
    if (link != links_.end()) {
      e2e_xmpp_session* other = link->second;
      links_.erase(other);
      links_.erase(link);
      e2e_xmpp_close(other);
      return;  // the other leg's end finishes mallory
    }
    if (sessions_left_ > 0 && --sessions_left_ == 0) {
      done_ = true;
    } else if (role_ == "alice") {
      done_ = true;
    }
  }

  // SasContinuity: SAS-R255-PLUS with --sas-store: how the exchange starts, and "stored".
  static void SasContinuity(void* user, e2e_xmpp_session* /*s*/, int event, const char* peer) {
    ReportContinuity(&static_cast<Program*>(user)->report_, event, peer);
  }

  static void SasShow(void* user, e2e_xmpp_session* /*s*/, const char* sas) {
    auto* self = static_cast<Program*>(user);
    std::cout << "short authentication string: " << sas << std::endl;
    self->report_.Set("sas", sas);
    self->sas_.Write(sas);
  }

  static int SasConfirm(void* user, e2e_xmpp_session* /*s*/, const char* sas, int /*server*/) {
    auto* self = static_cast<Program*>(user);
    self->report_.Set("sas", sas);
    return self->sas_.Confirm(sas);
  }

  static void Trace(void* user, const char* direction, const char* xml) {
    auto* self = static_cast<Program*>(user);
    std::cerr << self->role_ << " " << direction << ": " << xml << "\n";
  }

  void Log(const std::string& message) { std::cerr << role_ << ": " << message << std::endl; }

  std::string role_;
  const Args& args_;
  Report report_;
  std::string jid_, xmpp_password_, peer_, secret_, target_;
  SasPrompt sas_;
  std::string device_key_, device_id_, out_;
  std::vector<std::string> says_;
  unsigned expect_ = 0, heard_ = 0, sessions_left_ = 0, timeout_s_ = 60;
  xmpp_ctx_t* ctx_ = nullptr;
  xmpp_conn_t* conn_ = nullptr;
  e2e_xmpp* core_ = nullptr;
  bool connected_ = false, done_ = false, any_session_ = false;
  Clock::time_point deadline_;
  std::optional<Error> setup_error_;
  int result_code_ = -1;
  std::string result_reason_;
  std::map<e2e_xmpp_session*, e2e_xmpp_session*> links_;
  std::map<e2e_xmpp_session*, std::vector<std::string>> waiting_;
};

}  // namespace

int main(int argc, char** argv) {
  // A server that vanishes must end us with "the XMPP connection was lost" (exit 7), not kill us
  // with SIGPIPE when libstrophe next writes to its socket (e.g. after a blocking SAS question).
  std::signal(SIGPIPE, SIG_IGN);
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
    std::cout << kUsage;
    return argc < 2 ? E2E_XMPP_ERR_USAGE : 0;
  }
  std::string role = argv[1];
  try {
    std::optional<Args> args = ParseCommandLine(role, argc, argv);
    if (!args) {
      std::cerr << kUsage;
      return E2E_XMPP_ERR_USAGE;
    }
    if (role == "passwd") {
      return Passwd(*args);
    }
    Program program(role, *args);
    return program.Run();
  } catch (const Error& e) {
    std::cerr << role << ": " << e.message << "\n";
    if (e.code == E2E_XMPP_ERR_USAGE) {
      std::cerr << kUsage;
    }
    return e.code;
  } catch (const std::exception& e) {
    std::cerr << role << ": " << e.what() << "\n";
    return E2E_XMPP_ERR_SETUP;
  }
}
