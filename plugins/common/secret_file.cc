// secret_file.cc: see secret_file.h.
#include "common/secret_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace e2esasl {
namespace {

bool Unavailable(Failure* failure, const std::string& path, const std::string& why) {
  Fail(failure, Status::kUnavailable, path + ": " + why);
  return false;
}

std::string Errno(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// Fd closes its descriptor.
struct Fd {
  explicit Fd(int value) : fd(value) {}
  ~Fd() {
    if (fd >= 0) {
      close(fd);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int fd;
};

bool WriteAll(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) {
    return ".";
  }
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::optional<SecretString> ReadSecretFile(const std::string& path, size_t max_size,
                                           Failure* failure, bool missing_ok, bool* exists) {
  if (exists != nullptr) {
    *exists = false;
  }
  const Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.fd < 0) {
    if (errno == ENOENT && missing_ok) {
      return SecretString();
    }
    Unavailable(failure, path, errno == ELOOP ? "is a symbolic link" : Errno("cannot open"));
    return std::nullopt;
  }
  struct stat st {};
  if (fstat(fd.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    Unavailable(failure, path, "not a regular file");
    return std::nullopt;
  }
  if ((st.st_mode & 077) != 0) {
    Unavailable(failure, path, "readable or writable by group or others (use mode 0600)");
    return std::nullopt;
  }
  const uid_t euid = geteuid();
  if (st.st_uid != euid && st.st_uid != 0) {
    Unavailable(failure, path,
                "owned by uid " + std::to_string(st.st_uid) + ", not by this process's user (uid " +
                    std::to_string(euid) + ") or root");
    return std::nullopt;
  }
  if (static_cast<unsigned long long>(st.st_size) > max_size) {
    Unavailable(failure, path, "larger than " + std::to_string(max_size) + " bytes");
    return std::nullopt;
  }
  SecretString text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fd.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      WipeMemory(buffer, sizeof buffer);
      Unavailable(failure, path, Errno("read"));
      return std::nullopt;
    }
    if (n == 0) {
      break;
    }
    text.Append(std::string_view(buffer, static_cast<size_t>(n)));
    if (text.size() > max_size) {
      WipeMemory(buffer, sizeof buffer);
      Unavailable(failure, path, "larger than " + std::to_string(max_size) + " bytes");
      return std::nullopt;
    }
  }
  WipeMemory(buffer, sizeof buffer);
  if (exists != nullptr) {
    *exists = true;
  }
  return text;
}

namespace {

// WriteTempFile writes content to a new file beside path (mode 0600 whatever the umask), fsync'd;
// its name in *temp. The name is unique within this process (pid and a counter), so threads do
// not collide; a leftover of a crashed process with the same pid is removed first.
bool WriteTempFile(const std::string& path, std::string_view content, std::string* temp,
                   Failure* failure) {
  static std::atomic<unsigned long> counter{0};
  *temp = path + ".new." + std::to_string(getpid()) + "." + std::to_string(counter++);
  unlink(temp->c_str());
  const Fd fd(open(temp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.fd < 0) {
    return Unavailable(failure, *temp, Errno("cannot create"));
  }
  if (fchmod(fd.fd, 0600) != 0 || !WriteAll(fd.fd, content) || fsync(fd.fd) != 0) {
    const std::string why = Errno("write");
    unlink(temp->c_str());
    return Unavailable(failure, *temp, why);
  }
  return true;
}

// SyncDirectory makes a rename or link in path's directory durable.
bool SyncDirectory(const std::string& path, Failure* failure) {
  const Fd dir(open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd < 0 || fsync(dir.fd) != 0) {
    return Unavailable(failure, DirectoryOf(path), Errno("fsync of the directory"));
  }
  return true;
}

}  // namespace

bool WriteSecretFile(const std::string& path, std::string_view content, Failure* failure) {
  std::string temp;
  if (!WriteTempFile(path, content, &temp, failure)) {
    return false;
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = Errno("rename");
    unlink(temp.c_str());
    return Unavailable(failure, path, why);
  }
  return SyncDirectory(path, failure);
}

bool CreateSecretFile(const std::string& path, std::string_view content, bool* existed,
                      Failure* failure) {
  *existed = false;
  std::string temp;
  if (!WriteTempFile(path, content, &temp, failure)) {
    return false;
  }
  const int linked = link(temp.c_str(), path.c_str());
  const int link_errno = errno;
  unlink(temp.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) {
      *existed = true;
      return true;
    }
    errno = link_errno;
    return Unavailable(failure, path, Errno("cannot create"));
  }
  return SyncDirectory(path, failure);
}

SecretFileLock::~SecretFileLock() {
  if (fd_ >= 0) {
    close(fd_);  // releases the flock
  }
}

bool SecretFileLock::Acquire(const std::string& path, bool exclusive, Failure* failure) {
  const std::string lock = path + ".lock";
  const int fd = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return Unavailable(failure, lock, Errno("cannot open"));
  }
  int rc;
  do {
    rc = flock(fd, exclusive ? LOCK_EX : LOCK_SH);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const std::string why = Errno("flock");
    close(fd);
    return Unavailable(failure, lock, why);
  }
  if (fd_ >= 0) {
    close(fd_);
  }
  fd_ = fd;
  return true;
}

}  // namespace e2esasl
