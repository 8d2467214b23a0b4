// strophe_adapter: the libstrophe adapter of <e2esasl/xmpp.h> (see <e2esasl/xmpp_strophe.h>).
//
// One Attachment per attached core: the connection, the core, and the two handlers registered on
// the connection (every IQ to e2e_xmpp_handle_stanza; e2e_xmpp_tick every 100 ms). The core's
// stanzas are parsed back into libstrophe stanzas and sent with xmpp_send, so that libstrophe's
// stream management (XEP-0198, on when the server offers it) counts them; xmpp_send_raw would
// bypass it. Detach finds the attachment from the core pointer through a process-wide registry.
//
// Nothing throws across the C ABI: every entry point and every callback libstrophe or the core
// calls is noexcept and catches what it could throw (only std::bad_alloc here).
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>

#include "e2esasl/xmpp_strophe.h"

namespace e2esasl::xmpp {
namespace {

// kTickPeriodMs: how often the core's deadlines are checked (xmpp.h: at least every 100 ms).
constexpr unsigned long kTickPeriodMs = 100;

// StropheText: a buffer libstrophe allocated (xmpp_stanza_to_text), freed with its context.
struct StropheTextDeleter {
  xmpp_ctx_t* ctx;
  void operator()(char* text) const { xmpp_free(ctx, text); }
};
using StropheText = std::unique_ptr<char, StropheTextDeleter>;

struct StanzaDeleter {
  void operator()(xmpp_stanza_t* stanza) const { xmpp_stanza_release(stanza); }
};
using Stanza = std::unique_ptr<xmpp_stanza_t, StanzaDeleter>;

struct CoreDeleter {
  void operator()(e2e_xmpp* core) const { e2e_xmpp_free(core); }
};
using Core = std::unique_ptr<e2e_xmpp, CoreDeleter>;

// Attachment: one core driven by one libstrophe connection. It owns the core and outlives it
// (the core sends session-terminate stanzas through `conn` while it is freed).
struct Attachment {
  xmpp_conn_t* conn = nullptr;
  Core core;
};

// Registry: the live attachments by core, for e2e_xmpp_strophe_detach. Cores of different
// connections may live in different threads, hence the mutex; it is never held while the core
// or libstrophe runs.
class Registry {
 public:
  static Registry& Get() {
    static Registry* registry = new Registry;  // never destroyed: usable from atexit paths
    return *registry;
  }
  void Add(std::unique_ptr<Attachment> attachment) {
    std::lock_guard<std::mutex> lock(mutex_);
    const e2e_xmpp* key = attachment->core.get();
    attachments_[key] = std::move(attachment);
  }
  // Take: removes and returns the attachment of `core`; empty when it has none.
  std::unique_ptr<Attachment> Take(const e2e_xmpp* core) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = attachments_.find(core);
    if (it == attachments_.end()) {
      return nullptr;
    }
    std::unique_ptr<Attachment> attachment = std::move(it->second);
    attachments_.erase(it);
    return attachment;
  }

 private:
  std::mutex mutex_;
  std::map<const e2e_xmpp*, std::unique_ptr<Attachment>> attachments_;
};

// SetError: *error = a copy of message (malloc'd, freed by e2e_xmpp_free_string like the core's
// own messages); left NULL when even that allocation fails.
void SetError(char** error, const char* message) noexcept {
  if (error != nullptr) {
    *error = strdup(message);
  }
}

// SendStanza: the core's e2e_xmpp_io.send_stanza. -1 when the connection is not (or no longer)
// connected, or the text is not one well-formed element.
int SendStanza(void* user, const char* xml) noexcept {
  auto* attachment = static_cast<Attachment*>(user);
  if (attachment == nullptr || xml == nullptr || xmpp_conn_is_connected(attachment->conn) == 0) {
    return -1;
  }
  Stanza stanza(xmpp_stanza_new_from_string(xmpp_conn_get_context(attachment->conn), xml));
  if (!stanza) {
    return -1;
  }
  xmpp_send(attachment->conn, stanza.get());
  return 0;
}

// OnIq: every <iq/> on the connection, as text, to the core. Returns 1: the handler stays.
// Stanzas that are not the core's (handle_stanza 0) are left to the application's own handlers,
// which libstrophe calls as well.
int OnIq(xmpp_conn_t* conn, xmpp_stanza_t* iq, void* userdata) noexcept {
  auto* attachment = static_cast<Attachment*>(userdata);
  char* raw = nullptr;
  size_t raw_len = 0;
  if (xmpp_stanza_to_text(iq, &raw, &raw_len) != XMPP_EOK) {
    return 1;  // out of memory: the stanza is lost to the core, whose deadlines report it
  }
  StropheText text(raw, StropheTextDeleter{xmpp_conn_get_context(conn)});
  e2e_xmpp_handle_stanza(attachment->core.get(), text.get());
  return 1;
}

// OnTick: the core's deadlines, every kTickPeriodMs. Returns 1: the handler stays.
int OnTick(xmpp_conn_t* /*conn*/, void* userdata) noexcept {
  e2e_xmpp_tick(static_cast<Attachment*>(userdata)->core.get());
  return 1;
}

e2e_xmpp* Attach(xmpp_conn_t* conn, const e2e_xmpp_config* config,
                 const e2e_xmpp_callbacks* callbacks, char** error) {
  if (conn == nullptr) {
    SetError(error, "e2e_xmpp_strophe_attach: no connection");
    return nullptr;
  }
  e2e_xmpp_config settings{};
  if (config != nullptr) {
    settings = *config;
  }
  if (settings.jid == nullptr) {
    settings.jid = xmpp_conn_get_bound_jid(conn);
    if (settings.jid == nullptr) {
      SetError(error,
               "e2e_xmpp_strophe_attach: the connection has no bound JID yet (attach once "
               "the connection handler got XMPP_CONN_CONNECT)");
      return nullptr;
    }
  }
  auto attachment = std::make_unique<Attachment>();
  attachment->conn = conn;
  const e2e_xmpp_io io{attachment.get(), &SendStanza};
  attachment->core.reset(e2e_xmpp_new(&settings, &io, callbacks, error));
  if (!attachment->core) {
    return nullptr;  // *error set by e2e_xmpp_new
  }
  e2e_xmpp* core = attachment->core.get();
  xmpp_handler_add(conn, &OnIq, nullptr, "iq", nullptr, attachment.get());
  xmpp_timed_handler_add(conn, &OnTick, kTickPeriodMs, attachment.get());
  Registry::Get().Add(std::move(attachment));
  return core;
}

}  // namespace
}  // namespace e2esasl::xmpp

extern "C" {

E2ESASL_XMPP_EXPORT e2e_xmpp* e2e_xmpp_strophe_attach(xmpp_conn_t* conn,
                                                      const e2e_xmpp_config* config,
                                                      const e2e_xmpp_callbacks* callbacks,
                                                      char** error) {
  if (error != nullptr) {
    *error = nullptr;
  }
  try {
    return e2esasl::xmpp::Attach(conn, config, callbacks, error);
  } catch (const std::bad_alloc&) {
    e2esasl::xmpp::SetError(error, "e2e_xmpp_strophe_attach: out of memory");
  } catch (...) {
    e2esasl::xmpp::SetError(error, "e2e_xmpp_strophe_attach: internal error");
  }
  return nullptr;
}

E2ESASL_XMPP_EXPORT void e2e_xmpp_strophe_detach(e2e_xmpp* xmpp) {
  if (xmpp == nullptr) {
    return;
  }
  std::unique_ptr<e2esasl::xmpp::Attachment> attachment;
  try {
    attachment = e2esasl::xmpp::Registry::Get().Take(xmpp);
  } catch (...) {
    return;  // std::mutex::lock failed: nothing can be done safely
  }
  if (!attachment) {
    return;  // not made by e2e_xmpp_strophe_attach, or already detached
  }
  // libstrophe deletes handlers by function: one core per connection (xmpp_strophe.h).
  xmpp_handler_delete(attachment->conn, &e2esasl::xmpp::OnIq);
  xmpp_timed_handler_delete(attachment->conn, &e2esasl::xmpp::OnTick);
  attachment->core.reset();  // may still send session-terminate through the connection
}

}  // extern "C"
