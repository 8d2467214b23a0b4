// handles.h: RAII owners for every foreign handle the libraries hold (OpenSSL, GnuTLS, POSIX file
// descriptors), one style: a std::unique_ptr with FreeWith<the C library's free function>, or a
// small class where the C type is not a pointer or needs more than a free. The only place that
// calls their *_free / *_deinit / close functions; a library with a handle of its own (Cyrus
// SASL's sasl_conn_t) names its owner with FreeWith / FreeAddressWith next to its code.
#ifndef E2ESASL_HANDLES_H_
#define E2ESASL_HANDLES_H_

#include <unistd.h>

#include <memory>
#include <utility>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace e2esasl {

// FreeWith is a unique_ptr deleter that calls Fn(p).
template <auto Fn>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};
// FreeAddressWith is a unique_ptr deleter for a C library whose release function takes the
// address of the pointer (sasl_dispose(&conn)).
template <auto Fn>
struct FreeAddressWith {
  template <typename T>
  void operator()(T* p) const {
    Fn(&p);
  }
};

// OpenSSL
using SslCtxPtr = std::unique_ptr<SSL_CTX, FreeWith<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, FreeWith<SSL_free>>;
using SslSessionPtr = std::unique_ptr<SSL_SESSION, FreeWith<SSL_SESSION_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, FreeWith<EVP_PKEY_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, FreeWith<ECDSA_SIG_free>>;
// EvpMdCtxPtr owns an EVP_MD_CTX (EVP_MD_CTX_new); null means allocation failed.
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>>;
// EvpMacPtr owns a fetched EVP_MAC (EVP_MAC_fetch).
using EvpMacPtr = std::unique_ptr<EVP_MAC, FreeWith<EVP_MAC_free>>;
// EvpMacCtxPtr owns an EVP_MAC_CTX (EVP_MAC_CTX_new / EVP_MAC_CTX_dup); freeing it cleanses the
// key material OpenSSL holds.
using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, FreeWith<EVP_MAC_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, FreeWith<BN_free>>;

// OpensslErrorMark sets a mark on OpenSSL's thread-local error queue and, on destruction, removes
// every error queued after it, so a failed call never leaves errors behind that would confuse
// the application's next SSL_get_error().
class OpensslErrorMark {
 public:
  OpensslErrorMark() { ERR_set_mark(); }
  OpensslErrorMark(const OpensslErrorMark&) = delete;
  OpensslErrorMark& operator=(const OpensslErrorMark&) = delete;
  ~OpensslErrorMark() { ERR_pop_to_mark(); }
};

// GnuTLS
using GnutlsSessionPtr = std::unique_ptr<gnutls_session_int, FreeWith<gnutls_deinit>>;
using GnutlsCredentialsPtr = std::unique_ptr<gnutls_certificate_credentials_st,
                                             FreeWith<gnutls_certificate_free_credentials>>;

// GnutlsFreeDeleter releases memory GnuTLS allocated for the caller (gnutls_free is a function
// pointer variable, not a function: no FreeWith).
struct GnutlsFreeDeleter {
  void operator()(void* p) const { gnutls_free(p); }
};
// GnutlsString owns a string GnuTLS allocated (gnutls_session_get_desc).
using GnutlsString = std::unique_ptr<char, GnutlsFreeDeleter>;

// GnutlsDatum owns a gnutls_datum_t whose data GnuTLS allocated (gnutls_session_channel_binding,
// session data, ticket keys); Reset and the destructor wipe the bytes, then gnutls_free() them.
class GnutlsDatum {
 public:
  GnutlsDatum() = default;
  GnutlsDatum(const GnutlsDatum&) = delete;
  GnutlsDatum& operator=(const GnutlsDatum&) = delete;
  ~GnutlsDatum() { Reset(); }
  // out: the address to hand to the GnuTLS call that fills the datum (what it held is released).
  gnutls_datum_t* out() {
    Reset();
    return &datum_;
  }
  const gnutls_datum_t& get() const { return datum_; }
  bool empty() const { return datum_.data == nullptr || datum_.size == 0; }
  void Reset() {
    if (datum_.data != nullptr) {
      OPENSSL_cleanse(datum_.data, datum_.size);
      gnutls_free(datum_.data);
    }
    datum_ = {nullptr, 0};
  }

 private:
  gnutls_datum_t datum_{nullptr, 0};
};

// GnutlsX509Crt owns a gnutls_x509_crt_t; Init() returns GnuTLS's error code (0 on success).
class GnutlsX509Crt {
 public:
  GnutlsX509Crt() = default;
  GnutlsX509Crt(const GnutlsX509Crt&) = delete;
  GnutlsX509Crt& operator=(const GnutlsX509Crt&) = delete;
  ~GnutlsX509Crt() {
    if (crt_ != nullptr) {
      gnutls_x509_crt_deinit(crt_);
    }
  }
  [[nodiscard]] int Init() { return crt_ == nullptr ? gnutls_x509_crt_init(&crt_) : 0; }
  gnutls_x509_crt_t get() const { return crt_; }

 private:
  gnutls_x509_crt_t crt_ = nullptr;
};

// POSIX

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

}  // namespace e2esasl

#endif  // E2ESASL_HANDLES_H_
