// runs.h: the two measurements of the XMPP bench, over any Link (docs/performance.md, "XMPP"):
//   RunAuth: one session from e2e_xmpp_start to "authenticated" on both sides (then closed,
//            untimed);
//   RunFlow: one session authenticated (untimed), then `total` bytes of chat lines from alice to
//            bob, timed from the first e2e_xmpp_send until bob's data callback has them all.
// Both throw std::runtime_error when a side fails or a deadline passes.
#ifndef E2ESASL_BENCH_XMPP_RUNS_H_
#define E2ESASL_BENCH_XMPP_RUNS_H_

#include <cstdint>
#include <functional>
#include <string>

#include "endpoint.h"
#include "links.h"

namespace e2esasl::bench::xmpp {

// Meters: CPU clocks read around each measurement. server: the XMPP server's CPU in ns (empty:
// no server).
struct Meters {
  std::function<int64_t()> server;
  unsigned poll_ms = 1;  // xmpp_run_once's longest wait (links.h)
};

struct Credentials {
  std::string mechanism;  // e.g. "CPACE-R255-PLUS"
  std::string user;       // authentication identity
  std::string password;   // "" for SAS-R255-PLUS
};

struct AuthSample {
  double alice_ms = 0;       // e2e_xmpp_start -> alice's authenticated
  double bob_ms = 0;         // e2e_xmpp_start -> bob's authenticated
  double both_ms = 0;        // the later of the two
  double cpu_ms = 0;         // this process (both clients) over both_ms
  double server_cpu_ms = 0;  // the server process over both_ms
  StanzaTally alice, bob;    // stanzas sent from e2e_xmpp_start until both were authenticated
  std::string mechanism, binding;
};

struct FlowSample {
  double seconds = 0;
  double cpu_ms = 0;
  double server_cpu_ms = 0;
  StanzaTally alice;  // what alice sent during the transfer (data blocks, XML bytes)
};

AuthSample RunAuth(Link& link, Endpoint& alice, Endpoint& bob, const Credentials& credentials,
                   const Meters& meters);
FlowSample RunFlow(Link& link, Endpoint& alice, Endpoint& bob, const Credentials& credentials,
                   size_t total, size_t line_bytes, const Meters& meters);

// Idle: serves the link for `ms` milliseconds (lets a rate-limited server's pauses run out).
void Idle(Link& link, unsigned ms, unsigned poll_ms);

}  // namespace e2esasl::bench::xmpp

#endif  // E2ESASL_BENCH_XMPP_RUNS_H_
