// options.cc: see options.h.
#include "options.h"

#include <charconv>
#include <cstdlib>

namespace e2esasl::demo {

Args::Args(const std::vector<std::string>& argv, std::initializer_list<OptSpec> specs) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      throw DemoError(ExitCode::kUsage, "unexpected argument '" + arg + "'");
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptSpec* spec = nullptr;
    for (const OptSpec& s : specs) {
      if (name == s.name) {
        spec = &s;
      }
    }
    if (spec == nullptr) {
      throw DemoError(ExitCode::kUsage, "unknown option --" + name);
    }
    if (!spec->takes_value) {
      if (inline_value) {
        throw DemoError(ExitCode::kUsage, "--" + name + " takes no value");
      }
      values_[name].push_back("");
      continue;
    }
    if (inline_value) {
      values_[name].push_back(*inline_value);
    } else if (i + 1 < argv.size()) {
      values_[name].push_back(argv[++i]);
    } else {
      throw DemoError(ExitCode::kUsage, "--" + name + " needs a value");
    }
  }
}

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

int Args::GetInt(const std::string& name, int fallback) const {
  if (!Has(name)) {
    return fallback;
  }
  std::string text = Get(name);
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw DemoError(ExitCode::kUsage, "--" + name + " needs an integer, got '" + text + "'");
  }
  return value;
}

std::string DefaultPluginPath() {
  const char* env = std::getenv("SASL_PATH");
  if (env != nullptr && *env != '\0') {
    return env;
  }
  return "/usr/lib/x86_64-linux-gnu/sasl2";
}

PeerOptions ParsePeerOptions(const std::string& role, const std::vector<std::string>& argv) {
  bool bob = role == "bob";
  Args args(argv, {{"plugin-dir", true},     {"mech", true},     {"tls", true},
                   {"tls-version", true},    {"cb", true},       {"verbose", false},
                   {"timeout", true},        {"say", true},      {"status-file", true},
                   {"sas-answer", true},     {"listen", true},   {"listen-fd", true},
                   {"accept-timeout", true}, {"sasldb", true},   {"realm", true},
                   {"cert", true},           {"key", true},      {"connect", true},
                   {"user", true},           {"password", true}, {"sas-store", true},
                   {"sasl-option", true}});
  PeerOptions o;
  o.role = role;
  o.plugin_path = args.Get("plugin-dir", DefaultPluginPath());
  o.mech = args.Get("mech");
  if (args.Has("tls")) {
    auto lib = ParseTlsLib(args.Get("tls"));
    if (!lib) {
      throw DemoError(ExitCode::kUsage, "--tls must be openssl or gnutls");
    }
    o.tls = *lib;
  }
  if (args.Has("tls-version")) {
    auto pin = ParseTlsVersionPin(args.Get("tls-version"));
    if (!pin) {
      throw DemoError(ExitCode::kUsage, "--tls-version must be 1.2 or 1.3");
    }
    o.version = *pin;
  }
  if (args.Has("cb")) {
    std::string cb = args.Get("cb");
    if (cb == "none") {
      o.cb_mode = CbMode::kNone;
    } else if (auto type = channelbind::ParseType(cb)) {
      o.cb_mode = CbMode::kForced;
      o.cb_type = *type;
    } else {
      throw DemoError(ExitCode::kUsage,
                      "--cb must be tls-unique, tls-exporter, tls-server-end-point or none");
    }
  }
  o.verbose = args.Has("verbose");
  o.timeout_s = args.GetInt("timeout", 30);
  if (o.timeout_s <= 0) {
    throw DemoError(ExitCode::kUsage, "--timeout must be positive");
  }
  o.has_say = args.Has("say");
  o.say = args.GetAll("say");
  for (const std::string& line : o.say) {
    if (line.find('\n') != std::string::npos) {
      throw DemoError(ExitCode::kUsage, "--say lines cannot contain a newline");
    }
  }
  o.status_file = args.Get("status-file");
  o.sas_store = args.Get("sas-store");
  for (const std::string& option : args.GetAll("sasl-option")) {
    const size_t eq = option.find('=');
    if (eq == std::string::npos || option.rfind("e2esasl_", 0) != 0) {
      throw DemoError(ExitCode::kUsage, "--sasl-option must be NAME=VALUE with NAME e2esasl_*");
    }
    o.sasl_options.emplace_back(option.substr(0, eq), option.substr(eq + 1));
  }
  if (args.Has("sas-answer")) {
    std::string answer = args.Get("sas-answer");
    o.sas_answer_given = true;
    if (answer == "ask") {
      o.sas_answer = SasAnswer::kAsk;
    } else if (answer == "yes") {
      o.sas_answer = SasAnswer::kYes;
    } else if (answer == "no") {
      o.sas_answer = SasAnswer::kNo;
    } else if (answer.rfind("compare-file:", 0) == 0 && answer.size() > 13) {
      o.sas_answer = SasAnswer::kCompareFile;
      o.sas_compare_path = answer.substr(13);
    } else {
      throw DemoError(ExitCode::kUsage, "--sas-answer must be ask, yes, no or compare-file:PATH");
    }
  }
  if (bob) {
    if (args.Has("connect") || args.Has("user") || args.Has("password")) {
      throw DemoError(ExitCode::kUsage, "bob takes --listen, not --connect/--user/--password");
    }
    if (args.Has("listen")) {
      o.listen = ParseHostPort(args.Get("listen"));
    }
    o.listen_fd = args.GetInt("listen-fd", -1);
    if (!o.listen && o.listen_fd < 0) {
      throw DemoError(ExitCode::kUsage, "bob needs --listen HOST:PORT");
    }
    o.accept_timeout_s = args.GetInt("accept-timeout", -1);
    o.sasldb = args.Get("sasldb");
    if (o.sasldb.empty()) {
      throw DemoError(ExitCode::kUsage, "bob needs --sasldb FILE (made by e2e-demo passwd)");
    }
    o.realm = args.Get("realm");
    o.cert_file = args.Get("cert");
    o.key_file = args.Get("key");
    if (o.cert_file.empty() != o.key_file.empty()) {
      throw DemoError(ExitCode::kUsage, "--cert and --key go together");
    }
  } else {
    if (args.Has("listen") || args.Has("listen-fd") || args.Has("sasldb") || args.Has("cert") ||
        args.Has("key") || args.Has("accept-timeout")) {
      throw DemoError(ExitCode::kUsage, "alice takes --connect, not bob's options");
    }
    if (!args.Has("connect")) {
      throw DemoError(ExitCode::kUsage, "alice needs --connect HOST:PORT");
    }
    o.connect = ParseHostPort(args.Get("connect"));
    o.user = args.Get("user", "alice");
    if (args.Has("password")) {
      o.password = args.Get("password");
    }
    o.realm = args.Get("realm");
  }
  return o;
}

const char* Usage() {
  return R"(usage: e2e-demo <command> [options]

Alice and Bob authenticate each other end to end with SASL inside TLS, bound to the TLS channel,
through a relay that may be honest or a man in the middle. See docs/demo.md.

  e2e-demo passwd --sasldb FILE --user U [--password P] [--plugin-dir DIRS] [--realm R]
  e2e-demo mechs [--plugin-dir DIRS]        list the mechanisms the loaded plugins offer
  e2e-demo bob --listen HOST:PORT --sasldb FILE [common options]
               [--cert PEM --key PEM] [--accept-timeout S] [--realm R]
  e2e-demo alice --connect HOST:PORT [--user U] [--password P] [common options]
  e2e-demo relay --listen HOST:PORT --connect HOST:PORT [--mitm] [--tls openssl|gnutls]
               [--keep-plus] [--report FILE] [--timeout S] [--fault F]
  e2e-demo showcase [--json] [--full] [--plugin-dir DIRS] [--keep-temp]

common options of alice and bob:
  --plugin-dir DIRS    SASL plugin directories, colon-separated (default: $SASL_PATH or the
                       system directory)
  --mech M             use mechanism M (default: negotiate the best one offered)
  --tls openssl|gnutls TLS library of this end (default openssl)
  --tls-version 1.2|1.3
  --cb TYPE            tls-unique | tls-exporter | tls-server-end-point: bind with TYPE,
                       critical (no unbound fallback); none: no channel binding at all.
                       Default: the best type for the connection, non-critical.
  --verbose            print the binding values (hex) and the SASL exchange
  --timeout S          give up when the peer does not answer within S seconds (default 30)
  --say TEXT           (repeatable) send these chat lines, then wait for the peer's, then exit;
                       without --say, chat from stdin until end of input
  --status-file FILE   write a machine-readable summary
  --sas-answer A       SAS-R255-PLUS: how this end's person answers about the short
                       authentication string: ask (default: the terminal), yes, no, or
                       compare-file:PATH (write PATH.<role>, wait up to 10 s for the other
                       end's file, accept only equal strings). alice negotiates SAS-R255-PLUS
                       only when --sas-answer is given (or --mech names it).
  --sasl-option NAME=VALUE  (repeatable) a mechanism option e2esasl_*, e.g. VOUCH-ES256-PLUS's
                       e2esasl_vouch_statement=FILE (docs/mechanisms/vouch.md)
  --sas-store FILE     SAS-R255-PLUS remembers peers in FILE (created 0600): after one
                       comparison both people confirmed, the next exchanges with the same
                       peer device need no comparison; a peer that is remembered but does
                       not prove it is reported loudly and the people compare again.

exit status: 0 ok, 1 unexpected outcome (showcase), 2 usage, 3 setup, 4 TLS / binding
unavailable, 5 authentication refused, 6 protocol error, 7 connection lost, 8 timeout.
)";
}

}  // namespace e2esasl::demo
