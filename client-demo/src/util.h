// util.h: exit codes, errors, deadlines, hex/base64 and loopback sockets for e2e-demo.
#ifndef E2ESASL_CLIENT_DEMO_UTIL_H_
#define E2ESASL_CLIENT_DEMO_UTIL_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "handles.h"

namespace e2esasl::demo {

using Bytes = std::vector<uint8_t>;

// ExitCode is the documented exit status of every e2e-demo subcommand (docs/demo.md).
enum class ExitCode : int {
  kOk = 0,              // authenticated and chatted / relay finished / showcase all as expected
  kUnexpected = 1,      // showcase or test: some outcome was not the expected one
  kUsage = 2,           // bad command line
  kSetup = 3,           // SASL init, plugin path, sasldb, certificate, listen/connect failed
  kTls = 4,             // TLS handshake failed or the channel binding is unavailable
  kRefused = 5,         // authentication refused (by the peer or locally)
  kProtocol = 6,        // the peer (or relay) sent something that is not our line protocol
  kConnectionLost = 7,  // the connection closed in the middle of the exchange
  kTimeout = 8,         // the peer stopped answering within --timeout
};

// ExitCodeName returns a stable short name, e.g. "refused".
std::string_view ExitCodeName(ExitCode code);

// DemoError is a failure that ends a subcommand with the given exit code; what() is the
// human-readable reason (never a secret).
class DemoError : public std::runtime_error {
 public:
  DemoError(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Deadline is a point in time after which an operation fails with ExitCode::kTimeout.
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  static Deadline After(std::chrono::milliseconds d) { return Deadline(Clock::now() + d); }
  static Deadline Never() { return Deadline(Clock::time_point::max()); }
  // RemainingMs is the poll() timeout: -1 for Never, 0 when expired.
  int RemainingMs() const;
  bool Expired() const { return Clock::now() >= at_; }

 private:
  explicit Deadline(Clock::time_point at) : at_(at) {}
  Clock::time_point at_;
};

std::string Hex(std::span<const uint8_t> data);
std::string Base64Encode(std::span<const uint8_t> data);
// Base64Decode accepts only canonical padded base64; std::nullopt otherwise.
std::optional<Bytes> Base64Decode(std::string_view text);

// HostPort is "HOST:PORT" (IPv4 literal or "localhost").
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
// ParseHostPort throws DemoError(kUsage) on a malformed value.
HostPort ParseHostPort(std::string_view text);

// Listen binds a TCP listening socket (port 0 = ephemeral). Throws DemoError(kSetup).
UniqueFd Listen(const HostPort& where);
// LocalPort returns the port a socket is bound to.
uint16_t LocalPort(int fd);
// Accept waits for one connection until deadline (kTimeout) and returns it non-blocking.
UniqueFd Accept(int listen_fd, Deadline deadline);
// Connect connects to where within deadline and returns a non-blocking socket.
// Throws DemoError(kSetup) when refused, kTimeout when the deadline passes.
UniqueFd Connect(const HostPort& where, Deadline deadline);
// SetNonBlocking puts fd in non-blocking mode.
void SetNonBlocking(int fd);
// WaitFd polls one fd for events until deadline; false on timeout. Throws on poll errors.
bool WaitFd(int fd, short events, Deadline deadline);

// DrainUntilPeerCloses ends our sending half (shutdown SHUT_WR) and reads and discards what the
// peer still sends until it closes or deadline passes, so that closing fd afterwards sends FIN,
// not RST: a RST could make the peer's kernel drop our last line (a FAIL) before the peer reads
// it. Never throws.
void DrainUntilPeerCloses(int fd, Deadline deadline) noexcept;

// WriteAllFd writes all of data to a (possibly non-blocking) fd; false on error.
bool WriteAllFd(int fd, std::string_view data, Deadline deadline);

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_UTIL_H_
