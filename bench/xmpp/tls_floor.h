// tls_floor.h: the inner TLS alone, in memory: an OpenSSL client and server (TLS 1.2..1.3 as
// the core's default, P-256 self-signed server certificate, no tickets, no verification, as
// xmpp/src/tls_openssl.cc sets up) whose records are copied between memory BIOs. No XMPP, no
// base64, no SASL: the physical floor of the XMPP bench's rows. Throws std::runtime_error.
#ifndef E2ESASL_BENCH_XMPP_TLS_FLOOR_H_
#define E2ESASL_BENCH_XMPP_TLS_FLOOR_H_

#include <cstddef>
#include <memory>

namespace e2esasl::bench::xmpp {

class TlsFloor {
 public:
  TlsFloor();  // makes the key, the certificate and both SSL_CTXs once
  ~TlsFloor();
  TlsFloor(const TlsFloor&) = delete;
  TlsFloor& operator=(const TlsFloor&) = delete;

  // HandshakeSeconds: wall time of one complete handshake (new SSL objects, contexts reused).
  double HandshakeSeconds();
  // TransferSeconds: wall time to move `total` bytes client -> server in writes of at most
  // `chunk` bytes, after an untimed handshake.
  double TransferSeconds(size_t total, size_t chunk);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace e2esasl::bench::xmpp

#endif  // E2ESASL_BENCH_XMPP_TLS_FLOOR_H_
