// tls_ends.h: internal to the TLS harness: one end of a connection, with OpenSSL or GnuTLS.
// A TlsSide keeps what one end keeps between connections (context, credentials, ticket key,
// saved session); a TlsConnection is one connection on one socket.
#ifndef E2ESASL_TESTS_SUPPORT_TLS_ENDS_H_
#define E2ESASL_TESTS_SUPPORT_TLS_ENDS_H_

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "support/tls_harness.h"

namespace e2esasl::testing::internal {

// OpensslErrors drains this thread's OpenSSL error queue into one line.
std::string OpensslErrors();
// GnutlsError formats a GnuTLS error code with its text.
std::string GnutlsError(std::string_view what, int rc);

class TlsConnection {
 public:
  virtual ~TlsConnection() = default;
  // Handshake runs the whole handshake; false with *error set on failure.
  virtual bool Handshake(std::string* error) = 0;
  virtual bool IsResumed() = 0;
  // SaveSession (client) keeps the session so the side's next Open resumes it.
  virtual void SaveSession() = 0;
  // Close sends close_notify (does not wait for the peer's).
  virtual void Close() = 0;
  // PeerCertificateDer: the peer's end-entity certificate, empty if none.
  virtual Bytes PeerCertificateDer() = 0;
  virtual Endpoint MakeEndpoint() = 0;
};

class TlsSide {
 public:
  virtual ~TlsSide() = default;
  // Open makes a connection on fd (not owned); nullptr with *error set on failure.
  virtual std::unique_ptr<TlsConnection> Open(int fd, std::string* error) = 0;
};

// MakeSide sets up one end; nullptr with *error set if a setting or credential is refused.
std::unique_ptr<TlsSide> MakeSide(const EndpointConfig& config, TlsRole role, TlsVersion version,
                                  const ServerCredentials& credentials,
                                  std::chrono::milliseconds timeout, std::string* error);

}  // namespace e2esasl::testing::internal

#endif  // E2ESASL_TESTS_SUPPORT_TLS_ENDS_H_
