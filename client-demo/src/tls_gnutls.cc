// tls_gnutls.cc: TlsChannel with GnuTLS over a non-blocking socket.
#include <poll.h>

#include <string>

#include "tls.h"

namespace e2esasl::demo::internal {
namespace {

namespace cb = e2esasl::channelbind;

[[noreturn]] void Fail(ExitCode code, const std::string& what) {
  throw DemoError(code, "TLS (gnutls): " + what);
}

void Check(int rc, const std::string& what) {
  if (rc < 0) {
    Fail(ExitCode::kSetup, what + ": " + gnutls_strerror(rc));
  }
}

bool IsConnectionLoss(int rc) {
  return rc == GNUTLS_E_PREMATURE_TERMINATION || rc == GNUTLS_E_PULL_ERROR ||
         rc == GNUTLS_E_PUSH_ERROR;
}

class GnutlsChannel final : public TlsChannel {
 public:
  GnutlsChannel(UniqueFd fd, GnutlsCredentialsPtr creds, GnutlsSessionPtr session, bool server,
                Bytes server_cert_der)
      : fd_(std::move(fd)),
        creds_(std::move(creds)),
        session_(std::move(session)),
        server_(server),
        server_cert_der_(std::move(server_cert_der)) {}

  // Drive runs op until it returns >= 0 (or a non-fatal condition is handled), waiting on the
  // socket in the direction GnuTLS asks.
  template <typename Op>
  ssize_t Drive(Op op, Deadline deadline, std::string_view what) {
    for (;;) {
      ssize_t r = op();
      if (r >= 0) {
        return r;
      }
      int rc = static_cast<int>(r);
      if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
        short events = gnutls_record_get_direction(session_.get()) == 0 ? POLLIN : POLLOUT;
        if (!WaitFd(fd_.get(), events, deadline)) {
          Fail(ExitCode::kTimeout, std::string(what) + ": peer stopped answering (timeout)");
        }
        continue;
      }
      if (rc == GNUTLS_E_REHANDSHAKE) {
        Fail(ExitCode::kTls, std::string(what) +
                                 ": peer asked for renegotiation (refused: it would change "
                                 "the channel binding)");
      }
      if (IsConnectionLoss(rc)) {
        Fail(ExitCode::kConnectionLost,
             std::string(what) + ": connection closed by peer (" + gnutls_strerror(rc) + ")");
      }
      if (gnutls_error_is_fatal(rc) == 0) {
        continue;  // e.g. a warning alert
      }
      Fail(ExitCode::kTls, std::string(what) + ": " + gnutls_strerror(rc));
    }
  }

  void DoHandshake(Deadline deadline) {
    Drive([&] { return static_cast<ssize_t>(gnutls_handshake(session_.get())); }, deadline,
          "handshake");
  }

  size_t ReadSome(std::span<uint8_t> buf, Deadline deadline) override {
    ssize_t r = Drive([&] { return gnutls_record_recv(session_.get(), buf.data(), buf.size()); },
                      deadline, "read");
    return static_cast<size_t>(r);
  }

  void WriteAll(std::string_view data, Deadline deadline) override {
    while (!data.empty()) {
      ssize_t r =
          Drive([&] { return gnutls_record_send(session_.get(), data.data(), data.size()); },
                deadline, "write");
      data.remove_prefix(static_cast<size_t>(r));
    }
  }

  bool HasPending() override { return gnutls_record_check_pending(session_.get()) > 0; }

  void Close(Deadline deadline) noexcept override {
    for (int i = 0; i < 4; ++i) {
      int rc = gnutls_bye(session_.get(), GNUTLS_SHUT_WR);
      if (rc != GNUTLS_E_AGAIN && rc != GNUTLS_E_INTERRUPTED) {
        return;
      }
      try {
        short events = gnutls_record_get_direction(session_.get()) == 0 ? POLLIN : POLLOUT;
        if (!WaitFd(fd_.get(), events, deadline)) {
          return;
        }
      } catch (...) {
        return;
      }
    }
  }

  int fd() const override { return fd_.get(); }
  TlsLib lib() const override { return TlsLib::kGnutls; }
  std::string VersionName() override {
    switch (gnutls_protocol_get_version(session_.get())) {
      case GNUTLS_TLS1_2:
        return "TLS1.2";
      case GNUTLS_TLS1_3:
        return "TLS1.3";
      default: {
        const char* name = gnutls_protocol_get_name(gnutls_protocol_get_version(session_.get()));
        return name != nullptr ? name : "unknown";
      }
    }
  }
  cb::Result<cb::Bytes> Binding(cb::Type type) override {
    cb::Options options;
    options.server_certificate_der = server_cert_der_;
    return cb::FromGnutls(session_.get(), Role(), type, options);
  }
  cb::Result<cb::Type> BestType() override { return cb::BestTypeGnutls(session_.get(), Role()); }

 private:
  cb::Role Role() const { return server_ ? cb::Role::kServer : cb::Role::kClient; }

  UniqueFd fd_;
  GnutlsCredentialsPtr creds_;
  GnutlsSessionPtr session_;
  bool server_;
  Bytes server_cert_der_;
};

const char* Priority(TlsVersionPin pin) {
  switch (pin) {
    case TlsVersionPin::kTls12:
      return "NORMAL:-VERS-ALL:+VERS-TLS1.2";
    case TlsVersionPin::kTls13:
      return "NORMAL:-VERS-ALL:+VERS-TLS1.3";
    case TlsVersionPin::kAny:
      break;
  }
  return cb::kGnutlsSafePriority;
}

}  // namespace

std::unique_ptr<TlsChannel> GnutlsHandshake(UniqueFd fd, const TlsConfig& config,
                                            Deadline deadline) {
  gnutls_certificate_credentials_t raw_creds = nullptr;
  Check(gnutls_certificate_allocate_credentials(&raw_creds),
        "gnutls_certificate_allocate_credentials");
  GnutlsCredentialsPtr creds(raw_creds);
  Bytes server_cert_der;
  if (config.server) {
    const Credentials& c = *config.credentials;
    gnutls_datum_t cert{reinterpret_cast<unsigned char*>(const_cast<char*>(c.cert_pem.data())),
                        static_cast<unsigned>(c.cert_pem.size())};
    gnutls_datum_t key{reinterpret_cast<unsigned char*>(const_cast<char*>(c.key_pem.data())),
                       static_cast<unsigned>(c.key_pem.size())};
    Check(gnutls_certificate_set_x509_key_mem(creds.get(), &cert, &key, GNUTLS_X509_FMT_PEM),
          "gnutls_certificate_set_x509_key_mem");
    server_cert_der = c.cert_der;
  }
  gnutls_session_t raw_session = nullptr;
  Check(
      gnutls_init(&raw_session, (config.server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NONBLOCK),
      "gnutls_init");
  GnutlsSessionPtr session(raw_session);
  auto configured = cb::ConfigureGnutls(session.get());
  if (!configured) {
    Fail(ExitCode::kSetup, "ConfigureGnutls: " + configured.error().message);
  }
  Check(gnutls_priority_set_direct(session.get(), Priority(config.version), nullptr),
        "gnutls_priority_set_direct");
  Check(gnutls_credentials_set(session.get(), GNUTLS_CRD_CERTIFICATE, creds.get()),
        "gnutls_credentials_set");
  // The demo does not verify certificates (no gnutls_session_set_verify_cert): channel binding,
  // not PKI, catches the MITM.
  gnutls_transport_set_int(session.get(), fd.get());
  auto channel =
      std::make_unique<GnutlsChannel>(std::move(fd), std::move(creds), std::move(session),
                                      config.server, std::move(server_cert_der));
  channel->DoHandshake(deadline);
  return channel;
}

}  // namespace e2esasl::demo::internal
