// trust_store.h: the issuer keys VOUCH-ES256-PLUS trusts, one JWKS (RFC 7517 section 5) per
// domain. A deployment publishes its domain's JWKS (e2esasl-vouch jwks) and peers keep a copy
// per domain they accept statements from (docs/mechanisms/vouch.md, "Trust store").
#ifndef E2ESASL_VOUCH_TRUST_STORE_H_
#define E2ESASL_VOUCH_TRUST_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "vouch/keys.h"

namespace e2esasl::vouch {

inline constexpr size_t kMaxJwksSize = 64 * 1024;
inline constexpr size_t kMaxJwksKeys = 16;
inline constexpr size_t kMaxDomainSize = 253;
// kJwksSuffix: LoadDirectory reads "<domain>.jwks".
inline constexpr std::string_view kJwksSuffix = ".jwks";

// JwksFileNames: the "<domain>.jwks" names in dir, sorted; nullopt when dir cannot be opened.
std::optional<std::vector<std::string>> JwksFileNames(const std::string& dir);

// IsDomainName: 1..253 characters of lower-case letters, digits, '-' and '.', no empty label,
// no label starting or ending with '-' (the issuer's name and the part of sub after '@').
bool IsDomainName(std::string_view name);

class TrustStore {
 public:
  // AddJwks adds domain's keys from a JWKS text: {"keys": [ ... ]}, 1..kMaxJwksKeys P-256
  // public keys (PublicKey::FromJwk), each with a distinct "kid". Keys already stored for the
  // domain are replaced. kMalformed ("JWKS for D: key 2: ...") and nothing added otherwise.
  bool AddJwks(std::string_view domain, std::string_view jwks, Failure* failure);

  // LoadFile reads path (a regular file, not writable by group or others, at most
  // kMaxJwksSize) and calls AddJwks. kUnavailable when the file cannot be trusted or read.
  bool LoadFile(std::string_view domain, const std::string& path, Failure* failure);

  // LoadDirectory loads every "<domain>.jwks" in dir (other names are ignored). kUnavailable
  // when dir cannot be read; any bad file fails the whole load.
  bool LoadDirectory(const std::string& dir, Failure* failure);

  bool HasDomain(std::string_view domain) const;
  // generation: a process-unique number of this set of keys; every change (AddJwks) takes a new
  // one, so what was verified under one set is never taken for another's (statement.h's cache).
  uint64_t generation() const { return generation_; }
  // Find returns domain's key with kid, or null.
  const PublicKey* Find(std::string_view domain, std::string_view kid) const;

 private:
  std::map<std::string, std::vector<std::pair<std::string, PublicKey>>, std::less<>> domains_;
  uint64_t generation_ = NewGeneration();
  static uint64_t NewGeneration();
};

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_TRUST_STORE_H_
