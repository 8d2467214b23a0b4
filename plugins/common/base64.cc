// base64.cc: strict RFC 4648 base64.
#include "common/base64.h"

#include <cstdint>
#include <type_traits>

namespace e2esasl {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Variant: RFC 4648 section 4 (standard alphabet, padded) or section 5 (URL and file name safe
// alphabet, without padding, as JOSE uses it: RFC 7515 section 2).
enum class Variant { kStandard, kUrl };

// RangeMask returns 0xff..ff when lo <= c <= hi, else 0, without branching on c.
uint32_t RangeMask(uint32_t c, uint32_t lo, uint32_t hi) {
  // (c - lo) and (hi - c) are both non-negative exactly in range: test their sign bits.
  const uint32_t below = (c - lo) >> 31;  // 1 if c < lo (c <= 0xff, so no wrap past bit 31)
  const uint32_t above = (hi - c) >> 31;  // 1 if c > hi
  return ((below | above) ^ 1u) * 0xffffffffu;
}

// DecodeChar returns the 6-bit value of an alphabet character, or 0x100 (invalid) for any other
// byte, including '='. Constant time in c.
template <Variant variant>
uint32_t DecodeChar(uint8_t byte) {
  constexpr uint32_t c62 = variant == Variant::kUrl ? '-' : '+';
  constexpr uint32_t c63 = variant == Variant::kUrl ? '_' : '/';
  const uint32_t c = byte;
  uint32_t value = 0x100;
  value ^= RangeMask(c, 'A', 'Z') & (0x100 ^ (c - 'A'));
  value ^= RangeMask(c, 'a', 'z') & (0x100 ^ (c - 'a' + 26));
  value ^= RangeMask(c, '0', '9') & (0x100 ^ (c - '0' + 52));
  value ^= RangeMask(c, c62, c62) & (0x100 ^ 62u);
  value ^= RangeMask(c, c63, c63) & (0x100 ^ 63u);
  return value;
}

template <Variant variant, typename Out>
std::optional<Out> Decode(std::string_view text, size_t max_decoded_size) {
  size_t padding = 0;
  size_t decoded_size = 0;
  if constexpr (variant == Variant::kStandard) {
    if (text.size() % 4 != 0) {
      return std::nullopt;
    }
    if (!text.empty() && text[text.size() - 1] == '=') {
      padding = (text[text.size() - 2] == '=') ? 2 : 1;
    }
    decoded_size = text.size() / 4 * 3 - padding;
  } else {
    // Unpadded: a final group of 2 or 3 characters carries 1 or 2 bytes; 1 character is none.
    if (text.size() % 4 == 1) {
      return std::nullopt;
    }
    decoded_size = text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1);
  }
  if (decoded_size > max_decoded_size) {
    return std::nullopt;
  }
  Out out;
  out.reserve(decoded_size);
  const size_t data_chars = text.size() - padding;
  uint32_t invalid = 0;
  uint32_t accumulator = 0;
  size_t bits = 0;
  for (size_t i = 0; i < data_chars; ++i) {
    const uint32_t value = DecodeChar<variant>(static_cast<uint8_t>(text[i]));
    invalid |= value;
    accumulator = (accumulator << 6) | (value & 0x3f);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(accumulator >> bits));
    }
  }
  // RFC 4648 s3.5: the pad bits must be zero for the canonical encoding.
  const uint32_t leftover = accumulator & ((1u << bits) - 1u);
  WipeMemory(&accumulator, sizeof(accumulator));
  if ((invalid & 0x100) != 0 || leftover != 0 || out.size() != decoded_size) {
    if constexpr (std::is_same_v<Out, Bytes>) {
      Wipe(std::span<uint8_t>(out));
    }
    return std::nullopt;
  }
  return out;
}

template <Variant variant>
std::string Encode(ByteView data) {
  constexpr const char* alphabet = variant == Variant::kUrl ? kUrlAlphabet : kAlphabet;
  const size_t rest = data.size() % 3;
  size_t size = Base64EncodedSize(data.size());
  if (variant == Variant::kUrl && rest != 0) {
    size -= 3 - rest;  // no padding
  }
  std::string out(size, '\0');
  char* o = out.data();
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3, o += 4) {
    const uint32_t group = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    o[0] = alphabet[(group >> 18) & 0x3f];
    o[1] = alphabet[(group >> 12) & 0x3f];
    o[2] = alphabet[(group >> 6) & 0x3f];
    o[3] = alphabet[group & 0x3f];
  }
  if (rest != 0) {
    const uint32_t group = (uint32_t{data[i]} << 16) | (rest == 2 ? uint32_t{data[i + 1]} << 8 : 0);
    o[0] = alphabet[(group >> 18) & 0x3f];
    o[1] = alphabet[(group >> 12) & 0x3f];
    if (rest == 2) {
      o[2] = alphabet[(group >> 6) & 0x3f];
    }
    if constexpr (variant == Variant::kStandard) {
      if (rest == 1) {
        o[2] = '=';
      }
      o[3] = '=';
    }
  }
  return out;
}

}  // namespace

std::string Base64Encode(ByteView data) {
  return Encode<Variant::kStandard>(data);
}

std::string Base64UrlEncode(ByteView data) {
  return Encode<Variant::kUrl>(data);
}

std::optional<Bytes> Base64UrlDecode(std::string_view text, size_t max_decoded_size) {
  return Decode<Variant::kUrl, Bytes>(text, max_decoded_size);
}

std::optional<Bytes> Base64Decode(std::string_view text, size_t max_decoded_size) {
  return Decode<Variant::kStandard, Bytes>(text, max_decoded_size);
}

std::optional<SecretBytes> Base64DecodeSecret(std::string_view text, size_t max_decoded_size) {
  return Decode<Variant::kStandard, SecretBytes>(text, max_decoded_size);
}

}  // namespace e2esasl
