// peer_process.h: runs the two sides of one SASL exchange as separate processes and relays
// their messages, for the interoperability tests.
//
// A side is either our peer program (e2esasl-sasl-peer, tests/interop/sasl_peer.cc: base64
// lines, "@mech" and "@result" status lines) or GNU SASL's gsasl command (its stdin/stdout
// mode, described at the top of interop_test.cc). The test process sits in the middle: it reads
// each side's stdout, forwards messages to the other side's stdin, answers gsasl's channel
// binding prompts and feeds gsasl the extra empty line its command-line loop waits for. Every
// child is killed at the deadline, so an exchange never hangs.
#ifndef E2ESASL_TESTS_INTEROP_PEER_PROCESS_H_
#define E2ESASL_TESTS_INTEROP_PEER_PROCESS_H_

#include <string>
#include <vector>

namespace e2esasl::interop {

enum class SideKind { kPeer, kGsasl };

// Side: how to start one end.
struct Side {
  SideKind kind = SideKind::kPeer;
  std::vector<std::string> argv;  // argv[0] is the program's path
  std::vector<std::string> env;   // "KEY=VALUE" entries added to the inherited environment
  // gsasl only: the line answered to each "Enter base64 encoded ... channel binding: " prompt.
  std::string binding_b64;
  // Server only: append "--mech <what the client chose>" (from the client's "@mech" line, or
  // gsasl's first line) and start the server only once the client has chosen.
  bool mech_from_client = false;
};

// SideOutcome: what one end did.
struct SideOutcome {
  bool ok = false;                    // peer: "@result ok"; gsasl: exit status 0
  int exit_status = -1;               // -1: killed at the deadline or not started
  int sasl_code = 0;                  // peer: the code of "@result fail CODE ..." (0 when ok)
  std::string code_name;              // peer: e.g. "SASL_BADAUTH"
  std::string detail;                 // peer: sasl_errdetail; gsasl: its last stderr line
  std::string mech;                   // client: the name it chose ("@mech" / gsasl's first line)
  std::vector<std::string> messages;  // the messages it sent, base64-decoded
  std::string stderr_text;
  int binding_prompts = 0;  // gsasl: channel-binding prompts answered
  int order = 0;            // 1 for the side that finished first, 2 for the other
};

struct ExchangeResult {
  SideOutcome client;
  SideOutcome server;
  bool timed_out = false;
  double seconds = 0;
  bool ok() const { return client.ok && server.ok && !timed_out; }
  // Gs2Flag: the first byte of the client's first message ('n', 'y', 'p'), or '?'.
  char Gs2Flag() const;
  // Gs2Header: the client's first message up to its second comma ("p=tls-exporter,,").
  std::string Gs2Header() const;
  // Describe: a one-paragraph account for assertion messages.
  std::string Describe() const;
};

// RunExchange starts both sides, relays until both have finished, and kills whatever is left
// at timeout_ms. Throws std::runtime_error when a process cannot be started.
ExchangeResult RunExchange(const Side& client, const Side& server, int timeout_ms);

// RunCommand runs argv to completion (killed at timeout_ms) with env added and input (at most
// a pipe's buffer, 64 KiB) on its standard input; returns the exit status (-1 when killed) and
// its stdout and stderr in *out.
int RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env,
               int timeout_ms, std::string* out, const std::string& input = "");

// Base64 helpers (RFC 4648 with padding, as SASL profiles use it).
std::string ToBase64(const std::string& data);
bool FromBase64(const std::string& text, std::string* out);

}  // namespace e2esasl::interop

#endif  // E2ESASL_TESTS_INTEROP_PEER_PROCESS_H_
