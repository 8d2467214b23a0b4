// ristretto255.h: the ristretto255 group operations every R255 family uses (CPace, OPAQUE, SAS),
// one name per operation, on libsodium (RFC 9496; libsodium's crypto_core_ristretto255 and
// crypto_scalarmult_ristretto255).
//
// Public elements are std::array (Element); scalars and shared elements are secrets
// (FixedSecret). Every function initialises libsodium on first use (SodiumReady) and returns false
// on failure: libsodium unusable, an invalid encoding, the identity element where the protocol
// forbids it, or an RNG failure. Outputs are then zeroed or unspecified, as each comment says.
// Nothing here throws except std::bad_alloc.
#ifndef E2ESASL_COMMON_RISTRETTO255_H_
#define E2ESASL_COMMON_RISTRETTO255_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/bytes.h"
#include "common/random.h"
#include "common/secret.h"

namespace e2esasl::ristretto255 {

inline constexpr size_t kElementSize = 32;     // an encoded element (RFC 9496 s4.3)
inline constexpr size_t kScalarSize = 32;      // a little-endian scalar mod L
inline constexpr size_t kWideScalarSize = 64;  // bytes reduced mod L (ReduceScalar)
inline constexpr size_t kHashSize = 64;        // one-way map input (ElementFromHash)

using Element = std::array<uint8_t, kElementSize>;

// kInvalidElementDetail: the detail of a peer's element a session refuses (not a canonical
// encoding, the identity, or the session's own element).
inline constexpr std::string_view kInvalidElementDetail =
    "the peer's element is not a valid ristretto255 element, is the neutral element or is our "
    "own: aborted";
using Scalar = FixedSecret<kScalarSize>;
using SharedElement = FixedSecret<kElementSize>;
// ElementOut: where an operation writes an encoded element, an Element or a SharedElement's
// span().
using ElementOut = std::span<uint8_t, kElementSize>;

// SodiumReady initialises libsodium once per process (thread-safe) and returns whether it is
// usable. Every function below calls it and fails when it returns false.
[[nodiscard]] bool SodiumReady();

// RandomScalar draws a uniform scalar in [1, L-1] by rejection sampling: 32 bytes from rng with
// the top three bits cleared, accepted when canonical (reducing it mod L changes nothing) and
// not zero. The first acceptable draw wins, so a FixedRng holding a canonical scalar (the
// drafts' and RFCs' vectors) replays it exactly. False when rng fails or after 256 rejections
// in a row (a broken generator).
[[nodiscard]] bool RandomScalar(Rng& rng, Scalar* out);

// ReduceScalar sets *out = wide mod L (wide: kWideScalarSize bytes, little-endian). False when
// wide has another size or libsodium is unusable; a zero result is the caller's to check.
[[nodiscard]] bool ReduceScalar(ByteView wide, Scalar* out);

// IsZeroScalar: s is zero (constant time).
[[nodiscard]] bool IsZeroScalar(const Scalar& s);

// IsCanonicalNonZeroScalar: s < L (reducing it mod L changes nothing) and s != 0 (constant time).
[[nodiscard]] bool IsCanonicalNonZeroScalar(const Scalar& s);

// InvertScalar sets *out = 1/s mod L. False when s is zero.
[[nodiscard]] bool InvertScalar(const Scalar& s, Scalar* out);

// ElementFromHash sets out to the one-way map of kHashSize uniform bytes (RFC 9496 s4.3.4,
// crypto_core_ristretto255_from_hash). False when hash has another size.
[[nodiscard]] bool ElementFromHash(ByteView hash, ElementOut out);

// IsValidElement: element is a canonical encoding and not the identity.
[[nodiscard]] bool IsValidElement(ByteView element);

// ScalarMultBase sets out = s * G. False when s is zero (the identity).
[[nodiscard]] bool ScalarMultBase(const Scalar& s, ElementOut out);

// ScalarMult sets out = s * P and returns true, or returns false - with out all zeros - when P
// is not a canonical encoding of kElementSize bytes or the product is the identity (libsodium
// returns -1 for both; crypto_core_ristretto255_is_valid_point alone accepts the identity).
[[nodiscard]] bool ScalarMult(const Scalar& s, ByteView p, ElementOut out);

}  // namespace e2esasl::ristretto255

#endif  // E2ESASL_COMMON_RISTRETTO255_H_
