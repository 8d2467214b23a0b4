// handles.h: RAII owners for every foreign handle e2e-demo uses (OpenSSL, GnuTLS, Cyrus SASL,
// POSIX file descriptors). The only file of client-demo/ that calls *_free, gnutls_deinit,
// sasl_dispose or close.
#ifndef E2ESASL_CLIENT_DEMO_HANDLES_H_
#define E2ESASL_CLIENT_DEMO_HANDLES_H_

#include <unistd.h>

#include <memory>
#include <utility>

#include <gnutls/gnutls.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sasl/sasl.h>

namespace e2esasl::demo {

// FreeWith is a unique_ptr deleter that calls Fn.
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

// SaslConnDeleter disposes a sasl_conn_t (sasl_dispose takes a pointer to the pointer).
struct SaslConnDeleter {
  void operator()(sasl_conn_t* conn) const { sasl_dispose(&conn); }
};
using SaslConnPtr = std::unique_ptr<sasl_conn_t, SaslConnDeleter>;

// UniqueFd owns a file descriptor; -1 means none.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Release gives up ownership and returns the descriptor.
  int Release() { return std::exchange(fd_, -1); }
  void Reset() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_HANDLES_H_
