// trust_store.cc: see trust_store.h.
#include "vouch/trust_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>

namespace e2esasl::vouch {
namespace {

bool Malformed(Failure* failure, const std::string& why) {
  Fail(failure, Status::kMalformed, why);
  return false;
}

bool Unavailable(Failure* failure, const std::string& why) {
  Fail(failure, Status::kUnavailable, why);
  return false;
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) {
      close(fd);
    }
  }
};

}  // namespace

bool IsDomainName(std::string_view name) {
  if (name.empty() || name.size() > kMaxDomainSize) {
    return false;
  }
  size_t label = 0;
  char previous = '.';
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) {
      return false;
    }
    if (c == '.') {
      if (label == 0 || previous == '-') {
        return false;
      }
      label = 0;
    } else {
      if (label == 0 && c == '-') {
        return false;
      }
      if (++label > 63) {
        return false;
      }
    }
    previous = c;
  }
  return label != 0 && previous != '-';
}

bool TrustStore::AddJwks(std::string_view domain, std::string_view jwks, Failure* failure) {
  const std::string where = "JWKS for " + std::string(IsDomainName(domain) ? domain : "?");
  if (!IsDomainName(domain)) {
    return Malformed(failure, "JWKS: not a domain name (lower-case letters, digits, '-', '.')");
  }
  if (jwks.size() > kMaxJwksSize) {
    return Malformed(failure, where + ": larger than " + std::to_string(kMaxJwksSize) + " bytes");
  }
  std::string why;
  JsonPtr json = ParseJsonObject(jwks, &why);
  if (!json) {
    return Malformed(failure, where + ": " + why);
  }
  const json_t* keys = json_object_get(json.get(), "keys");
  if (!json_is_array(keys) || json_array_size(keys) == 0 || json_array_size(keys) > kMaxJwksKeys) {
    return Malformed(failure, where + ": \"keys\" must be an array of 1 to " +
                                  std::to_string(kMaxJwksKeys) + " keys");
  }
  std::vector<std::pair<std::string, PublicKey>> parsed;
  std::set<std::string> kids;
  for (size_t i = 0; i < json_array_size(keys); ++i) {
    const json_t* jwk = json_array_get(keys, i);
    const std::string key_where = where + ": key " + std::to_string(i + 1);
    Failure key_failure;
    std::optional<PublicKey> key = PublicKey::FromJwk(jwk, &key_failure);
    if (!key) {
      return Malformed(failure, key_where + ": " + key_failure.detail);
    }
    const std::optional<std::string_view> kid = StringMember(jwk, "kid");
    if (!kid) {
      return Malformed(failure, key_where + ": no kid");
    }
    if (!kids.emplace(*kid).second) {
      return Malformed(failure, key_where + ": the same kid twice");
    }
    parsed.emplace_back(std::string(*kid), std::move(*key));
  }
  auto it = domains_.find(domain);
  if (it == domains_.end()) {
    domains_.emplace(std::string(domain), std::move(parsed));
  } else {
    it->second = std::move(parsed);
  }
  generation_ = NewGeneration();
  return true;
}

uint64_t TrustStore::NewGeneration() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

bool TrustStore::LoadFile(std::string_view domain, const std::string& path, Failure* failure) {
  Fd file;
  file.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (file.fd < 0) {
    return Unavailable(failure, path + ": cannot open (" + std::strerror(errno) + ")");
  }
  struct stat st;
  if (fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return Unavailable(failure, path + ": not a regular file");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Unavailable(failure, path + ": writable by group or others (chmod go-w)");
  }
  if (st.st_uid != geteuid() && st.st_uid != 0) {
    return Unavailable(failure, path + ": owned by another user");
  }
  if (st.st_size > static_cast<off_t>(kMaxJwksSize)) {
    return Unavailable(failure, path + ": larger than " + std::to_string(kMaxJwksSize) + " bytes");
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = read(file.fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return Unavailable(failure, path + ": read error");
    }
    done += static_cast<size_t>(n);
  }
  Failure parse;
  if (!AddJwks(domain, text, &parse)) {
    return Unavailable(failure, path + ": " + parse.detail);
  }
  return true;
}

std::optional<std::vector<std::string>> JwksFileNames(const std::string& dir) {
  std::unique_ptr<DIR, FreeWith<closedir>> handle(opendir(dir.c_str()));
  if (!handle) {
    return std::nullopt;
  }
  std::vector<std::string> names;
  while (const dirent* entry = readdir(handle.get())) {
    const std::string_view name(entry->d_name);
    if (name.size() > kJwksSuffix.size() && name.ends_with(kJwksSuffix)) {
      names.emplace_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool TrustStore::LoadDirectory(const std::string& dir, Failure* failure) {
  const std::optional<std::vector<std::string>> names = JwksFileNames(dir);
  if (!names) {
    return Unavailable(failure, dir + ": cannot open the directory (" + std::strerror(errno) + ")");
  }
  for (const std::string& name : *names) {
    const std::string domain = name.substr(0, name.size() - kJwksSuffix.size());
    if (!LoadFile(domain, dir + "/" + name, failure)) {
      return false;
    }
  }
  return true;
}

bool TrustStore::HasDomain(std::string_view domain) const {
  return domains_.find(domain) != domains_.end();
}

const PublicKey* TrustStore::Find(std::string_view domain, std::string_view kid) const {
  const auto it = domains_.find(domain);
  if (it == domains_.end()) {
    return nullptr;
  }
  for (const auto& [key_id, key] : it->second) {
    if (key_id == kid) {
      return &key;
    }
  }
  return nullptr;
}

}  // namespace e2esasl::vouch
