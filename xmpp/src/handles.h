// handles.h: RAII owners for the foreign handles of the XMPP core (OpenSSL, GnuTLS, Cyrus SASL).
// The only file of xmpp/src that calls their *_free / deinit / dispose functions.
#ifndef E2ESASL_XMPP_HANDLES_H_
#define E2ESASL_XMPP_HANDLES_H_

#include <memory>

#include <gnutls/gnutls.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sasl/sasl.h>

namespace e2esasl::xmpp {

template <auto Fn>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};

using SslCtxPtr = std::unique_ptr<SSL_CTX, FreeWith<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, FreeWith<SSL_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, FreeWith<BN_free>>;
using GnutlsSessionPtr = std::unique_ptr<gnutls_session_int, FreeWith<gnutls_deinit>>;
using GnutlsCredentialsPtr = std::unique_ptr<gnutls_certificate_credentials_st,
                                             FreeWith<gnutls_certificate_free_credentials>>;

struct SaslConnDeleter {
  void operator()(sasl_conn_t* conn) const { sasl_dispose(&conn); }
};
using SaslConnPtr = std::unique_ptr<sasl_conn_t, SaslConnDeleter>;

}  // namespace e2esasl::xmpp

#endif  // E2ESASL_XMPP_HANDLES_H_
