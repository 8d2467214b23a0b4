// key_file.h: the OPAQUE-R255 server's long-term key material (RFC 9807 oprf_seed and the AKE
// key pair) in a file, created on first use.
//
// File format (text, one "name=base64" per line, '#' comments):
//   oprf_seed=<64 bytes>
//   private_key=<32 bytes, a canonical non-zero ristretto255 scalar>
// The public key is derived. The file must be a regular file readable by its owner only (mode
// 0600 or stricter) and owned by the effective user or root; anything else is refused, since the
// seed and key are what a stolen record database is useless without. Only the last path
// component is opened without following symbolic links: the directories on the way must be
// writable by root or this user only (docs/mechanisms/opaque.md).
#ifndef E2ESASL_OPAQUE_KEY_FILE_H_
#define E2ESASL_OPAQUE_KEY_FILE_H_

#include <optional>
#include <string>

#include "common/random.h"
#include "common/status.h"
#include "opaque/credentials.h"

namespace e2esasl::opaque {

// ParseKeyMaterial reads the file format from text; nullopt when malformed.
std::optional<ServerKeyMaterial> ParseKeyMaterial(std::string_view text);
// SerializeKeyMaterial writes it (secret text).
SecretString SerializeKeyMaterial(const ServerKeyMaterial& keys);
// GenerateKeyMaterial draws a fresh oprf_seed and private key from rng.
std::optional<ServerKeyMaterial> GenerateKeyMaterial(Rng& rng);

// LoadKeyFile reads path. nullopt with *failure set (kUnavailable) when it is missing, unreadable,
// not a regular file, accessible to group or others, owned by a user other than the effective
// user and root, or malformed.
std::optional<ServerKeyMaterial> LoadKeyFile(const std::string& path, Failure* failure);

// LoadOrCreateKeyFile loads path, or when it does not exist creates it with fresh key material
// from rng (mode 0600, written to a temporary file and linked into place, so concurrent first
// uses agree on one key). nullopt with *failure set on any failure.
std::optional<ServerKeyMaterial> LoadOrCreateKeyFile(const std::string& path, Rng& rng,
                                                     Failure* failure);

// LoadOrCreateKeyFileCached is LoadOrCreateKeyFile for a server's every login: it keeps the
// material of the last load of each path in memory (wiped when the module unloads) and returns
// a copy for as long as the file is the same file, unchanged — device, inode, size, mtime and
// ctime as lstat(2) reports them (a rewrite, a rename over it or a chmod changes one of them).
// A changed file is loaded and checked again in full, so a key file made readable to others
// is refused from the next login on. Saves a read, a parse and the scalar multiplication that
// derives the public key. Thread-safe.
std::optional<ServerKeyMaterial> LoadOrCreateKeyFileCached(const std::string& path, Rng& rng,
                                                           Failure* failure);

// CopyKeyMaterial copies keys (ServerKeyMaterial holds wiped secrets and is not copyable).
ServerKeyMaterial CopyKeyMaterial(const ServerKeyMaterial& keys);

}  // namespace e2esasl::opaque

#endif  // E2ESASL_OPAQUE_KEY_FILE_H_
