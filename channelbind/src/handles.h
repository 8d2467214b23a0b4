// handles.h: RAII owners for the foreign handles libchannelbind touches. The only place in
// channelbind/ that calls a *_free / *_deinit function.
#ifndef E2ESASL_CHANNELBIND_SRC_HANDLES_H_
#define E2ESASL_CHANNELBIND_SRC_HANDLES_H_

#include <cstddef>
#include <memory>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

namespace e2esasl::channelbind::internal {

// GnutlsFreeDeleter releases memory GnuTLS allocated for the caller (gnutls_session_get_desc).
struct GnutlsFreeDeleter {
  void operator()(void* p) const { gnutls_free(p); }
};
using GnutlsString = std::unique_ptr<char, GnutlsFreeDeleter>;

// GnutlsDatum owns a gnutls_datum_t whose data GnuTLS allocated (gnutls_session_channel_binding);
// the destructor wipes the bytes, then gnutls_free()s them.
class GnutlsDatum {
 public:
  GnutlsDatum() = default;
  GnutlsDatum(const GnutlsDatum&) = delete;
  GnutlsDatum& operator=(const GnutlsDatum&) = delete;
  ~GnutlsDatum() {
    if (datum_.data != nullptr) {
      OPENSSL_cleanse(datum_.data, datum_.size);
      gnutls_free(datum_.data);
    }
  }
  // out is the address to hand to the GnuTLS call that fills the datum (once).
  gnutls_datum_t* out() { return &datum_; }
  const gnutls_datum_t& get() const { return datum_; }

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

// X509Deleter / X509Ptr own an OpenSSL X509 (X509_free).
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

// OpensslErrorMark sets a mark on OpenSSL's thread-local error queue and, on destruction, removes
// every error queued after it, so a failed call here never leaves errors behind that would confuse
// the application's next SSL_get_error().
class OpensslErrorMark {
 public:
  OpensslErrorMark() { ERR_set_mark(); }
  OpensslErrorMark(const OpensslErrorMark&) = delete;
  OpensslErrorMark& operator=(const OpensslErrorMark&) = delete;
  ~OpensslErrorMark() { ERR_pop_to_mark(); }
};

}  // namespace e2esasl::channelbind::internal

#endif  // E2ESASL_CHANNELBIND_SRC_HANDLES_H_
