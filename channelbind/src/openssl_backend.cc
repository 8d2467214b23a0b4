// openssl_backend.cc: channel bindings from an OpenSSL 3 connection (FromOpenssl,
// BestTypeOpenssl).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "e2esasl/channelbind.h"
#include "e2esasl/handles.h"
#include "internal.h"

namespace e2esasl::channelbind {
namespace {

using internal::MakeError;
using internal::SessionFacts;
using internal::SignatureHash;

// LibraryError reports a failed OpenSSL call with OpenSSL's newest error text (if any).
Error LibraryError(const char* what) {
  std::string message = std::string(what) + " failed";
  unsigned long code = ERR_peek_last_error();
  if (code != 0) {
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    message += ": ";
    message += text.data();
  }
  return MakeError(ErrorCode::kLibraryError, std::move(message));
}

// Facts checks that ssl carries a completed TLS 1.2 / 1.3 handshake and reads what CheckRules
// needs.
Result<SessionFacts> Facts(SSL* ssl) {
  if (ssl == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "the SSL connection is null");
  }
  if (SSL_is_init_finished(ssl) != 1) {
    return MakeError(ErrorCode::kHandshakeIncomplete,
                     "the TLS handshake has not completed (SSL_is_init_finished)");
  }
  SessionFacts facts;
  const int version = SSL_version(ssl);
  if (SSL_is_dtls(ssl) == 1 || (version != TLS1_2_VERSION && version != TLS1_3_VERSION)) {
    return MakeError(ErrorCode::kUnsupportedProtocol,
                     "channel bindings need TLS 1.2 or TLS 1.3; this connection uses " +
                         std::string(SSL_get_version(ssl)));
  }
  facts.protocol =
      version == TLS1_3_VERSION ? internal::Protocol::kTls13 : internal::Protocol::kTls12;
  // SSL_get_extms_support: 1 with EMS, 0 without, -1 without a session. Meaningless on TLS 1.3,
  // where CheckRules ignores it.
  facts.extended_master_secret = SSL_get_extms_support(ssl) == 1;
  // A client renegotiates when the server asks unless SSL_OP_NO_RENEGOTIATION; a server accepts a
  // client's renegotiation only with SSL_OP_ALLOW_CLIENT_RENEGOTIATION (and without
  // SSL_OP_NO_RENEGOTIATION).
  const uint64_t options = SSL_get_options(ssl);
  const bool no_renegotiation = (options & SSL_OP_NO_RENEGOTIATION) != 0;
  if (SSL_is_server(ssl) == 1) {
    facts.renegotiation_possible =
        (options & SSL_OP_ALLOW_CLIENT_RENEGOTIATION) != 0 && !no_renegotiation;
  } else {
    facts.renegotiation_possible = !no_renegotiation;
  }
  return facts;
}

// TlsUnique: RFC 5929 s3.1, "the first TLS Finished message sent (note: the Finished struct, not
// the TLS record layer message containing it) in the most recent TLS handshake": the client's in
// a full handshake, the server's in a resumed one. So our own Finished exactly when
// is_server == session_reused.
Result<Bytes> TlsUnique(SSL* ssl) {
  std::array<uint8_t, internal::kMaxFinishedLength> finished{};
  const bool own = (SSL_is_server(ssl) == 1) == (SSL_session_reused(ssl) == 1);
  const size_t len = own ? SSL_get_finished(ssl, finished.data(), finished.size())
                         : SSL_get_peer_finished(ssl, finished.data(), finished.size());
  if (len == 0 || len > finished.size()) {
    OPENSSL_cleanse(finished.data(), finished.size());
    return MakeError(ErrorCode::kLibraryError,
                     "tls-unique: OpenSSL has no Finished message for this handshake");
  }
  Bytes out(finished.begin(), finished.begin() + static_cast<std::ptrdiff_t>(len));
  OPENSSL_cleanse(finished.data(), finished.size());
  return out;
}

// TlsExporter: RFC 9266 s2, TLS-Exporter("EXPORTER-Channel-Binding", "", 32) with an EMPTY (not
// absent) context: use_context = 1, on TLS 1.2 the two differ.
Result<Bytes> TlsExporter(SSL* ssl) {
  Bytes out(internal::kExporterLength);
  static constexpr unsigned char kEmptyContext[1] = {0};
  OpensslErrorMark mark;
  if (SSL_export_keying_material(ssl, out.data(), out.size(), internal::kExporterLabel.data(),
                                 internal::kExporterLabel.size(), kEmptyContext, 0,
                                 /*use_context=*/1) != 1) {
    return LibraryError("tls-exporter: SSL_export_keying_material");
  }
  return out;
}

// SignatureHashOf reads the hash of cert's signature; RSA-PSS yields its PSS hash
// (X509_get_signature_info; OBJ_find_sigid_algs gives NID_undef for PSS).
SignatureHash SignatureHashOf(X509* cert) {
  int md_nid = NID_undef;
  int pk_nid = NID_undef;
  OpensslErrorMark mark;
  if (X509_get_signature_info(cert, &md_nid, &pk_nid, nullptr, nullptr) != 1) {
    return SignatureHash::kUnknown;
  }
  switch (pk_nid) {
    case NID_ED25519:
      return SignatureHash::kEd25519;
    case NID_ED448:
      return SignatureHash::kEd448;
    default:
      break;
  }
  switch (md_nid) {
    case NID_md5:
      return SignatureHash::kMd5;
    case NID_sha1:
      return SignatureHash::kSha1;
    case NID_sha224:
      return SignatureHash::kSha224;
    case NID_sha256:
      return SignatureHash::kSha256;
    case NID_sha384:
      return SignatureHash::kSha384;
    case NID_sha512:
      return SignatureHash::kSha512;
    case NID_sha3_224:
      return SignatureHash::kSha3_224;
    case NID_sha3_256:
      return SignatureHash::kSha3_256;
    case NID_sha3_384:
      return SignatureHash::kSha3_384;
    case NID_sha3_512:
      return SignatureHash::kSha3_512;
    default:
      return SignatureHash::kUnknown;
  }
}

// OnlyConfiguredCertificate returns the server connection's certificate when exactly one is
// configured (one key type), else nullptr. It walks the connection's certificates with
// SSL_set_current_cert and puts the current one back as it was.
X509* OnlyConfiguredCertificate(SSL* ssl) {
  X509* const current = SSL_get_certificate(ssl);
  X509* only = nullptr;
  int count = 0;
  for (long op = SSL_CERT_SET_FIRST; SSL_set_current_cert(ssl, op) == 1; op = SSL_CERT_SET_NEXT) {
    only = SSL_get_certificate(ssl);
    ++count;
  }
  for (long op = SSL_CERT_SET_FIRST;
       SSL_get_certificate(ssl) != current && SSL_set_current_cert(ssl, op) == 1;
       op = SSL_CERT_SET_NEXT) {
  }
  return count == 1 ? only : nullptr;
}

// OwnCertificate returns the certificate this server presented (a borrowed pointer, or one
// parsed from options.server_certificate_der into *parsed). In a full handshake OpenSSL makes the
// presented certificate the connection's current one. A resumed handshake presents none and
// leaves the current one as configured: with several certificates (RSA and ECDSA) that is the
// last one loaded, not necessarily the one the original handshake presented (TLS 1.2 and 1.3;
// tests/channelbind/known_answer_test.cc testEndPointSeveralServerCertificates). So a resumed
// server uses options.server_certificate_der, else its only certificate, else refuses.
Result<X509*> OwnCertificate(SSL* ssl, const Options& options, X509Ptr* parsed) {
  if (SSL_session_reused(ssl) != 1) {
    X509* cert = SSL_get_certificate(ssl);
    if (cert == nullptr) {
      return MakeError(ErrorCode::kNoCertificate,
                       "tls-server-end-point needs a server certificate; this connection has none");
    }
    return cert;
  }
  if (!options.server_certificate_der.empty()) {
    const unsigned char* cursor = options.server_certificate_der.data();
    parsed->reset(
        d2i_X509(nullptr, &cursor, static_cast<long>(options.server_certificate_der.size())));
    if (!*parsed ||
        cursor != options.server_certificate_der.data() + options.server_certificate_der.size()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "Options::server_certificate_der is not one DER certificate");
    }
    return parsed->get();
  }
  if (X509* only = OnlyConfiguredCertificate(ssl); only != nullptr) {
    return only;
  }
  return MakeError(
      ErrorCode::kNoCertificate,
      "tls-server-end-point: this resumed OpenSSL server session does not say which of "
      "its several certificates the original handshake presented; pass "
      "Options::server_certificate_der");
}

// TlsServerEndPoint hashes the server certificate: the peer's on a client, our own on a server.
Result<Bytes> TlsServerEndPoint(SSL* ssl, const Options& options) {
  OpensslErrorMark mark;
  // TLS 1.2 PSK, SRP and anonymous suites send no server certificate, even when one is loaded.
  // (A TLS 1.3 server cannot tell an external PSK from a resumption here: both are "reused".)
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  if (cipher != nullptr) {
    const int auth = SSL_CIPHER_get_auth_nid(cipher);
    if (auth == NID_auth_psk || auth == NID_auth_srp || auth == NID_auth_null) {
      return MakeError(ErrorCode::kNoCertificate,
                       "tls-server-end-point needs a server certificate; this cipher suite "
                       "authenticates the server without one");
    }
  }
  X509Ptr parsed;
  X509* cert = nullptr;
  if (SSL_is_server(ssl) == 1) {
    Result<X509*> own = OwnCertificate(ssl, options, &parsed);
    if (!own) {
      return own.error();
    }
    cert = own.value();
  } else {
    cert = SSL_get0_peer_certificate(ssl);
  }
  if (cert == nullptr) {
    return MakeError(ErrorCode::kNoCertificate,
                     "tls-server-end-point needs a server certificate; this connection has none");
  }
  const int der_len = i2d_X509(cert, nullptr);
  if (der_len <= 0) {
    return LibraryError("tls-server-end-point: i2d_X509");
  }
  Bytes der(static_cast<size_t>(der_len));
  unsigned char* cursor = der.data();
  if (i2d_X509(cert, &cursor) != der_len) {
    return LibraryError("tls-server-end-point: i2d_X509");
  }
  return internal::ServerEndPoint(der, SignatureHashOf(cert), options);
}

}  // namespace

Result<Bytes> FromOpenssl(SSL* ssl, Type type, const Options& options) {
  Result<SessionFacts> facts = Facts(ssl);
  if (!facts) {
    return facts.error();
  }
  if (std::optional<Error> refusal = internal::CheckRules(type, facts.value(), options)) {
    return std::move(*refusal);
  }
  switch (type) {
    case Type::kTlsUnique:
      return TlsUnique(ssl);
    case Type::kTlsExporter:
      return TlsExporter(ssl);
    case Type::kTlsServerEndPoint:
      return TlsServerEndPoint(ssl, options);
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown channel-binding type");
}

Result<Type> BestTypeOpenssl(SSL* ssl, const Options& options) {
  Result<SessionFacts> facts = Facts(ssl);
  if (!facts) {
    return facts.error();
  }
  return internal::PickBestType(
      [&](Type type) { return internal::CheckRules(type, facts.value(), options); });
}

}  // namespace e2esasl::channelbind
