// bytes.h: the byte-string types used by every core, and views between text and bytes.
//
// Bytes owns its bytes (not wiped: use SecretBytes from secret.h for secrets); ByteView borrows
// them and must not outlive the owner.
#ifndef E2ESASL_COMMON_BYTES_H_
#define E2ESASL_COMMON_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace e2esasl {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// AsBytes views the characters of text as bytes (no copy, no terminator). The view borrows
// text's storage.
inline ByteView AsBytes(std::string_view text) {
  return ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

// AsStringView views bytes as characters (no copy, no validation: the bytes may contain NUL or
// invalid UTF-8). The view borrows bytes' storage.
inline std::string_view AsStringView(ByteView bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// ToBytes copies text into a new Bytes.
inline Bytes ToBytes(std::string_view text) {
  const ByteView view = AsBytes(text);
  return Bytes(view.begin(), view.end());
}

// ToString copies bytes into a new std::string.
inline std::string ToString(ByteView bytes) {
  return std::string(AsStringView(bytes));
}

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_BYTES_H_
