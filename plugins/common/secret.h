// secret.h: containers for secrets that are wiped when their memory is released.
//
// Rules (docs/architecture.md, "Rules every layer keeps"): passwords, salted passwords, keys, ISKs,
// export keys and scalars live in SecretBytes / SecretString / FixedSecret<N>; they are compared
// only with CtEqual (ct.h); a buffer that held a secret and is reused or dropped early is wiped
// with Wipe().
#ifndef E2ESASL_COMMON_SECRET_H_
#define E2ESASL_COMMON_SECRET_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace e2esasl {

// WipeMemory overwrites size bytes at data with zeros in a way the compiler may not elide
// (OPENSSL_cleanse). data may be null when size is 0.
void WipeMemory(void* data, size_t size) noexcept;

// Wipe overwrites every byte of the span with zeros (see WipeMemory).
inline void Wipe(std::span<uint8_t> bytes) noexcept {
  WipeMemory(bytes.data(), bytes.size());
}
inline void Wipe(std::span<char> chars) noexcept {
  WipeMemory(chars.data(), chars.size());
}

// ZeroizingAllocator: std::allocator that wipes every block before giving it back, so a vector
// that grows or is destroyed leaves no copy of its contents in freed memory. Allocation failure
// throws std::bad_alloc, as std::allocator does.
template <typename T>
struct ZeroizingAllocator {
  using value_type = T;

  ZeroizingAllocator() noexcept = default;
  template <typename U>
  ZeroizingAllocator(const ZeroizingAllocator<U>&) noexcept {}

  T* allocate(size_t n) { return std::allocator<T>().allocate(n); }
  void deallocate(T* p, size_t n) noexcept {
    WipeMemory(p, n * sizeof(T));
    std::allocator<T>().deallocate(p, n);
  }

  template <typename U>
  bool operator==(const ZeroizingAllocator<U>&) const noexcept {
    return true;
  }
};

// SecretBytes: owned secret bytes, wiped on reallocation and destruction. Converts implicitly to
// ByteView (std::span) for reading.
using SecretBytes = std::vector<uint8_t, ZeroizingAllocator<uint8_t>>;

// ToSecretBytes copies bytes into a new SecretBytes.
inline SecretBytes ToSecretBytes(ByteView bytes) {
  return SecretBytes(bytes.begin(), bytes.end());
}

// SecretString: owned secret text (a password, a SASLprep'd password). Unlike
// std::basic_string with a zeroizing allocator it has no small-string buffer inside the object,
// so short secrets are wiped too. Not NUL-terminated; use view() or bytes().
class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string_view text) : chars_(text.begin(), text.end()) {}

  std::string_view view() const { return std::string_view(chars_.data(), chars_.size()); }
  ByteView bytes() const { return AsBytes(view()); }
  size_t size() const { return chars_.size(); }
  bool empty() const { return chars_.empty(); }

  // Append adds text at the end (the old buffer, if any, is wiped when it is released).
  void Append(std::string_view text) { chars_.insert(chars_.end(), text.begin(), text.end()); }
  // Clear wipes the contents and makes the string empty.
  void Clear() noexcept {
    Wipe(std::span<char>(chars_));
    chars_.clear();
  }

 private:
  std::vector<char, ZeroizingAllocator<char>> chars_;
};

// FixedSecret<N>: N secret bytes held inline (scalars, fixed-size keys), wiped in the destructor
// and on move (the source is wiped after its bytes are copied). Not copyable: a copy of a secret
// must be explicit (CopyFrom).
template <size_t N>
class FixedSecret {
 public:
  static constexpr size_t kSize = N;

  FixedSecret() noexcept { bytes_.fill(0); }
  ~FixedSecret() { Wipe(std::span<uint8_t>(bytes_)); }
  FixedSecret(const FixedSecret&) = delete;
  FixedSecret& operator=(const FixedSecret&) = delete;
  FixedSecret(FixedSecret&& other) noexcept : bytes_(other.bytes_) {
    Wipe(std::span<uint8_t>(other.bytes_));
  }
  FixedSecret& operator=(FixedSecret&& other) noexcept {
    if (this != &other) {
      bytes_ = other.bytes_;
      Wipe(std::span<uint8_t>(other.bytes_));
    }
    return *this;
  }

  // CopyFrom copies exactly N bytes from source; returns false (and changes nothing) when
  // source does not hold exactly N bytes.
  [[nodiscard]] bool CopyFrom(ByteView source) noexcept {
    if (source.size() != N) {
      return false;
    }
    std::copy(source.begin(), source.end(), bytes_.begin());
    return true;
  }

  std::span<uint8_t, N> span() noexcept { return std::span<uint8_t, N>(bytes_); }
  std::span<const uint8_t, N> view() const noexcept { return std::span<const uint8_t, N>(bytes_); }
  uint8_t* data() noexcept { return bytes_.data(); }
  const uint8_t* data() const noexcept { return bytes_.data(); }
  static constexpr size_t size() noexcept { return N; }

 private:
  std::array<uint8_t, N> bytes_;
};

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_SECRET_H_
