// tls_harness.h: real TLS connections over a socketpair, for channel-binding, plugin and demo
// tests. Each end runs in its own thread with OpenSSL or GnuTLS; after the handshake each end
// hands its live session to a caller-provided callback (in that end's thread).
//
//   auto spec = ConnectionSpec{};
//   spec.client.library = TlsLibrary::kGnutls;
//   spec.version = TlsVersion::kTls12;
//   spec.resume = true;
//   Bytes client_value, server_value;
//   ConnectionResult r = RunConnection(
//       spec, [&](Endpoint& e) { client_value = ...(e.gnutls) ...; },
//             [&](Endpoint& e) { server_value = ...(e.ssl) ...; });
//   r.ThrowIfFailed();  // rethrows a callback's exception (e.g. a CppUnit assertion) as is
//
// Values written by a callback into captured variables are visible to the caller once
// RunConnection returns (both threads are joined). Everything has a deadline: a stuck handshake
// or callback fails the connection within spec.timeout and never hangs the test.
#ifndef E2ESASL_TESTS_SUPPORT_TLS_HARNESS_H_
#define E2ESASL_TESTS_SUPPORT_TLS_HARNESS_H_

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <gnutls/gnutls.h>
#include <openssl/ssl.h>

#include "support/tls_credentials.h"

namespace e2esasl::testing {

enum class TlsLibrary { kOpenssl, kGnutls };
enum class TlsVersion { kTls12, kTls13 };
enum class TlsRole { kClient, kServer };

// *Name return short stable names: "openssl"/"gnutls", "TLS1.2"/"TLS1.3", "client"/"server".
std::string_view TlsLibraryName(TlsLibrary library);
std::string_view TlsVersionName(TlsVersion version);
std::string_view TlsRoleName(TlsRole role);

// EndpointConfig sets up one end.
struct EndpointConfig {
  TlsLibrary library = TlsLibrary::kOpenssl;
  // use_library_configure: configure with the library's helpers (OpenSSL:
  // ConfigureOpensslContext on the SSL_CTX; GnuTLS: ConfigureGnutls on the session, which must
  // succeed), then pin the version (OpenSSL: min/max protocol; GnuTLS: kGnutlsSafePriority plus
  // "-VERS-TLS1.x" for the other version). A helper's failure fails the connection.
  // false: bypass them; the harness sets only the version pin, SSL_OP_NO_RENEGOTIATION (unless
  // allow_renegotiation) and, for GnuTLS, priority "NORMAL:-VERS-ALL:+VERS-TLS1.x".
  bool use_library_configure = true;
  // disable_ems: no Extended Master Secret from this end (OpenSSL:
  // SSL_OP_NO_EXTENDED_MASTER_SECRET; GnuTLS 3.7.9: "%NO_SESSION_HASH", as it has no
  // "%NO_EXTMS"). Implies bypassing the library's helpers, as above.
  bool disable_ems = false;
  // allow_renegotiation: OpenSSL only: clear SSL_OP_NO_RENEGOTIATION after configuring (and on a
  // server set SSL_OP_ALLOW_CLIENT_RENEGOTIATION). GnuTLS has no such switch: ignored.
  bool allow_renegotiation = false;
  // extra_credentials: OpenSSL server only: a second key and certificate loaded after the
  // spec's (a server with several certificates, e.g. RSA and ECDSA; OpenSSL keeps one per key
  // type and presents the one the handshake negotiates). Must outlive RunConnection.
  const ServerCredentials* extra_credentials = nullptr;
  // sigalgs: OpenSSL only: SSL_CTX_set1_sigalgs_list (e.g. "RSA+SHA256"); on a client it decides
  // which of a multi-certificate server's certificates can be presented. Empty: the default.
  std::string sigalgs;
};

// ConnectionSpec describes one connection (or, with resume, a full one then a resumed one).
struct ConnectionSpec {
  EndpointConfig client{};
  EndpointConfig server{};
  TlsVersion version = TlsVersion::kTls13;  // pinned on both ends
  // resume: first a full handshake, "ping"/"pong" both ways (so TLS 1.3 tickets arrive), a clean
  // close_notify; then a second connection with the saved session. The harness fails the
  // connection unless the first was full and the second resumed on both ends. Callbacks run on
  // the second connection only.
  bool resume = false;
  // credentials: the server's key and certificate; nullptr means
  // DefaultServerCredentials(CertKind::kRsaSha256). Must outlive RunConnection.
  const ServerCredentials* credentials = nullptr;
  // timeout: deadline for everything (handshakes, callbacks, closes).
  std::chrono::milliseconds timeout{20000};
};

// Endpoint is what a callback sees: one end of the live connection. Exactly one of ssl / gnutls
// is set (by library); the harness owns both.
struct Endpoint {
  TlsLibrary library = TlsLibrary::kOpenssl;
  TlsRole role = TlsRole::kClient;
  SSL* ssl = nullptr;
  gnutls_session_t gnutls = nullptr;
  bool resumed = false;
  // last_error: what the last failed Send / Receive saw (TLS library's text).
  std::string last_error;
  // Send writes all of data as application data; false on error.
  bool Send(std::span<const uint8_t> data);
  bool Send(std::string_view text);
  // Receive reads exactly n bytes of application data; std::nullopt on error or EOF.
  std::optional<Bytes> Receive(size_t n);
};

using EndpointCallback = std::function<void(Endpoint&)>;

// ConnectionResult says what happened. ok is true when both ends completed every handshake
// (resumption as asked), both callbacks returned normally and nothing timed out.
struct ConnectionResult {
  bool ok = false;
  std::string error;  // when !ok: which end failed and how (TLS library's text)
  bool client_handshake_ok = false;
  bool server_handshake_ok = false;
  bool resumed = false;   // the tested connection was resumed on both ends
  Bytes server_cert_der;  // DER of the certificate the server was given
  Bytes peer_cert_der;    // DER of the certificate the client received (empty if none)
  std::exception_ptr client_exception;  // thrown by the client callback, if any
  std::exception_ptr server_exception;  // thrown by the server callback, if any
  std::string description;              // e.g. "openssl->gnutls TLS1.2 resumed rsa-sha256"

  // ThrowIfFailed rethrows a callback's exception unchanged (client's first), else throws
  // std::runtime_error(description + ": " + error) when !ok.
  void ThrowIfFailed() const;
};

// RunConnection connects a client and a server as spec says, runs on_client / on_server (either
// may be empty) on the tested connection's ends in their threads, closes, joins and reports.
// Never throws for TLS failures (see ConnectionResult); std::bad_alloc and credential
// generation errors propagate.
ConnectionResult RunConnection(const ConnectionSpec& spec, const EndpointCallback& on_client,
                               const EndpointCallback& on_server);

// Describe returns ConnectionResult::description for spec.
std::string Describe(const ConnectionSpec& spec);

}  // namespace e2esasl::testing

#endif  // E2ESASL_TESTS_SUPPORT_TLS_HARNESS_H_
