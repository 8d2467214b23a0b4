// strophe_client.cc: see strophe_client.h.
#include "strophe_client.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace e2esasl::xmpp_test {
namespace {

constexpr unsigned long kRunOnceMs = 10;  // one xmpp_run_once step
constexpr char kJingleNs[] = "urn:xmpp:jingle:1";

struct StanzaDeleter {
  void operator()(xmpp_stanza_t* stanza) const { xmpp_stanza_release(stanza); }
};
using Stanza = std::unique_ptr<xmpp_stanza_t, StanzaDeleter>;

struct TextDeleter {
  xmpp_ctx_t* ctx;
  void operator()(char* text) const { xmpp_free(ctx, text); }
};

std::string Str(const char* s) {
  return s != nullptr ? s : "";
}

// kLogLines: how many of libstrophe's log lines a context keeps.
constexpr size_t kLogLines = 4000;

// EchoLevel: libstrophe's lines at or above E2ESASL_STROPHE_LOG (debug, info, warn, error;
// default error) also go to stderr.
xmpp_log_level_t EchoLevel() {
  const char* level = std::getenv("E2ESASL_STROPHE_LOG");
  const std::string name = level != nullptr ? level : "error";
  if (name == "debug") {
    return XMPP_LEVEL_DEBUG;
  }
  if (name == "info") {
    return XMPP_LEVEL_INFO;
  }
  if (name == "warn") {
    return XMPP_LEVEL_WARN;
  }
  return XMPP_LEVEL_ERROR;
}

}  // namespace

StropheContext::StropheContext() {
  static std::once_flag initialized;
  std::call_once(initialized, [] { xmpp_initialize(); });
  log_.handler = &StropheContext::OnLog;
  log_.userdata = this;
  ctx_.reset(xmpp_ctx_new(nullptr, &log_));
  if (!ctx_) {
    throw std::runtime_error("xmpp_ctx_new failed");
  }
}

StropheContext::~StropheContext() = default;

void StropheContext::OnLog(void* userdata, xmpp_log_level_t level, const char* area,
                           const char* msg) noexcept {
  if (level >= EchoLevel()) {
    std::fprintf(stderr, "strophe %s: %s\n", area, msg);
  }
  try {
    auto* self = static_cast<StropheContext*>(userdata);
    if (self->log_lines_.size() >= kLogLines) {
      self->log_lines_.pop_front();
    }
    self->log_lines_.push_back(std::string(area) + ": " + msg);
  } catch (...) {
    // bad_alloc: the line is lost.
  }
}

bool StropheContext::LogContains(const std::string& text) const {
  for (const auto& line : log_lines_) {
    if (line.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool StropheContext::RunUntil(const std::function<bool()>& done,
                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    xmpp_run_once(ctx_.get(), kRunOnceMs);
  }
  return true;
}

void StropheContext::Run(std::chrono::milliseconds duration) {
  RunUntil([] { return false; }, duration);
}

StropheClient::StropheClient(StropheContext& context, ClientOptions options)
    : context_(context), options_(std::move(options)) {
  conn_.reset(xmpp_conn_new(context_.get()));
  if (!conn_) {
    throw std::runtime_error("xmpp_conn_new failed");
  }
  xmpp_conn_set_jid(conn_.get(), options_.jid.c_str());
  xmpp_conn_set_pass(conn_.get(), options_.password.c_str());
  // TLS is required; the certificate is verified (no XMPP_CONN_FLAG_TRUST_TLS); stream
  // management stays off so stanzas go out at once.
  xmpp_conn_set_flags(conn_.get(), XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_DISABLE_SM);
  if (!options_.ca_file.empty()) {
    xmpp_conn_set_cafile(conn_.get(), options_.ca_file.c_str());
  }
}

StropheClient::~StropheClient() {
  if (connected_) {
    xmpp_disconnect(conn_.get());
    // Let the stream close go out (bounded); the connection is released either way.
    context_.RunUntil([this] { return !connected_; }, std::chrono::milliseconds(1000));
  }
  xmpp_handler_delete(conn_.get(), &StropheClient::OnStanza);
}

bool StropheClient::Connect(std::chrono::milliseconds timeout) {
  if (xmpp_connect_client(conn_.get(), "127.0.0.1", static_cast<unsigned short>(options_.port),
                          &StropheClient::OnConnection, this) != XMPP_EOK) {
    failed_ = true;
    error_ = "xmpp_connect_client failed";
    return false;
  }
  if (!context_.RunUntil([this] { return connected_ || failed_; }, timeout)) {
    error_ = "no connection within the timeout";
    return false;
  }
  return connected_;
}

void StropheClient::Send(const std::string& xml) {
  Stanza stanza(xmpp_stanza_new_from_string(context_.get(), xml.c_str()));
  if (!stanza) {
    throw std::runtime_error("not one XML element: " + xml);
  }
  xmpp_send(conn_.get(), stanza.get());
}

std::optional<Received> StropheClient::WaitFor(const std::string& name, const std::string& id,
                                               std::chrono::milliseconds timeout) {
  std::optional<Received> found;
  context_.RunUntil(
      [&] {
        for (const auto& iq : received_) {
          if (iq.name == name && iq.id == id) {
            found = iq;
            return true;
          }
        }
        return false;
      },
      timeout);
  return found;
}

std::string StropheClient::bound_jid() const {
  return Str(xmpp_conn_get_bound_jid(conn_.get()));
}

void StropheClient::OnConnection(xmpp_conn_t* conn, xmpp_conn_event_t event, int error,
                                 xmpp_stream_error_t* stream_error, void* userdata) noexcept {
  auto* self = static_cast<StropheClient*>(userdata);
  if (event == XMPP_CONN_CONNECT) {
    self->connected_ = true;
    // Every stanza (libstrophe keeps one entry per function and user data, whatever the name
    // filter); Take keeps <iq/> and <message/>.
    xmpp_handler_add(conn, &StropheClient::OnStanza, nullptr, nullptr, nullptr, self);
    return;
  }
  self->connected_ = false;
  self->failed_ = true;
  try {
    self->NoteDisconnect(event, error, stream_error);
  } catch (...) {
    // bad_alloc: failed_ is set, the message is lost.
  }
}

void StropheClient::NoteDisconnect(xmpp_conn_event_t event, int error,
                                   xmpp_stream_error_t* stream_error) {
  error_ = "disconnected (event " + std::to_string(static_cast<int>(event)) + ", error " +
           std::to_string(error) + ")";
  if (stream_error != nullptr && stream_error->text != nullptr) {
    error_ += ": " + std::string(stream_error->text);
  }
}

int StropheClient::OnStanza(xmpp_conn_t* conn, xmpp_stanza_t* stanza, void* userdata) noexcept {
  try {
    static_cast<StropheClient*>(userdata)->Take(conn, stanza);
  } catch (...) {
    // bad_alloc: the IQ is lost; the test waiting for it fails at its deadline.
  }
  return 1;
}

void StropheClient::Take(xmpp_conn_t* conn, xmpp_stanza_t* stanza) {
  Received iq;
  iq.name = Str(xmpp_stanza_get_name(stanza));
  if (iq.name != "iq" && iq.name != "message") {
    return;
  }
  iq.from = Str(xmpp_stanza_get_from(stanza));
  iq.to = Str(xmpp_stanza_get_to(stanza));
  iq.type = Str(xmpp_stanza_get_type(stanza));
  iq.id = Str(xmpp_stanza_get_id(stanza));
  if (xmpp_stanza_t* child = xmpp_stanza_get_children(stanza); child != nullptr) {
    iq.child_name = Str(xmpp_stanza_get_name(child));
    iq.child_ns = Str(xmpp_stanza_get_ns(child));
  }
  if (xmpp_stanza_t* jingle = xmpp_stanza_get_child_by_name_and_ns(stanza, "jingle", kJingleNs);
      jingle != nullptr) {
    iq.initiator = Str(xmpp_stanza_get_attribute(jingle, "initiator"));
    iq.responder = Str(xmpp_stanza_get_attribute(jingle, "responder"));
  }
  char* raw = nullptr;
  size_t raw_len = 0;
  if (xmpp_stanza_to_text(stanza, &raw, &raw_len) == XMPP_EOK) {
    std::unique_ptr<char, TextDeleter> text(raw, TextDeleter{xmpp_conn_get_context(conn)});
    iq.text.assign(text.get(), raw_len);
  }
  if (options_.answer_iqs && iq.name == "iq" && (iq.type == "get" || iq.type == "set")) {
    Stanza result(xmpp_iq_new(xmpp_conn_get_context(conn), "result", iq.id.c_str()));
    if (result) {
      xmpp_stanza_set_to(result.get(), iq.from.c_str());
      xmpp_send(conn, result.get());
    }
  }
  received_.push_back(std::move(iq));
}

}  // namespace e2esasl::xmpp_test
