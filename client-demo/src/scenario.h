// scenario.h: one showcase run: bob, a relay and alice as child processes on loopback, and the
// classification of what happened.
#ifndef E2ESASL_CLIENT_DEMO_SCENARIO_H_
#define E2ESASL_CLIENT_DEMO_SCENARIO_H_

#include <optional>
#include <string>
#include <vector>

#include "tls.h"
#include "vouch_world.h"

namespace e2esasl::demo {

// ShowcaseEnv is the shared setup: this program, plugin path, credentials, temp files.
struct ShowcaseEnv {
  std::string self;         // path of the e2e-demo binary
  std::string plugin_path;  // SASL plugin directories, colon-separated
  std::string sasldb;
  std::string tmp;
  std::string bob_cert, bob_key, mitm_cert, mitm_key;
  std::string user, password;
  int timeout_s = 10;  // each child's --timeout; the showcase kills it 5 s later
  // vouch: VOUCH-ES256-PLUS's files (vouch_world.h), when the plugins offer it.
  std::optional<VouchWorld> vouch;
};

struct Scenario {
  std::string mech;  // wire name to force; empty: negotiate
  TlsLib alice_tls = TlsLib::kOpenssl;
  TlsLib bob_tls = TlsLib::kOpenssl;
  TlsVersionPin version = TlsVersionPin::kTls13;
  std::string cb = "none";  // "none", "default" (best, optional) or a type name (critical)
  bool mitm = false;
  // sas_compare: both ends get --sas-answer compare-file:<run>.sas (the script that plays the two
  // people comparing SAS-R255-PLUS's strings). Without it alice's negotiation skips SAS.
  bool sas_compare = false;
  // sas_contact: SAS-R255-PLUS with a store of remembered peers on each end (the showcase's
  // alice.sas-store and bob.sas-store, kept from row to row): 1 the first contact (the people
  // compare), 2 a later one (remembered: nobody compares). 0: no store.
  int sas_contact = 0;
  // active_mitm: instead of the relay, mallory runs SAS with each end himself (a bob towards
  // alice, an alice towards bob, each with his own store and a person who accepts anything);
  // alice's and bob's people compare their strings with each other.
  bool active_mitm = false;
  // vouch: VOUCH-ES256-PLUS with each end's statement, device key and the trust directory, and a
  // key-continuity store per end (alice.vouch-store, bob.vouch-store, kept from row to row, a
  // changed key accepted with a warning and its statement kept as evidence). With active_mitm,
  // mallory's two ends hold statements their home servers issued for mallory's own keys.
  bool vouch = false;
};

// MitmLabel: "honest", "MITM" (the relay terminating TLS) or "mallory" (active_mitm).
std::string MitmLabel(const Scenario& s);

enum class Outcome { kChatDelivered, kMitmReadChat, kRefused, kError };

// OutcomeName: "authenticated + chat delivered", "MITM read the chat!", "REFUSED", "ERROR".
std::string OutcomeName(Outcome outcome);
// ExpectedOutcome: honest -> chat delivered; MITM without binding on alice's side -> the MITM
// reads the chat; MITM with a binding -> refused.
Outcome ExpectedOutcome(const Scenario& s);

struct ScenarioResult {
  Outcome outcome = Outcome::kError;
  std::string reason;  // short: "binding mismatch", "downgrade detected", ...
  std::string detail;  // alice's and bob's own words
  bool expected = false;
  double seconds = 0;
  std::string mech_used;    // wire mechanism alice sent
  std::string tls_version;  // "TLS1.3"
  std::string binding;      // e.g. "tls-exporter critical"
  int alice_exit = -1, bob_exit = -1, relay_exit = -1;
  std::vector<std::string> mitm_read;  // chat lines the relay read in clear
  std::string relay_offered, relay_forwarded;
  std::string sas_alice, sas_bob;  // SAS-R255-PLUS: the string each end's person saw
  // SAS-R255-PLUS with stores: how each end started ("remembered", "first", "not-matched").
  std::string continuity_alice, continuity_bob;
  // VOUCH-ES256-PLUS with stores: each end's key verdict ("first", "known", "changed") and the
  // evidence file written for a changed key.
  std::string vouch_alice, vouch_bob, evidence_alice, evidence_bob;
};

// RunScenario runs s (index numbers its temp files). Never hangs: every child is killed when
// env.timeout_s + 5 s have passed. Throws DemoError(kSetup) only when it cannot start at all.
ScenarioResult RunScenario(const ShowcaseEnv& env, const Scenario& s, int index);

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_SCENARIO_H_
