// tls.h: one end of a TLS connection over a non-blocking socket, with OpenSSL or GnuTLS, and the
// line framing of the demo protocol on top of it. Every blocking call takes a Deadline.
//
// Certificates are NOT verified by a client end: the demo shows that channel binding catches a
// party that terminates TLS, whatever certificate it presents (docs/demo.md).
#ifndef E2ESASL_CLIENT_DEMO_TLS_H_
#define E2ESASL_CLIENT_DEMO_TLS_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "certs.h"
#include "e2esasl/channelbind.h"
#include "util.h"

namespace e2esasl::demo {

enum class TlsLib { kOpenssl, kGnutls };
enum class TlsVersionPin { kAny, kTls12, kTls13 };

std::string_view TlsLibName(TlsLib lib);  // "openssl" / "gnutls"
std::optional<TlsLib> ParseTlsLib(std::string_view name);
std::string_view TlsVersionPinName(TlsVersionPin pin);  // "any" / "1.2" / "1.3"
std::optional<TlsVersionPin> ParseTlsVersionPin(std::string_view name);

// TlsConfig describes one end. A server end needs credentials (not owned; must outlive the
// channel).
struct TlsConfig {
  TlsLib lib = TlsLib::kOpenssl;
  TlsVersionPin version = TlsVersionPin::kAny;
  bool server = false;
  const Credentials* credentials = nullptr;
};

// TlsChannel is an established TLS connection. Errors throw DemoError: kTls (TLS failure),
// kConnectionLost (EOF or reset in the middle), kTimeout (deadline passed).
class TlsChannel {
 public:
  // Handshake runs the TLS handshake on a connected socket (made non-blocking) and returns the
  // channel that owns the socket.
  static std::unique_ptr<TlsChannel> Handshake(UniqueFd fd, const TlsConfig& config,
                                               Deadline deadline);
  virtual ~TlsChannel() = default;

  // ReadSome reads at least one byte of application data into buf; returns 0 on a clean
  // close_notify (or EOF after one).
  virtual size_t ReadSome(std::span<uint8_t> buf, Deadline deadline) = 0;
  // WriteAll writes all of data.
  virtual void WriteAll(std::string_view data, Deadline deadline) = 0;
  // HasPending: decrypted bytes are buffered inside the TLS library (poll() will not see them).
  virtual bool HasPending() = 0;
  // Close sends close_notify, best effort within deadline; never throws.
  virtual void Close(Deadline deadline) noexcept = 0;
  virtual int fd() const = 0;
  virtual TlsLib lib() const = 0;
  // VersionName: "TLS1.2" / "TLS1.3".
  virtual std::string VersionName() = 0;
  // Binding computes this end's channel binding with e2esasl::channelbind.
  virtual channelbind::Result<channelbind::Bytes> Binding(channelbind::Type type) = 0;
  // BestType: tls-exporter where defined, else tls-unique.
  virtual channelbind::Result<channelbind::Type> BestType() = 0;
};

// LineChannel frames lines ("...\n", at most kMaxLine bytes) over a TlsChannel.
class LineChannel {
 public:
  static constexpr size_t kMaxLine = 64 * 1024;
  explicit LineChannel(std::unique_ptr<TlsChannel> tls) : tls_(std::move(tls)) {}

  // ReadLine returns the next line without its "\n" (a trailing "\r" is dropped too), or
  // std::nullopt on a clean close. Throws kProtocol for an over-long line or a NUL byte,
  // kConnectionLost for EOF inside a line, kTimeout.
  std::optional<std::string> ReadLine(Deadline deadline);
  // WriteLine writes line + "\n". line must not contain "\n".
  void WriteLine(std::string_view line, Deadline deadline);
  // Ready: a line (or EOF) can be read without waiting for the socket.
  bool Ready() { return buffer_.find('\n') != std::string::npos || tls_->HasPending(); }
  TlsChannel& tls() { return *tls_; }

 private:
  std::unique_ptr<TlsChannel> tls_;
  std::string buffer_;
};

namespace internal {
std::unique_ptr<TlsChannel> OpensslHandshake(UniqueFd fd, const TlsConfig& config,
                                             Deadline deadline);
std::unique_ptr<TlsChannel> GnutlsHandshake(UniqueFd fd, const TlsConfig& config,
                                            Deadline deadline);
}  // namespace internal

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_TLS_H_
