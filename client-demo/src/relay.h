// relay.h: the untrusted path between alice and bob.
//
// Honest mode forwards TCP bytes both ways and sees only TLS records. --mitm terminates TLS
// towards each side with its own self-signed certificate (alice does not verify certificates in
// this demo: the point is that channel binding, not PKI, catches it), relays the demo's line
// protocol between the two legs and tries its best to make authentication succeed without any
// password: it strips "-PLUS" mechanisms from bob's list (a downgrade attempt) and forwards every
// SASL message verbatim. It reports what it could read.
//
// --fault injects failures for tests (docs/demo.md): garbage-tls (send non-TLS bytes to alice),
// garbage-line (MITM: replace bob's first line with garbage), cut-after-bytes:N /
// stall-after-bytes:N (honest: after N bytes from bob, close / stop forwarding),
// cut-after-lines:N / stall-after-lines:N (MITM: after N protocol lines).
#ifndef E2ESASL_CLIENT_DEMO_RELAY_H_
#define E2ESASL_CLIENT_DEMO_RELAY_H_

#include <string>
#include <vector>

namespace e2esasl::demo {

int RunRelay(const std::vector<std::string>& argv);

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_RELAY_H_
