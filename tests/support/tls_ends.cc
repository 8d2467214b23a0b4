// tls_ends.cc: the OpenSSL and GnuTLS ends of a harness connection.
#include "support/tls_ends.h"

#include <string_view>
#include <utility>

#include <e2esasl/channelbind.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "e2esasl/handles.h"

namespace e2esasl::testing {
namespace internal {

std::string OpensslErrors() {
  std::string out;
  char buf[256];
  while (unsigned long e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    out += out.empty() ? "" : "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error queued" : out;
}

std::string GnutlsError(std::string_view what, int rc) {
  return std::string(what) + ": " + gnutls_strerror(rc) + " (" + std::to_string(rc) + ")";
}

namespace {

// ---------------------------------------------------------------------------------------------
// OpenSSL

class OpensslConnection final : public TlsConnection {
 public:
  OpensslConnection(SslPtr ssl, TlsRole role, SslSessionPtr* saved)
      : ssl_(std::move(ssl)), role_(role), saved_(saved) {}

  bool Handshake(std::string* error) override {
    ERR_clear_error();
    int rc = role_ == TlsRole::kClient ? SSL_connect(ssl_.get()) : SSL_accept(ssl_.get());
    if (rc == 1) {
      return true;
    }
    *error = std::string(role_ == TlsRole::kClient ? "SSL_connect" : "SSL_accept") +
             " failed, SSL_get_error " + std::to_string(SSL_get_error(ssl_.get(), rc)) + ": " +
             OpensslErrors();
    return false;
  }
  bool IsResumed() override { return SSL_session_reused(ssl_.get()) == 1; }
  void SaveSession() override { saved_->reset(SSL_get1_session(ssl_.get())); }
  void Close() override {
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }
  Bytes PeerCertificateDer() override {
    X509* cert = SSL_get0_peer_certificate(ssl_.get());  // owned by ssl
    if (cert == nullptr) {
      return {};
    }
    int len = i2d_X509(cert, nullptr);
    if (len <= 0) {
      return {};
    }
    Bytes der(static_cast<size_t>(len));
    unsigned char* p = der.data();
    i2d_X509(cert, &p);
    return der;
  }
  Endpoint MakeEndpoint() override {
    Endpoint e;
    e.library = TlsLibrary::kOpenssl;
    e.role = role_;
    e.ssl = ssl_.get();
    return e;
  }

 private:
  SslPtr ssl_;
  TlsRole role_;
  SslSessionPtr* saved_;
};

class OpensslSide final : public TlsSide {
 public:
  explicit OpensslSide(TlsRole role) : role_(role) {}

  bool Init(const EndpointConfig& config, TlsVersion version, const ServerCredentials& creds,
            std::string* error) {
    ctx_.reset(SSL_CTX_new(role_ == TlsRole::kClient ? TLS_client_method() : TLS_server_method()));
    if (!ctx_) {
      *error = "SSL_CTX_new: " + OpensslErrors();
      return false;
    }
    if (role_ == TlsRole::kServer && !LoadCredentials(creds, error)) {
      return false;
    }
    if (role_ == TlsRole::kServer && config.extra_credentials != nullptr &&
        !LoadCredentials(*config.extra_credentials, error)) {
      return false;
    }
    if (!config.sigalgs.empty() &&
        SSL_CTX_set1_sigalgs_list(ctx_.get(), config.sigalgs.c_str()) != 1) {
      *error = "SSL_CTX_set1_sigalgs_list(\"" + config.sigalgs + "\"): " + OpensslErrors();
      return false;
    }
    if (config.use_library_configure && !config.disable_ems) {
      auto configured = channelbind::ConfigureOpensslContext(ctx_.get());
      if (!configured) {
        *error = "ConfigureOpensslContext: " + configured.error().message;
        return false;
      }
    } else {
      SSL_CTX_set_options(ctx_.get(), SSL_OP_NO_RENEGOTIATION);
      if (config.disable_ems) {
        SSL_CTX_set_options(ctx_.get(), SSL_OP_NO_EXTENDED_MASTER_SECRET);
      }
    }
    if (config.allow_renegotiation) {
      SSL_CTX_clear_options(ctx_.get(), SSL_OP_NO_RENEGOTIATION);
      if (role_ == TlsRole::kServer) {
        SSL_CTX_set_options(ctx_.get(), SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
      }
    }
    int pinned = version == TlsVersion::kTls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
    if (SSL_CTX_set_min_proto_version(ctx_.get(), pinned) != 1 ||
        SSL_CTX_set_max_proto_version(ctx_.get(), pinned) != 1) {
      *error = "pinning the protocol version: " + OpensslErrors();
      return false;
    }
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_NONE, nullptr);
    return true;
  }

  std::unique_ptr<TlsConnection> Open(int fd, std::string* error) override {
    SslPtr ssl(SSL_new(ctx_.get()));
    if (!ssl || SSL_set_fd(ssl.get(), fd) != 1) {
      *error = "SSL_new/SSL_set_fd: " + OpensslErrors();
      return nullptr;
    }
    if (role_ == TlsRole::kClient && saved_ && SSL_set_session(ssl.get(), saved_.get()) != 1) {
      *error = "SSL_set_session: " + OpensslErrors();
      return nullptr;
    }
    return std::make_unique<OpensslConnection>(std::move(ssl), role_, &saved_);
  }

 private:
  bool LoadCredentials(const ServerCredentials& creds, std::string* error) {
    static constexpr unsigned char kSessionContext[] = "e2esasl-tls-harness";
    BioPtr cert_bio(
        BIO_new_mem_buf(creds.cert_pem.data(), static_cast<int>(creds.cert_pem.size())));
    BioPtr key_bio(BIO_new_mem_buf(creds.key_pem.data(), static_cast<int>(creds.key_pem.size())));
    X509Ptr cert(cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr) : nullptr);
    EvpPkeyPtr key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr)
                           : nullptr);
    if (!cert || !key || SSL_CTX_use_certificate(ctx_.get(), cert.get()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx_.get(), key.get()) != 1 ||
        SSL_CTX_check_private_key(ctx_.get()) != 1 ||
        SSL_CTX_set_session_id_context(ctx_.get(), kSessionContext, sizeof(kSessionContext) - 1) !=
            1) {
      *error = "loading the server credentials into OpenSSL: " + OpensslErrors();
      return false;
    }
    return true;
  }

  TlsRole role_;
  SslCtxPtr ctx_;
  SslSessionPtr saved_;
};

// ---------------------------------------------------------------------------------------------
// GnuTLS

class GnutlsConnection final : public TlsConnection {
 public:
  GnutlsConnection(GnutlsSessionPtr session, TlsRole role, GnutlsDatum* saved)
      : session_(std::move(session)), role_(role), saved_(saved) {}

  bool Handshake(std::string* error) override {
    int rc;
    do {
      rc = gnutls_handshake(session_.get());
    } while (rc < 0 && gnutls_error_is_fatal(rc) == 0 && rc != GNUTLS_E_AGAIN);
    if (rc == GNUTLS_E_SUCCESS) {
      return true;
    }
    *error = GnutlsError("gnutls_handshake", rc);
    return false;
  }
  bool IsResumed() override { return gnutls_session_is_resumed(session_.get()) != 0; }
  void SaveSession() override { gnutls_session_get_data2(session_.get(), saved_->out()); }
  void Close() override { gnutls_bye(session_.get(), GNUTLS_SHUT_WR); }
  Bytes PeerCertificateDer() override {
    unsigned int count = 0;
    const gnutls_datum_t* peers = gnutls_certificate_get_peers(session_.get(), &count);
    if (peers == nullptr || count == 0) {
      return {};
    }
    return Bytes(peers[0].data, peers[0].data + peers[0].size);
  }
  Endpoint MakeEndpoint() override {
    Endpoint e;
    e.library = TlsLibrary::kGnutls;
    e.role = role_;
    e.gnutls = session_.get();
    return e;
  }

 private:
  GnutlsSessionPtr session_;
  TlsRole role_;
  GnutlsDatum* saved_;
};

class GnutlsSide final : public TlsSide {
 public:
  GnutlsSide(TlsRole role, const EndpointConfig& config, TlsVersion version,
             std::chrono::milliseconds timeout)
      : role_(role), config_(config), version_(version), timeout_(timeout) {}

  bool Init(const ServerCredentials& creds, std::string* error) {
    gnutls_certificate_credentials_t cred = nullptr;
    int rc = gnutls_certificate_allocate_credentials(&cred);
    if (rc != GNUTLS_E_SUCCESS) {
      *error = GnutlsError("gnutls_certificate_allocate_credentials", rc);
      return false;
    }
    cred_.reset(cred);
    if (role_ == TlsRole::kClient) {
      return true;
    }
    const gnutls_datum_t cert = {
        reinterpret_cast<unsigned char*>(const_cast<char*>(creds.cert_pem.data())),
        static_cast<unsigned int>(creds.cert_pem.size())};
    const gnutls_datum_t key = {
        reinterpret_cast<unsigned char*>(const_cast<char*>(creds.key_pem.data())),
        static_cast<unsigned int>(creds.key_pem.size())};
    rc = gnutls_certificate_set_x509_key_mem2(cred_.get(), &cert, &key, GNUTLS_X509_FMT_PEM,
                                              nullptr, 0);
    if (rc < 0) {
      *error = GnutlsError("gnutls_certificate_set_x509_key_mem2", rc);
      return false;
    }
    rc = gnutls_session_ticket_key_generate(ticket_key_.out());
    if (rc != GNUTLS_E_SUCCESS) {
      *error = GnutlsError("gnutls_session_ticket_key_generate", rc);
      return false;
    }
    return true;
  }

  std::unique_ptr<TlsConnection> Open(int fd, std::string* error) override {
    gnutls_session_t raw = nullptr;
    unsigned int flags =
        (role_ == TlsRole::kClient ? GNUTLS_CLIENT : GNUTLS_SERVER) | GNUTLS_NO_SIGNAL;
    int rc = gnutls_init(&raw, flags);
    if (rc != GNUTLS_E_SUCCESS) {
      *error = GnutlsError("gnutls_init", rc);
      return nullptr;
    }
    GnutlsSessionPtr session(raw);
    if (!SetPriority(session.get(), error)) {
      return nullptr;
    }
    rc = gnutls_credentials_set(session.get(), GNUTLS_CRD_CERTIFICATE, cred_.get());
    if (rc == GNUTLS_E_SUCCESS && role_ == TlsRole::kServer) {
      gnutls_certificate_server_set_request(session.get(), GNUTLS_CERT_IGNORE);
      rc = gnutls_session_ticket_enable_server(session.get(), &ticket_key_.get());
    }
    if (rc == GNUTLS_E_SUCCESS && role_ == TlsRole::kClient && !saved_.empty()) {
      rc = gnutls_session_set_data(session.get(), saved_.get().data, saved_.get().size);
    }
    if (rc != GNUTLS_E_SUCCESS) {
      *error = GnutlsError("setting up the GnuTLS session", rc);
      return nullptr;
    }
    gnutls_transport_set_int(session.get(), fd);
    gnutls_handshake_set_timeout(session.get(), static_cast<unsigned int>(timeout_.count()));
    gnutls_record_set_timeout(session.get(), static_cast<unsigned int>(timeout_.count()));
    return std::make_unique<GnutlsConnection>(std::move(session), role_, &saved_);
  }

 private:
  bool SetPriority(gnutls_session_t session, std::string* error) {
    std::string priority;
    if (config_.use_library_configure && !config_.disable_ems) {
      auto configured = channelbind::ConfigureGnutls(session);
      if (!configured) {
        *error = "ConfigureGnutls: " + configured.error().message;
        return false;
      }
      priority = std::string(channelbind::kGnutlsSafePriority) +
                 (version_ == TlsVersion::kTls12 ? ":-VERS-TLS1.3" : ":-VERS-TLS1.2");
    } else {
      priority = version_ == TlsVersion::kTls12 ? "NORMAL:-VERS-ALL:+VERS-TLS1.2"
                                                : "NORMAL:-VERS-ALL:+VERS-TLS1.3";
      if (config_.disable_ems) {
        priority += ":%NO_SESSION_HASH";
      }
    }
    const char* where = nullptr;
    int rc = gnutls_priority_set_direct(session, priority.c_str(), &where);
    if (rc != GNUTLS_E_SUCCESS) {
      *error = GnutlsError("gnutls_priority_set_direct(\"" + priority + "\") at \"" +
                               (where != nullptr ? where : "") + "\"",
                           rc);
      return false;
    }
    return true;
  }

  TlsRole role_;
  EndpointConfig config_;
  TlsVersion version_;
  std::chrono::milliseconds timeout_;
  GnutlsCredentialsPtr cred_;
  GnutlsDatum ticket_key_;
  GnutlsDatum saved_;
};

}  // namespace

std::unique_ptr<TlsSide> MakeSide(const EndpointConfig& config, TlsRole role, TlsVersion version,
                                  const ServerCredentials& credentials,
                                  std::chrono::milliseconds timeout, std::string* error) {
  if (config.library == TlsLibrary::kOpenssl) {
    auto side = std::make_unique<OpensslSide>(role);
    if (!side->Init(config, version, credentials, error)) {
      return nullptr;
    }
    return side;
  }
  auto side = std::make_unique<GnutlsSide>(role, config, version, timeout);
  if (!side->Init(credentials, error)) {
    return nullptr;
  }
  return side;
}

}  // namespace internal

// ---------------------------------------------------------------------------------------------
// Endpoint I/O. GNUTLS_E_AGAIN is retried a few times: GnuTLS returns it after handling a
// post-handshake message (a TLS 1.3 ticket); a socket timeout also ends here, and the harness's
// deadline then shuts the socket down.

namespace {
constexpr int kMaxRetries = 64;
}  // namespace

bool Endpoint::Send(std::span<const uint8_t> data) {
  size_t done = 0;
  int retries = 0;
  while (done < data.size()) {
    if (library == TlsLibrary::kOpenssl) {
      size_t written = 0;
      if (SSL_write_ex(ssl, data.data() + done, data.size() - done, &written) != 1) {
        last_error = "SSL_write_ex: " + internal::OpensslErrors();
        return false;
      }
      done += written;
    } else {
      ssize_t rc = gnutls_record_send(gnutls, data.data() + done, data.size() - done);
      if (rc == GNUTLS_E_INTERRUPTED || (rc == GNUTLS_E_AGAIN && ++retries < kMaxRetries)) {
        continue;
      }
      if (rc <= 0) {
        last_error = internal::GnutlsError("gnutls_record_send", static_cast<int>(rc));
        return false;
      }
      done += static_cast<size_t>(rc);
    }
  }
  return true;
}

bool Endpoint::Send(std::string_view text) {
  return Send(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::optional<Bytes> Endpoint::Receive(size_t n) {
  Bytes out(n);
  size_t done = 0;
  int retries = 0;
  while (done < n) {
    if (library == TlsLibrary::kOpenssl) {
      size_t got = 0;
      if (SSL_read_ex(ssl, out.data() + done, n - done, &got) != 1) {
        last_error = "SSL_read_ex: " + internal::OpensslErrors();
        return std::nullopt;
      }
      done += got;
    } else {
      ssize_t rc = gnutls_record_recv(gnutls, out.data() + done, n - done);
      if (rc == GNUTLS_E_INTERRUPTED || (rc == GNUTLS_E_AGAIN && ++retries < kMaxRetries)) {
        continue;
      }
      if (rc <= 0) {
        last_error = rc == 0 ? "gnutls_record_recv: EOF"
                             : internal::GnutlsError("gnutls_record_recv", static_cast<int>(rc));
        return std::nullopt;
      }
      done += static_cast<size_t>(rc);
    }
  }
  return out;
}

}  // namespace e2esasl::testing
