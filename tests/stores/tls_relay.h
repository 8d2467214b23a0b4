// tls_relay.h: a man in the middle for the store tests: terminates the client's TLS with its own
// certificate and opens a second TLS connection to the real server, relaying the plaintext both
// ways. The two legs have different channel bindings (tls-server-end-point hashes different
// certificates; tls-exporter and tls-unique differ per connection), so a -PLUS mechanism must
// fail through it while the unbound variant succeeds.
#ifndef E2ESASL_TESTS_STORES_TLS_RELAY_H_
#define E2ESASL_TESTS_STORES_TLS_RELAY_H_

#include <atomic>
#include <string>
#include <thread>

namespace e2esasl::stores {

class TlsRelay {
 public:
  // TlsRelay listens on 127.0.0.1 (a free port) and relays each accepted connection, one at a
  // time, to 127.0.0.1:upstream_port over TLS (the server's certificate is not checked: the man
  // in the middle does not care). cert_pem/key_pem: the relay's own certificate and key (PEM
  // files). Throws std::runtime_error when it cannot listen or load them.
  TlsRelay(int upstream_port, const std::string& cert_pem, const std::string& key_pem);
  ~TlsRelay();
  TlsRelay(const TlsRelay&) = delete;
  TlsRelay& operator=(const TlsRelay&) = delete;

  int port() const { return port_; }
  // connections: how many client connections reached the relay and got a TLS session upstream.
  int connections() const { return connections_; }

 private:
  void Serve();
  void RelayOne(int client_fd);

  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  void* server_ctx_ = nullptr;  // SSL_CTX*
  void* client_ctx_ = nullptr;  // SSL_CTX*
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// MakeSelfSignedCertificate writes a new self-signed certificate for localhost/127.0.0.1 and its
// key (PEM) with the openssl command; throws on failure.
void MakeSelfSignedCertificate(const std::string& cert_pem, const std::string& key_pem);

}  // namespace e2esasl::stores

#endif  // E2ESASL_TESTS_STORES_TLS_RELAY_H_
