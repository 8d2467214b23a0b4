// utf8.cc: strict RFC 3629 UTF-8.
#include "common/utf8.h"

#include <cstddef>

namespace e2esasl::utf8 {
namespace {

// DecodeOne decodes the sequence starting at text[*pos], advances *pos past it and returns
// true; returns false on any ill-formed sequence (RFC 3629 s4 UTF8-char ABNF).
bool DecodeOne(std::string_view text, size_t* pos, uint32_t* out) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const size_t start = *pos;
  const uint8_t b0 = byte(start);
  size_t length = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if (b0 < 0x80) {
    *out = b0;
    *pos = start + 1;
    return true;
  } else if (b0 >= 0xc2 && b0 <= 0xdf) {
    length = 2;
    cp = b0 & 0x1f;
    min = 0x80;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
    cp = b0 & 0x0f;
    min = 0x800;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return false;  // continuation byte, 0xc0/0xc1 (overlong), 0xf5..0xff
  }
  if (text.size() - start < length) {
    return false;
  }
  for (size_t i = 1; i < length; ++i) {
    const uint8_t b = byte(start + i);
    if ((b & 0xc0) != 0x80) {
      return false;
    }
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > kMaxCodePoint || (cp >= 0xd800 && cp <= 0xdfff)) {
    return false;
  }
  *out = cp;
  *pos = start + length;
  return true;
}

}  // namespace

bool IsValid(std::string_view text) {
  size_t pos = 0;
  uint32_t cp = 0;
  while (pos < text.size()) {
    if (!DecodeOne(text, &pos, &cp)) {
      return false;
    }
  }
  return true;
}

bool Decode(std::vector<uint32_t, ZeroizingAllocator<uint32_t>>* out, std::string_view text) {
  size_t pos = 0;
  uint32_t cp = 0;
  while (pos < text.size()) {
    if (!DecodeOne(text, &pos, &cp)) {
      WipeMemory(out->data(), out->size() * sizeof(uint32_t));
      out->clear();
      return false;
    }
    out->push_back(cp);
  }
  WipeMemory(&cp, sizeof(cp));
  return true;
}

bool Encode(SecretString* out, std::span<const uint32_t> code_points) {
  for (uint32_t cp : code_points) {
    char buffer[4];
    size_t length = 0;
    if (cp < 0x80) {
      buffer[0] = static_cast<char>(cp);
      length = 1;
    } else if (cp < 0x800) {
      buffer[0] = static_cast<char>(0xc0 | (cp >> 6));
      buffer[1] = static_cast<char>(0x80 | (cp & 0x3f));
      length = 2;
    } else if (cp < 0x10000) {
      if (cp >= 0xd800 && cp <= 0xdfff) {
        out->Clear();
        return false;
      }
      buffer[0] = static_cast<char>(0xe0 | (cp >> 12));
      buffer[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      buffer[2] = static_cast<char>(0x80 | (cp & 0x3f));
      length = 3;
    } else if (cp <= kMaxCodePoint) {
      buffer[0] = static_cast<char>(0xf0 | (cp >> 18));
      buffer[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      buffer[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      buffer[3] = static_cast<char>(0x80 | (cp & 0x3f));
      length = 4;
    } else {
      out->Clear();
      return false;
    }
    out->Append(std::string_view(buffer, length));
    WipeMemory(buffer, sizeof(buffer));
  }
  return true;
}

}  // namespace e2esasl::utf8
