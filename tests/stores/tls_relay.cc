// tls_relay.cc: see tls_relay.h.
#include "stores/tls_relay.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "interop/peer_process.h"

namespace e2esasl::stores {
namespace {

constexpr int kIdleMs = 10000;  // a leg silent this long ends the relayed connection

SSL_CTX* Ctx(void* p) {
  return static_cast<SSL_CTX*>(p);
}

void SetNonBlocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Pump moves what `from` has decrypted to `to`. false when `from` is closed or failed.
bool Pump(SSL* from, SSL* to) {
  char buf[16384];
  for (;;) {
    const int n = SSL_read(from, buf, sizeof buf);
    if (n <= 0) {
      const int e = SSL_get_error(from, n);
      return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
    }
    int off = 0;
    while (off < n) {
      const int w = SSL_write(to, buf + off, n - off);
      if (w > 0) {
        off += w;
        continue;
      }
      const int e = SSL_get_error(to, w);
      if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) {
        return false;
      }
      pollfd p{SSL_get_fd(to), POLLOUT, 0};
      poll(&p, 1, 100);
    }
  }
}

}  // namespace

void MakeSelfSignedCertificate(const std::string& cert_pem, const std::string& key_pem) {
  std::string out;
  const int status = interop::RunCommand(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
       "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
       "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key_pem, "-out", cert_pem},
      {}, 30000, &out);
  if (status != 0) {
    throw std::runtime_error("openssl req failed: " + out);
  }
}

TlsRelay::TlsRelay(int upstream_port, const std::string& cert_pem, const std::string& key_pem)
    : upstream_port_(upstream_port) {
  SSL_CTX* server = SSL_CTX_new(TLS_server_method());
  SSL_CTX* client = SSL_CTX_new(TLS_client_method());
  server_ctx_ = server;
  client_ctx_ = client;
  if (server == nullptr || client == nullptr ||
      SSL_CTX_use_certificate_chain_file(server, cert_pem.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(server, key_pem.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(server);
    SSL_CTX_free(client);
    throw std::runtime_error("TlsRelay: cannot load " + cert_pem);
  }
  SSL_CTX_set_verify(client, SSL_VERIFY_NONE, nullptr);
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 8) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (listen_fd_ >= 0) {
      close(listen_fd_);
    }
    SSL_CTX_free(server);
    SSL_CTX_free(client);
    throw std::runtime_error("TlsRelay: cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

TlsRelay::~TlsRelay() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
  SSL_CTX_free(Ctx(server_ctx_));
  SSL_CTX_free(Ctx(client_ctx_));
}

void TlsRelay::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) {
      continue;
    }
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      RelayOne(fd);
      close(fd);
    }
  }
}

void TlsRelay::RelayOne(int client_fd) {
  // Handshakes on blocking sockets (both legs answer at once on loopback), then the relay on
  // non-blocking ones: a TLS 1.3 ticket read on one leg must not block the other.
  timeval tv{5, 0};
  setsockopt(client_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  SSL* down = SSL_new(Ctx(server_ctx_));
  SSL_set_fd(down, client_fd);
  const int upstream_fd = ConnectLoopback(upstream_port_);
  SSL* up = upstream_fd >= 0 ? SSL_new(Ctx(client_ctx_)) : nullptr;
  if (up != nullptr) {
    SSL_set_fd(up, upstream_fd);
    setsockopt(upstream_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  if (up != nullptr && SSL_accept(down) == 1 && SSL_connect(up) == 1) {
    ++connections_;
    SetNonBlocking(client_fd);
    SetNonBlocking(upstream_fd);
    auto last = std::chrono::steady_clock::now();
    while (!stop_ && std::chrono::steady_clock::now() - last < std::chrono::milliseconds(kIdleMs)) {
      pollfd p[2] = {{client_fd, POLLIN, 0}, {upstream_fd, POLLIN, 0}};
      const int ready = (SSL_pending(down) > 0 || SSL_pending(up) > 0) ? 2 : poll(p, 2, 100);
      if (ready <= 0) {
        continue;
      }
      last = std::chrono::steady_clock::now();
      if (!Pump(down, up) || !Pump(up, down)) {
        break;
      }
      if ((p[0].revents | p[1].revents) & (POLLHUP | POLLERR)) {
        break;
      }
    }
  }
  ERR_clear_error();
  if (up != nullptr) {
    SSL_free(up);
  }
  if (upstream_fd >= 0) {
    close(upstream_fd);
  }
  SSL_free(down);
}

}  // namespace e2esasl::stores
