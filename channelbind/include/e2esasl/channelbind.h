// e2esasl/channelbind.h: TLS channel bindings (RFC 5929, RFC 9266) from live OpenSSL and GnuTLS
// connections, ready to hand to Cyrus SASL.
//
// An application that runs SASL inside TLS asks this library for the channel binding of its
// connection and passes it to libsasl2 with sasl_setprop(conn, SASL_CHANNEL_BINDING, ...). A party
// that terminates TLS in the middle holds two different channels, so the bindings differ and a
// channel-bound SASL mechanism fails instead of silently succeeding.
//
// Rules enforced here (see docs/channel-binding.md):
//  - tls-unique: TLS <= 1.2 only, and only with Extended Master Secret (RFC 7627); the first
//    Finished of the latest handshake (client's in a full handshake, server's when resumed).
//  - tls-exporter: RFC 5705 exporter, label "EXPORTER-Channel-Binding", EMPTY context, 32 bytes;
//    on TLS 1.2 only with Extended Master Secret.
//  - tls-server-end-point: hash of the server certificate DER with its signature hash, MD5/SHA-1
//    replaced by SHA-256; RSA-PSS uses its PSS hash; EdDSA follows Options::eddsa_policy.
//  - On TLS <= 1.2 a connection whose peer can trigger a renegotiation is refused unless
//    Options::allow_renegotiation (renegotiation would change the binding mid-authentication).
// Every function is thread-compatible: it only reads the session it is given.
#ifndef E2ESASL_CHANNELBIND_H_
#define E2ESASL_CHANNELBIND_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <gnutls/gnutls.h>
#include <openssl/ssl.h>
#include <sasl/sasl.h>

// E2ESASL_CB_EXPORT marks the public API (default visibility while the library itself builds, with
// E2ESASL_CHANNELBIND_BUILD defined; empty for users).
#ifndef E2ESASL_CB_EXPORT
#if defined(E2ESASL_CHANNELBIND_BUILD) && defined(__GNUC__)
#define E2ESASL_CB_EXPORT __attribute__((visibility("default")))
#else
#define E2ESASL_CB_EXPORT
#endif
#endif

namespace e2esasl::channelbind {

// Type is a channel-binding type of RFC 5929 / RFC 9266.
enum class Type { kTlsUnique, kTlsExporter, kTlsServerEndPoint };

// TypeName returns the registered name: "tls-unique", "tls-exporter", "tls-server-end-point".
E2ESASL_CB_EXPORT std::string_view TypeName(Type type);
// ParseType maps a registered name back to its Type; std::nullopt for any other string.
E2ESASL_CB_EXPORT std::optional<Type> ParseType(std::string_view name);

// ErrorCode says precisely why a binding could not be produced.
enum class ErrorCode {
  kUndefinedOnTls13,         // tls-unique asked on TLS 1.3 (RFC 9266 s3)
  kNoExtendedMasterSecret,   // TLS 1.2 without EMS: tls-unique / tls-exporter unsafe (RFC 7627)
  kHandshakeIncomplete,      // no finished handshake on this session yet
  kUndefinedForCertificate,  // tls-server-end-point undefined for this certificate's signature
  kNoCertificate,            // tls-server-end-point but no server certificate on this connection
  kRenegotiationPossible,    // TLS <= 1.2 and the peer can renegotiate (binding could change)
  kUnsupportedProtocol,      // protocol older than TLS 1.2 (or not TLS at all)
  kInvalidArgument,          // null session, unknown type, bad option
  kLibraryError,             // the TLS library failed; message carries its text
};

// ErrorCodeName returns a stable identifier for code, e.g. "undefined-on-tls13".
E2ESASL_CB_EXPORT std::string_view ErrorCodeName(ErrorCode code);

// Error is a failure with a human-readable message that names the rule that refused (never any
// secret or binding bytes).
struct Error {
  ErrorCode code;
  std::string message;
};

// Result<T> holds either a value or an Error.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  // value / error: precondition ok() / !ok(); std::bad_variant_access otherwise.
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

using Bytes = std::vector<uint8_t>;

// EddsaPolicy decides tls-server-end-point for Ed25519/Ed448 certificates, which RFC 5929 leaves
// undefined and implementations disagree on. kRefuse (the default) fails with
// kUndefinedForCertificate so two peers never silently compute different values.
enum class EddsaPolicy {
  kRefuse,
  kSha256,  // OpenLDAP's choice
  kSha512,  // GnuTLS's choice for Ed25519
};

// Options tunes the rules above; the defaults are the safe ones.
struct Options {
  EddsaPolicy eddsa_policy = EddsaPolicy::kRefuse;
  bool allow_renegotiation = false;
  // Servers, resumed sessions only: DER of the certificate this server presented. GnuTLS cannot
  // report its own certificate on a resumed session, and OpenSSL reports the last one configured,
  // which with several certificates (e.g. RSA and ECDSA) need not be the one presented. When
  // empty, the library uses the server's only configured certificate, and fails kNoCertificate
  // when it has several. Not one DER certificate (OpenSSL): kInvalidArgument.
  std::span<const uint8_t> server_certificate_der;
};

// Role is which end of the connection the GnuTLS session is (GnuTLS does not expose it).
enum class Role { kClient, kServer };

// FromOpenssl returns the binding of the given type for a connection whose handshake completed.
// The role comes from SSL_is_server(ssl). Never throws except std::bad_alloc.
E2ESASL_CB_EXPORT Result<Bytes> FromOpenssl(SSL* ssl, Type type, const Options& options = {});
// FromGnutls is FromOpenssl for a GnuTLS session.
E2ESASL_CB_EXPORT Result<Bytes> FromGnutls(gnutls_session_t session, Role role, Type type,
                                           const Options& options = {});

// BestTypeOpenssl picks the type to use on this connection: tls-exporter where it is defined
// (TLS 1.3, or TLS 1.2 with EMS), else tls-unique (where defined); an Error when neither is.
E2ESASL_CB_EXPORT Result<Type> BestTypeOpenssl(SSL* ssl, const Options& options = {});
E2ESASL_CB_EXPORT Result<Type> BestTypeGnutls(gnutls_session_t session, Role role,
                                              const Options& options = {});

// SaslChannelBinding owns a ready sasl_channel_binding_t and the bytes it points to. The pointer
// from get() stays valid as long as this object lives and is not moved from; libsasl2 stores only
// the pointer (sasl_setprop(conn, SASL_CHANNEL_BINDING, cb.get())), so keep this object alive for
// the whole SASL exchange.
class E2ESASL_CB_EXPORT SaslChannelBinding {
 public:
  // Standard makes the standard form: name = TypeName(type), data = the binding bytes. Empty
  // data (a binding of nothing binds nothing) is an Error with kInvalidArgument.
  static Result<SaslChannelBinding> Standard(Type type, Bytes data, bool critical);
  // OpenLdap makes OpenLDAP 2.5's form: name "ldap", data "tls-unique:" or
  // "tls-server-end-point:" followed by the binding bytes. OpenLDAP has no tls-exporter form:
  // an Error with kInvalidArgument for it, and for empty binding bytes.
  static Result<SaslChannelBinding> OpenLdap(Type type, Bytes data, bool critical);

  SaslChannelBinding(SaslChannelBinding&& other) noexcept;
  SaslChannelBinding& operator=(SaslChannelBinding&& other) noexcept;
  SaslChannelBinding(const SaslChannelBinding&) = delete;
  SaslChannelBinding& operator=(const SaslChannelBinding&) = delete;
  ~SaslChannelBinding();  // wipes the data

  const sasl_channel_binding_t* get() const { return &cb_; }
  std::string_view name() const { return name_; }
  std::span<const uint8_t> data() const { return data_; }
  bool critical() const { return cb_.critical != 0; }

 private:
  SaslChannelBinding(std::string name, Bytes data, bool critical);
  void Point();
  std::string name_;
  Bytes data_;
  sasl_channel_binding_t cb_{};
};

// ConfigureOpensslContext makes every connection from ctx safe for channel binding: Extended
// Master Secret required on TLS 1.2 (OpenSSL sends it by default; this clears SSL_OP_NO_EXTENDED_
// MASTER_SECRET), renegotiation disabled (SSL_OP_NO_RENEGOTIATION, client renegotiation refused),
// minimum TLS 1.2. Returns an Error (kLibraryError, with OpenSSL's text) if a setting is refused.
E2ESASL_CB_EXPORT Result<std::monostate> ConfigureOpensslContext(SSL_CTX* ctx);
// ConfigureOpenssl is the same for one connection.
E2ESASL_CB_EXPORT Result<std::monostate> ConfigureOpenssl(SSL* ssl);
// kGnutlsSafePriority is a GnuTLS priority string for binding-safe sessions: GnuTLS's NORMAL
// defaults with TLS >= 1.2. GnuTLS offers and accepts Extended Master Secret by default, but 3.7.9
// has no priority keyword that makes it mandatory ("%FORCE_EXTMS" is a syntax error there), so a
// TLS 1.2 peer without EMS still connects and FromGnutls then refuses tls-unique / tls-exporter
// with kNoExtendedMasterSecret. GnuTLS never renegotiates unless the application calls
// gnutls_handshake() again on GNUTLS_E_REHANDSHAKE or gnutls_rehandshake(): an application using
// bindings must not.
inline constexpr const char* kGnutlsSafePriority = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
// ConfigureGnutls sets kGnutlsSafePriority on session (kLibraryError with GnuTLS's text on
// failure).
E2ESASL_CB_EXPORT Result<std::monostate> ConfigureGnutls(gnutls_session_t session);

}  // namespace e2esasl::channelbind

#endif  // E2ESASL_CHANNELBIND_H_
