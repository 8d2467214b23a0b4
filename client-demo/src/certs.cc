// certs.cc: see certs.h.
#include "certs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

namespace e2esasl::demo {
namespace {

void Check(bool ok, std::string_view what) {
  if (ok) {
    return;
  }
  std::string message = "certificate: " + std::string(what);
  char buf[256];
  while (unsigned long e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    message += ": ";
    message += buf;
  }
  throw DemoError(ExitCode::kSetup, message);
}

std::string BioString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  Check(len > 0 && data != nullptr, "BIO_get_mem_data");
  return std::string(data, static_cast<size_t>(len));
}

Bytes CertDer(X509* cert) {
  int len = i2d_X509(cert, nullptr);
  Check(len > 0, "i2d_X509");
  Bytes der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  Check(i2d_X509(cert, &p) == len, "i2d_X509");
  return der;
}

}  // namespace

Credentials MakeSelfSigned(std::string_view common_name) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  Check(key != nullptr, "EVP_PKEY_Q_keygen P-256");
  X509Ptr cert(X509_new());
  Check(cert != nullptr, "X509_new");
  Check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
  uint8_t serial[8];
  Check(RAND_bytes(serial, sizeof(serial)) == 1, "RAND_bytes");
  serial[0] = static_cast<uint8_t>((serial[0] & 0x7f) | 0x01);
  BignumPtr bn(BN_bin2bn(serial, sizeof(serial), nullptr));
  Check(bn != nullptr, "BN_bin2bn");
  Check(BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) != nullptr, "serial");
  Check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
  Check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400) != nullptr, "notAfter");
  X509_NAME* name = X509_get_subject_name(cert.get());  // owned by cert
  std::string cn(common_name);
  Check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                   0) == 1,
        "subject CN");
  Check(X509_set_issuer_name(cert.get(), name) == 1, "issuer");
  Check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");
  Check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

  Credentials creds;
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  Check(key_bio && PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                            nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  creds.key_pem = BioString(key_bio.get());
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  Check(cert_bio && PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1, "PEM_write_bio_X509");
  creds.cert_pem = BioString(cert_bio.get());
  creds.cert_der = CertDer(cert.get());
  return creds;
}

Credentials LoadCredentials(const std::string& cert_file, const std::string& key_file) {
  Credentials creds;
  creds.cert_pem = ReadFile(cert_file);
  creds.key_pem = ReadFile(key_file);
  BioPtr bio(BIO_new_mem_buf(creds.cert_pem.data(), static_cast<int>(creds.cert_pem.size())));
  Check(bio != nullptr, "BIO_new_mem_buf");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  Check(cert != nullptr, "no PEM certificate in " + cert_file);
  creds.cert_der = CertDer(cert.get());
  return creds;
}

void WriteCredentials(const Credentials& creds, const std::string& cert_file,
                      const std::string& key_file) {
  WriteFile(cert_file, creds.cert_pem, 0644);
  WriteFile(key_file, creds.key_pem, 0600);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DemoError(ExitCode::kSetup, "cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, std::string_view data, int mode) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd.valid()) {
    throw DemoError(ExitCode::kSetup, "cannot write " + path + ": " + std::strerror(errno));
  }
  while (!data.empty()) {
    ssize_t n = write(fd.get(), data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      throw DemoError(ExitCode::kSetup, "cannot write " + path + ": " + std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace e2esasl::demo
