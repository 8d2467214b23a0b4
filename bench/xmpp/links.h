// links.h: how the two cores of the XMPP bench reach each other. A Link owns alice's core (the
// initiator) and bob's (the responder) and moves their stanzas:
//   - MemoryLink: an in-memory router in this process that stamps `from` as a server does and
//     delivers at once; no server, no socket, no libstrophe connection (the floor);
//   - StropheLink: two libstrophe connections (alice@localhost/bench, bob@localhost/bench) in
//     one xmpp_ctx_t, logged in to a sandbox Prosody on 127.0.0.1, the cores attached with the
//     libstrophe adapter (<e2esasl/xmpp_strophe.h>), served by one xmpp_run_once loop.
// Everything throws std::runtime_error on failure.
#ifndef E2ESASL_BENCH_XMPP_LINKS_H_
#define E2ESASL_BENCH_XMPP_LINKS_H_

#include <memory>
#include <string>

#include "e2esasl/xmpp.h"
#include "endpoint.h"

namespace e2esasl::bench::xmpp {

// CoreOptions: what both cores are configured with (e2e_xmpp_config).
struct CoreOptions {
  std::string plugin_path;  // SASL_PATH syntax
  std::string sasldb;       // bob's store
  unsigned block_size = 4096;
};

class Link {
 public:
  virtual ~Link() = default;
  // Attach: (re)makes both cores with `options`, their callbacks those of the endpoints (which
  // must outlive the attachment). The previous cores are freed first.
  virtual void Attach(const CoreOptions& options, Endpoint* alice, Endpoint* bob) = 0;
  virtual e2e_xmpp* alice() = 0;
  virtual e2e_xmpp* bob() = 0;
  virtual std::string bob_jid() const = 0;
  // Pump: one round of the event loop; waits at most max_wait_ms when nothing is ready. Throws
  // when a connection was lost.
  virtual void Pump(unsigned max_wait_ms) = 0;
};

std::unique_ptr<Link> NewMemoryLink();

struct StropheOptions {
  int port = 0;
  std::string ca_file;  // the sandbox's test CA, the only one trusted
  std::string alice_password;
  std::string bob_password;
  bool verbose = false;  // libstrophe's warnings on stderr
  bool nodelay = false;  // TCP_NODELAY on both client sockets (libstrophe leaves Nagle on)
};

// NewStropheLink: connects and logs in both accounts (at most 20 s).
std::unique_ptr<Link> NewStropheLink(const StropheOptions& options);

}  // namespace e2esasl::bench::xmpp

#endif  // E2ESASL_BENCH_XMPP_LINKS_H_
