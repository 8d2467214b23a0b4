// tls_credentials.cc: test-time key and self-signed certificate generation with OpenSSL 3.
#include "support/tls_credentials.h"

#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "e2esasl/handles.h"

namespace e2esasl::testing {
namespace {

enum class KeyType { kRsa, kEcP384, kEd25519 };

[[noreturn]] void ThrowOpenssl(std::string_view what) {
  std::string message(what);
  char buf[256];
  while (unsigned long e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    message += ": ";
    message += buf;
  }
  throw std::runtime_error(message);
}

void Check(bool ok, std::string_view what) {
  if (!ok) {
    ThrowOpenssl(what);
  }
}

KeyType KeyTypeOf(CertKind kind) {
  switch (kind) {
    case CertKind::kRsaSha256:
    case CertKind::kRsaSha1:
    case CertKind::kRsaPssSha384:
      return KeyType::kRsa;
    case CertKind::kEcdsaP384:
      return KeyType::kEcP384;
    case CertKind::kEd25519:
      return KeyType::kEd25519;
  }
  throw std::invalid_argument("unknown CertKind");
}

EvpPkeyPtr GenerateKey(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::kRsa:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
      break;
    case KeyType::kEcP384:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::kEd25519:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  Check(key != nullptr, "EVP_PKEY_Q_keygen");
  return EvpPkeyPtr(key);
}

// CachedKey returns the key of (type, slot), generating it once per process. The returned
// pointer stays valid until exit; EVP_PKEY is safe to use read-only from several threads.
EVP_PKEY* CachedKey(KeyType type, int slot) {
  static std::mutex mutex;
  static auto* keys = new std::map<std::pair<KeyType, int>, EvpPkeyPtr>();  // never destroyed
  std::lock_guard<std::mutex> lock(mutex);
  auto& key = (*keys)[{type, slot}];
  if (!key) {
    key = GenerateKey(type);
  }
  return key.get();
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  Check(len > 0 && data != nullptr, "BIO_get_mem_data");
  return std::string(data, static_cast<size_t>(len));
}

Bytes BioToBytes(BIO* bio) {
  std::string s = BioToString(bio);
  return Bytes(s.begin(), s.end());
}

void SetRandomSerial(X509* cert) {
  uint8_t raw[8];
  Check(RAND_bytes(raw, sizeof(raw)) == 1, "RAND_bytes");
  raw[0] &= 0x7f;  // positive
  raw[0] |= 0x01;  // non-zero, fixed length
  BignumPtr bn(BN_bin2bn(raw, sizeof(raw), nullptr));
  Check(bn != nullptr, "BN_bin2bn");
  Check(BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr, "BN_to_ASN1_INTEGER");
}

void Sign(X509* cert, EVP_PKEY* key, CertKind kind) {
  switch (kind) {
    case CertKind::kRsaSha256:
      Check(X509_sign(cert, key, EVP_sha256()) > 0, "X509_sign sha256");
      return;
    case CertKind::kRsaSha1:
      Check(X509_sign(cert, key, EVP_sha1()) > 0, "X509_sign sha1");
      return;
    case CertKind::kEcdsaP384:
      Check(X509_sign(cert, key, EVP_sha384()) > 0, "X509_sign ecdsa-sha384");
      return;
    case CertKind::kEd25519:
      Check(X509_sign(cert, key, nullptr) > 0, "X509_sign ed25519");
      return;
    case CertKind::kRsaPssSha384: {
      EvpMdCtxPtr md_ctx(EVP_MD_CTX_new());
      Check(md_ctx != nullptr, "EVP_MD_CTX_new");
      EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by md_ctx
      Check(EVP_DigestSignInit(md_ctx.get(), &pkey_ctx, EVP_sha384(), nullptr, key) == 1,
            "EVP_DigestSignInit");
      Check(EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING) == 1, "PSS padding");
      Check(EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_DIGEST) == 1,
            "PSS salt length");
      Check(EVP_PKEY_CTX_set_rsa_mgf1_md(pkey_ctx, EVP_sha384()) == 1, "PSS MGF1 hash");
      Check(X509_sign_ctx(cert, md_ctx.get()) > 0, "X509_sign_ctx rsa-pss-sha384");
      return;
    }
  }
  throw std::invalid_argument("unknown CertKind");
}

}  // namespace

std::string_view CertKindName(CertKind kind) {
  switch (kind) {
    case CertKind::kRsaSha256:
      return "rsa-sha256";
    case CertKind::kRsaSha1:
      return "rsa-sha1";
    case CertKind::kRsaPssSha384:
      return "rsa-pss-sha384";
    case CertKind::kEcdsaP384:
      return "ecdsa-p384";
    case CertKind::kEd25519:
      return "ed25519";
  }
  return "unknown";
}

ServerCredentials MakeServerCredentials(CertKind kind, std::string_view common_name, int key_slot) {
  EVP_PKEY* key = CachedKey(KeyTypeOf(kind), key_slot);

  X509Ptr cert(X509_new());
  Check(cert != nullptr, "X509_new");
  Check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");
  SetRandomSerial(cert.get());
  Check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600L) != nullptr, "notBefore");
  Check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 3600) != nullptr, "notAfter");
  X509_NAME* name = X509_get_subject_name(cert.get());  // owned by cert
  std::string cn(common_name);
  Check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                   0) == 1,
        "X509_NAME_add_entry_by_txt");
  Check(X509_set_issuer_name(cert.get(), name) == 1, "X509_set_issuer_name");
  Check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  Sign(cert.get(), key, kind);

  ServerCredentials out{kind, cn, {}, {}, {}, {}};
  BioPtr key_pem(BIO_new(BIO_s_mem()));
  BioPtr cert_pem(BIO_new(BIO_s_mem()));
  BioPtr key_der(BIO_new(BIO_s_mem()));
  BioPtr cert_der(BIO_new(BIO_s_mem()));
  Check(key_pem && cert_pem && key_der && cert_der, "BIO_new");
  Check(
      PEM_write_bio_PKCS8PrivateKey(key_pem.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
      "PEM_write_bio_PKCS8PrivateKey");
  Check(PEM_write_bio_X509(cert_pem.get(), cert.get()) == 1, "PEM_write_bio_X509");
  Check(i2d_PKCS8PrivateKey_bio(key_der.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "i2d_PKCS8PrivateKey_bio");
  Check(i2d_X509_bio(cert_der.get(), cert.get()) == 1, "i2d_X509_bio");
  out.key_pem = BioToString(key_pem.get());
  out.cert_pem = BioToString(cert_pem.get());
  out.key_der = BioToBytes(key_der.get());
  out.cert_der = BioToBytes(cert_der.get());
  return out;
}

const ServerCredentials& DefaultServerCredentials(CertKind kind) {
  static std::mutex mutex;
  static auto* cache = new std::map<CertKind, ServerCredentials>();  // never destroyed
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache->find(kind);
  if (it == cache->end()) {
    std::string cn = "server-" + std::string(CertKindName(kind)) + ".e2esasl.test";
    it = cache->emplace(kind, MakeServerCredentials(kind, cn, 0)).first;
  }
  return it->second;
}

}  // namespace e2esasl::testing
