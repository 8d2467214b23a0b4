// certs.h: the TLS server credentials of bob and of the man-in-the-middle relay: a fresh
// self-signed ECDSA P-256 / SHA-256 certificate made with OpenSSL, or PEM files.
#ifndef E2ESASL_CLIENT_DEMO_CERTS_H_
#define E2ESASL_CLIENT_DEMO_CERTS_H_

#include <string>
#include <string_view>

#include "util.h"

namespace e2esasl::demo {

// Credentials is a private key and its certificate, as PEM (both TLS libraries load it) and the
// certificate's DER (what tls-server-end-point hashes; a GnuTLS server needs it).
struct Credentials {
  std::string key_pem;
  std::string cert_pem;
  Bytes cert_der;
};

// MakeSelfSigned makes a new P-256 key and a self-signed certificate for common_name, valid one
// day. Throws DemoError(kSetup) if OpenSSL fails.
Credentials MakeSelfSigned(std::string_view common_name);

// LoadCredentials reads a PEM certificate and a PEM private key. Throws DemoError(kSetup).
Credentials LoadCredentials(const std::string& cert_file, const std::string& key_file);

// WriteCredentials writes them as two PEM files (the key file mode 0600). Throws kSetup.
void WriteCredentials(const Credentials& creds, const std::string& cert_file,
                      const std::string& key_file);

// ReadFile / WriteFile: whole-file helpers; throw DemoError(kSetup).
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, std::string_view data, int mode = 0644);

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_CERTS_H_
