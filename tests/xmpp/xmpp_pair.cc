// xmpp_pair.cc: see xmpp_pair.h.
#include "xmpp/xmpp_pair.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <strophe.h>

#include "support/sasl_harness.h"

namespace e2esasl::test {
namespace {

struct CtxHolder {
  xmpp_ctx_t* ctx = xmpp_ctx_new(nullptr, nullptr);
  ~CtxHolder() { xmpp_ctx_free(ctx); }
};

xmpp_ctx_t* Ctx() {
  static CtxHolder holder;
  return holder.ctx;
}

std::string BareOf(const std::string& jid) {
  return jid.substr(0, jid.find('/'));
}

// Restamp parses xml, lets the compromised server (if any) rewrite the addresses, sets from, and
// serializes it again; *to gets the destination.
std::string Restamp(const std::string& xml, std::string from, std::string* to,
                    const std::optional<Router::Mitm>& mitm) {
  xmpp_stanza_t* s = xmpp_stanza_new_from_string(Ctx(), xml.c_str());
  if (s == nullptr) {
    throw std::runtime_error("router: not XML: " + xml);
  }
  const char* t = xmpp_stanza_get_to(s);
  *to = t != nullptr ? t : "";
  if (mitm) {
    if ((from == mitm->a && BareOf(*to) == BareOf(mitm->b)) ||
        (from == mitm->b && BareOf(*to) == BareOf(mitm->a))) {
      *to = mitm->mallory;
      xmpp_stanza_set_to(s, to->c_str());
    } else if (from == mitm->mallory && (*to == mitm->a || *to == mitm->b)) {
      std::string forged = *to == mitm->a ? mitm->b : mitm->a;
      for (xmpp_stanza_t* c = xmpp_stanza_get_children(s); c != nullptr;
           c = xmpp_stanza_get_next(c)) {
        for (const char* attr : {"initiator", "responder"}) {
          const char* v = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_attribute(c, attr) : nullptr;
          if (v != nullptr && from == v) {
            xmpp_stanza_set_attribute(c, attr, forged.c_str());
          }
        }
      }
      from = forged;
    }
  }
  xmpp_stanza_set_from(s, from.c_str());
  char* buf = nullptr;
  size_t len = 0;
  xmpp_stanza_to_text(s, &buf, &len);
  std::string out(buf, len);
  xmpp_free(Ctx(), buf);
  xmpp_stanza_release(s);
  return out;
}

std::string ErrorReply(const std::string& xml, const std::string& from_to, std::string* to) {
  xmpp_stanza_t* s = xmpp_stanza_new_from_string(Ctx(), xml.c_str());
  const char* id = xmpp_stanza_get_id(s);
  std::string reply = "<iq type='error' id='" + std::string(id ? id : "") + "' from='" + from_to +
                      "'><error type='cancel'><service-unavailable "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
  xmpp_stanza_release(s);
  *to = "";
  return reply;
}

}  // namespace

std::string PluginPath() {
  SaslLibrary::Init();
  return SaslLibrary::PluginPath();
}

void Provision(const std::string& sasldb, const std::string& user, const std::string& password) {
  e2e_xmpp_config config{};
  std::string path = PluginPath();
  config.plugin_path = path.c_str();
  config.sasldb_path = sasldb.c_str();
  char* error = nullptr;
  if (e2e_xmpp_set_password(&config, user.c_str(), password.c_str(), &error) != 0) {
    std::string why = error != nullptr ? error : "?";
    e2e_xmpp_free_string(error);
    throw std::runtime_error("provisioning " + user + ": " + why);
  }
}

PairStore::PairStore() {
  char pattern[] = "/tmp/e2esasl-pair-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = pattern;
  sasldb_ = dir_ + "/bob.sasldb";
}

void PairStore::Provision() const {
  e2esasl::test::Provision(sasldb_, "alice@localhost", kPassword);
}

PairStore::~PairStore() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

PartySpec PairStore::Bob() const {
  PartySpec s;
  s.jid = kBob;
  s.sasldb = sasldb_;
  s.echo = true;
  return s;
}

PartySpec PairStore::Alice(unsigned timeout_ms) {
  PartySpec s;
  s.jid = kAlice;
  s.timeout_ms = timeout_ms;
  return s;
}

Party::Party(Router* router, PartySpec spec) : spec_(std::move(spec)), router_(router) {
  std::string path = PluginPath();
  e2e_xmpp_config config{};
  config.jid = spec_.jid.c_str();
  config.plugin_path = path.c_str();
  config.sasldb_path = spec_.sasldb.empty() ? nullptr : spec_.sasldb.c_str();
  config.channel_binding = spec_.channel_binding.empty() ? nullptr : spec_.channel_binding.c_str();
  config.tls_library = spec_.tls_library.c_str();
  config.tls_version = spec_.tls_version.c_str();
  config.mechanisms = spec_.mechanisms.empty() ? nullptr : spec_.mechanisms.c_str();
  config.block_size = spec_.block_size;
  config.timeout_ms = spec_.timeout_ms;
  config.max_unauthenticated = spec_.max_unauthenticated;
  config.relay = spec_.relay ? 1 : 0;
  e2e_xmpp_io io{this, &Party::Send};
  e2e_xmpp_callbacks cbs{};
  cbs.user = this;
  cbs.incoming = &Party::Incoming;
  cbs.authenticated = &Party::Authenticated;
  cbs.failed = &Party::Failed;
  cbs.data = &Party::Data;
  cbs.closed = &Party::Closed;
  if (spec_.sas_answer || spec_.sas_compare || spec_.sas_later) {
    cbs.sas_confirm = &Party::SasConfirm;
    cbs.sas_show = &Party::SasShow;
  }
  cbs.trace = &Party::Trace;
  if (!spec_.sas_store.empty()) {
    cbs.sas_continuity = &Party::SasContinuity;
  }
  char* error = nullptr;
  xmpp_ = e2e_xmpp_new(&config, &io, &cbs, &error);
  if (xmpp_ == nullptr) {
    std::string why = error != nullptr ? error : "?";
    e2e_xmpp_free_string(error);
    throw std::runtime_error("e2e_xmpp_new: " + why);
  }
  if (!spec_.sas_store.empty() &&
      e2e_xmpp_set_sasl_option(xmpp_, "e2esasl_sas_store", spec_.sas_store.c_str()) != 0) {
    e2e_xmpp_free(xmpp_);
    throw std::runtime_error("e2e_xmpp_set_sasl_option(e2esasl_sas_store) failed");
  }
  router_->Add(this);
}

Party::~Party() {
  router_->Remove(this);
  e2e_xmpp_free(xmpp_);
}

e2e_xmpp_session* Party::Start(const std::string& peer, const std::string& mech,
                               const std::string& user, const std::string& password) {
  e2e_xmpp_start_options o{};
  o.mechanism = mech.empty() ? nullptr : mech.c_str();
  o.user = user.empty() ? nullptr : user.c_str();
  o.password = password.c_str();
  e2e_xmpp_session* s = e2e_xmpp_start(xmpp_, peer.c_str(), &o);
  if (s != nullptr) {
    For(s).peer = peer;
  }
  return s;
}

SessionEvents& Party::Events(const std::string& sid) {
  if (sid.empty()) {
    if (order_.empty()) {
      throw std::runtime_error(spec_.jid + " has no session");
    }
    return events_[order_.back()];
  }
  return events_[sid];
}

SessionEvents& Party::For(e2e_xmpp_session* s) {
  std::string sid = e2e_xmpp_session_sid(s);
  if (events_.count(sid) == 0) {
    order_.push_back(sid);
    live[sid] = s;
  }
  return events_[sid];
}

int Party::Send(void* user, const char* xml) {
  auto* self = static_cast<Party*>(user);
  self->router_->Post(self->spec_.jid, xml);
  return 0;
}

int Party::Incoming(void* user, e2e_xmpp_session* s, const char* peer) {
  auto* self = static_cast<Party*>(user);
  SessionEvents& e = self->For(s);
  e.peer = peer;
  e.incoming = true;
  if (self->spec_.relay && !self->spec_.relay_target.empty()) {
    e2e_xmpp_session* other = self->Start(self->spec_.relay_target, "", "", "");
    if (other != nullptr) {
      std::string a = e2e_xmpp_session_sid(s), b = e2e_xmpp_session_sid(other);
      self->links_[a] = b;
      self->links_[b] = a;
    }
  }
  return self->spec_.incoming_answer;
}

void Party::Authenticated(void* user, e2e_xmpp_session* s, const char* identity,
                          const char* mechanism, const char* binding) {
  auto* self = static_cast<Party*>(user);
  SessionEvents& e = self->For(s);
  e.identity = identity;
  e.mechanism = mechanism;
  e.binding = binding;
  std::string sid = e2e_xmpp_session_sid(s);
  for (const std::string& line : self->waiting_[sid]) {
    e2e_xmpp_send(s, line.data(), line.size());
  }
  self->waiting_.erase(sid);
}

void Party::Forward(e2e_xmpp_session* from, const std::string& line) {
  auto link = links_.find(e2e_xmpp_session_sid(from));
  if (link == links_.end()) {
    return;
  }
  auto other = live.find(link->second);
  if (other == live.end() || e2e_xmpp_send(other->second, line.data(), line.size()) != 0) {
    waiting_[link->second].push_back(line);
  }
}

void Party::Failed(void* user, e2e_xmpp_session* s, int code, const char* reason) {
  auto* self = static_cast<Party*>(user);
  SessionEvents& e = self->For(s);
  e.failed = code;
  e.reason = reason;
  self->live.erase(e2e_xmpp_session_sid(s));
  self->EndLink(s);
}

void Party::EndLink(e2e_xmpp_session* s) {
  auto link = links_.find(e2e_xmpp_session_sid(s));
  if (link != links_.end()) {
    auto other = live.find(link->second);
    if (other != live.end()) {
      e2e_xmpp_close(other->second);
    }
  }
}

void Party::Data(void* user, e2e_xmpp_session* s, const char* text, size_t len) {
  auto* self = static_cast<Party*>(user);
  std::string line(text, len);
  self->For(s).data.push_back(line);
  if (self->spec_.relay) {
    self->Forward(s, line);
  }
  if (self->spec_.echo) {
    std::string reply = "echo: " + line;
    e2e_xmpp_send(s, reply.data(), reply.size());
  }
}

void Party::Closed(void* user, e2e_xmpp_session* s) {
  auto* self = static_cast<Party*>(user);
  self->For(s).closed = true;
  self->live.erase(e2e_xmpp_session_sid(s));
  self->EndLink(s);
}

int Party::SasConfirm(void* user, e2e_xmpp_session* s, const char* sas, int /*is_server*/) {
  auto* self = static_cast<Party*>(user);
  self->For(s).sas_asked.push_back(sas);
  self->router_->sas_seen[self->spec_.jid].push_back(sas);
  if (self->spec_.sas_later) {
    return E2E_XMPP_PENDING;
  }
  if (self->spec_.sas_compare) {
    for (const auto& [jid, seen] : self->router_->sas_seen) {
      if (jid != self->spec_.jid) {
        for (const std::string& other : seen) {
          if (other == sas) {
            return 1;
          }
        }
      }
    }
    return 0;
  }
  return self->spec_.sas_answer.value_or(false) ? 1 : 0;
}

void Party::SasContinuity(void* user, e2e_xmpp_session* s, int event, const char* peer) {
  static const char* const kNames[] = {"?", "remembered", "first", "not-matched", "stored"};
  auto* self = static_cast<Party*>(user);
  self->For(s).continuity.push_back(std::string(event >= 1 && event <= 4 ? kNames[event] : "?") +
                                    " " + peer);
}

void Party::SasShow(void* user, e2e_xmpp_session* s, const char* sas) {
  auto* self = static_cast<Party*>(user);
  self->For(s).sas_shown.push_back(sas);
  self->router_->sas_seen[self->spec_.jid].push_back(sas);
}

void Party::Trace(void* user, const char* direction, const char* xml) {
  auto* self = static_cast<Party*>(user);
  self->trace.push_back(std::string(direction) + ": " + xml);
}

void Router::Post(const std::string& from, const std::string& xml) {
  if (parties_.count(from) == 0) {
    return;  // a party being destroyed: its last stanzas go nowhere (and no filter runs)
  }
  std::string text = filter ? filter(from, xml) : xml;
  if (text.empty()) {
    return;
  }
  std::string to;
  std::string stamped = Restamp(text, from, &to, mitm);
  if (parties_.count(to) == 0) {
    // As a server: an IQ to an unavailable full JID gets service-unavailable from that JID.
    if (stamped.find("type=\"set\"") != std::string::npos ||
        stamped.find("type='set'") != std::string::npos) {
      std::string ignored;
      queue_.push_back({from, ErrorReply(stamped, to, &ignored)});
    }
    return;
  }
  queue_.push_back({to, stamped});
}

void Router::Inject(const std::string& to, const std::string& xml) {
  queue_.push_back({to, xml});
}

bool Router::Run(const std::function<bool()>& done, int max_ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_ms);
  while (!done() && std::chrono::steady_clock::now() < end) {
    if (queue_.empty()) {
      for (auto& [jid, p] : parties_) {
        e2e_xmpp_tick(p->xmpp());
      }
      if (queue_.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      continue;
    }
    Item item = std::move(queue_.front());
    queue_.pop_front();
    auto it = parties_.find(item.to);
    if (it == parties_.end()) {
      continue;
    }
    ++delivered;
    int r = e2e_xmpp_handle_stanza(it->second->xmpp(), item.xml.c_str());
    if (r == 0) {
      unhandled.push_back(item.xml);
    }
  }
  return done();
}

}  // namespace e2esasl::test
