// ksf.cc: Argon2id through libargon2 (which, unlike libsodium's crypto_pwhash, supports p > 1).
#include "opaque/ksf.h"

#include <array>
#include <charconv>

#include <argon2.h>

namespace e2esasl::opaque {
namespace {

constexpr std::string_view kArgon2idPrefix = "argon2id:";
constexpr size_t kOutputSize = 64;  // T = Nh
constexpr size_t kSaltSize = 16;    // S = zeroes(16)

// ParseDecimal reads a decimal u32 without sign or leading zeros, ending at ':' or the end.
bool ParseDecimal(std::string_view* text, uint32_t* out, bool last) {
  const size_t end = last ? text->size() : text->find(':');
  if (end == std::string_view::npos || end == 0 || end > 10) {
    return false;
  }
  const std::string_view digits = text->substr(0, end);
  if (digits.size() > 1 && digits[0] == '0') {
    return false;
  }
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *out);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    return false;
  }
  text->remove_prefix(last ? end : end + 1);
  return true;
}

}  // namespace

bool KsfParams::Valid() const {
  if (kind == KsfKind::kIdentity) {
    return true;
  }
  return parallelism >= 1 && parallelism <= kMaxParallelism && iterations >= 1 &&
         iterations <= kMaxIterations && memory_kib <= kMaxMemoryKib &&
         static_cast<uint64_t>(memory_kib) >= 8ull * parallelism;
}

std::string KsfCap::Describe() const {
  return "m<=" + std::to_string(memory_kib) + " t<=" + std::to_string(iterations) +
         " p<=" + std::to_string(parallelism) + " m*t<=" + std::to_string(work_kib);
}

bool KsfParams::WithinCap(const KsfCap& cap) const {
  // Both factors are at most 2^24 and 2^16 (Valid): the product fits in 64 bits.
  return kind == KsfKind::kArgon2id && Valid() && memory_kib <= cap.memory_kib &&
         iterations <= cap.iterations && parallelism <= cap.parallelism &&
         static_cast<uint64_t>(memory_kib) * iterations <= cap.work_kib;
}

std::optional<KsfParams> KsfParams::Parse(std::string_view text) {
  if (text.substr(0, kArgon2idPrefix.size()) != kArgon2idPrefix) {
    return std::nullopt;
  }
  text.remove_prefix(kArgon2idPrefix.size());
  KsfParams params;
  if (!ParseDecimal(&text, &params.memory_kib, false) ||
      !ParseDecimal(&text, &params.iterations, false) ||
      !ParseDecimal(&text, &params.parallelism, true) || !text.empty() || !params.Valid()) {
    return std::nullopt;
  }
  return params;
}

std::string KsfParams::Serialize() const {
  if (kind == KsfKind::kIdentity) {
    return std::string();
  }
  return std::string(kArgon2idPrefix) + std::to_string(memory_kib) + ":" +
         std::to_string(iterations) + ":" + std::to_string(parallelism);
}

std::optional<SecretBytes> Stretch(const KsfParams& params, ByteView msg) {
  if (!params.Valid()) {
    return std::nullopt;
  }
  if (params.kind == KsfKind::kIdentity) {
    // RFC 9807 Appendix C: Identity returns its input unchanged, msg = Stretch(msg).
    return ToSecretBytes(msg);
  }
  // RFC 9807 s7: Argon2id(S = zeroes(16), p = 4, T = Nh, m = 2^21, t = 1, v = 0x13, K = nil,
  // X = nil, y = 2), with p, m, t taken from params (RFC 9106 s4 parameter choices).
  const std::array<uint8_t, kSaltSize> salt{};
  SecretBytes out(kOutputSize);
  const int r =
      argon2id_hash_raw(params.iterations, params.memory_kib, params.parallelism, msg.data(),
                        msg.size(), salt.data(), salt.size(), out.data(), out.size());
  if (r != ARGON2_OK) {
    return std::nullopt;
  }
  return out;
}

}  // namespace e2esasl::opaque
