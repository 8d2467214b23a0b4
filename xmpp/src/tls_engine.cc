// tls_engine.cc: engine selection, names, and the ephemeral self-signed certificate.
#include "tls_engine.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "handles.h"

namespace e2esasl::xmpp {

std::optional<TlsLib> ParseTlsLib(std::string_view name) {
  if (name.empty() || name == "openssl") {
    return TlsLib::kOpenssl;
  }
  if (name == "gnutls") {
    return TlsLib::kGnutls;
  }
  return std::nullopt;
}

std::optional<TlsVersion> ParseTlsVersion(std::string_view name) {
  if (name.empty() || name == "any") {
    return TlsVersion::kAny;
  }
  if (name == "1.2") {
    return TlsVersion::kTls12;
  }
  if (name == "1.3") {
    return TlsVersion::kTls13;
  }
  return std::nullopt;
}

std::unique_ptr<TlsEngine> TlsEngine::New(TlsLib lib, TlsVersion version, bool server,
                                          const TlsCredentials* credentials, std::string* error) {
  if (server && credentials == nullptr) {
    *error = "a TLS server needs a certificate";
    return nullptr;
  }
  return lib == TlsLib::kOpenssl ? internal::NewOpensslEngine(version, server, credentials, error)
                                 : internal::NewGnutlsEngine(version, server, credentials, error);
}

namespace {

std::string PemOf(int (*write)(BIO*, const void*), const void* object) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get(), object) != 1) {
    return "";
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

int WriteKey(BIO* bio, const void* key) {
  return PEM_write_bio_PrivateKey(bio, static_cast<EVP_PKEY*>(const_cast<void*>(key)), nullptr,
                                  nullptr, 0, nullptr, nullptr);
}

int WriteCert(BIO* bio, const void* cert) {
  return PEM_write_bio_X509(bio, static_cast<X509*>(const_cast<void*>(cert)));
}

}  // namespace

std::optional<TlsCredentials> MakeSelfSigned(std::string_view common_name, std::string* error) {
  auto fail = [&](const char* what) -> std::optional<TlsCredentials> {
    unsigned long e = ERR_get_error();
    char buf[256] = "no OpenSSL error reported";
    if (e != 0) {
      ERR_error_string_n(e, buf, sizeof(buf));
    }
    *error = std::string("certificate: ") + what + ": " + buf;
    ERR_clear_error();
    return std::nullopt;
  };
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) {
    return fail("EC key generation");
  }
  X509Ptr cert(X509_new());
  unsigned char serial[16];
  if (!cert || RAND_bytes(serial, sizeof(serial)) != 1) {
    return fail("X509_new / serial");
  }
  serial[0] &= 0x7f;
  BignumPtr bn(BN_bin2bn(serial, sizeof(serial), nullptr));
  std::string cn(common_name);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!bn || X509_set_version(cert.get(), 2) != 1 ||
      BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) == nullptr ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400) == nullptr ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1 ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return fail("self-signed certificate");
  }
  TlsCredentials out;
  out.key_pem = PemOf(&WriteKey, key.get());
  out.cert_pem = PemOf(&WriteCert, cert.get());
  int der_len = i2d_X509(cert.get(), nullptr);
  if (out.key_pem.empty() || out.cert_pem.empty() || der_len <= 0) {
    return fail("PEM/DER encoding");
  }
  out.cert_der.resize(static_cast<size_t>(der_len));
  unsigned char* p = out.cert_der.data();
  i2d_X509(cert.get(), &p);
  return out;
}

}  // namespace e2esasl::xmpp
