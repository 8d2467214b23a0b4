// secret_file.h: files that hold secrets (the OPAQUE server key file, SAS retained secrets):
// read only when they are safe to trust, written atomically and durably, and locked against
// other processes.
//
// A secret file is trusted only when it is a regular file (not followed through a symbolic link
// in its last component), not readable or writable by group or others, and owned by the
// effective user or root: anyone else could rewrite it, or chmod it.
#ifndef E2ESASL_COMMON_SECRET_FILE_H_
#define E2ESASL_COMMON_SECRET_FILE_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/secret.h"
#include "common/status.h"

namespace e2esasl {

// ReadSecretFile returns the whole file. Fails with kUnavailable and a detail naming the path and
// the reason (cannot open, not a regular file, mode, owner, larger than max_size, read error);
// with missing_ok, a file that does not exist gives an empty result with *exists (when not null)
// false instead. The file is never modified.
std::optional<SecretString> ReadSecretFile(const std::string& path, size_t max_size,
                                           Failure* failure, bool missing_ok = false,
                                           bool* exists = nullptr);

// WriteSecretFile replaces path with content: written to a new file (mode 0600) in the same
// directory, fsync'd, renamed over path, and the directory fsync'd, so a crash leaves the old
// file or the new one, never a mix. Fails with kUnavailable (path and reason); the old file is
// then untouched.
bool WriteSecretFile(const std::string& path, std::string_view content, Failure* failure);

// CreateSecretFile makes path with content only if path does not exist yet: content is written
// to a new file (mode 0600) in the same directory, fsync'd, then hard-linked to path, which is
// atomic and never replaces an existing file. When another file is already there (another
// process made it first), *existed is set and nothing changes. Fails with kUnavailable.
bool CreateSecretFile(const std::string& path, std::string_view content, bool* existed,
                      Failure* failure);

// SecretFileLock: an advisory lock (flock) on "<path>.lock", created mode 0600 when missing, held
// until destruction. Exclusive for writers, shared for readers; blocks until granted.
class SecretFileLock {
 public:
  SecretFileLock() = default;
  ~SecretFileLock();
  SecretFileLock(const SecretFileLock&) = delete;
  SecretFileLock& operator=(const SecretFileLock&) = delete;
  SecretFileLock(SecretFileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

  // Acquire: false with kUnavailable when the lock file cannot be opened or locked.
  [[nodiscard]] bool Acquire(const std::string& path, bool exclusive, Failure* failure);

 private:
  int fd_ = -1;
};

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_SECRET_FILE_H_
