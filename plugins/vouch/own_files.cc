// own_files.cc: reading one end's own VOUCH inputs (see own_files.h).
#include "vouch/own_files.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "common/secret_file.h"
#include "vouch/messages.h"
#include "vouch/stamped_cache.h"
#include "vouch/statement.h"

namespace e2esasl::vouch {
namespace {

// Stamp: what says that a file or directory is still the one read before: device, inode, size,
// modification and status-change times (a write changes the first, a chmod, chown or rename the
// second). "" when it cannot be looked at. lstat: a path swapped for a symbolic link differs
// (the device key and the trust files are opened with O_NOFOLLOW); FollowedStamp is the stamp of
// what a path names after symbolic links (the statement file is opened through them, and a
// link to the current statement is a natural way to rotate it).
std::string StampOf(const struct stat& st) {
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
         std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_ctim.tv_sec) + "." +
         std::to_string(st.st_ctim.tv_nsec) + ":" + std::to_string(st.st_mode) + ":" +
         std::to_string(st.st_uid);
}

std::string FollowedStamp(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? StampOf(st) : "";
}

std::string Stamp(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    return "";
  }
  return StampOf(st);
}

// NamesStamp: the directory's stamp and each named entry's: a file added, removed or renamed
// changes the directory's own stamp, an edit in place the file's.
std::string NamesStamp(const std::string& dir, const std::vector<std::string>& names) {
  std::string stamp = Stamp(dir);
  if (stamp.empty()) {
    return "";
  }
  for (const std::string& name : names) {
    stamp += "|" + name + "=" + Stamp(dir + "/" + name);
  }
  return stamp;
}

// StampCache: what was parsed from a path while its stamp stays the same, for every session of
// the process (the files are read at the start of every exchange; parsing and checking keys
// again each time cost most of an exchange). At most kMaxPaths paths.
constexpr size_t kMaxPaths = 64;
template <class T>
using StampCache = StampedCache<std::string, T>;

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
  static StampCache<std::string> cache(kMaxPaths);
  const std::shared_ptr<const std::string> text =
      Cached(cache, path, &FollowedStamp, [&]() -> std::shared_ptr<const std::string> {
        std::ifstream file(path, std::ios::binary);
        if (!file) {
          Fail(failure, Status::kUnavailable, path + ": cannot open the statement file");
          return nullptr;
        }
        auto read = std::make_shared<std::string>(kMaxStatementSize + 2, '\0');
        file.read(read->data(), static_cast<std::streamsize>(read->size()));
        read->resize(static_cast<size_t>(file.gcount()));
        if (!read->empty() && read->back() == '\n') {
          read->pop_back();
        }
        if (!IsCompactJwsText(*read)) {
          Fail(failure, Status::kUnavailable,
               path + ": not one compact JWS of at most " + std::to_string(kMaxStatementSize) +
                   " characters (the output of e2esasl-vouch issue)");
          return nullptr;
        }
        return read;
      });
  if (!text) {
    return std::nullopt;
  }
  return *text;
}

std::shared_ptr<const PrivateKey> ReadDeviceKeyFile(const std::string& path, Failure* failure) {
  static StampCache<PrivateKey> cache(kMaxPaths);
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
  // The entry keeps the names it was read from, so that checking it needs no listing.
  struct Listed {
    std::vector<std::string> names;
    std::shared_ptr<const TrustStore> trust;
  };
  static StampCache<Listed> cache(kMaxPaths);
  const auto [stamp, kept] = cache.Get(dir);
  if (kept && !stamp.empty() && NamesStamp(dir, kept->names) == stamp) {
    return kept->trust;
  }
  const std::optional<std::vector<std::string>> names = JwksFileNames(dir);
  const std::string before = names ? NamesStamp(dir, *names) : "";
  auto trust = std::make_shared<TrustStore>();
  if (!trust->LoadDirectory(dir, failure)) {
    return nullptr;
  }
  // Kept only when nothing changed while it was read.
  if (!before.empty() && JwksFileNames(dir) == names && NamesStamp(dir, *names) == before) {
    cache.Keep(dir, before, std::make_shared<const Listed>(Listed{*names, trust}));
  }
  return trust;
}

}  // namespace e2esasl::vouch
