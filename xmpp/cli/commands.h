// commands.h: the e2e-xmpp program's command line (which options each command takes, the usage
// text), the commands that need no XMPP connection (passwd) and the pieces of the others that do
// not touch the connection: the statement command's files and the SAS prompt.
#ifndef E2ESASL_XMPP_CLI_COMMANDS_H_
#define E2ESASL_XMPP_CLI_COMMANDS_H_

#include <optional>
#include <string>

#include "cli_util.h"

namespace e2e_xmpp_cli {

// kUsage: the usage text (printed for --help and after a usage error).
extern const char* const kUsage;

// ParseCommandLine: the options of argv[2...] for the command `role` (bob, alice, mallory,
// statement: the common options and the command's own; passwd: its own), nullopt for an unknown
// command. Throws Error (usage) for an unknown option or a missing value.
std::optional<Args> ParseCommandLine(const std::string& role, int argc, char** argv);

// Passwd: the passwd command, which stores a user's secrets in --sasldb; the e2e_xmpp_code.
int Passwd(const Args& args);

// ReadDeviceKey: the statement command's device key, a public JWK (JSON text) read from `path`
// without its line ends. Throws Error (setup) when the file cannot be read.
std::string ReadDeviceKey(const std::string& path);

// SaveStatement writes `statement` and a line end to `path`, atomically (written beside it, then
// renamed): nullopt, or the Error (setup) that says which file could not be written.
std::optional<Error> SaveStatement(const std::string& path, const std::string& statement);

// SasPrompt: how this end answers "does the other end show the same string?" (--sas-answer):
//   answer     "yes" / "no" (answer so), "compare:PATH" (write ours to PATH.<role>, read the
//              other end's from PATH.<other role> for at most timeout_s), else ask on /dev/tty
//   role       this end's role (alice or bob)
struct SasPrompt {
  std::string answer;
  std::string role;
  unsigned timeout_s = 60;

  // Confirm: 1 when the other end shows `sas` (per answer), else 0; prints what it decided.
  int Confirm(const std::string& sas) const;
  // Write: with "compare:PATH", writes sas to PATH.<role>; else nothing.
  void Write(const std::string& sas) const;
};

// ReportContinuity: a SAS continuity event (E2E_XMPP_SAS_*) about `peer` into the report and,
// for people, on stdout.
void ReportContinuity(Report* report, int event, const std::string& peer);

}  // namespace e2e_xmpp_cli

#endif  // E2ESASL_XMPP_CLI_COMMANDS_H_
