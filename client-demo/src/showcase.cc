// showcase.cc: see showcase.h.
#include "showcase.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <openssl/rand.h>

#include "admin.h"
#include "certs.h"
#include "options.h"
#include "scenario.h"

namespace e2esasl::demo {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSystemPluginDir = "/usr/lib/x86_64-linux-gnu/sasl2";

// TempDir is a mkdtemp directory removed with everything in it (unless kept).
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "e2e-demo.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      throw DemoError(ExitCode::kSetup, "mkdtemp failed");
    }
    path_ = tmpl;
  }
  ~TempDir() {
    if (!keep_) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  void Keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (!dir.empty()) {
      out.push_back(dir);
    }
  }
  return out;
}

// PluginPath returns dirs, plus a directory holding only the system's libsasldb.so* symlinks
// when no listed directory has an auxprop sasldb plugin (SASL_PATH replaces libsasl2's default,
// and the whole system directory would also load Cyrus's own SCRAM under our names; see
// docs/integration.md).
std::string PluginPath(const std::string& dirs, const std::string& tmp) {
  bool has_sasldb = false;
  for (const std::string& dir : SplitPath(dirs)) {
    has_sasldb = has_sasldb || fs::exists(fs::path(dir) / "libsasldb.so");
  }
  if (has_sasldb) {
    return dirs;
  }
  fs::path aux = fs::path(tmp) / "auxprop";
  fs::create_directory(aux);
  for (const auto& entry : fs::directory_iterator(kSystemPluginDir)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("libsasldb.so", 0) == 0) {
      fs::create_symlink(entry.path(), aux / name);
    }
  }
  return dirs + ":" + aux.string();
}

std::string RandomHex(size_t n) {
  Bytes raw(n);
  if (RAND_bytes(raw.data(), static_cast<int>(n)) != 1) {
    throw DemoError(ExitCode::kSetup, "RAND_bytes failed");
  }
  return Hex(raw);
}

std::string SelfPath(const char* argv0) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(argv0) : self.string();
}

std::vector<Scenario> MakeScenarios(const std::vector<std::string>& offered, bool full) {
  static const TlsLib kPairs[4][2] = {{TlsLib::kOpenssl, TlsLib::kOpenssl},
                                      {TlsLib::kGnutls, TlsLib::kOpenssl},
                                      {TlsLib::kOpenssl, TlsLib::kGnutls},
                                      {TlsLib::kGnutls, TlsLib::kGnutls}};
  static const char* kTypes[3] = {"tls-exporter", "tls-unique", "tls-server-end-point"};
  std::vector<Scenario> out;
  int pair = 0;
  auto add = [&](const std::string& mech, const std::string& cb, TlsVersionPin version) {
    for (bool mitm : {false, true}) {
      Scenario s;
      s.mech = mech;
      s.cb = cb;
      s.version = version;
      s.alice_tls = kPairs[pair % 4][0];
      s.bob_tls = kPairs[pair % 4][1];
      s.mitm = mitm;
      ++pair;
      out.push_back(s);
    }
  };
  auto has = [&](const std::string& m) {
    return std::find(offered.begin(), offered.end(), m) != offered.end();
  };
  int family = 0;
  bool any_plus = false;
  for (const std::string& m : offered) {
    if (m.ends_with("-PLUS")) {
      continue;
    }
    add(m, "none", family % 2 == 0 ? TlsVersionPin::kTls13 : TlsVersionPin::kTls12);
    if (has(m + "-PLUS")) {
      any_plus = true;
      for (int t = 0; t < 3; ++t) {
        if (!full && t != family % 3) {
          continue;
        }
        bool unique = std::string(kTypes[t]) == "tls-unique";
        if (full || unique) {
          add(m + "-PLUS", kTypes[t], TlsVersionPin::kTls12);
        }
        if (!unique) {
          add(m + "-PLUS", kTypes[t],
              full || family % 2 == 0 ? TlsVersionPin::kTls13 : TlsVersionPin::kTls12);
        }
        if (!full && !unique) {
          continue;
        }
      }
    }
    ++family;
  }
  // Mechanisms offered only with channel binding (e.g. SAS-R255-PLUS).
  for (const std::string& m : offered) {
    if (m.ends_with("-PLUS") && !has(m.substr(0, m.size() - 5)) && !m.starts_with("VOUCH-")) {
      any_plus = true;
      size_t first = out.size();
      add(m, "tls-exporter", TlsVersionPin::kTls13);
      for (size_t i = first; i < out.size(); ++i) {
        out[i].sas_compare = m.starts_with("SAS-");  // the script plays the two people
      }
    }
  }
  // SAS-R255-PLUS remembers (stores kept from row to row): the first contact, where the people
  // compare; a second contact, where nobody compares; a second contact through mallory, who
  // runs SAS with each end himself: both ends warn, the people compare, the strings differ.
  if (has("SAS-R255-PLUS")) {
    for (int row = 0; row < 3; ++row) {
      Scenario s;
      s.mech = "SAS-R255-PLUS";
      s.cb = "tls-exporter";
      s.version = TlsVersionPin::kTls13;
      s.alice_tls = kPairs[pair % 4][0];
      s.bob_tls = kPairs[pair % 4][1];
      ++pair;
      s.sas_compare = true;
      s.sas_contact = row == 0 ? 1 : 2;
      s.active_mitm = row == 2;
      out.push_back(s);
    }
  }
  // VOUCH-ES256-PLUS (the home servers vouch for the device keys; key-continuity stores kept
  // from row to row): through the honest relay; through the MITM relay (binding mismatch);
  // through mallory, whose statements the lying home servers issued for his own keys: he
  // authenticates to both, as the trust model predicts, and both stores report the changed key.
  if (has("VOUCH-ES256-PLUS")) {
    for (int row = 0; row < 3; ++row) {
      Scenario s;
      s.mech = "VOUCH-ES256-PLUS";
      s.cb = "tls-exporter";
      s.version = TlsVersionPin::kTls13;
      s.alice_tls = kPairs[pair % 4][0];
      s.bob_tls = kPairs[pair % 4][1];
      ++pair;
      s.vouch = true;
      s.mitm = row == 1;
      s.active_mitm = row == 2;
      out.push_back(s);
    }
  }
  if (any_plus) {
    // Negotiate with the optional binding. No --sas-answer: alice leaves SAS-R255-PLUS out (it
    // needs people), so these rows show the password/PAKE mechanisms.
    add("", "default", TlsVersionPin::kTls13);
  }
  return out;
}

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// SasText: " (both saw S)" / " (alice saw A, bob saw B)" for SAS-R255-PLUS rows, else "".
std::string SasText(const ScenarioResult& r) {
  if (r.sas_alice.empty() && r.sas_bob.empty()) {
    return "";
  }
  if (r.sas_alice == r.sas_bob) {
    return " (both saw " + r.sas_alice + ")";
  }
  return " (alice saw " + (r.sas_alice.empty() ? "-" : r.sas_alice) + ", bob saw " +
         (r.sas_bob.empty() ? "-" : r.sas_bob) + ")";
}

// ContinuityText: for rows with stores, how the two ends started.
std::string ContinuityText(const ScenarioResult& r) {
  if (r.continuity_alice.empty() && r.continuity_bob.empty()) {
    return "";
  }
  if (r.continuity_alice == r.continuity_bob) {
    return r.continuity_alice == "remembered" ? " (remembered: nobody compared)"
           : r.continuity_alice == "not-matched"
               ? " (both warned: remembered peer did not prove it)"
               : "";
  }
  return " (alice: " + (r.continuity_alice.empty() ? "-" : r.continuity_alice) +
         ", bob: " + (r.continuity_bob.empty() ? "-" : r.continuity_bob) + ")";
}

// VouchText: for VOUCH rows, what the key-continuity stores said.
std::string VouchText(const ScenarioResult& r) {
  if (r.vouch_alice.empty() && r.vouch_bob.empty()) {
    return "";
  }
  if (r.vouch_alice == "changed" && r.vouch_bob == "changed") {
    return " (both warned: the vouched key CHANGED; statements kept)";
  }
  return " (keys: alice " + (r.vouch_alice.empty() ? "-" : r.vouch_alice) + ", bob " +
         (r.vouch_bob.empty() ? "-" : r.vouch_bob) + ")";
}

std::string OutcomeText(const ScenarioResult& r) {
  if (r.outcome == Outcome::kRefused || r.outcome == Outcome::kError) {
    return OutcomeName(r.outcome) + ": " + r.reason + SasText(r) + ContinuityText(r) + VouchText(r);
  }
  return OutcomeName(r.outcome) + SasText(r) + ContinuityText(r) + VouchText(r);
}

std::string MechText(const Scenario& s, const ScenarioResult& r) {
  if (s.mech.empty()) {
    return "negotiate -> " + (r.mech_used.empty() ? "?" : r.mech_used);
  }
  if (s.sas_contact == 1) {
    return s.mech + " +store 1st";
  }
  if (s.sas_contact == 2) {
    return s.mech + " +store again";
  }
  return s.mech;
}

std::string BindingText(const Scenario& s, const ScenarioResult& r) {
  if (s.cb == "default") {
    return (r.binding.empty() ? "best" : r.binding.substr(0, r.binding.find(' '))) + " (opt.)";
  }
  return s.cb;
}

}  // namespace

int RunShowcase(const char* argv0, const std::vector<std::string>& argv) {
  Args args(argv, {{"json", false},
                   {"full", false},
                   {"plugin-dir", true},
                   {"keep-temp", false},
                   {"timeout", true},
                   {"verbose", false}});
  bool json = args.Has("json");
  TempDir tmp;
  if (args.Has("keep-temp")) {
    tmp.Keep();
  }
  ShowcaseEnv env;
  env.self = SelfPath(argv0);
  env.tmp = tmp.path();
  env.timeout_s = args.GetInt("timeout", 10);
  std::string dirs = args.Get("plugin-dir", DefaultPluginPath());
  env.plugin_path = PluginPath(dirs, tmp.path());
  env.sasldb = tmp.path() + "/sasldb2";
  env.user = "alice";
  env.password = "pw-" + RandomHex(8);
  env.bob_cert = tmp.path() + "/bob.crt";
  env.bob_key = tmp.path() + "/bob.key";
  env.mitm_cert = tmp.path() + "/mitm.crt";
  env.mitm_key = tmp.path() + "/mitm.key";
  WriteCredentials(MakeSelfSigned("bob.e2e-demo.invalid"), env.bob_cert, env.bob_key);
  WriteCredentials(MakeSelfSigned("mitm.e2e-demo.invalid"), env.mitm_cert, env.mitm_key);

  // VOUCH-ES256-PLUS's files (the plugin offers it only to a configured server: the listing
  // below gets alice's files).
  const std::string vouch_dir = tmp.path() + "/vouch";
  if (mkdir(vouch_dir.c_str(), 0700) != 0) {
    throw DemoError(ExitCode::kSetup, "cannot create " + vouch_dir);
  }
  env.vouch = MakeVouchWorld(vouch_dir);
  for (const char* end : {"alice", "bob"}) {  // where a changed key's statement is kept
    const std::string evidence = tmp.path() + "/" + end + "-evidence";
    if (mkdir(evidence.c_str(), 0700) != 0) {
      throw DemoError(ExitCode::kSetup, "cannot create " + evidence);
    }
  }
  std::vector<std::string> offered;
  {
    SaslConfig config{env.plugin_path, env.sasldb, "", args.Has("verbose"), "showcase", "", "", {}};
    config.sasl_options = {{"e2esasl_vouch_statement", env.vouch->alice.statement},
                           {"e2esasl_vouch_device_key", env.vouch->alice.device_key},
                           {"e2esasl_vouch_trust_dir", env.vouch->trust_dir}};
    SaslLibrary lib(config, /*server=*/true, /*client=*/true);
    SetPassword(lib, env.user, env.password);
    offered = OfferedMechanisms(lib);
  }
  if (offered.empty()) {
    throw DemoError(ExitCode::kSetup,
                    "no SASL mechanism found in " + dirs + " (is the plugin directory right?)");
  }
  std::string offered_text;
  for (const std::string& m : offered) {
    offered_text += (offered_text.empty() ? "" : " ") + m;
  }
  std::vector<Scenario> scenarios = MakeScenarios(offered, args.Has("full"));
  if (!json) {
    std::cout << "e2e-demo showcase: alice and bob authenticate end to end through a relay\n"
              << "plugins: " << env.plugin_path << "\n"
              << "mechanisms: " << offered_text << "\n"
              << "temporary files: " << tmp.path()
              << (args.Has("keep-temp") ? " (kept)" : " (removed at exit)") << "\n\n"
              << Pad("#", 4) << Pad("mechanism", 33) << Pad("alice", 9) << Pad("bob", 9)
              << Pad("TLS", 8) << Pad("binding", 23) << Pad("relay", 8) << Pad("outcome", 40)
              << Pad("time", 7) << "\n";
  }
  std::vector<ScenarioResult> results;
  int unexpected = 0;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const Scenario& s = scenarios[i];
    ScenarioResult r = RunScenario(env, s, static_cast<int>(i + 1));
    unexpected += r.expected ? 0 : 1;
    results.push_back(r);
    if (!json) {
      std::ostringstream time;
      time << std::fixed << std::setprecision(2) << r.seconds << "s";
      std::cout << Pad(std::to_string(i + 1), 4) << Pad(MechText(s, r), 33)
                << Pad(std::string(TlsLibName(s.alice_tls)), 9)
                << Pad(std::string(TlsLibName(s.bob_tls)), 9)
                << Pad(r.tls_version.empty() ? "TLS" + std::string(TlsVersionPinName(s.version))
                                             : r.tls_version,
                       8)
                << Pad(BindingText(s, r), 23) << Pad(MitmLabel(s), 8) << Pad(OutcomeText(r), 40)
                << Pad(time.str(), 7)
                << (r.expected
                        ? ""
                        : "  <-- UNEXPECTED (expected: " + OutcomeName(ExpectedOutcome(s)) + ")")
                << std::endl;
      if (!r.expected) {
        std::cout << "      " << r.detail << "\n";
      }
    }
  }
  if (json) {
    std::cout << "{\"plugin_path\": " << JsonString(env.plugin_path)
              << ", \"mechanisms\": " << JsonString(offered_text) << ", \"results\": [\n";
    for (size_t i = 0; i < results.size(); ++i) {
      const Scenario& s = scenarios[i];
      const ScenarioResult& r = results[i];
      std::cout << "  {\"mechanism\": " << JsonString(s.mech.empty() ? "negotiate" : s.mech)
                << ", \"mechanism_used\": " << JsonString(r.mech_used)
                << ", \"alice_tls\": " << JsonString(std::string(TlsLibName(s.alice_tls)))
                << ", \"bob_tls\": " << JsonString(std::string(TlsLibName(s.bob_tls)))
                << ", \"tls_version\": " << JsonString(r.tls_version)
                << ", \"binding\": " << JsonString(s.cb) << ", \"relay\": "
                << JsonString(s.active_mitm ? "mallory"
                              : s.mitm      ? "mitm"
                                            : "honest")
                << ", \"continuity_alice\": " << JsonString(r.continuity_alice)
                << ", \"vouch_alice\": " << JsonString(r.vouch_alice)
                << ", \"vouch_bob\": " << JsonString(r.vouch_bob)
                << ", \"continuity_bob\": " << JsonString(r.continuity_bob)
                << ", \"outcome\": " << JsonString(OutcomeName(r.outcome))
                << ", \"reason\": " << JsonString(r.reason)
                << ", \"expected_outcome\": " << JsonString(OutcomeName(ExpectedOutcome(s)))
                << ", \"as_expected\": " << (r.expected ? "true" : "false")
                << ", \"sas_alice\": " << JsonString(r.sas_alice)
                << ", \"sas_bob\": " << JsonString(r.sas_bob)
                << ", \"mitm_read_lines\": " << r.mitm_read.size() << ", \"seconds\": " << r.seconds
                << ", \"detail\": " << JsonString(r.detail) << "}"
                << (i + 1 < results.size() ? "," : "") << "\n";
    }
    std::cout << "], \"unexpected\": " << unexpected << "}\n";
  } else {
    std::cout << "\nWithout channel binding the man in the middle terminated both TLS connections, "
                 "went unnoticed\nand read the chat; with a -PLUS mechanism the two ends saw "
                 "different channel bindings\nand refused. His downgrade attempt (stripping "
                 "-PLUS from bob's list) was detected.\n";
    bool sas_rows = false;
    for (const Scenario& s : scenarios) {
      sas_rows = sas_rows || s.sas_compare;
    }
    if (sas_rows) {
      std::cout << "SAS-R255-PLUS: no password; the two people compare the short strings (here a "
                   "script:\n--sas-answer compare-file). Through the MITM the strings differ and "
                   "they refuse.\nWith --sas-store both ends remember each other after one "
                   "confirmed comparison: the next\nexchange needs nobody; against mallory (no "
                   "remembered secret) both ends warn, the people\ncompare again, and the "
                   "strings differ.\n";
    }
    bool vouch_rows = false;
    for (const Scenario& s : scenarios) {
      vouch_rows = vouch_rows || s.vouch;
    }
    if (vouch_rows) {
      std::cout << "VOUCH-ES256-PLUS: each home server vouches for its user's device key, each "
                   "device proves its key\non this channel: the MITM relay is refused. Home "
                   "servers that vouch for mallory's keys let\nhim in (the trust model's "
                   "limit), but both ends' key-continuity stores report the CHANGED\nkeys and "
                   "keep the lying statements as evidence.\n";
    }
    std::cout << "\n"
              << results.size() - unexpected << " of " << results.size() << " outcomes as expected"
              << (unexpected == 0 ? "." : " -- FAILED.") << "\n";
  }
  return unexpected == 0 ? 0 : static_cast<int>(ExitCode::kUnexpected);
}

}  // namespace e2esasl::demo
