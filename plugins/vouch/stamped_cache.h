// stamped_cache.h: a small thread-safe map from a key to a value that stays valid while a stamp
// stays the same. own_files.cc keeps parsed files by path under the file's stat stamp;
// statement.cc keeps verified statements by token under the trust store's generation.
#ifndef E2ESASL_VOUCH_STAMPED_CACHE_H_
#define E2ESASL_VOUCH_STAMPED_CACHE_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace e2esasl::vouch {

// StampedCache: at most max_entries keys; when full, a new key empties it (the live entries come
// back at their next use, stale ones are gone).
template <class Stamp, class T>
class StampedCache {
 public:
  explicit StampedCache(size_t max_entries) : max_entries_(max_entries) {}

  // Find: the value kept for key under stamp, or null.
  std::shared_ptr<const T> Find(std::string_view key, const Stamp& stamp) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = entries_.find(key);
    return it != entries_.end() && it->second.first == stamp ? it->second.second : nullptr;
  }
  // Get: the entry of key, whatever its stamp (a null value when none).
  std::pair<Stamp, std::shared_ptr<const T>> Get(std::string_view key) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = entries_.find(key);
    return it != entries_.end() ? it->second : std::pair<Stamp, std::shared_ptr<const T>>();
  }
  void Keep(const std::string& key, const Stamp& stamp, std::shared_ptr<const T> value) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= max_entries_ && entries_.find(key) == entries_.end()) {
      entries_.clear();
    }
    entries_[key] = {stamp, std::move(value)};
  }

 private:
  const size_t max_entries_;
  std::mutex mu_;
  std::map<std::string, std::pair<Stamp, std::shared_ptr<const T>>, std::less<>> entries_;
};

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_STAMPED_CACHE_H_
