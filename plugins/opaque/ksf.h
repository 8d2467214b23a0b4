// ksf.h: the key stretching function (RFC 9807 s4.4 Stretch) of OPAQUE-R255: Argon2id with the
// salt and output length RFC 9807 s7 fixes (S = zeroes(16), T = Nh, v = 0x13, no K, no X), and
// the memory / time / parallelism parameters chosen per record; Identity only for the RFC's test
// vectors (never on the wire).
//
// Text form (in records, on the wire and in the context): "argon2id:" m ":" t ":" p, decimal
// without leading zeros, m in KiB. Parse accepts exactly what Serialize writes.
#ifndef E2ESASL_OPAQUE_KSF_H_
#define E2ESASL_OPAQUE_KSF_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/secret.h"

namespace e2esasl::opaque {

// Defaults for new records: RFC 9106 s4's second recommended option (64 MiB, t = 3, p = 4),
// which RFC 9807 s7 allows ("Argon2id with any of the parameters in RFC 9106"). RFC 9807's own
// example, m = 2 GiB, is more than a SASL client in a mail or LDAP client should be made to
// allocate. See docs/mechanisms/opaque.md.
inline constexpr uint32_t kDefaultMemoryKib = 65536;
inline constexpr uint32_t kDefaultIterations = 3;
inline constexpr uint32_t kDefaultParallelism = 4;
// Client caps (a DoS guard against a server, or a MITM before authentication, announcing huge
// costs), sized for a phone: at most twice the default memory (128 MiB) and twice the default
// total work m * t (384 MiB-passes, ~0.5-0.75 s of CPU where the default costs 0.26-0.37 s),
// 8 passes, 8 lanes (threads). Each parameter within its own cap is not enough: m = 128 MiB
// with t = 8 would be 5x the default work. Configurable; see docs/mechanisms/opaque.md.
inline constexpr uint32_t kDefaultMaxMemoryKib = 2 * kDefaultMemoryKib;
inline constexpr uint32_t kDefaultMaxIterations = 8;
inline constexpr uint32_t kDefaultMaxParallelism = 8;
inline constexpr uint64_t kDefaultMaxWorkKib =
    2 * static_cast<uint64_t>(kDefaultMemoryKib) * kDefaultIterations;
// Hard limits of any parameter set we accept at all (Argon2 requires m >= 8 * p).
inline constexpr uint32_t kMaxMemoryKib = 1u << 24;  // 16 GiB
inline constexpr uint32_t kMaxIterations = 1u << 16;
inline constexpr uint32_t kMaxParallelism = 255;

enum class KsfKind { kIdentity, kArgon2id };

// KsfCap: the costliest Argon2id a client agrees to run: each of m (KiB), t and p, and the total
// work m * t (KiB-passes: Argon2id fills m KiB t times, whatever p is).
struct KsfCap {
  uint32_t memory_kib = kDefaultMaxMemoryKib;
  uint32_t iterations = kDefaultMaxIterations;
  uint32_t parallelism = kDefaultMaxParallelism;
  uint64_t work_kib = kDefaultMaxWorkKib;

  // Describe: "m<=M t<=T p<=P m*t<=W", for error details.
  std::string Describe() const;
};

// KsfParams: one KSF with its parameters.
struct KsfParams {
  KsfKind kind = KsfKind::kArgon2id;
  uint32_t memory_kib = kDefaultMemoryKib;
  uint32_t iterations = kDefaultIterations;
  uint32_t parallelism = kDefaultParallelism;

  static KsfParams Identity() { return KsfParams{KsfKind::kIdentity, 0, 0, 0}; }
  // Valid: Identity, or Argon2id with 1 <= p <= kMaxParallelism, 8 * p <= m <= kMaxMemoryKib,
  // 1 <= t <= kMaxIterations.
  bool Valid() const;
  // WithinCap: Valid Argon2id no costlier than cap in each parameter and in m * t (Identity
  // never is).
  bool WithinCap(const KsfCap& cap) const;

  // Parse reads the text form of an Argon2id parameter set; nullopt when malformed or not
  // Valid(). Serialize writes it (Identity has no text form: empty string).
  static std::optional<KsfParams> Parse(std::string_view text);
  std::string Serialize() const;

  bool operator==(const KsfParams&) const = default;
};

// Stretch returns Stretch(msg) (RFC 9807 s4.4): msg for Identity, Argon2id(msg, S = zeroes(16),
// p, T = 64, m, t, v = 0x13) otherwise. nullopt on invalid parameters or a libargon2 failure
// (out of memory, thread creation).
std::optional<SecretBytes> Stretch(const KsfParams& params, ByteView msg);

}  // namespace e2esasl::opaque

#endif  // E2ESASL_OPAQUE_KSF_H_
