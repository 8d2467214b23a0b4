// options.h: command-line parsing for the e2e-demo subcommands.
#ifndef E2ESASL_CLIENT_DEMO_OPTIONS_H_
#define E2ESASL_CLIENT_DEMO_OPTIONS_H_

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "e2esasl/channelbind.h"
#include "tls.h"
#include "util.h"

namespace e2esasl::demo {

// OptSpec declares one "--name" option; takes_value: "--name VALUE" or "--name=VALUE".
struct OptSpec {
  const char* name;
  bool takes_value;
};

// Args holds the parsed options of one subcommand. Unknown options, missing values and
// positional arguments throw DemoError(kUsage).
class Args {
 public:
  Args(const std::vector<std::string>& argv, std::initializer_list<OptSpec> specs);
  bool Has(const std::string& name) const { return values_.count(name) != 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;
  int GetInt(const std::string& name, int fallback) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

// CbMode: what channel binding an end sets. kDefault: the best type for the connection,
// non-critical (Cyrus offers/accepts both X and X-PLUS; a server rejects the "y" downgrade
// flag). kNone: no binding at all. kForced: the given type, critical.
enum class CbMode { kDefault, kNone, kForced };

// SasAnswer: how an end's person answers about SAS-R255-PLUS's short authentication string
// (--sas-answer). kAsk: the terminal (/dev/tty, else one line of stdin). kYes / kNo: answer
// directly (scripts). kCompareFile: write this end's string to PATH.<role>, wait (bounded) for
// PATH.<other role> and accept only when the two are equal (a script playing the two people who
// compare the strings on the phone).
enum class SasAnswer { kAsk, kYes, kNo, kCompareFile };

// PeerOptions are the options alice and bob share (docs/demo.md).
struct PeerOptions {
  std::string role;  // "alice" / "bob"
  std::string plugin_path;
  std::string mech;  // empty: negotiate
  TlsLib tls = TlsLib::kOpenssl;
  TlsVersionPin version = TlsVersionPin::kAny;
  CbMode cb_mode = CbMode::kDefault;
  channelbind::Type cb_type = channelbind::Type::kTlsExporter;
  bool verbose = false;
  int timeout_s = 30;
  bool has_say = false;
  std::vector<std::string> say;
  std::string status_file;
  SasAnswer sas_answer = SasAnswer::kAsk;
  bool sas_answer_given = false;  // alice negotiates SAS-R255-PLUS only when --sas-answer is given
  std::string sas_compare_path;   // kCompareFile: PATH
  std::string sas_store;          // --sas-store: SAS-R255-PLUS's store of remembered peers
  // --sasl-option NAME=VALUE (repeatable): mechanism options e2esasl_* (VOUCH's files ...).
  std::vector<std::pair<std::string, std::string>> sasl_options;
  // bob
  std::optional<HostPort> listen;
  int listen_fd = -1;
  int accept_timeout_s = -1;  // -1: wait forever
  std::string sasldb;
  std::string realm;
  std::string cert_file;
  std::string key_file;
  // alice
  std::optional<HostPort> connect;
  std::string user;
  std::optional<std::string> password;
};

// ParsePeerOptions parses alice's or bob's command line. Throws DemoError(kUsage).
PeerOptions ParsePeerOptions(const std::string& role, const std::vector<std::string>& argv);

// DefaultPluginPath: $SASL_PATH if set, else the system plugin directory.
std::string DefaultPluginPath();

// Usage is the help text of every subcommand.
const char* Usage();

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_OPTIONS_H_
