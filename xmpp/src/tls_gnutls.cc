// tls_gnutls.cc: TlsEngine with GnuTLS push/pull functions over memory buffers.
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "handles.h"
#include "tls_engine.h"

namespace e2esasl::xmpp::internal {
namespace {

namespace cb = e2esasl::channelbind;

class GnutlsEngine final : public TlsEngine {
 public:
  GnutlsEngine(bool server, GnutlsCredentialsPtr creds, const TlsCredentials* credentials)
      : server_(server), creds_(std::move(creds)) {
    if (credentials != nullptr) {
      cert_der_ = credentials->cert_der;
    }
  }

  bool Init(const char* priority, std::string* error) {
    gnutls_session_t raw = nullptr;
    int rc = gnutls_init(
        &raw, (server_ ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS);
    session_.reset(raw);
    if (rc == GNUTLS_E_SUCCESS) {
      rc = gnutls_priority_set_direct(session_.get(), priority, nullptr);
    }
    if (rc == GNUTLS_E_SUCCESS) {
      rc = gnutls_credentials_set(session_.get(), GNUTLS_CRD_CERTIFICATE, creds_.get());
    }
    if (rc != GNUTLS_E_SUCCESS) {
      *error = std::string("TLS (gnutls): setup: ") + gnutls_strerror(rc);
      return false;
    }
    if (server_) {
      gnutls_certificate_server_set_request(session_.get(), GNUTLS_CERT_IGNORE);
    }
    gnutls_transport_set_ptr(session_.get(), this);
    gnutls_transport_set_push_function(session_.get(), &Push);
    gnutls_transport_set_pull_function(session_.get(), &Pull);
    gnutls_transport_set_pull_timeout_function(session_.get(), &PullTimeout);
    return true;
  }

  void Feed(std::span<const uint8_t> ciphertext) override {
    if (!failed_) {
      in_.insert(in_.end(), ciphertext.begin(), ciphertext.end());
    }
  }

  Result Pump(std::string* plain) override {
    if (failed_) {
      return Result::kFailed;
    }
    if (!handshake_done_) {
      int rc = gnutls_handshake(session_.get());
      while ((rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) && !in_.empty()) {
        rc = gnutls_handshake(session_.get());  // more records are waiting
      }
      if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
        return Result::kOk;
      }
      if (rc != GNUTLS_E_SUCCESS) {
        return Fail(std::string("handshake: ") + gnutls_strerror(rc));
      }
      handshake_done_ = true;
    }
    char buf[16384];
    size_t last_size = SIZE_MAX;
    for (;;) {
      ssize_t n = gnutls_record_recv(session_.get(), buf, sizeof(buf));
      if (n > 0) {
        plain->append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) {
        return Result::kClosed;
      }
      if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
        // GnuTLS also says "again" after a record without data (a TLS 1.3 NewSessionTicket):
        // keep reading while records are waiting; stop when the input did not shrink.
        if (in_.empty() || in_.size() == last_size) {
          return Result::kOk;
        }
        last_size = in_.size();
        continue;
      }
      if (n == GNUTLS_E_REHANDSHAKE) {
        return Fail("the peer asked to renegotiate (refused: it would change the binding)");
      }
      return Fail(std::string("read: ") + gnutls_strerror(static_cast<int>(n)));
    }
  }

  bool HandshakeDone() const override { return handshake_done_; }

  Result Write(std::string_view plain) override {
    if (failed_ || !handshake_done_) {
      return Fail("write before the handshake finished or after a failure");
    }
    size_t done = 0;
    while (done < plain.size()) {
      ssize_t n = gnutls_record_send(session_.get(), plain.data() + done, plain.size() - done);
      if (n < 0) {
        return Fail(std::string("write: ") + gnutls_strerror(static_cast<int>(n)));
      }
      done += static_cast<size_t>(n);
    }
    return Result::kOk;
  }

  void Close() override {
    if (!failed_ && handshake_done_) {
      gnutls_bye(session_.get(), GNUTLS_SHUT_WR);
    }
  }

  Bytes TakeOutgoing() override { return std::exchange(out_, Bytes{}); }

  std::string VersionName() const override {
    return gnutls_protocol_get_version(session_.get()) == GNUTLS_TLS1_3 ? "TLS1.3" : "TLS1.2";
  }
  cb::Result<cb::Bytes> Binding(cb::Type type) override {
    cb::Options options;
    options.server_certificate_der = cert_der_;
    return cb::FromGnutls(session_.get(), Role(), type, options);
  }
  cb::Result<cb::Type> BestType() override { return cb::BestTypeGnutls(session_.get(), Role()); }

 private:
  cb::Role Role() const { return server_ ? cb::Role::kServer : cb::Role::kClient; }

  Result Fail(std::string why) {
    failed_ = true;
    error_ = "TLS (gnutls): " + std::move(why);
    return Result::kFailed;
  }

  static ssize_t Push(gnutls_transport_ptr_t ptr, const void* data, size_t len) {
    auto* self = static_cast<GnutlsEngine*>(ptr);
    const auto* p = static_cast<const uint8_t*>(data);
    self->out_.insert(self->out_.end(), p, p + len);
    return static_cast<ssize_t>(len);
  }

  static ssize_t Pull(gnutls_transport_ptr_t ptr, void* data, size_t len) {
    auto* self = static_cast<GnutlsEngine*>(ptr);
    if (self->in_.empty()) {
      gnutls_transport_set_errno(self->session_.get(), EAGAIN);
      return -1;
    }
    size_t n = std::min(len, self->in_.size());
    std::memcpy(data, self->in_.data(), n);
    self->in_.erase(self->in_.begin(), self->in_.begin() + static_cast<std::ptrdiff_t>(n));
    return static_cast<ssize_t>(n);
  }

  static int PullTimeout(gnutls_transport_ptr_t ptr, unsigned /*ms*/) {
    auto* self = static_cast<GnutlsEngine*>(ptr);
    return self->in_.empty() ? 0 : 1;
  }

  bool server_;
  GnutlsCredentialsPtr creds_;
  GnutlsSessionPtr session_;
  Bytes cert_der_;
  Bytes in_;
  Bytes out_;
  bool handshake_done_ = false;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<TlsEngine> NewGnutlsEngine(TlsVersion version, bool server,
                                           const TlsCredentials* credentials, std::string* error) {
  gnutls_certificate_credentials_t raw = nullptr;
  int rc = gnutls_certificate_allocate_credentials(&raw);
  GnutlsCredentialsPtr creds(raw);
  if (rc != GNUTLS_E_SUCCESS) {
    *error = std::string("TLS (gnutls): credentials: ") + gnutls_strerror(rc);
    return nullptr;
  }
  if (server) {
    gnutls_datum_t cert{
        reinterpret_cast<unsigned char*>(const_cast<char*>(credentials->cert_pem.data())),
        static_cast<unsigned>(credentials->cert_pem.size())};
    gnutls_datum_t key{
        reinterpret_cast<unsigned char*>(const_cast<char*>(credentials->key_pem.data())),
        static_cast<unsigned>(credentials->key_pem.size())};
    rc = gnutls_certificate_set_x509_key_mem(creds.get(), &cert, &key, GNUTLS_X509_FMT_PEM);
    if (rc < 0) {
      *error = std::string("TLS (gnutls): certificate: ") + gnutls_strerror(rc);
      return nullptr;
    }
  }
  std::string priority = cb::kGnutlsSafePriority;
  if (version == TlsVersion::kTls12) {
    priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
  } else if (version == TlsVersion::kTls13) {
    priority = "NORMAL:-VERS-ALL:+VERS-TLS1.3";
  }
  auto engine = std::make_unique<GnutlsEngine>(server, std::move(creds), credentials);
  if (!engine->Init(priority.c_str(), error)) {
    return nullptr;
  }
  return engine;
}

}  // namespace e2esasl::xmpp::internal
