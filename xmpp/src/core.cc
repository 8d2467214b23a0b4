// core.cc: see core.h.
#include "core.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <openssl/rand.h>

#include "session.h"

namespace e2esasl::xmpp {
namespace {

namespace cb = e2esasl::channelbind;

constexpr const char* kJingleErrorsNs = "urn:xmpp:jingle:errors:1";

std::string Str(const char* s) {
  return s != nullptr ? s : "";
}

}  // namespace

std::optional<Settings> ParseSettings(const e2e_xmpp_config& config, std::string* error) {
  Settings s;
  s.jid = Str(config.jid);
  if (s.jid.empty() || s.jid.find('/') == std::string::npos || s.jid.find('@') == 0) {
    *error = "config.jid must be our full JID (user@domain/resource)";
    return std::nullopt;
  }
  s.plugin_path = Str(config.plugin_path);
  s.sasl.sasldb_path = Str(config.sasldb_path);
  s.sasl.realm = Str(config.realm);
  s.sasl.opaque_key_file = Str(config.opaque_key_file);
  if (s.sasl.opaque_key_file.empty() && !s.sasl.sasldb_path.empty()) {
    s.sasl.opaque_key_file = s.sasl.sasldb_path + ".opaque-key";
  }
  s.mechanisms = SplitWords(Str(config.mechanisms));
  auto lib = ParseTlsLib(Str(config.tls_library));
  auto version = ParseTlsVersion(Str(config.tls_version));
  if (!lib || !version) {
    *error = "config.tls_library must be openssl or gnutls; config.tls_version any, 1.2 or 1.3";
    return std::nullopt;
  }
  s.tls_lib = *lib;
  s.tls_version = *version;
  std::string binding = Str(config.channel_binding);
  if (binding.empty() || binding == "default") {
    s.binding_mode = BindingMode::kBest;
  } else if (binding == "none") {
    s.binding_mode = BindingMode::kNone;
  } else if (auto type = cb::ParseType(binding)) {
    s.binding_mode = BindingMode::kForced;
    s.binding_type = *type;
  } else {
    *error =
        "config.channel_binding must be default, none, tls-exporter, tls-unique or "
        "tls-server-end-point";
    return std::nullopt;
  }
  if (config.block_size > kMaxBlockSize) {
    *error = "config.block_size must be 1..65535 (XEP-0047)";
    return std::nullopt;
  }
  s.block_size = config.block_size != 0 ? config.block_size : kDefaultBlockSize;
  s.timeout =
      std::chrono::milliseconds(config.timeout_ms != 0 ? config.timeout_ms : kDefaultTimeoutMs);
  s.max_unauthenticated =
      config.max_unauthenticated != 0 ? config.max_unauthenticated : kDefaultMaxUnauthenticated;
  s.relay = config.relay != 0;
  return s;
}

Core::Core(Settings settings, const e2e_xmpp_io& io, const e2e_xmpp_callbacks& callbacks)
    : settings_(std::move(settings)),
      io_(io),
      callbacks_(callbacks),
      ctx_(NewStropheCtx()),
      id_prefix_("e2e" + RandomHex(4) + "-") {}

Core::~Core() {
  // Sessions end without callbacks: tell their peers.
  for (auto& [sid, session] : sessions_) {
    if (!session->finished() && !disconnected_) {
      xmpp_ctx_t* ctx = ctx_.get();
      Stanza jingle = Stanza::Element(ctx, "jingle", E2E_XMPP_NS_JINGLE);
      jingle.Attr("action", "session-terminate").Attr("sid", sid);
      jingle.Attr("initiator", session->initiator() ? settings_.jid : session->peer());
      Stanza reason = Stanza::Element(ctx, "reason");
      reason.Add(Stanza::Element(ctx, "gone"));
      jingle.Add(std::move(reason));
      Stanza iq = Stanza::Iq(ctx, "set", NewId(), session->peer());
      iq.Add(std::move(jingle));
      Send(iq);
    }
  }
}

std::string Core::RandomHex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("no randomness (RAND_bytes failed)");
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string Core::NewId() {
  return id_prefix_ + std::to_string(++next_id_);
}

const TlsCredentials& Core::credentials() {
  if (!credentials_) {
    std::string error;
    credentials_ = MakeSelfSigned("e2e-xmpp.invalid", &error);
    if (!credentials_) {
      throw std::runtime_error(error);
    }
  }
  return *credentials_;
}

bool Core::Send(const Stanza& stanza) {
  if (disconnected_) {
    return false;
  }
  std::string text = stanza.ToText();
  if (callbacks_.trace != nullptr) {
    callbacks_.trace(callbacks_.user, "out", text.c_str());
  }
  return io_.send_stanza(io_.user, text.c_str()) == 0;
}

bool Core::SendIq(Session* session, Stanza iq, const std::string& id) {
  pending_[id] = session;
  return Send(iq);
}

Session* Core::Find(const std::string& sid) {
  auto it = sessions_.find(sid);
  return it != sessions_.end() && !it->second->finished() ? it->second.get() : nullptr;
}

void Core::Answer(xmpp_stanza_t* iq, const char* type, const char* condition, Stanza extra) {
  std::string from(AttrOf(iq, "from"));
  Send(ErrorIq(ctx_.get(), std::string(AttrOf(iq, "id")), from, type, condition, std::move(extra)));
}

int Core::HandleStanza(const char* xml) {
  Entry entry(this);
  auto stanza = Stanza::Parse(ctx_.get(), xml);
  if (!stanza) {
    return -1;
  }
  int handled = NameOf(stanza->get()) == "iq" ? HandleIq(stanza->get(), xml) : 0;
  // A person may have answered a SAS question since the last entry point (e2e_xmpp_sas_answer).
  for (auto& [sid, session] : sessions_) {
    session->Resume();
  }
  return handled;
}

int Core::HandleIq(xmpp_stanza_t* iq, const std::string& text) {
  std::string_view type = AttrOf(iq, "type");
  std::string from(AttrOf(iq, "from"));
  if (type == "result" || type == "error") {
    if (fetches_.count(std::string(AttrOf(iq, "id"))) != 0) {
      return OnFetchAnswer(iq, text);
    }
    auto it = pending_.find(std::string(AttrOf(iq, "id")));
    if (it == pending_.end()) {
      return 0;
    }
    Session* session = it->second;
    // A result must come from the peer; an error may come from its server (offline, unknown).
    bool from_peer = from == session->peer();
    bool from_its_server =
        type == "error" &&
        (from == BareJid(session->peer()) ||
         from == BareJid(session->peer()).substr(BareJid(session->peer()).find('@') + 1));
    if (!from_peer && !from_its_server) {
      return 0;  // not the answer we wait for (a third party's forgery or stray)
    }
    pending_.erase(it);
    if (callbacks_.trace != nullptr) {
      callbacks_.trace(callbacks_.user, "in", text.c_str());
    }
    if (!session->finished()) {
      session->OnResponse(iq);
    }
    return 1;
  }
  if (type != "set") {
    return 0;
  }
  xmpp_stanza_t* child = FirstElement(iq);
  std::string_view ns = NsOf(child);
  std::string_view name = NameOf(child);
  if (ns == E2E_XMPP_NS_JINGLE && name == "jingle") {
    std::string sid(AttrOf(child, "sid"));
    std::string_view action = AttrOf(child, "action");
    if (action == "session-initiate") {
      xmpp_stanza_t* content = ChildNs(child, "content", E2E_XMPP_NS_JINGLE);
      xmpp_stanza_t* description = ChildNs(content, "description", E2E_XMPP_NS_APP);
      if (description == nullptr) {
        return 0;  // another Jingle application: the application's business
      }
      if (callbacks_.trace != nullptr) {
        callbacks_.trace(callbacks_.user, "in", text.c_str());
      }
      if (sessions_.count(sid) != 0) {
        // XEP-0166: a sid already in use.
        Answer(iq, "cancel", "conflict");
        return 1;
      }
      if (sessions_.size() >= kMaxSessions) {
        // A flood of session requests: each would cost a TLS handshake and a libsasl2 connection.
        Answer(iq, "wait", "resource-constraint");
        return 1;
      }
      xmpp_stanza_t* transport = ChildNs(content, "transport", E2E_XMPP_NS_JINGLE_IBB);
      std::string_view size_text = AttrOf(transport, "block-size");
      unsigned size = 0;
      for (char c : size_text) {
        size = (c >= '0' && c <= '9' && size <= kMaxBlockSize) ? size * 10 + (c - '0') : 1u << 30;
      }
      std::string_view initiator = AttrOf(child, "initiator");
      if (sid.empty() || transport == nullptr || AttrOf(transport, "sid").empty() || size == 0 ||
          size > kMaxBlockSize || (!initiator.empty() && initiator != from) ||
          from.find('/') == std::string::npos) {
        Answer(iq, "modify", "bad-request");
        return 1;
      }
      auto session = std::make_unique<Session>(this, from, sid, /*initiator=*/false);
      Session* raw = session.get();
      sessions_[sid] = std::move(session);
      Send(Stanza::Iq(ctx_.get(), "result", std::string(AttrOf(iq, "id")), from));
      raw->Incoming(size, std::string(AttrOf(transport, "sid")));
      return 1;
    }
    Session* session = Find(sid);
    if (session == nullptr && !Ended(sid)) {
      return 0;  // another application's Jingle session
    }
    if (session == nullptr || session->peer() != from) {
      // An ended session, or a third party's stanza injected into ours.
      Answer(iq, "cancel", "item-not-found",
             Stanza::Element(ctx_.get(), "unknown-session", kJingleErrorsNs));
      return 1;
    }
    if (callbacks_.trace != nullptr) {
      callbacks_.trace(callbacks_.user, "in", text.c_str());
    }
    session->OnJingle(iq, child);
    return 1;
  }
  if (ns == E2E_XMPP_NS_IBB && (name == "open" || name == "data" || name == "close")) {
    std::string_view ibb_sid = AttrOf(child, "sid");
    for (auto& [sid, session] : sessions_) {
      if (!session->finished() && session->ibb_sid() == ibb_sid && session->peer() == from) {
        if (callbacks_.trace != nullptr) {
          callbacks_.trace(callbacks_.user, "in", text.c_str());
        }
        session->OnIbb(iq, child);
        return 1;
      }
    }
    // XEP-0047: an unknown sid (or a stranger's) gets item-not-found. Bytestreams of other
    // applications would be the application's, but it cannot tell: ours are recognised by sid.
    bool ours = Ended(std::string(ibb_sid));
    for (auto& [sid, session] : sessions_) {
      ours |= session->ibb_sid() == ibb_sid;
    }
    if (!ours) {
      return 0;
    }
    Answer(iq, "cancel", "item-not-found");
    return 1;
  }
  return 0;
}

void Core::SetSaslOption(const std::string& name, const std::string& value) {
  auto& options = settings_.sasl.options;
  for (auto& [n, v] : options) {
    if (n == name) {
      v = value;
      return;
    }
  }
  options.emplace_back(name, value);
}

void Core::Tick() {
  Entry entry(this);
  Clock::time_point now = Clock::now();
  for (auto& [sid, session] : sessions_) {
    session->OnTick(now);
  }
  FinishFetches(now, /*all=*/false, E2E_XMPP_ERR_TIMEOUT,
                "the server did not answer the statement request in time");
}

void Core::Disconnected() {
  Entry entry(this);
  disconnected_ = true;
  for (auto& [sid, session] : sessions_) {
    session->OnDisconnected();
  }
  FinishFetches(Clock::now(), /*all=*/true, E2E_XMPP_ERR_CLOSED,
                "the XMPP connection was lost before the server answered");
}

Session* Core::Start(const std::string& peer, const e2e_xmpp_start_options& options) {
  Entry entry(this);
  if (disconnected_ || peer.find('/') == std::string::npos || peer.find('@') == 0 ||
      sessions_.size() >= kMaxSessions) {
    return nullptr;
  }
  std::string sid = RandomHex(12);
  auto session = std::make_unique<Session>(this, peer, sid, /*initiator=*/true);
  Session* raw = session.get();
  sessions_[sid] = std::move(session);
  raw->Initiate(options);
  return raw;
}

void Core::Reap() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = it->second->finished() ? pending_.erase(it) : std::next(it);
  }
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (!it->second->finished()) {
      ++it;
      continue;
    }
    ended_.push_back(it->second->sid());
    ended_.push_back(it->second->ibb_sid());
    while (ended_.size() > kEndedRemembered) {
      ended_.pop_front();
    }
    it = sessions_.erase(it);
  }
}

bool Core::Ended(const std::string& sid) const {
  return !sid.empty() && std::find(ended_.begin(), ended_.end(), sid) != ended_.end();
}

}  // namespace e2esasl::xmpp
