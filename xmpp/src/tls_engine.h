// tls_engine.h: TLS over memory buffers for the session core: ciphertext comes from and goes to
// the in-band bytestream, never a socket. OpenSSL (memory BIOs) or GnuTLS (push/pull functions),
// both configured as channelbind requires (TLS >= 1.2, Extended Master Secret, no renegotiation).
//
// Certificates are not verified: the inner TLS only provides the channel; who is at the other
// end is SASL's job, bound to this channel (docs/xmpp.md).
#ifndef E2ESASL_XMPP_TLS_ENGINE_H_
#define E2ESASL_XMPP_TLS_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "e2esasl/channelbind.h"

namespace e2esasl::xmpp {

using Bytes = std::vector<uint8_t>;

enum class TlsLib { kOpenssl, kGnutls };
enum class TlsVersion { kAny, kTls12, kTls13 };

std::optional<TlsLib> ParseTlsLib(std::string_view name);          // "openssl" / "gnutls"
std::optional<TlsVersion> ParseTlsVersion(std::string_view name);  // "any" / "1.2" / "1.3"

// TlsCredentials: a private key and its certificate (PEM for both libraries, DER for the
// GnuTLS server's tls-server-end-point).
struct TlsCredentials {
  std::string key_pem;
  std::string cert_pem;
  Bytes cert_der;
};

// MakeSelfSigned makes a fresh P-256 key and a self-signed SHA-256 certificate valid one day.
// std::nullopt (with *error) when OpenSSL fails.
std::optional<TlsCredentials> MakeSelfSigned(std::string_view common_name, std::string* error);

// TlsEngine is one end of a TLS connection over memory. Usage: Feed() what arrived, Pump() to
// advance the handshake and decrypt, Write() application data, and after each call send
// TakeOutgoing() to the peer. A failure is final: every later call returns kFailed.
class TlsEngine {
 public:
  enum class Result { kOk, kClosed, kFailed };

  // New makes an engine; a server needs credentials (not owned, must outlive the engine).
  // nullptr with *error when the library refuses the configuration.
  static std::unique_ptr<TlsEngine> New(TlsLib lib, TlsVersion version, bool server,
                                        const TlsCredentials* credentials, std::string* error);
  virtual ~TlsEngine() = default;

  // Feed queues ciphertext received from the peer.
  virtual void Feed(std::span<const uint8_t> ciphertext) = 0;
  // Pump advances the handshake and appends decrypted application data to *plain. kClosed when
  // the peer sent close_notify (data before it is still appended).
  virtual Result Pump(std::string* plain) = 0;
  virtual bool HandshakeDone() const = 0;
  // Write encrypts application data (only after the handshake).
  virtual Result Write(std::string_view plain) = 0;
  // Close queues close_notify (best effort).
  virtual void Close() = 0;
  // TakeOutgoing returns the ciphertext to send, and forgets it.
  virtual Bytes TakeOutgoing() = 0;
  // VersionName: "TLS1.2" / "TLS1.3".
  virtual std::string VersionName() const = 0;
  virtual channelbind::Result<channelbind::Bytes> Binding(channelbind::Type type) = 0;
  virtual channelbind::Result<channelbind::Type> BestType() = 0;
  // error: why the engine failed (the library's text).
  const std::string& error() const { return error_; }

 protected:
  std::string error_;
};

namespace internal {
std::unique_ptr<TlsEngine> NewOpensslEngine(TlsVersion version, bool server,
                                            const TlsCredentials* credentials, std::string* error);
std::unique_ptr<TlsEngine> NewGnutlsEngine(TlsVersion version, bool server,
                                           const TlsCredentials* credentials, std::string* error);
}  // namespace internal

}  // namespace e2esasl::xmpp

#endif  // E2ESASL_XMPP_TLS_ENGINE_H_
