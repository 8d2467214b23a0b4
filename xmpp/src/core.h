// core.h: the session core behind <e2esasl/xmpp.h>: the table of sessions of one XMPP
// connection, stanza dispatch, IQ tracking, and the application's callbacks.
#ifndef E2ESASL_XMPP_CORE_H_
#define E2ESASL_XMPP_CORE_H_

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "e2esasl/channelbind.h"
#include "e2esasl/xmpp.h"
#include "sasl_end.h"
#include "stanza.h"
#include "tls_engine.h"

namespace e2esasl::xmpp {

class Session;
using Clock = std::chrono::steady_clock;

// BindingMode: what channel binding the sessions set (config.channel_binding).
enum class BindingMode { kBest, kNone, kForced };

// Limits and defaults (docs/xmpp.md "Limits").
inline constexpr unsigned kDefaultBlockSize = 4096;
inline constexpr unsigned kMaxBlockSize = 65535;  // XEP-0047
inline constexpr unsigned kDefaultTimeoutMs = 60000;
inline constexpr size_t kDefaultMaxUnauthenticated = 256 * 1024;
inline constexpr size_t kMaxLine = 60000;                   // one inner line (e2e_xmpp_send's cap)
inline constexpr size_t kMaxOutstandingBlocks = 4;          // IBB data IQs in flight per session
inline constexpr size_t kMaxQueuedBytes = 4 * 1024 * 1024;  // ciphertext waiting for the window
inline constexpr std::chrono::milliseconds kCloseTimeout{5000};
inline constexpr std::chrono::milliseconds kAckTimeout{30000};
inline constexpr size_t kMaxSessions = 64;  // per core; more session-initiates are refused

// Settings: e2e_xmpp_config, validated and copied.
struct Settings {
  std::string jid;
  std::string plugin_path;
  SaslSettings sasl;
  std::vector<std::string> mechanisms;  // responder's allowed list; empty: all
  TlsLib tls_lib = TlsLib::kOpenssl;
  TlsVersion tls_version = TlsVersion::kAny;
  BindingMode binding_mode = BindingMode::kBest;
  channelbind::Type binding_type = channelbind::Type::kTlsExporter;
  unsigned block_size = kDefaultBlockSize;
  std::chrono::milliseconds timeout{kDefaultTimeoutMs};
  size_t max_unauthenticated = kDefaultMaxUnauthenticated;
  bool relay = false;
};

// ParseSettings validates config; std::nullopt with *error on a bad value.
std::optional<Settings> ParseSettings(const e2e_xmpp_config& config, std::string* error);

class Core {
 public:
  Core(Settings settings, const e2e_xmpp_io& io, const e2e_xmpp_callbacks& callbacks);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  int HandleStanza(const char* xml);
  void Tick();
  void Disconnected();
  Session* Start(const std::string& peer, const e2e_xmpp_start_options& options);
  size_t SessionCount() const { return sessions_.size(); }
  // FetchStatement: e2e_xmpp_fetch_statement (statement_fetch.cc).
  int FetchStatement(const std::string& device_key_jwk, const std::string& device_id,
                     e2e_xmpp_statement_done done, void* user);
  bool disconnected() const { return disconnected_; }

  // For sessions.
  const Settings& settings() const { return settings_; }
  // SetSaslOption: a mechanism option for the sessions started or accepted from now on.
  void SetSaslOption(const std::string& name, const std::string& value);
  const e2e_xmpp_callbacks& callbacks() const { return callbacks_; }
  xmpp_ctx_t* ctx() const { return ctx_.get(); }
  const TlsCredentials& credentials();  // made on first use; throws std::runtime_error
  // SendIq sends an IQ set/get and remembers its id for `session`; false when the connection
  // refused it.
  bool SendIq(Session* session, Stanza iq, const std::string& id);
  // Send sends any stanza (results, errors); false when the connection refused it.
  bool Send(const Stanza& stanza);
  std::string NewId();
  static std::string RandomHex(size_t bytes);
  // Reap frees finished sessions (called at the end of every entry point).
  void Reap();
  // Entry marks a public entry point (nesting through callbacks is allowed).
  struct Entry {
    explicit Entry(Core* core) : core_(core) { ++core_->depth_; }
    ~Entry() {
      if (--core_->depth_ == 0) {
        core_->Reap();
      }
    }
    Core* core_;
  };

 private:
  int HandleIq(xmpp_stanza_t* iq, const std::string& text);
  Session* Find(const std::string& sid);
  // Ended: sid (Jingle or IBB) belonged to a session reaped lately.
  bool Ended(const std::string& sid) const;
  static constexpr size_t kEndedRemembered = 128;
  void Answer(xmpp_stanza_t* iq, const char* type, const char* condition, Stanza extra = Stanza());
  // Statement fetches (statement_fetch.cc). OnFetchAnswer: 1 when iq (a result or error) answers
  // an outstanding fetch; FinishFetches: every fetch whose deadline passed (all when `all`)
  // ends with code.
  struct Fetch {
    e2e_xmpp_statement_done done;
    void* user;
    Clock::time_point deadline;
  };
  int OnFetchAnswer(xmpp_stanza_t* iq, const std::string& text);
  void FinishFetches(Clock::time_point now, bool all, int code, const std::string& reason);

  Settings settings_;
  e2e_xmpp_io io_;
  e2e_xmpp_callbacks callbacks_;
  StropheCtxPtr ctx_;
  std::optional<TlsCredentials> credentials_;
  std::map<std::string, std::unique_ptr<Session>> sessions_;  // by Jingle sid
  std::map<std::string, Session*> pending_;                   // IQ id -> session
  std::map<std::string, Fetch> fetches_;                      // IQ id -> statement fetch
  std::deque<std::string> ended_;
  std::string id_prefix_;
  unsigned long next_id_ = 0;
  int depth_ = 0;
  bool disconnected_ = false;
};

}  // namespace e2esasl::xmpp

#endif  // E2ESASL_XMPP_CORE_H_
