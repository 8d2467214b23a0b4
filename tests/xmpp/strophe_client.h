// strophe_client.h: a small libstrophe client for tests: logs in to a sandbox Prosody
// (prosody_fixture.h) on 127.0.0.1 with TLS required and the server certificate verified
// against a given CA file, records the IQs and messages it receives and answers IQ get/set
// with a result.
// Its context keeps libstrophe's log (e.g. "Certificate verification FAILED").
//
// StropheContext is one libstrophe context; its StropheClients share one event loop, run with
// xmpp_run_once up to a deadline. One thread. Failures throw std::runtime_error.
#ifndef E2ESASL_TESTS_XMPP_STROPHE_CLIENT_H_
#define E2ESASL_TESTS_XMPP_STROPHE_CLIENT_H_

#include <strophe.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace e2esasl::xmpp_test {

// Received: what a StropheClient saw of one incoming <iq/> or <message/>.
struct Received {
  std::string name;  // "iq" or "message"
  std::string from, to, type, id;
  std::string child_name, child_ns;  // first child element, if any
  std::string initiator, responder;  // attributes of a <jingle xmlns='urn:xmpp:jingle:1'/>
  std::string text;                  // the whole stanza (xmpp_stanza_to_text)
};

class StropheClient;

class StropheContext {
 public:
  StropheContext();
  ~StropheContext();
  StropheContext(const StropheContext&) = delete;
  StropheContext& operator=(const StropheContext&) = delete;

  xmpp_ctx_t* get() const { return ctx_.get(); }
  // RunUntil: runs the event loop until done() or the timeout; returns done().
  bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  // Run: runs the event loop for the given time (to let stray stanzas arrive).
  void Run(std::chrono::milliseconds duration);
  // LogContains: whether one of the last lines libstrophe logged (all levels) contains text.
  bool LogContains(const std::string& text) const;

 private:
  static void OnLog(void* userdata, xmpp_log_level_t level, const char* area,
                    const char* msg) noexcept;

  xmpp_log_t log_{};
  std::deque<std::string> log_lines_;
  struct CtxDeleter {
    void operator()(xmpp_ctx_t* ctx) const { xmpp_ctx_free(ctx); }
  };
  std::unique_ptr<xmpp_ctx_t, CtxDeleter> ctx_;
};

struct ClientOptions {
  std::string jid;  // user@localhost/resource
  std::string password;
  int port = 0;
  std::string ca_file;     // trusted CA (xmpp_conn_set_cafile); empty: the system's store only
  bool answer_iqs = true;  // reply type='result' to every IQ get/set
};

class StropheClient {
 public:
  StropheClient(StropheContext& context, ClientOptions options);
  ~StropheClient();
  StropheClient(const StropheClient&) = delete;
  StropheClient& operator=(const StropheClient&) = delete;

  // Connect: TLS required, certificate verified; true once bound, false when the connection
  // failed or the timeout passed (error() says why).
  bool Connect(std::chrono::milliseconds timeout);
  // Send: one stanza as XML text (parsed by libstrophe, sent with xmpp_send).
  void Send(const std::string& xml);
  // WaitFor: the first received stanza named `name` with this id; empty at the timeout.
  std::optional<Received> WaitFor(const std::string& name, const std::string& id,
                                  std::chrono::milliseconds timeout);
  std::optional<Received> WaitForIq(const std::string& id, std::chrono::milliseconds timeout) {
    return WaitFor("iq", id, timeout);
  }

  const std::vector<Received>& received() const { return received_; }
  bool connected() const { return connected_; }
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  std::string bound_jid() const;

 private:
  // libstrophe's callbacks: noexcept, they catch what the members below throw.
  static void OnConnection(xmpp_conn_t* conn, xmpp_conn_event_t event, int error,
                           xmpp_stream_error_t* stream_error, void* userdata) noexcept;
  static int OnStanza(xmpp_conn_t* conn, xmpp_stanza_t* stanza, void* userdata) noexcept;
  void NoteDisconnect(xmpp_conn_event_t event, int error, xmpp_stream_error_t* stream_error);
  void Take(xmpp_conn_t* conn, xmpp_stanza_t* stanza);

  struct ConnDeleter {
    void operator()(xmpp_conn_t* conn) const { xmpp_conn_release(conn); }
  };
  StropheContext& context_;
  ClientOptions options_;
  std::unique_ptr<xmpp_conn_t, ConnDeleter> conn_;
  bool connected_ = false;
  bool failed_ = false;
  std::string error_;
  std::vector<Received> received_;
};

}  // namespace e2esasl::xmpp_test

#endif  // E2ESASL_TESTS_XMPP_STROPHE_CLIENT_H_
