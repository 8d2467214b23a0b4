// tls_floor.cc: see tls_floor.h.
#include "tls_floor.h"

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace e2esasl::bench::xmpp {
namespace {

using Clock = std::chrono::steady_clock;

struct SslCtxDeleter {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
struct SslDeleter {
  void operator()(SSL* p) const { SSL_free(p); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Deleter {
  void operator()(X509* p) const { X509_free(p); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;
using SslPtr = std::unique_ptr<SSL, SslDeleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

void Check(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string("TLS floor: ") + what + " failed");
  }
}

SslCtxPtr NewContext(bool server) {
  SslCtxPtr ctx(SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()));
  Check(ctx != nullptr, "SSL_CTX_new");
  Check(SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) == 1 &&
            SSL_CTX_set_max_proto_version(ctx.get(), TLS1_3_VERSION) == 1,
        "protocol versions");
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  return ctx;
}

// Connection: one client/server pair over two memory BIOs each (owned by their SSL).
struct Connection {
  SslPtr client, server;
  BIO *client_in, *client_out, *server_in, *server_out;

  Connection(SSL_CTX* client_ctx, SSL_CTX* server_ctx)
      : client(SSL_new(client_ctx)), server(SSL_new(server_ctx)) {
    Check(client && server, "SSL_new");
    client_in = BIO_new(BIO_s_mem());
    client_out = BIO_new(BIO_s_mem());
    server_in = BIO_new(BIO_s_mem());
    server_out = BIO_new(BIO_s_mem());
    Check(client_in && client_out && server_in && server_out, "BIO_new");
    for (BIO* b : {client_in, server_in}) {
      BIO_set_mem_eof_return(b, -1);
    }
    SSL_set_bio(client.get(), client_in, client_out);
    SSL_set_bio(server.get(), server_in, server_out);
    SSL_set_connect_state(client.get());
    SSL_set_accept_state(server.get());
  }

  // Move: what `from` wrote goes to `to`'s input; returns the bytes moved.
  static size_t Move(BIO* from, BIO* to) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(from, &data);
    if (len <= 0) {
      return 0;
    }
    Check(BIO_write(to, data, static_cast<int>(len)) == len, "BIO_write");
    (void)BIO_reset(from);
    return static_cast<size_t>(len);
  }

  void Handshake() {
    for (int round = 0; round < 16; ++round) {
      const int c = SSL_do_handshake(client.get());
      Move(client_out, server_in);
      const int s = SSL_do_handshake(server.get());
      Move(server_out, client_in);
      if (c == 1 && s == 1) {
        return;
      }
    }
    throw std::runtime_error("TLS floor: the handshake did not finish");
  }
};

}  // namespace

struct TlsFloor::State {
  SslCtxPtr client_ctx = NewContext(false);
  SslCtxPtr server_ctx = NewContext(true);
};

TlsFloor::TlsFloor() : state_(std::make_unique<State>()) {
  // A P-256 key and a self-signed certificate for it, as the core makes for its responder.
  PkeyPtr key(EVP_EC_gen("P-256"));
  X509Ptr cert(X509_new());
  Check(key && cert, "key or certificate allocation");
  unsigned char serial[16];
  Check(RAND_bytes(serial, sizeof(serial)) == 1, "RAND_bytes");
  serial[0] &= 0x7f;
  ASN1_INTEGER* sn = X509_get_serialNumber(cert.get());
  Check(ASN1_STRING_set(sn, serial, sizeof(serial)) == 1, "serial");
  X509_NAME* name = X509_get_subject_name(cert.get());
  Check(X509_set_version(cert.get(), 2) == 1 &&
            X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400) != nullptr &&
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>("floor.invalid"), -1,
                                       -1, 0) == 1 &&
            X509_set_issuer_name(cert.get(), name) == 1 &&
            X509_set_pubkey(cert.get(), key.get()) == 1 &&
            X509_sign(cert.get(), key.get(), EVP_sha256()) != 0,
        "self-signed certificate");
  Check(SSL_CTX_use_certificate(state_->server_ctx.get(), cert.get()) == 1 &&
            SSL_CTX_use_PrivateKey(state_->server_ctx.get(), key.get()) == 1,
        "server credentials");
}

TlsFloor::~TlsFloor() = default;

double TlsFloor::HandshakeSeconds() {
  const auto start = Clock::now();
  {
    Connection c(state_->client_ctx.get(), state_->server_ctx.get());
    c.Handshake();
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double TlsFloor::TransferSeconds(size_t total, size_t chunk) {
  Connection c(state_->client_ctx.get(), state_->server_ctx.get());
  c.Handshake();
  const std::vector<char> line(chunk, 'x');
  std::vector<char> sink(16384);
  const auto start = Clock::now();
  size_t sent = 0, received = 0;
  while (received < total) {
    if (sent < total) {
      const size_t n = std::min(chunk, total - sent);
      size_t written = 0;
      Check(SSL_write_ex(c.client.get(), line.data(), n, &written) == 1 && written == n,
            "SSL_write_ex");
      sent += n;
    }
    Connection::Move(c.client_out, c.server_in);
    size_t got = 0;
    while (SSL_read_ex(c.server.get(), sink.data(), sink.size(), &got) == 1) {
      received += got;
    }
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace e2esasl::bench::xmpp
