// key_file.cc: the server key file (see key_file.h).
#include "opaque/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "common/base64.h"
#include "common/byte_reader.h"
#include "common/ct.h"

namespace e2esasl::opaque {
namespace {

constexpr size_t kMaxFileSize = 4096;
constexpr std::string_view kHeader =
    "# e2esasl OPAQUE-R255 server key material (RFC 9807 oprf_seed and AKE private key).\n"
    "# Secret: keep it mode 0600. Replacing it invalidates every OPAQUE registration record.\n";

// UniqueFd closes its descriptor.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) {
      close(fd_);
    }
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::optional<ServerKeyMaterial> Unavailable(Failure* failure, const std::string& path,
                                             const std::string& why) {
  Fail(failure, Status::kUnavailable, "OPAQUE server key file " + path + ": " + why);
  return std::nullopt;
}

bool WriteAll(int fd, ByteView data) {
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

}  // namespace

std::optional<ServerKeyMaterial> ParseKeyMaterial(std::string_view text) {
  ServerKeyMaterial keys;
  bool have_seed = false;
  bool have_key = false;
  ByteReader reader(text);
  while (!reader.Empty()) {
    const std::string_view line = AsStringView(reader.ReadField('\n'));
    if (!reader.ReadExpected('\n')) {
      return std::nullopt;  // every line ends with a newline
    }
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view name = line.substr(0, eq);
    const std::string_view value = line.substr(eq + 1);
    if (name == "oprf_seed" && !have_seed) {
      std::optional<SecretBytes> seed = Base64DecodeSecret(value, kOprfSeedSize);
      have_seed = seed && keys.oprf_seed.CopyFrom(*seed);
      if (!have_seed) {
        return std::nullopt;
      }
    } else if (name == "private_key" && !have_key) {
      std::optional<SecretBytes> key = Base64DecodeSecret(value, kScalarSize);
      have_key = key && keys.private_key.CopyFrom(*key);
      if (!have_key) {
        return std::nullopt;
      }
    } else {
      return std::nullopt;
    }
  }
  // The private key must be a canonical, non-zero scalar: reduce(sk || 0^32) == sk, sk != 0.
  if (!have_seed || !have_key || !ristretto255::IsCanonicalNonZeroScalar(keys.private_key) ||
      !ristretto255::ScalarMultBase(keys.private_key, keys.public_key)) {
    return std::nullopt;
  }
  return keys;
}

SecretString SerializeKeyMaterial(const ServerKeyMaterial& keys) {
  SecretString out;
  out.Append(kHeader);
  std::string seed = Base64Encode(keys.oprf_seed.view());
  std::string key = Base64Encode(keys.private_key.view());
  out.Append("oprf_seed=");
  out.Append(seed);
  out.Append("\nprivate_key=");
  out.Append(key);
  out.Append("\n");
  WipeMemory(seed.data(), seed.size());
  WipeMemory(key.data(), key.size());
  return out;
}

std::optional<ServerKeyMaterial> GenerateKeyMaterial(Rng& rng) {
  ServerKeyMaterial keys;
  if (!rng.Fill(keys.oprf_seed.span()) || !ristretto255::RandomScalar(rng, &keys.private_key) ||
      !ristretto255::ScalarMultBase(keys.private_key, keys.public_key)) {
    return std::nullopt;
  }
  return keys;
}

std::optional<ServerKeyMaterial> LoadKeyFile(const std::string& path, Failure* failure) {
  const UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    return Unavailable(failure, path, std::string("cannot open: ") + std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Unavailable(failure, path, "not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    return Unavailable(failure, path, "readable or writable by group or others (use mode 0600)");
  }
  // Owned by another user, the file is that user's to rewrite (a key of their choosing that
  // makes every record open to them) or to chmod: only our own or root's is trusted.
  const uid_t euid = geteuid();
  if (st.st_uid != euid && st.st_uid != 0) {
    return Unavailable(failure, path,
                       "owned by uid " + std::to_string(st.st_uid) + ", not by this process (uid " +
                           std::to_string(euid) + ") or root");
  }
  if (st.st_size <= 0 || static_cast<size_t>(st.st_size) > kMaxFileSize) {
    return Unavailable(failure, path, "empty or too large");
  }
  SecretBytes text(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = read(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return Unavailable(failure, path, "read failed");
    }
    done += static_cast<size_t>(n);
  }
  std::optional<ServerKeyMaterial> keys = ParseKeyMaterial(AsStringView(text));
  if (!keys) {
    return Unavailable(failure, path, "malformed");
  }
  return keys;
}

std::optional<ServerKeyMaterial> LoadOrCreateKeyFile(const std::string& path, Rng& rng,
                                                     Failure* failure) {
  if (access(path.c_str(), F_OK) == 0 || errno != ENOENT) {
    return LoadKeyFile(path, failure);
  }
  std::optional<ServerKeyMaterial> keys = GenerateKeyMaterial(rng);
  std::array<uint8_t, 8> suffix{};
  if (!keys || !rng.Fill(suffix)) {
    return Unavailable(failure, path, "the random generator failed");
  }
  const std::string temp = path + ".tmp-" + std::to_string(getpid()) + "-" +
                           std::to_string(suffix[0] | suffix[1] << 8 | suffix[2] << 16);
  {
    const UniqueFd fd(
        open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) {
      return Unavailable(failure, path, std::string("cannot create: ") + std::strerror(errno));
    }
    const SecretString text = SerializeKeyMaterial(*keys);
    if (fchmod(fd.get(), 0600) != 0 || !WriteAll(fd.get(), text.bytes()) || fsync(fd.get()) != 0) {
      unlink(temp.c_str());
      return Unavailable(failure, path, "cannot write");
    }
  }
  const int linked = link(temp.c_str(), path.c_str());
  const int link_errno = errno;
  unlink(temp.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) {
      return LoadKeyFile(path, failure);  // someone else created it first: use theirs
    }
    return Unavailable(failure, path, std::string("cannot create: ") + std::strerror(link_errno));
  }
  return keys;
}

ServerKeyMaterial CopyKeyMaterial(const ServerKeyMaterial& keys) {
  ServerKeyMaterial out;
  // Same sizes on both sides: CopyFrom cannot fail.
  (void)out.oprf_seed.CopyFrom(keys.oprf_seed.view());
  (void)out.private_key.CopyFrom(keys.private_key.view());
  out.public_key = keys.public_key;
  return out;
}

namespace {

// FileStamp: what identifies one unchanged version of a file.
struct FileStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> StampOf(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  auto ns = [](const timespec& t) { return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec; };
  return FileStamp{st.st_dev, st.st_ino, st.st_size, ns(st.st_mtim), ns(st.st_ctim)};
}

struct CachedKeys {
  FileStamp stamp;
  std::unique_ptr<ServerKeyMaterial> keys;
};

std::mutex& CacheMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, CachedKeys>& Cache() {
  static std::map<std::string, CachedKeys> cache;
  return cache;
}

}  // namespace

std::optional<ServerKeyMaterial> LoadOrCreateKeyFileCached(const std::string& path, Rng& rng,
                                                           Failure* failure) {
  const std::optional<FileStamp> before = StampOf(path);
  if (before) {
    const std::lock_guard<std::mutex> lock(CacheMutex());
    const auto it = Cache().find(path);
    if (it != Cache().end() && it->second.stamp == *before) {
      return CopyKeyMaterial(*it->second.keys);
    }
  }
  std::optional<ServerKeyMaterial> keys = LoadOrCreateKeyFile(path, rng, failure);
  const std::lock_guard<std::mutex> lock(CacheMutex());
  if (!keys) {
    Cache().erase(path);
    return std::nullopt;
  }
  // Remember it only when the file did not change while it was read (a file created by this
  // call is remembered at the next).
  if (const std::optional<FileStamp> after = StampOf(path); before && after && *after == *before) {
    Cache()[path] = CachedKeys{*after, std::make_unique<ServerKeyMaterial>(CopyKeyMaterial(*keys))};
  }
  return keys;
}

}  // namespace e2esasl::opaque
