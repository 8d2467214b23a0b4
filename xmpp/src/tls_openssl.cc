// tls_openssl.cc: TlsEngine with OpenSSL memory BIOs.
#include <openssl/err.h>
#include <openssl/pem.h>

#include "handles.h"
#include "tls_engine.h"

namespace e2esasl::xmpp::internal {
namespace {

namespace cb = e2esasl::channelbind;

std::string OpensslErrors() {
  std::string text;
  char buf[256];
  while (unsigned long e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    text += (text.empty() ? "" : "; ") + std::string(buf);
  }
  return text.empty() ? "no OpenSSL error reported" : text;
}

class OpensslEngine final : public TlsEngine {
 public:
  OpensslEngine(SslCtxPtr ctx, SslPtr ssl, BIO* in, BIO* out)
      : ctx_(std::move(ctx)), ssl_(std::move(ssl)), in_(in), out_(out) {}

  void Feed(std::span<const uint8_t> ciphertext) override {
    if (!failed_ && !ciphertext.empty()) {
      BIO_write(in_, ciphertext.data(), static_cast<int>(ciphertext.size()));
    }
  }

  Result Pump(std::string* plain) override {
    if (failed_) {
      return Result::kFailed;
    }
    ERR_clear_error();
    if (!SSL_is_init_finished(ssl_.get())) {
      int r = SSL_do_handshake(ssl_.get());
      if (r != 1) {
        return Retry(r, "handshake");
      }
    }
    char buf[16384];
    for (;;) {
      int r = SSL_read(ssl_.get(), buf, sizeof(buf));
      if (r > 0) {
        plain->append(buf, static_cast<size_t>(r));
        continue;
      }
      return Retry(r, "read");
    }
  }

  bool HandshakeDone() const override { return SSL_is_init_finished(ssl_.get()) != 0; }

  Result Write(std::string_view plain) override {
    if (failed_ || !HandshakeDone()) {
      return Fail("write before the handshake finished or after a failure");
    }
    ERR_clear_error();
    size_t done = 0;
    while (done < plain.size()) {
      size_t written = 0;
      if (SSL_write_ex(ssl_.get(), plain.data() + done, plain.size() - done, &written) != 1) {
        return Fail("write: " + OpensslErrors());
      }
      done += written;
    }
    return Result::kOk;
  }

  void Close() override {
    if (!failed_ && HandshakeDone()) {
      SSL_shutdown(ssl_.get());
    }
  }

  Bytes TakeOutgoing() override {
    Bytes out;
    char* data = nullptr;
    long len = BIO_get_mem_data(out_, &data);
    if (len > 0) {
      out.assign(data, data + len);
    }
    (void)BIO_reset(out_);
    return out;
  }

  std::string VersionName() const override {
    return SSL_version(ssl_.get()) == TLS1_3_VERSION ? "TLS1.3" : "TLS1.2";
  }
  cb::Result<cb::Bytes> Binding(cb::Type type) override {
    return cb::FromOpenssl(ssl_.get(), type);
  }
  cb::Result<cb::Type> BestType() override { return cb::BestTypeOpenssl(ssl_.get()); }

 private:
  Result Fail(std::string why) {
    failed_ = true;
    error_ = "TLS (openssl): " + std::move(why);
    return Result::kFailed;
  }

  // Retry maps a non-positive result of SSL_do_handshake / SSL_read.
  Result Retry(int r, const char* what) {
    switch (SSL_get_error(ssl_.get(), r)) {
      case SSL_ERROR_WANT_READ:
      case SSL_ERROR_WANT_WRITE:
        return Result::kOk;
      case SSL_ERROR_ZERO_RETURN:
        return Result::kClosed;
      default:
        return Fail(std::string(what) + ": " + OpensslErrors());
    }
  }

  SslCtxPtr ctx_;
  SslPtr ssl_;
  BIO* in_;   // owned by ssl_
  BIO* out_;  // owned by ssl_
  bool failed_ = false;
};

bool LoadCredentials(SSL_CTX* ctx, const TlsCredentials& creds) {
  BioPtr cert_bio(BIO_new_mem_buf(creds.cert_pem.data(), static_cast<int>(creds.cert_pem.size())));
  BioPtr key_bio(BIO_new_mem_buf(creds.key_pem.data(), static_cast<int>(creds.key_pem.size())));
  if (!cert_bio || !key_bio) {
    return false;
  }
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  return cert && key && SSL_CTX_use_certificate(ctx, cert.get()) == 1 &&
         SSL_CTX_use_PrivateKey(ctx, key.get()) == 1 && SSL_CTX_check_private_key(ctx) == 1;
}

}  // namespace

std::unique_ptr<TlsEngine> NewOpensslEngine(TlsVersion version, bool server,
                                            const TlsCredentials* credentials, std::string* error) {
  auto fail = [&](const std::string& what) -> std::unique_ptr<TlsEngine> {
    *error = "TLS (openssl): " + what + ": " + OpensslErrors();
    return nullptr;
  };
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()));
  if (!ctx) {
    return fail("SSL_CTX_new");
  }
  if (auto r = cb::ConfigureOpensslContext(ctx.get()); !r) {
    *error = "TLS (openssl): " + r.error().message;
    return nullptr;
  }
  int min = version == TlsVersion::kTls13 ? TLS1_3_VERSION : TLS1_2_VERSION;
  int max = version == TlsVersion::kTls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
  if (SSL_CTX_set_min_proto_version(ctx.get(), min) != 1 ||
      SSL_CTX_set_max_proto_version(ctx.get(), max) != 1) {
    return fail("protocol version");
  }
  // One connection per context, no resumption: every session's binding is a fresh handshake's.
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  // SSL_OP_NO_TICKET only makes TLS 1.3 tickets stateful: without this a TLS 1.3 server still
  // sends a NewSessionTicket nobody uses (one more IBB block and its acknowledgement; the GnuTLS
  // engine has GNUTLS_NO_TICKETS).
  if (SSL_CTX_set_num_tickets(ctx.get(), 0) != 1) {
    return fail("no tickets");
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  if (server && !LoadCredentials(ctx.get(), *credentials)) {
    return fail("certificate");
  }
  SslPtr ssl(SSL_new(ctx.get()));
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  if (!ssl || in == nullptr || out == nullptr) {
    BIO_free(in);
    BIO_free(out);
    return fail("SSL_new");
  }
  BIO_set_mem_eof_return(in, -1);  // empty means "wait for more", not EOF
  SSL_set_bio(ssl.get(), in, out);
  if (server) {
    SSL_set_accept_state(ssl.get());
  } else {
    SSL_set_connect_state(ssl.get());
  }
  return std::make_unique<OpensslEngine>(std::move(ctx), std::move(ssl), in, out);
}

}  // namespace e2esasl::xmpp::internal
