// xmpp_pair.h: several e2e_xmpp cores in one process, connected by an in-memory stanza router
// that stamps `from` as an XMPP server does (and answers service-unavailable for an unknown full
// JID). It drives the real session core, TLS libraries, libsasl2 and plugins; what it replaces
// is only the XMPP server, so that tests can craft, drop and reorder stanzas precisely. The same
// sessions through a real Prosody are in the Prosody suites.
#ifndef E2ESASL_TESTS_XMPP_XMPP_PAIR_H_
#define E2ESASL_TESTS_XMPP_XMPP_PAIR_H_

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "e2esasl/xmpp.h"

namespace e2esasl::test {

// SessionEvents: what the callbacks reported for one session.
struct SessionEvents {
  std::string peer;
  bool incoming = false;
  std::optional<std::string> identity;  // authenticated
  std::string mechanism;
  std::string binding;
  std::optional<int> failed;
  std::string reason;
  std::vector<std::string> data;
  bool closed = false;
  std::vector<std::string> sas_shown;
  std::vector<std::string> sas_asked;
  // sas_continuity events: "remembered PEER", "first PEER", "not-matched PEER", "stored PEER".
  std::vector<std::string> continuity;
  bool ended() const { return failed.has_value() || closed; }
};

class Router;

// PartySpec: one client's settings (strings owned here; config pointers are made from them).
struct PartySpec {
  std::string jid;
  std::string sasldb;           // responder's store ("" = none)
  std::string channel_binding;  // "" = default
  std::string tls_library = "openssl";
  std::string tls_version = "any";
  std::string mechanisms;  // responder's allowed list
  unsigned block_size = 0;
  unsigned timeout_ms = 20000;
  size_t max_unauthenticated = 0;
  bool relay = false;
  int incoming_answer = E2E_XMPP_ACCEPT;
  // SAS: the answer this end's person gives (unset: no sas callbacks). compare: answer
  // "same string as the other end" by looking at what the other party's person was shown.
  std::optional<bool> sas_answer;
  bool sas_compare = false;  // answer yes only when another party was shown the same string
  // sas_later: sas_confirm returns E2E_XMPP_PENDING; the test answers with e2e_xmpp_sas_answer.
  bool sas_later = false;
  // sas_store: SAS-R255-PLUS's store of remembered peers (e2esasl_sas_store), with the
  // sas_continuity callback; "" = none.
  std::string sas_store;
  // echo: reply every received line with "echo: <line>" (responder side chat check).
  bool echo = false;
  // relay_target: in relay mode, each incoming session makes a session to this JID and the
  // inner lines are relayed between the two (the man in the middle).
  std::string relay_target;
};

// Party: one e2e_xmpp core on the router.
class Party {
 public:
  Party(Router* router, PartySpec spec);
  ~Party();
  Party(const Party&) = delete;
  Party& operator=(const Party&) = delete;

  e2e_xmpp* xmpp() const { return xmpp_; }
  const std::string& jid() const { return spec_.jid; }
  e2e_xmpp_session* Start(const std::string& peer, const std::string& mech, const std::string& user,
                          const std::string& password);
  // Events of a session (by sid); the last session started or accepted by default.
  SessionEvents& Events(const std::string& sid = "");
  std::vector<std::string> Sids() const { return order_; }
  std::vector<std::string> trace;  // "in: ..." / "out: ..."
  // Live session handles (removed when they end).
  std::map<std::string, e2e_xmpp_session*> live;
  PartySpec spec_;

 private:
  friend class Router;
  static int Send(void* user, const char* xml);
  static int Incoming(void* user, e2e_xmpp_session* s, const char* peer);
  static void Authenticated(void* user, e2e_xmpp_session* s, const char* identity,
                            const char* mechanism, const char* binding);
  static void Failed(void* user, e2e_xmpp_session* s, int code, const char* reason);
  static void Data(void* user, e2e_xmpp_session* s, const char* text, size_t len);
  static void Closed(void* user, e2e_xmpp_session* s);
  static int SasConfirm(void* user, e2e_xmpp_session* s, const char* sas, int is_server);
  static void SasShow(void* user, e2e_xmpp_session* s, const char* sas);
  static void SasContinuity(void* user, e2e_xmpp_session* s, int event, const char* peer);
  static void Trace(void* user, const char* direction, const char* xml);
  SessionEvents& For(e2e_xmpp_session* s);

  void Forward(e2e_xmpp_session* from, const std::string& line);
  void EndLink(e2e_xmpp_session* s);
  Router* router_;
  e2e_xmpp* xmpp_ = nullptr;
  std::map<std::string, std::string> links_;                 // relay: sid -> the other leg's sid
  std::map<std::string, std::vector<std::string>> waiting_;  // relay: lines for a leg not open
  std::map<std::string, SessionEvents> events_;
  std::vector<std::string> order_;
};

// Router: delivers stanzas between parties in order.
class Router {
 public:
  // Filter may rewrite (return the new text) or drop (return "") a stanza from `from`.
  using Filter = std::function<std::string(const std::string& from, const std::string& xml)>;
  Filter filter;
  // Mitm makes the router a compromised server: stanzas between the victims a and b go to
  // mallory, and mallory's stanzas to a victim carry the other victim's JID (also in Jingle's
  // initiator / responder attributes).
  struct Mitm {
    std::string a, b, mallory;
  };
  std::optional<Mitm> mitm;
  // Queue a stanza sent by `from` (the router stamps from, as a server does).
  void Post(const std::string& from, const std::string& xml);
  // Inject delivers raw XML (with its own from) to `to` directly.
  void Inject(const std::string& to, const std::string& xml);
  // Run delivers until `done` holds or nothing is left and nothing changes for `quiet_ms`;
  // returns done(). Ticks every party.
  bool Run(const std::function<bool()>& done, int max_ms = 20000);
  void Add(Party* p) { parties_[p->jid()] = p; }
  void Remove(Party* p) { parties_.erase(p->jid()); }
  size_t delivered = 0;
  // sas_seen: every short authentication string a party's person saw, by party JID.
  std::map<std::string, std::vector<std::string>> sas_seen;
  // Unanswered: stanzas whose handle_stanza returned 0 (nobody handled them).
  std::vector<std::string> unhandled;

 private:
  struct Item {
    std::string to;
    std::string xml;
  };
  std::deque<Item> queue_;
  std::map<std::string, Party*> parties_;
};

// The two people of the core tests, and alice's secret as bob's store holds it.
inline constexpr const char* kAlice = "alice@localhost/laptop";
inline constexpr const char* kBob = "bob@localhost/phone";
inline constexpr const char* kPassword = "correct horse battery staple";

// PairStore: a temporary directory for bob's sasldb, and the specs of the two parties the core
// tests start from. Provision (a fixture's setUp) stores kPassword for alice in every family.
class PairStore {
 public:
  PairStore();
  ~PairStore();
  void Provision() const;
  PairStore(const PairStore&) = delete;
  PairStore& operator=(const PairStore&) = delete;
  // Bob: the responder with this store, echoing every line.
  PartySpec Bob() const;
  // Alice: the initiator (no store), with the given session timeout.
  static PartySpec Alice(unsigned timeout_ms = 20000);

 private:
  std::string dir_;
  std::string sasldb_;
};

// PluginPath: the build's plugins plus a sasldb-only directory (tests/support's harness).
std::string PluginPath();
// Provision stores user/password in sasldb for every family (e2e_xmpp_set_password).
void Provision(const std::string& sasldb, const std::string& user, const std::string& password);

}  // namespace e2esasl::test

#endif  // E2ESASL_TESTS_XMPP_XMPP_PAIR_H_
