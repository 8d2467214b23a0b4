// vouch_files.h: the files a VOUCH-ES256-PLUS pair of the bench is configured with, made at run
// time in the bench's temporary directory with the plugin's own library: the bench domain's
// issuer key and its trust store (a JWKS), a device key (mode 0600) and a statement for the
// client and for the server. Nothing is read from the system.
#ifndef E2ESASL_BENCH_VOUCH_FILES_H_
#define E2ESASL_BENCH_VOUCH_FILES_H_

#include <map>
#include <optional>
#include <string>

namespace e2esasl::bench {

// The identities the statements vouch for: the client's (the bench user in the bench domain)
// and the server's, which the client expects through e2esasl_vouch_peer.
inline constexpr char kVouchDomain[] = "bench.example";
inline constexpr char kVouchClient[] = "bench@bench.example";
inline constexpr char kVouchServer[] = "server@bench.example";

// VouchOptions: the e2esasl_vouch_* options of each side.
struct VouchOptions {
  std::map<std::string, std::string> client;
  std::map<std::string, std::string> server;
};

// ProvisionVouch writes into dir (which must exist): "trust/bench.example.jwks" (the issuer's
// public key), "client.key", "server.key" (device keys) and "client.jws", "server.jws"
// (statements issued now). std::nullopt with *error when a key, a statement or a file cannot
// be made.
std::optional<VouchOptions> ProvisionVouch(const std::string& dir, std::string* error);

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_VOUCH_FILES_H_
