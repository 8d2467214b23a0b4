// continuity.h: VOUCH-ES256-PLUS key continuity - the part that catches a lying home server.
// Each end remembers, per peer identity, the device keys it has seen vouched for (by RFC 7638
// thumbprint). A new key for a known peer is reported like a "safety number changed": a server
// that starts vouching for a man in the middle's key after the first contact is detected, and
// its signed statement can be kept as evidence.
//
// The store is one small text file per end (mode 0600, owned by the process's user or root),
// rewritten atomically under an advisory lock ("<path>.lock"; common/secret_file.h) so several
// processes can share it. Format, version 1 (every line ends with "\n"):
//
//   e2esasl-vouch-continuity 1
//   key <base64 identity> <base64 device id> <thumbprint> <first seen> <last seen>
//
// identity: the peer's authenticated identity (the statement's sub), 1..1024 bytes without NUL;
// device id: the statement's device_id; thumbprint: the device key's RFC 7638 SHA-256 thumbprint
// (43 base64url characters); first / last seen: Unix seconds. base64 is the padded standard
// alphabet. At most kMaxContinuityKeys lines, no (identity, thumbprint) twice.
#ifndef E2ESASL_VOUCH_CONTINUITY_H_
#define E2ESASL_VOUCH_CONTINUITY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/status.h"

namespace e2esasl::vouch {

inline constexpr std::string_view kContinuityHeader = "e2esasl-vouch-continuity 1";

struct SeenKey {
  std::string identity;
  std::string device_id;
  std::string thumbprint;
  int64_t first_seen = 0;
  int64_t last_seen = 0;
};

struct ContinuityFile {
  std::vector<SeenKey> keys;

  SeenKey* Find(std::string_view identity, std::string_view thumbprint);
  std::vector<const SeenKey*> ForIdentity(std::string_view identity) const;
};

// ParseContinuity parses a whole file (kMalformed with "line N: ..." on any deviation).
std::optional<ContinuityFile> ParseContinuity(std::string_view text, Failure* failure);
// SerializeContinuity is ParseContinuity's inverse.
std::string SerializeContinuity(const ContinuityFile& file);

// LoadContinuity reads the store under a shared lock; a missing file is an empty store.
// kUnavailable with "PATH: ..." when the file is unsafe (common/secret_file.h) or does not
// parse ("PATH: line N: ..."); the file is never modified.
std::optional<ContinuityFile> LoadContinuity(const std::string& path, Failure* failure);

// Verdict of one observation.
enum class KeyVerdict {
  kFirstContact,  // no key known for this identity: stored
  kKnownKey,      // this key was seen for this identity before: last seen updated
  kChangedKey,    // the identity is known with other keys only: reported
};

enum class ChangedKeyPolicy {
  kRefuse,         // default: refuse the exchange and say so; the new key is not stored
  kAcceptAndWarn,  // accept, store the new key, and report the change
};

struct ContinuityOptions {
  std::string store_path;
  ChangedKeyPolicy policy = ChangedKeyPolicy::kRefuse;
  // evidence_dir: when not empty, a changed key's statement is written there (mode 0600) as
  // "<now>-<thumbprint>.evidence" with the identity, device id, new and known thumbprints.
  std::string evidence_dir;
  int64_t now = 0;
};

struct Observation {
  std::string identity;    // the statement's sub
  std::string device_id;   // the statement's device_id
  std::string thumbprint;  // the verified device key's thumbprint
  std::string statement;   // the statement as received (kept as evidence)
};

struct ContinuityReport {
  KeyVerdict verdict = KeyVerdict::kFirstContact;
  bool accepted = false;
  std::vector<SeenKey> known;  // the identity's keys before this observation
  std::string evidence_path;   // set when evidence was written
};

// ObserveKey records observation in the store under an exclusive lock and fills *report. It
// returns true when the observation is accepted (first contact, known key, or a changed key
// under kAcceptAndWarn); on a changed key under kRefuse it returns false with kAuthFailed and
// a detail naming the identity and the known keys' first-seen times (never a secret), after
// writing the evidence. Store or evidence errors: false with kUnavailable; the store is then
// left as it was.
bool ObserveKey(const ContinuityOptions& options, const Observation& observation,
                ContinuityReport* report, Failure* failure);

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_CONTINUITY_H_
