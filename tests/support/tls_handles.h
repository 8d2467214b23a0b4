// tls_handles.h: RAII owners for the OpenSSL, GnuTLS and POSIX handles the tests use. The only
// place in tests/ that calls *_free, gnutls_deinit or close.
#ifndef E2ESASL_TESTS_SUPPORT_TLS_HANDLES_H_
#define E2ESASL_TESTS_SUPPORT_TLS_HANDLES_H_

#include <unistd.h>

#include <memory>
#include <utility>

#include <gnutls/gnutls.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace e2esasl::testing {

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
using SslSessionPtr = std::unique_ptr<SSL_SESSION, FreeWith<SSL_SESSION_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, FreeWith<BN_free>>;

using GnutlsSessionPtr = std::unique_ptr<gnutls_session_int, FreeWith<gnutls_deinit>>;
using GnutlsCertCredentialsPtr = std::unique_ptr<gnutls_certificate_credentials_st,
                                                 FreeWith<gnutls_certificate_free_credentials>>;

// GnutlsDatum owns a gnutls_datum_t whose data GnuTLS allocated; released with gnutls_free.
class GnutlsDatum {
 public:
  GnutlsDatum() = default;
  GnutlsDatum(const GnutlsDatum&) = delete;
  GnutlsDatum& operator=(const GnutlsDatum&) = delete;
  ~GnutlsDatum() { Reset(); }
  gnutls_datum_t* out() {
    Reset();
    return &datum_;
  }
  const gnutls_datum_t* get() const { return &datum_; }
  bool empty() const { return datum_.data == nullptr || datum_.size == 0; }
  void Reset() {
    if (datum_.data != nullptr) {
      gnutls_free(datum_.data);
    }
    datum_ = {nullptr, 0};
  }

 private:
  gnutls_datum_t datum_{nullptr, 0};
};

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
  ~UniqueFd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace e2esasl::testing

#endif  // E2ESASL_TESTS_SUPPORT_TLS_HANDLES_H_
