// own_files.cc: reading one end's own VOUCH inputs (see own_files.h).
#include "vouch/own_files.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <vector>

#include "common/secret_file.h"
#include "vouch/messages.h"
#include "vouch/statement.h"

namespace e2esasl::vouch {
namespace {

// Stamp: what says that a file or directory is still the one read before: device, inode, size,
// modification and status-change times (a write changes the first, a chmod, chown or rename the
// second). "" when it cannot be looked at. lstat: a path swapped for a symbolic link differs.
std::string Stamp(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    return "";
  }
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
         std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_ctim.tv_sec) + "." +
         std::to_string(st.st_ctim.tv_nsec) + ":" + std::to_string(st.st_mode) + ":" +
         std::to_string(st.st_uid);
}

// DirectoryStamp: the directory's stamp and each "*.jwks" entry's, sorted by name: an edit of a
// file in place leaves the directory's own stamp alone.
std::string DirectoryStamp(const std::string& dir) {
  std::string stamp = Stamp(dir);
  const std::optional<std::vector<std::string>> names = JwksFileNames(dir);
  if (stamp.empty() || !names) {
    return "";
  }
  for (const std::string& name : *names) {
    stamp += "|" + name + "=" + Stamp(dir + "/" + name);
  }
  return stamp;
}

// StampCache: what was parsed from a path while its stamp stays the same, for every session of
// the process (the files are read at the start of every exchange; parsing and checking keys
// again each time cost most of an exchange). Thread-safe; at most kMaxEntries paths.
template <class T>
class StampCache {
 public:
  std::shared_ptr<const T> Find(const std::string& path, const std::string& stamp) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = entries_.find(path);
    return it != entries_.end() && it->second.first == stamp ? it->second.second : nullptr;
  }
  void Keep(const std::string& path, const std::string& stamp, std::shared_ptr<const T> value) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= kMaxEntries && entries_.find(path) == entries_.end()) {
      entries_.clear();
    }
    entries_[path] = {stamp, std::move(value)};
  }

 private:
  static constexpr size_t kMaxEntries = 64;
  std::mutex mu_;
  std::map<std::string, std::pair<std::string, std::shared_ptr<const T>>> entries_;
};

// Cached: the value for path from cache while its stamp (stamp_of) holds, else read() — kept
// only when the stamp was the same before and after the read (no change in between).
template <class T, class StampOf, class Read>
std::shared_ptr<const T> Cached(StampCache<T>& cache, const std::string& path, StampOf stamp_of,
                                Read read) {
  const std::string before = stamp_of(path);
  if (!before.empty()) {
    if (std::shared_ptr<const T> kept = cache.Find(path, before)) {
      return kept;
    }
  }
  std::shared_ptr<const T> value = read();
  if (value && !before.empty() && stamp_of(path) == before) {
    cache.Keep(path, before, value);
  }
  return value;
}

}  // namespace

std::optional<std::string> ReadStatementFile(const std::string& path, Failure* failure) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    Fail(failure, Status::kUnavailable, path + ": cannot open the statement file");
    return std::nullopt;
  }
  std::string text(kMaxStatementSize + 2, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  if (!IsCompactJwsText(text)) {
    Fail(failure, Status::kUnavailable,
         path + ": not one compact JWS of at most " + std::to_string(kMaxStatementSize) +
             " characters (the output of e2esasl-vouch issue)");
    return std::nullopt;
  }
  return text;
}

std::shared_ptr<const PrivateKey> ReadDeviceKeyFile(const std::string& path, Failure* failure) {
  static StampCache<PrivateKey> cache;
  return Cached(cache, path, &Stamp, [&]() -> std::shared_ptr<const PrivateKey> {
    std::optional<SecretString> text = ReadSecretFile(path, kMaxJwkSize, failure);
    if (!text) {
      return nullptr;
    }
    Failure why;
    std::optional<PrivateKey> key = PrivateKey::FromJson(text->view(), &why);
    if (!key) {
      Fail(failure, Status::kUnavailable, path + ": not a device key: " + why.detail);
      return nullptr;
    }
    return std::make_shared<const PrivateKey>(std::move(*key));
  });
}

std::shared_ptr<const TrustStore> ReadTrustDirectory(const std::string& dir, Failure* failure) {
  static StampCache<TrustStore> cache;
  return Cached(cache, dir, &DirectoryStamp, [&]() -> std::shared_ptr<const TrustStore> {
    auto trust = std::make_shared<TrustStore>();
    if (!trust->LoadDirectory(dir, failure)) {
      return nullptr;
    }
    return trust;
  });
}

}  // namespace e2esasl::vouch
