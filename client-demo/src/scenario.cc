// scenario.cc: see scenario.h.
#include "scenario.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "peer.h"
#include "process.h"

namespace e2esasl::demo {
namespace {

bool Contains(const std::string& text, const std::string& what) {
  auto it = std::search(text.begin(), text.end(), what.begin(), what.end(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  return it != text.end();
}

std::vector<std::string> PeerArgs(const ShowcaseEnv& env, const Scenario& s, TlsLib lib) {
  std::vector<std::string> args = {"--plugin-dir", env.plugin_path,
                                   "--tls",        std::string(TlsLibName(lib)),
                                   "--timeout",    std::to_string(env.timeout_s)};
  if (s.version != TlsVersionPin::kAny) {
    args.insert(args.end(), {"--tls-version", std::string(TlsVersionPinName(s.version))});
  }
  if (s.cb != "default") {
    args.insert(args.end(), {"--cb", s.cb});
  }
  if (!s.mech.empty()) {
    args.insert(args.end(), {"--mech", s.mech});
  }
  return args;
}

// VouchArgs: an end's VOUCH-ES256-PLUS options: its statement and device key and the trust
// directory; with a store name, its key-continuity store and evidence directory (a changed key
// accepted with a warning); as_alice: the identity alice logs in with and the peer she expects.
std::vector<std::string> VouchArgs(const ShowcaseEnv& env, const VouchParty& party,
                                   const std::string& store, bool as_alice) {
  std::vector<std::string> args = {
      "--sasl-option", "e2esasl_vouch_statement=" + party.statement,
      "--sasl-option", "e2esasl_vouch_device_key=" + party.device_key,
      "--sasl-option", "e2esasl_vouch_trust_dir=" + env.vouch->trust_dir};
  if (!store.empty()) {
    args.insert(
        args.end(),
        {"--sasl-option", "e2esasl_vouch_continuity=" + env.tmp + "/" + store + ".vouch-store",
         "--sasl-option", "e2esasl_vouch_evidence_dir=" + env.tmp + "/" + store + "-evidence",
         "--sasl-option", "e2esasl_vouch_on_key_change=warn"});
  }
  if (as_alice) {
    args.insert(args.end(), {"--sasl-option", std::string("e2esasl_vouch_peer=") + kVouchBob,
                             "--user", kVouchAlice});
  }
  return args;
}

void Append(ChildSpec* child, const std::vector<std::string>& args) {
  child->argv.insert(child->argv.end(), args.begin(), args.end());
}

std::string ShortReason(const Report& alice, const Report& bob) {
  std::string both = alice.Get("reason") + " | " + bob.Get("reason");
  // SAS: both ends show their string before anyone is asked; across a relay the strings differ
  // and the server's key confirmation stops the exchange before either person answers.
  std::string a = alice.Get("sas");
  std::string b = bob.Get("sas");
  if (!a.empty() && !b.empty() && a != b) {
    return "short strings differ";
  }
  if (Contains(both, "short authentication string")) {
    return "a person rejected";
  }
  if (Contains(both, "downgrade")) {
    return "downgrade detected";
  }
  if (Contains(both, "key confirmation")) {
    return "key confirmation failed";  // a PAKE folds the binding into its keys
  }
  if (Contains(both, "BADBINDING") || Contains(both, "binding")) {
    return "binding mismatch";
  }
  for (const char* code : {"SASL_BADAUTH", "SASL_BADPROT", "SASL_NOMECH", "SASL_FAIL"}) {
    if (Contains(both, code)) {
      return code;
    }
  }
  return alice.Get("outcome");
}

}  // namespace

std::string OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kChatDelivered:
      return "authenticated + chat delivered";
    case Outcome::kMitmReadChat:
      return "MITM read the chat!";
    case Outcome::kRefused:
      return "REFUSED";
    case Outcome::kError:
      return "ERROR";
  }
  return "ERROR";
}

std::string MitmLabel(const Scenario& s) {
  return s.active_mitm ? "mallory" : s.mitm ? "MITM" : "honest";
}

Outcome ExpectedOutcome(const Scenario& s) {
  if (s.active_mitm) {
    // SAS: the people's strings differ. VOUCH: the home servers vouched for mallory's keys,
    // which is what the trust model lets a lying server do: he authenticates to both (the
    // key-continuity stores then report the changed keys, checked in RunScenario).
    return s.vouch ? Outcome::kMitmReadChat : Outcome::kRefused;
  }
  if (!s.mitm) {
    return Outcome::kChatDelivered;
  }
  return s.cb == "none" ? Outcome::kMitmReadChat : Outcome::kRefused;
}

ScenarioResult RunScenario(const ShowcaseEnv& env, const Scenario& s, int index) {
  auto start = std::chrono::steady_clock::now();
  std::string base = env.tmp + "/run" + std::to_string(index);
  std::string alice_line = "hello bob, this is alice (secret #" + std::to_string(index) + ")";
  std::string bob_line = "hi alice, bob here (secret #" + std::to_string(index) + ")";

  UniqueFd bob_listener = Listen({"127.0.0.1", 0});
  UniqueFd relay_listener = Listen({"127.0.0.1", 0});
  std::string bob_port = std::to_string(LocalPort(bob_listener.get()));
  std::string relay_port = std::to_string(LocalPort(relay_listener.get()));
  std::string accept_timeout = std::to_string(env.timeout_s);

  ChildSpec bob{{env.self, "bob", "--listen-fd", std::to_string(bob_listener.get()),
                 "--accept-timeout", accept_timeout, "--sasldb", env.sasldb, "--cert", env.bob_cert,
                 "--key", env.bob_key, "--status-file", base + ".bob", "--say", bob_line},
                base + ".bob.out",
                base + ".bob.err",
                {bob_listener.get()}};
  auto bob_args = PeerArgs(env, s, s.bob_tls);
  bob.argv.insert(bob.argv.end(), bob_args.begin(), bob_args.end());

  ChildSpec relay{{env.self, "relay", "--listen-fd", std::to_string(relay_listener.get()),
                   "--connect", "127.0.0.1:" + bob_port, "--accept-timeout", accept_timeout,
                   "--timeout", std::to_string(env.timeout_s), "--report", base + ".relay"},
                  base + ".relay.out",
                  base + ".relay.err",
                  {relay_listener.get()}};
  if (s.mitm) {
    relay.argv.insert(relay.argv.end(), {"--mitm", "--tls", std::string(TlsLibName(s.bob_tls)),
                                         "--cert", env.mitm_cert, "--key", env.mitm_key});
  }

  ChildSpec alice{
      {env.self, "alice", "--connect", "127.0.0.1:" + relay_port, "--user", env.user, "--password",
       env.password, "--status-file", base + ".alice", "--say", alice_line},
      base + ".alice.out",
      base + ".alice.err",
      {}};
  auto alice_args = PeerArgs(env, s, s.alice_tls);
  alice.argv.insert(alice.argv.end(), alice_args.begin(), alice_args.end());
  if (s.sas_compare) {
    for (ChildSpec* end : {&alice, &bob}) {
      end->argv.insert(end->argv.end(), {"--sas-answer", "compare-file:" + base + ".sas"});
    }
  }
  if (s.vouch) {
    Append(&alice, VouchArgs(env, env.vouch->alice, "alice", /*as_alice=*/true));
    Append(&bob, VouchArgs(env, env.vouch->bob, "bob", /*as_alice=*/false));
  }
  if (s.sas_contact > 0) {
    alice.argv.insert(alice.argv.end(), {"--sas-store", env.tmp + "/alice.sas-store"});
    bob.argv.insert(bob.argv.end(), {"--sas-store", env.tmp + "/bob.sas-store"});
  }
  // active_mitm: mallory's two ends take the relay's place: a bob on the relay's port (his own
  // certificate and store, a person who accepts anything) and an alice connecting to bob.
  ChildSpec mallory_alice;
  if (s.active_mitm) {
    relay = ChildSpec{
        {env.self,           "bob",           "--listen-fd", std::to_string(relay_listener.get()),
         "--accept-timeout", accept_timeout,  "--sasldb",    env.sasldb,
         "--cert",           env.mitm_cert,   "--key",       env.mitm_key,
         "--status-file",    base + ".relay", "--say",       "mallory here",
         "--sas-answer",     "yes",           "--sas-store", env.tmp + "/mallory-bob.sas-store"},
        base + ".relay.out",
        base + ".relay.err",
        {relay_listener.get()}};
    auto mallory_bob_args = PeerArgs(env, s, s.bob_tls);
    relay.argv.insert(relay.argv.end(), mallory_bob_args.begin(), mallory_bob_args.end());
    if (s.vouch) {
      Append(&relay, VouchArgs(env, env.vouch->mallory_as_bob, "", /*as_alice=*/false));
    }
    mallory_alice =
        ChildSpec{{env.self, "alice", "--connect", "127.0.0.1:" + bob_port, "--user", env.user,
                   "--status-file", base + ".mallory", "--say", "mallory here", "--sas-answer",
                   "yes", "--sas-store", env.tmp + "/mallory-alice.sas-store"},
                  base + ".mallory.out",
                  base + ".mallory.err",
                  {}};
    auto mallory_alice_args = PeerArgs(env, s, s.alice_tls);
    mallory_alice.argv.insert(mallory_alice.argv.end(), mallory_alice_args.begin(),
                              mallory_alice_args.end());
    if (s.vouch) {
      Append(&mallory_alice, VouchArgs(env, env.vouch->mallory_as_alice, "", /*as_alice=*/true));
    }
  }

  Child bob_child = Child::Spawn(bob);
  Child relay_child = Child::Spawn(relay);
  bob_listener.Reset();
  relay_listener.Reset();
  std::optional<Child> mallory_child;
  if (s.active_mitm) {
    mallory_child.emplace(Child::Spawn(mallory_alice));
  }
  Child alice_child = Child::Spawn(alice);

  Deadline deadline = Deadline::After(std::chrono::seconds(env.timeout_s + 5));
  ScenarioResult r;
  r.alice_exit = alice_child.Wait(deadline);
  r.bob_exit = bob_child.Wait(deadline);
  r.relay_exit = relay_child.Wait(deadline);
  if (mallory_child) {
    mallory_child->Wait(deadline);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  Report a = Report::Load(base + ".alice");
  Report b = Report::Load(base + ".bob");
  Report rl = Report::Load(base + ".relay");
  r.mech_used = a.Get("mech");
  std::string tls = a.Get("tls");
  r.tls_version = tls.substr(tls.find(' ') == std::string::npos ? 0 : tls.find(' ') + 1);
  r.binding = a.Get("cb");
  r.mitm_read = rl.GetAll("chat");
  r.relay_offered = rl.Get("offered");
  r.relay_forwarded = rl.Get("forwarded");
  r.sas_alice = a.Get("sas");
  r.sas_bob = b.Get("sas");
  r.continuity_alice = a.Get("continuity");
  r.continuity_bob = b.Get("continuity");
  r.vouch_alice = a.Get("vouch_key");
  r.vouch_bob = b.Get("vouch_key");
  r.evidence_alice = a.Get("vouch_evidence");
  r.evidence_bob = b.Get("vouch_evidence");
  auto heard = [](const Report& rep, const std::string& line) {
    auto all = rep.GetAll("heard");
    return std::find(all.begin(), all.end(), line) != all.end();
  };
  bool chat_ok = r.alice_exit == 0 && r.bob_exit == 0 && heard(a, bob_line) && heard(b, alice_line);
  r.detail = "alice: " + (a.Get("reason").empty() ? a.Get("outcome") : a.Get("reason")) +
             "; bob: " + (b.Get("reason").empty() ? b.Get("outcome") : b.Get("reason"));
  if (r.alice_exit < 0 || r.bob_exit < 0 || r.relay_exit < 0) {
    r.detail += " (a child was killed at the showcase deadline)";
  }
  if (chat_ok) {
    r.outcome = r.mitm_read.empty() ? Outcome::kChatDelivered : Outcome::kMitmReadChat;
  } else if (s.active_mitm && r.alice_exit == 0 && r.bob_exit == 0) {
    // Both ends authenticated someone and chatted: mallory, each time as the other.
    r.outcome = Outcome::kMitmReadChat;
  } else if (r.alice_exit == static_cast<int>(ExitCode::kRefused) ||
             r.bob_exit == static_cast<int>(ExitCode::kRefused)) {
    r.outcome = Outcome::kRefused;
    r.reason = ShortReason(a, b);
  } else {
    r.outcome = Outcome::kError;
    r.reason = "alice " + std::to_string(r.alice_exit) + ", bob " + std::to_string(r.bob_exit);
  }
  r.expected = r.outcome == ExpectedOutcome(s);
  if (s.vouch && s.active_mitm) {
    // The point of the row: each end's continuity store caught the changed key and kept the
    // lying server's statement.
    auto kept = [](const std::string& path) {
      struct stat st {};
      return !path.empty() && stat(path.c_str(), &st) == 0 && st.st_size > 0;
    };
    r.expected = r.expected && r.vouch_alice == "changed" && r.vouch_bob == "changed" &&
                 kept(r.evidence_alice) && kept(r.evidence_bob);
  }
  return r;
}

}  // namespace e2esasl::demo
