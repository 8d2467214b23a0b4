// gnutls_backend.cc: channel bindings from a GnuTLS 3.7 session (FromGnutls, BestTypeGnutls).
//
// Renegotiation: GnuTLS never renegotiates on its own. A peer's HelloRequest / ClientHello shows
// up as GNUTLS_E_REHANDSHAKE and a new handshake only happens when the application calls
// gnutls_handshake() (or gnutls_rehandshake()) again, which an application using bindings must not
// do. So, unlike the OpenSSL backend, there is no renegotiation check here.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "e2esasl/channelbind.h"
#include "e2esasl/handles.h"
#include "internal.h"

namespace e2esasl::channelbind {
namespace {

using internal::MakeError;
using internal::SessionFacts;
using internal::SignatureHash;

// LibraryError reports a failed GnuTLS call with GnuTLS's text for code.
Error LibraryError(const char* what, int code) {
  return MakeError(ErrorCode::kLibraryError,
                   std::string(what) + " failed: " + gnutls_strerror(code));
}

// Facts checks that session carries a completed TLS 1.2 / 1.3 handshake and reads what
// CheckRules needs.
Result<SessionFacts> Facts(gnutls_session_t session, Role role) {
  if (session == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "the GnuTLS session is null");
  }
  if (role != Role::kClient && role != Role::kServer) {
    return MakeError(ErrorCode::kInvalidArgument, "unknown Role");
  }
  // gnutls_session_get_desc returns NULL exactly while the initial handshake has not completed
  // (it is GnuTLS's only public view of that state); it allocates, so release the string.
  if (GnutlsString desc(gnutls_session_get_desc(session)); desc == nullptr) {
    return MakeError(ErrorCode::kHandshakeIncomplete,
                     "the TLS handshake has not completed (gnutls_session_get_desc)");
  }
  SessionFacts facts;
  const gnutls_protocol_t version = gnutls_protocol_get_version(session);
  if (version != GNUTLS_TLS1_2 && version != GNUTLS_TLS1_3) {
    const char* name = gnutls_protocol_get_name(version);
    return MakeError(ErrorCode::kUnsupportedProtocol,
                     std::string("channel bindings need TLS 1.2 or TLS 1.3; this session uses ") +
                         (name != nullptr ? name : "an unknown protocol"));
  }
  facts.protocol =
      version == GNUTLS_TLS1_3 ? internal::Protocol::kTls13 : internal::Protocol::kTls12;
  // Meaningless on TLS 1.3 (CheckRules ignores it there).
  facts.extended_master_secret = gnutls_session_ext_master_secret_status(session) != 0;
  facts.renegotiation_possible = false;  // see the comment at the top of this file
  return facts;
}

// TlsUnique: RFC 5929 s3.1; GnuTLS picks the right Finished for role and resumption itself.
Result<Bytes> TlsUnique(gnutls_session_t session) {
  GnutlsDatum cb;
  if (int rc = gnutls_session_channel_binding(session, GNUTLS_CB_TLS_UNIQUE, cb.out()); rc < 0) {
    return LibraryError("tls-unique: gnutls_session_channel_binding", rc);
  }
  if (cb.get().data == nullptr || cb.get().size == 0) {
    return MakeError(ErrorCode::kLibraryError, "tls-unique: GnuTLS returned no Finished message");
  }
  return Bytes(cb.get().data, cb.get().data + cb.get().size);
}

// TlsExporter: RFC 9266 s2, TLS-Exporter("EXPORTER-Channel-Binding", "", 32). A non-NULL context
// of size 0 is the EMPTY context (on TLS 1.2 GnuTLS then hashes a zero length prefix, as OpenSSL
// does with use_context = 1); a NULL context would be "no context", a different value.
Result<Bytes> TlsExporter(gnutls_session_t session) {
  Bytes out(internal::kExporterLength);
  static constexpr char kEmptyContext[1] = {0};
  if (int rc = gnutls_prf_rfc5705(session, internal::kExporterLabel.size(),
                                  internal::kExporterLabel.data(), 0, kEmptyContext, out.size(),
                                  reinterpret_cast<char*>(out.data()));
      rc < 0) {
    return LibraryError("tls-exporter: gnutls_prf_rfc5705", rc);
  }
  return out;
}

SignatureHash FromDigest(gnutls_digest_algorithm_t digest) {
  switch (digest) {
    case GNUTLS_DIG_MD5:
      return SignatureHash::kMd5;
    case GNUTLS_DIG_SHA1:
      return SignatureHash::kSha1;
    case GNUTLS_DIG_SHA224:
      return SignatureHash::kSha224;
    case GNUTLS_DIG_SHA256:
      return SignatureHash::kSha256;
    case GNUTLS_DIG_SHA384:
      return SignatureHash::kSha384;
    case GNUTLS_DIG_SHA512:
      return SignatureHash::kSha512;
    case GNUTLS_DIG_SHA3_224:
      return SignatureHash::kSha3_224;
    case GNUTLS_DIG_SHA3_256:
      return SignatureHash::kSha3_256;
    case GNUTLS_DIG_SHA3_384:
      return SignatureHash::kSha3_384;
    case GNUTLS_DIG_SHA3_512:
      return SignatureHash::kSha3_512;
    default:
      return SignatureHash::kUnknown;
  }
}

// SignatureHashOf parses der and reads its signature hash. For RSA-PSS GnuTLS reports
// GNUTLS_SIGN_RSA_PSS_SHA*, whose hash is the PSS hash; EdDSA is reported as such, never as the
// SHA-512 / SHAKE256 GnuTLS associates with it.
Result<SignatureHash> SignatureHashOf(const gnutls_datum_t& der) {
  GnutlsX509Crt crt;
  if (int rc = crt.Init(); rc < 0) {
    return LibraryError("tls-server-end-point: gnutls_x509_crt_init", rc);
  }
  if (int rc = gnutls_x509_crt_import(crt.get(), &der, GNUTLS_X509_FMT_DER); rc < 0) {
    return LibraryError("tls-server-end-point: gnutls_x509_crt_import", rc);
  }
  const int sign = gnutls_x509_crt_get_signature_algorithm(crt.get());
  if (sign < 0) {
    return SignatureHash::kUnknown;
  }
  switch (static_cast<gnutls_sign_algorithm_t>(sign)) {
    case GNUTLS_SIGN_EDDSA_ED25519:
      return SignatureHash::kEd25519;
    case GNUTLS_SIGN_EDDSA_ED448:
      return SignatureHash::kEd448;
    default:
      return FromDigest(gnutls_sign_get_hash_algorithm(static_cast<gnutls_sign_algorithm_t>(sign)));
  }
}

// ServerCertificate finds the DER of the server certificate of this session, or says why not.
// The returned datum points into GnuTLS's session or credentials, or into options.
Result<gnutls_datum_t> ServerCertificate(gnutls_session_t session, Role role,
                                         const Options& options) {
  if (gnutls_auth_get_type(session) != GNUTLS_CRD_CERTIFICATE) {
    return MakeError(ErrorCode::kNoCertificate,
                     "tls-server-end-point needs a server certificate; this session "
                     "authenticated the server without one");
  }
  if (gnutls_certificate_type_get2(session, GNUTLS_CTYPE_SERVER) != GNUTLS_CRT_X509) {
    return MakeError(ErrorCode::kUndefinedForCertificate,
                     "tls-server-end-point is defined for X.509 server certificates only");
  }
  if (role == Role::kClient) {
    unsigned int count = 0;
    const gnutls_datum_t* peers = gnutls_certificate_get_peers(session, &count);
    if (peers == nullptr || count == 0) {
      return MakeError(ErrorCode::kNoCertificate,
                       "tls-server-end-point: the server sent no certificate");
    }
    return peers[0];
  }
  if (const gnutls_datum_t* ours = gnutls_certificate_get_ours(session); ours != nullptr) {
    return *ours;
  }
  // GnuTLS forgets the server's own certificate on a resumed session.
  if (gnutls_session_is_resumed(session) == 0) {
    return MakeError(ErrorCode::kNoCertificate,
                     "tls-server-end-point: this server sent no certificate");
  }
  if (!options.server_certificate_der.empty()) {
    return gnutls_datum_t{const_cast<unsigned char*>(options.server_certificate_der.data()),
                          static_cast<unsigned int>(options.server_certificate_der.size())};
  }
  void* raw_cred = nullptr;
  if (gnutls_credentials_get(session, GNUTLS_CRD_CERTIFICATE, &raw_cred) < 0 ||
      raw_cred == nullptr) {
    return MakeError(ErrorCode::kNoCertificate,
                     "tls-server-end-point: resumed GnuTLS server session without certificate "
                     "credentials; pass Options::server_certificate_der");
  }
  auto cred = static_cast<gnutls_certificate_credentials_t>(raw_cred);
  gnutls_datum_t der{nullptr, 0};
  gnutls_datum_t second{nullptr, 0};
  if (gnutls_certificate_get_crt_raw(cred, 0, 0, &der) < 0 ||
      gnutls_certificate_get_crt_raw(cred, 1, 0, &second) >= 0) {
    return MakeError(ErrorCode::kNoCertificate,
                     "tls-server-end-point: GnuTLS does not report a resumed server session's "
                     "certificate and the credentials do not hold exactly one; pass "
                     "Options::server_certificate_der");
  }
  return der;
}

Result<Bytes> TlsServerEndPoint(gnutls_session_t session, Role role, const Options& options) {
  if (options.server_certificate_der.size() > UINT32_MAX) {
    return MakeError(ErrorCode::kInvalidArgument, "Options::server_certificate_der is too large");
  }
  Result<gnutls_datum_t> der = ServerCertificate(session, role, options);
  if (!der) {
    return der.error();
  }
  Result<SignatureHash> hash = SignatureHashOf(der.value());
  if (!hash) {
    return hash.error();
  }
  return internal::ServerEndPoint(std::span<const uint8_t>(der.value().data, der.value().size),
                                  hash.value(), options);
}

}  // namespace

Result<Bytes> FromGnutls(gnutls_session_t session, Role role, Type type, const Options& options) {
  Result<SessionFacts> facts = Facts(session, role);
  if (!facts) {
    return facts.error();
  }
  if (std::optional<Error> refusal = internal::CheckRules(type, facts.value(), options)) {
    return std::move(*refusal);
  }
  switch (type) {
    case Type::kTlsUnique:
      return TlsUnique(session);
    case Type::kTlsExporter:
      return TlsExporter(session);
    case Type::kTlsServerEndPoint:
      return TlsServerEndPoint(session, role, options);
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown channel-binding type");
}

Result<Type> BestTypeGnutls(gnutls_session_t session, Role role, const Options& options) {
  Result<SessionFacts> facts = Facts(session, role);
  if (!facts) {
    return facts.error();
  }
  return internal::PickBestType(
      [&](Type type) { return internal::CheckRules(type, facts.value(), options); });
}

}  // namespace e2esasl::channelbind
