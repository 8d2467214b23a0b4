// tls_openssl.cc: TlsChannel with OpenSSL over a non-blocking socket.
#include <poll.h>

#include <cerrno>
#include <cstring>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "tls.h"

namespace e2esasl::demo::internal {
namespace {

namespace cb = e2esasl::channelbind;

std::string OpensslErrors() {
  std::string text;
  char buf[256];
  while (unsigned long e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!text.empty()) {
      text += "; ";
    }
    text += buf;
  }
  return text.empty() ? "no OpenSSL error reported" : text;
}

[[noreturn]] void Fail(ExitCode code, const std::string& what) {
  throw DemoError(code, "TLS (openssl): " + what);
}

void Check(bool ok, const std::string& what) {
  if (!ok) {
    Fail(ExitCode::kSetup, what + ": " + OpensslErrors());
  }
}

class OpensslChannel final : public TlsChannel {
 public:
  OpensslChannel(UniqueFd fd, SslCtxPtr ctx, SslPtr ssl)
      : fd_(std::move(fd)), ctx_(std::move(ctx)), ssl_(std::move(ssl)) {}

  // Drive runs op until it succeeds, waiting on the socket as OpenSSL asks. Returns op's result
  // (> 0), or 0 for a clean close_notify when allow_eof.
  template <typename Op>
  int Drive(Op op, Deadline deadline, std::string_view what, bool allow_eof) {
    for (;;) {
      ERR_clear_error();
      int r = op();
      if (r > 0) {
        return r;
      }
      int err = SSL_get_error(ssl_.get(), r);
      short events = 0;
      switch (err) {
        case SSL_ERROR_WANT_READ:
          events = POLLIN;
          break;
        case SSL_ERROR_WANT_WRITE:
          events = POLLOUT;
          break;
        case SSL_ERROR_ZERO_RETURN:
          if (allow_eof) {
            return 0;
          }
          Fail(ExitCode::kConnectionLost, std::string(what) + ": peer closed the connection");
        case SSL_ERROR_SYSCALL: {
          int saved = errno;
          std::string errors = ERR_peek_error() != 0 ? OpensslErrors() : "";
          if (!errors.empty()) {
            Fail(ExitCode::kTls, std::string(what) + ": " + errors);
          }
          Fail(ExitCode::kConnectionLost,
               std::string(what) + ": connection closed by peer" +
                   (saved != 0 ? std::string(" (") + std::strerror(saved) + ")" : ""));
        }
        default:
          if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ERR_clear_error();
            Fail(ExitCode::kConnectionLost,
                 std::string(what) + ": connection closed by peer without close_notify");
          }
          Fail(ExitCode::kTls, std::string(what) + ": " + OpensslErrors());
      }
      if (!WaitFd(fd_.get(), events, deadline)) {
        Fail(ExitCode::kTimeout, std::string(what) + ": peer stopped answering (timeout)");
      }
    }
  }

  void DoHandshake(Deadline deadline) {
    Drive([&] { return SSL_do_handshake(ssl_.get()); }, deadline, "handshake", false);
  }

  size_t ReadSome(std::span<uint8_t> buf, Deadline deadline) override {
    size_t got = 0;
    int r = Drive([&] { return SSL_read_ex(ssl_.get(), buf.data(), buf.size(), &got); }, deadline,
                  "read", true);
    return r == 0 ? 0 : got;
  }

  void WriteAll(std::string_view data, Deadline deadline) override {
    while (!data.empty()) {
      size_t written = 0;
      Drive([&] { return SSL_write_ex(ssl_.get(), data.data(), data.size(), &written); }, deadline,
            "write", false);
      data.remove_prefix(written);
    }
  }

  bool HasPending() override { return SSL_pending(ssl_.get()) > 0; }

  void Close(Deadline deadline) noexcept override {
    try {
      ERR_clear_error();
      int r = SSL_shutdown(ssl_.get());
      if (r < 0 && SSL_get_error(ssl_.get(), r) == SSL_ERROR_WANT_WRITE) {
        WaitFd(fd_.get(), POLLOUT, deadline);
        SSL_shutdown(ssl_.get());
      }
    } catch (...) {
    }
    ERR_clear_error();
  }

  int fd() const override { return fd_.get(); }
  TlsLib lib() const override { return TlsLib::kOpenssl; }
  std::string VersionName() override {
    switch (SSL_version(ssl_.get())) {
      case TLS1_2_VERSION:
        return "TLS1.2";
      case TLS1_3_VERSION:
        return "TLS1.3";
      default:
        return SSL_get_version(ssl_.get());
    }
  }
  cb::Result<cb::Bytes> Binding(cb::Type type) override {
    return cb::FromOpenssl(ssl_.get(), type);
  }
  cb::Result<cb::Type> BestType() override { return cb::BestTypeOpenssl(ssl_.get()); }

 private:
  UniqueFd fd_;
  SslCtxPtr ctx_;
  SslPtr ssl_;
};

void PinVersion(SSL_CTX* ctx, TlsVersionPin pin) {
  int min = TLS1_2_VERSION;
  int max = TLS1_3_VERSION;
  if (pin == TlsVersionPin::kTls12) {
    max = TLS1_2_VERSION;
  } else if (pin == TlsVersionPin::kTls13) {
    min = TLS1_3_VERSION;
  }
  Check(SSL_CTX_set_min_proto_version(ctx, min) == 1, "SSL_CTX_set_min_proto_version");
  Check(SSL_CTX_set_max_proto_version(ctx, max) == 1, "SSL_CTX_set_max_proto_version");
}

void UseCredentials(SSL_CTX* ctx, const Credentials& creds) {
  BioPtr cert_bio(BIO_new_mem_buf(creds.cert_pem.data(), static_cast<int>(creds.cert_pem.size())));
  Check(cert_bio != nullptr, "BIO_new_mem_buf");
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  Check(cert != nullptr, "PEM_read_bio_X509");
  BioPtr key_bio(BIO_new_mem_buf(creds.key_pem.data(), static_cast<int>(creds.key_pem.size())));
  Check(key_bio != nullptr, "BIO_new_mem_buf");
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  Check(key != nullptr, "PEM_read_bio_PrivateKey");
  Check(SSL_CTX_use_certificate(ctx, cert.get()) == 1, "SSL_CTX_use_certificate");
  Check(SSL_CTX_use_PrivateKey(ctx, key.get()) == 1, "SSL_CTX_use_PrivateKey");
}

}  // namespace

std::unique_ptr<TlsChannel> OpensslHandshake(UniqueFd fd, const TlsConfig& config,
                                             Deadline deadline) {
  SslCtxPtr ctx(SSL_CTX_new(config.server ? TLS_server_method() : TLS_client_method()));
  Check(ctx != nullptr, "SSL_CTX_new");
  auto configured = cb::ConfigureOpensslContext(ctx.get());
  if (!configured) {
    Fail(ExitCode::kSetup, "ConfigureOpensslContext: " + configured.error().message);
  }
  PinVersion(ctx.get(), config.version);
  if (config.server) {
    UseCredentials(ctx.get(), *config.credentials);
  } else {
    // The demo does not verify certificates: channel binding, not PKI, catches the MITM.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  SslPtr ssl(SSL_new(ctx.get()));
  Check(ssl != nullptr, "SSL_new");
  Check(SSL_set_fd(ssl.get(), fd.get()) == 1, "SSL_set_fd");
  if (config.server) {
    SSL_set_accept_state(ssl.get());
  } else {
    SSL_set_connect_state(ssl.get());
  }
  auto channel = std::make_unique<OpensslChannel>(std::move(fd), std::move(ctx), std::move(ssl));
  channel->DoHandshake(deadline);
  return channel;
}

}  // namespace e2esasl::demo::internal
