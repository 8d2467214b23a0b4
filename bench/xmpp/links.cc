// links.cc: see links.h.
#include "links.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <deque>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <strophe.h>

#include "e2esasl/xmpp_strophe.h"

namespace e2esasl::bench::xmpp {
namespace {

constexpr auto kTickPeriod = std::chrono::milliseconds(100);  // xmpp.h: tick at least this often
constexpr unsigned kTimeoutMs = 300000;  // per session; the runs keep their own deadlines

struct CoreDeleter {
  void operator()(e2e_xmpp* core) const { e2e_xmpp_free(core); }
};
using CorePtr = std::unique_ptr<e2e_xmpp, CoreDeleter>;

// ConfigFor: e2e_xmpp_config pointing into `options` (which must outlive it).
e2e_xmpp_config ConfigFor(const CoreOptions& options, const char* jid, bool responder) {
  e2e_xmpp_config config{};
  config.jid = jid;
  config.plugin_path = options.plugin_path.c_str();
  config.sasldb_path = responder ? options.sasldb.c_str() : nullptr;
  config.block_size = options.block_size;
  config.timeout_ms = kTimeoutMs;
  return config;
}

std::string TakeError(char* error, const char* fallback) {
  std::string text = error != nullptr ? error : fallback;
  e2e_xmpp_free_string(error);
  return text;
}

// --- MemoryLink ----------------------------------------------------------------------------

class MemoryLink final : public Link {
 public:
  void Attach(const CoreOptions& options, Endpoint* alice, Endpoint* bob) override {
    alice_.core.reset();
    bob_.core.reset();
    queue_.clear();
    options_ = options;
    Make(&alice_, alice, /*responder=*/false);
    Make(&bob_, bob, /*responder=*/true);
  }
  e2e_xmpp* alice() override { return alice_.core.get(); }
  e2e_xmpp* bob() override { return bob_.core.get(); }
  std::string bob_jid() const override { return bob_.jid; }

  void Pump(unsigned /*max_wait_ms*/) override {
    // Delivery is immediate, so nothing ever waits: the time is the cores' own.
    while (!queue_.empty()) {
      auto [to, xml] = std::move(queue_.front());
      queue_.pop_front();
      e2e_xmpp_handle_stanza(to->core.get(), xml.c_str());
    }
    if (Clock::now() >= next_tick_) {
      next_tick_ = Clock::now() + kTickPeriod;
      e2e_xmpp_tick(alice_.core.get());
      e2e_xmpp_tick(bob_.core.get());
    }
  }

 private:
  struct Side {
    MemoryLink* link;
    std::string jid;
    CorePtr core;
  };

  void Make(Side* side, Endpoint* endpoint, bool responder) {
    e2e_xmpp_config config = ConfigFor(options_, side->jid.c_str(), responder);
    e2e_xmpp_io io{side, &MemoryLink::Send};
    e2e_xmpp_callbacks cbs = endpoint->Callbacks();
    char* error = nullptr;
    side->core.reset(e2e_xmpp_new(&config, &io, &cbs, &error));
    if (!side->core) {
      throw std::runtime_error("e2e_xmpp_new: " + TakeError(error, "failed"));
    }
  }

  // Send: a stanza from one side, stamped with its JID (inserted after the element name) and
  // queued for the side named by `to`; dropped when `to` names neither.
  static int Send(void* user, const char* xml) {
    auto* from = static_cast<Side*>(user);
    MemoryLink* self = from->link;
    std::string_view text(xml);
    std::string_view to = FirstTagAttr(text, "to");
    Side* dest = to == self->alice_.jid ? &self->alice_
                 : to == self->bob_.jid ? &self->bob_
                                        : nullptr;
    if (dest == nullptr) {
      return 0;
    }
    const size_t name_end = text.find_first_of(" />");
    std::string stamped;
    stamped.reserve(text.size() + from->jid.size() + 8);
    stamped.append(text.substr(0, name_end)).append(" from=\"").append(from->jid).append("\"");
    stamped.append(text.substr(name_end));
    self->queue_.emplace_back(dest, std::move(stamped));
    return 0;
  }

  CoreOptions options_;
  Side alice_{this, "alice@localhost/bench", nullptr};
  Side bob_{this, "bob@localhost/bench", nullptr};
  std::deque<std::pair<Side*, std::string>> queue_;
  Clock::time_point next_tick_ = Clock::now();
};

// --- StropheLink ---------------------------------------------------------------------------

// NoDelay: an xmpp_sockopt_callback turning Nagle's algorithm off (sock points to the fd).
int NoDelay(xmpp_conn_t* /*conn*/, void* sock) {
  const int one = 1;
  return setsockopt(*static_cast<int*>(sock), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0
             ? 0
             : -1;
}

struct CtxDeleter {
  void operator()(xmpp_ctx_t* ctx) const { xmpp_ctx_free(ctx); }
};
struct ConnDeleter {
  void operator()(xmpp_conn_t* conn) const { xmpp_conn_release(conn); }
};
struct AttachedCoreDeleter {
  void operator()(e2e_xmpp* core) const { e2e_xmpp_strophe_detach(core); }
};

class StropheLink final : public Link {
 public:
  explicit StropheLink(const StropheOptions& options) : options_(options) {
    xmpp_initialize();
    log_ = xmpp_get_default_logger(XMPP_LEVEL_WARN);
    ctx_.reset(xmpp_ctx_new(nullptr, options_.verbose ? log_ : nullptr));
    if (!ctx_) {
      throw std::runtime_error("xmpp_ctx_new failed");
    }
    Connect(&alice_, "alice@localhost/bench", options_.alice_password);
    Connect(&bob_, "bob@localhost/bench", options_.bob_password);
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (!(alice_.connected && bob_.connected)) {
      if (alice_.lost || bob_.lost || Clock::now() > deadline) {
        Close();
        throw std::runtime_error("XMPP login to 127.0.0.1:" + std::to_string(options_.port) +
                                 " failed");
      }
      xmpp_run_once(ctx_.get(), 10);
    }
  }
  ~StropheLink() override { Close(); }

  void Attach(const CoreOptions& options, Endpoint* alice, Endpoint* bob) override {
    alice_.core.reset();
    bob_.core.reset();
    AttachSide(&alice_, options, alice, /*responder=*/false);
    AttachSide(&bob_, options, bob, /*responder=*/true);
  }
  e2e_xmpp* alice() override { return alice_.core.get(); }
  e2e_xmpp* bob() override { return bob_.core.get(); }
  std::string bob_jid() const override {
    const char* jid = xmpp_conn_get_bound_jid(bob_.conn.get());
    return jid != nullptr ? jid : "";
  }

  void Pump(unsigned max_wait_ms) override {
    xmpp_run_once(ctx_.get(), max_wait_ms);
    if (alice_.lost || bob_.lost) {
      throw std::runtime_error("an XMPP connection to the server was lost");
    }
  }

 private:
  struct Side {
    std::unique_ptr<xmpp_conn_t, ConnDeleter> conn;
    std::unique_ptr<e2e_xmpp, AttachedCoreDeleter> core;
    bool connected = false;
    bool lost = false;
  };

  static void OnConnection(xmpp_conn_t* /*conn*/, xmpp_conn_event_t event, int /*error*/,
                           xmpp_stream_error_t* /*stream_error*/, void* user) {
    auto* side = static_cast<Side*>(user);
    if (event == XMPP_CONN_CONNECT) {
      side->connected = true;
    } else {
      side->connected = false;
      side->lost = true;
    }
  }

  void Connect(Side* side, const std::string& jid, const std::string& password) {
    side->conn.reset(xmpp_conn_new(ctx_.get()));
    if (!side->conn) {
      throw std::runtime_error("xmpp_conn_new failed");
    }
    xmpp_conn_set_jid(side->conn.get(), jid.c_str());
    xmpp_conn_set_pass(side->conn.get(), password.c_str());
    // TLS required and verified against the sandbox's CA only; no stream management, so every
    // stanza goes out as it is sent (as in tests/xmpp).
    xmpp_conn_set_flags(side->conn.get(), XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_DISABLE_SM);
    xmpp_conn_set_cafile(side->conn.get(), options_.ca_file.c_str());
    if (options_.nodelay) {
      xmpp_conn_set_sockopt_callback(side->conn.get(), &NoDelay);
    }
    if (xmpp_connect_client(side->conn.get(), "127.0.0.1",
                            static_cast<unsigned short>(options_.port), &StropheLink::OnConnection,
                            side) != XMPP_EOK) {
      throw std::runtime_error("xmpp_connect_client failed");
    }
  }

  void AttachSide(Side* side, const CoreOptions& options, Endpoint* endpoint, bool responder) {
    e2e_xmpp_config config = ConfigFor(options, nullptr, responder);  // the bound JID
    e2e_xmpp_callbacks cbs = endpoint->Callbacks();
    char* error = nullptr;
    side->core.reset(e2e_xmpp_strophe_attach(side->conn.get(), &config, &cbs, &error));
    if (!side->core) {
      throw std::runtime_error("e2e_xmpp_strophe_attach: " + TakeError(error, "failed"));
    }
  }

  // Close: detaches the cores, ends both streams (at most 2 s), frees libstrophe.
  void Close() {
    if (!ctx_) {
      return;
    }
    alice_.core.reset();
    bob_.core.reset();
    for (Side* side : {&alice_, &bob_}) {
      if (side->conn && side->connected) {
        xmpp_disconnect(side->conn.get());
      }
    }
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    while ((alice_.connected || bob_.connected) && Clock::now() < deadline) {
      xmpp_run_once(ctx_.get(), 10);
    }
    alice_.conn.reset();
    bob_.conn.reset();
    ctx_.reset();
    xmpp_shutdown();
  }

  StropheOptions options_;
  const xmpp_log_t* log_ = nullptr;
  std::unique_ptr<xmpp_ctx_t, CtxDeleter> ctx_;
  Side alice_;
  Side bob_;
};

}  // namespace

std::unique_ptr<Link> NewMemoryLink() {
  return std::make_unique<MemoryLink>();
}

std::unique_ptr<Link> NewStropheLink(const StropheOptions& options) {
  return std::make_unique<StropheLink>(options);
}

}  // namespace e2esasl::bench::xmpp
