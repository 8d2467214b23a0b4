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
#include "common/secret_file.h"

namespace e2esasl::opaque {
namespace {

constexpr size_t kMaxFileSize = 4096;
constexpr std::string_view kHeader =
    "# e2esasl OPAQUE-R255 server key material (RFC 9807 oprf_seed and AKE private key).\n"
    "# Secret: keep it mode 0600. Replacing it invalidates every OPAQUE registration record.\n";

std::optional<ServerKeyMaterial> Unavailable(Failure* failure, const std::string& path,
                                             const std::string& why) {
  Fail(failure, Status::kUnavailable, "OPAQUE server key file " + path + ": " + why);
  return std::nullopt;
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
  // The file's checks (regular, not a link, mode 0600, owned by this process's user or root:
  // anyone else could rewrite it with a key of their choosing that opens every record, or chmod
  // it) are common/secret_file.h's.
  Failure read_failure;
  const std::optional<SecretString> text = ReadSecretFile(path, kMaxFileSize, &read_failure);
  if (!text) {
    Fail(failure, Status::kUnavailable, "OPAQUE server key file " + read_failure.detail);
    return std::nullopt;
  }
  std::optional<ServerKeyMaterial> keys = ParseKeyMaterial(text->view());
  if (!keys) {
    return Unavailable(failure, path, text->empty() ? "empty" : "malformed");
  }
  return keys;
}

std::optional<ServerKeyMaterial> LoadOrCreateKeyFile(const std::string& path, Rng& rng,
                                                     Failure* failure) {
  if (access(path.c_str(), F_OK) == 0 || errno != ENOENT) {
    return LoadKeyFile(path, failure);
  }
  std::optional<ServerKeyMaterial> keys = GenerateKeyMaterial(rng);
  if (!keys) {
    return Unavailable(failure, path, "the random generator failed");
  }
  bool existed = false;
  Failure create_failure;
  if (!CreateSecretFile(path, SerializeKeyMaterial(*keys).view(), &existed, &create_failure)) {
    Fail(failure, Status::kUnavailable, "OPAQUE server key file " + create_failure.detail);
    return std::nullopt;
  }
  if (existed) {
    return LoadKeyFile(path, failure);  // someone else created it first: use theirs
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
