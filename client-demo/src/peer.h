// peer.h: the alice and bob subcommands (TLS end + SASL end + chat), and the demo's line
// protocol:
//   bob   -> "MECHS <space-separated mechanism names>"
//   alice -> "AUTH <mech>" [" " <base64 initial response> | " =" (empty)]
//   bob   -> "C <base64 challenge | =>"       alice -> "R <base64 response | =>"
//   bob   -> "OK" [" " <base64 success data | =>]  or  "FAIL <reason>"
//   either end -> "FAIL <reason>" to abort
//   then chat both ways: "MSG <text>" ..., "BYE" when done.
#ifndef E2ESASL_CLIENT_DEMO_PEER_H_
#define E2ESASL_CLIENT_DEMO_PEER_H_

#include <string>
#include <vector>

#include "options.h"

namespace e2esasl::demo {

// RunAlice / RunBob run one end and return the exit code (util.h's ExitCode); errors are
// printed to stderr and written to --status-file.
int RunAlice(const std::vector<std::string>& argv);
int RunBob(const std::vector<std::string>& argv);

// Report is the --status-file content: "key value" lines.
class Report {
 public:
  void Set(const std::string& key, const std::string& value);
  void Add(const std::string& key, const std::string& value);
  void WriteTo(const std::string& path) const;
  // Parse reads a status / report file back (used by the showcase). Missing file: empty.
  static Report Load(const std::string& path);
  std::string Get(const std::string& key) const;
  std::vector<std::string> GetAll(const std::string& key) const;

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_PEER_H_
