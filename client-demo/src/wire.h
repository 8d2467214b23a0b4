// wire.h: helpers shared by alice and bob: the framed connection with logging, base64 fields,
// the chat loop and the password prompt.
#ifndef E2ESASL_CLIENT_DEMO_WIRE_H_
#define E2ESASL_CLIENT_DEMO_WIRE_H_

#include <optional>
#include <string>

#include "options.h"
#include "peer.h"
#include "tls.h"

namespace e2esasl::demo {

// Wire sends and receives protocol lines for one end, logging them with --verbose.
class Wire {
 public:
  Wire(LineChannel& channel, const PeerOptions& options) : ch_(channel), o_(options) {}
  // Send writes one line within --timeout.
  void Send(const std::string& line);
  // Receive reads one line within --timeout (or never times out when wait_forever). A clean
  // close throws DemoError(kConnectionLost).
  std::string Receive(bool wait_forever = false);
  LineChannel& channel() { return ch_; }

 private:
  LineChannel& ch_;
  const PeerOptions& o_;
};

// SplitCommand splits "WORD rest" into {"WORD", "rest"} (rest may be empty).
std::pair<std::string, std::string> SplitCommand(const std::string& line);
// EncodeData: "=" for empty data, base64 otherwise.
std::string EncodeData(const Bytes& data);
// DecodeData: the inverse; throws DemoError(kProtocol) on bad base64.
Bytes DecodeData(const std::string& field, const std::string& what);

// Chat runs the chat phase after authentication (see peer.h). Received lines are printed to
// stdout as "<peer_name>: text" and recorded in report as "heard". Returns when both ends said
// BYE. Throws DemoError on a protocol error, lost connection, timeout or a late FAIL.
void Chat(Wire& wire, const PeerOptions& options, const std::string& peer_name, Report& report);

// PromptPassword asks for user's password on the terminal without echo (or reads one line
// from stdin when there is no terminal). Throws DemoError(kSetup) when neither works.
std::string PromptPassword(const std::string& user);

// Log prints "role: message" to stderr.
void Log(const PeerOptions& options, const std::string& message);

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_WIRE_H_
