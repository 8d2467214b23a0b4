// probe.cc: see probe.h.
#include "probe.h"

#include <stdexcept>

namespace e2esasl::channelbind_test {

std::vector<Pairing> AllPairings() {
  std::vector<Pairing> out;
  for (TlsLibrary client : kLibraries) {
    for (TlsLibrary server : kLibraries) {
      out.emplace_back(client, server);
    }
  }
  return out;
}

cb::Role ToRole(TlsRole role) {
  return role == TlsRole::kClient ? cb::Role::kClient : cb::Role::kServer;
}

cb::Result<cb::Bytes> Bind(const Endpoint& e, cb::Type type, const cb::Options& options) {
  if (e.library == TlsLibrary::kOpenssl) {
    return cb::FromOpenssl(e.ssl, type, options);
  }
  return cb::FromGnutls(e.gnutls, ToRole(e.role), type, options);
}

cb::Result<cb::Type> BestType(const Endpoint& e, const cb::Options& options) {
  if (e.library == TlsLibrary::kOpenssl) {
    return cb::BestTypeOpenssl(e.ssl, options);
  }
  return cb::BestTypeGnutls(e.gnutls, ToRole(e.role), options);
}

ConnectionSpec Spec(Pairing pairing, TlsVersion version, bool resume,
                    const ServerCredentials* credentials) {
  ConnectionSpec spec;
  spec.client.library = pairing.first;
  spec.server.library = pairing.second;
  spec.version = version;
  spec.resume = resume;
  spec.credentials = credentials;
  return spec;
}

std::string Show(const cb::Result<cb::Bytes>& result) {
  if (result.ok()) {
    return "ok " + std::to_string(result.value().size()) + "B";
  }
  return "refused " + std::string(cb::ErrorCodeName(result.error().code));
}

std::string Hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0f];
  }
  return out;
}

Bytes Digest(const EVP_MD* md, std::span<const uint8_t> data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) {
    throw std::runtime_error("EVP_Digest failed");
  }
  out.resize(len);
  return out;
}

std::string AsString(std::span<const uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace e2esasl::channelbind_test
