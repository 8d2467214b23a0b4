// retained.h: SAS-R255-PLUS's retained secrets (continuity, docs/mechanisms/sas.md "Remembered
// peers"): after an exchange whose string both people confirmed, each end keeps a secret `rs` per
// peer identity and device, and later exchanges with that device prove knowledge of it instead of
// asking the people again.
//
// The store is one small text file per end (mode 0600, owned by the process's user or root),
// rewritten atomically (new file, fsync, rename, fsync of the directory) under an advisory lock
// ("<path>.lock") so that several processes can share it. Format, version 1 (every line ends with
// "\n"; base64 is the padded standard alphabet):
//
//   e2esasl-sas-retained 1
//   self <base64 of this end's 16-byte device id>
//   peer <base64 identity> <base64 device id> <verified 0|1> <created> <confirmed> <updated>
//        <base64 rs1> <base64 rs2 | ->                      (one line; times in Unix seconds)
//
// identity: the application's name for the peer (the client's authentication identity on a
// server, the server's name on a client), 1..1024 bytes without NUL; device: the peer's device id
// from its messages; rs1: the current retained secret (32 bytes); rs2: the previous one, kept so
// that one lost final message does not desynchronise the two ends; verified: the chain began with a
// comparison both people confirmed; created / confirmed / updated: first and last comparison
// confirmed by people, last change. At most kMaxStoreRecords lines (common/text_record.h), no
// (identity, device) twice.
#ifndef E2ESASL_SAS_RETAINED_H_
#define E2ESASL_SAS_RETAINED_H_

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/secret.h"
#include "common/status.h"

namespace e2esasl::sas {

inline constexpr size_t kDeviceIdSize = 16;
inline constexpr size_t kRetainedSecretSize = 32;
inline constexpr std::string_view kRetainedHeader = "e2esasl-sas-retained 1";

using DeviceId = std::array<uint8_t, kDeviceIdSize>;
using RetainedSecret = FixedSecret<kRetainedSecretSize>;

struct RetainedPeer {
  std::string identity;
  DeviceId device{};
  bool verified = true;
  int64_t created = 0;
  int64_t confirmed = 0;
  int64_t updated = 0;
  RetainedSecret rs1;
  std::optional<RetainedSecret> rs2;
};

struct RetainedFile {
  DeviceId self{};
  std::vector<RetainedPeer> peers;

  RetainedPeer* Find(std::string_view identity, const DeviceId& device);
  // ForIdentity: every device remembered for identity.
  std::vector<const RetainedPeer*> ForIdentity(std::string_view identity) const;
  // Forget removes every device of identity; returns how many.
  size_t Forget(std::string_view identity);
};

// ParseRetained parses a whole file (kMalformed with "line N: ..." on any deviation).
std::optional<RetainedFile> ParseRetained(std::string_view text, Failure* failure);
// SerializeRetained is ParseRetained's inverse.
SecretString SerializeRetained(const RetainedFile& file);

// LoadRetained reads the store at path under a shared lock. A missing file is an empty store
// (no peers) with *exists false and a zero self id. Errors (kUnavailable): the file's checks of
// common/secret_file.h, or "PATH: line N: ..." when it does not parse (it is left untouched).
std::optional<RetainedFile> LoadRetained(const std::string& path, Failure* failure,
                                         bool* exists = nullptr);

// UpdateRetained runs change on the store under an exclusive lock and writes the result back
// atomically when change returns true (false: nothing is written, no error). A missing file
// starts as an empty store with a new random self id (written even if change returns false, so
// the id is stable from the first use). A file that does not load is an error and stays as it
// is.
bool UpdateRetained(const std::string& path, Rng& rng,
                    const std::function<bool(RetainedFile&)>& change, Failure* failure);

}  // namespace e2esasl::sas

#endif  // E2ESASL_SAS_RETAINED_H_
