// oprf.h: the OPRF of RFC 9497 in mode 0x00 (OPRF, not VOPRF/POPRF) with the ristretto255-SHA512
// suite, on libsodium, plus the group helpers OPAQUE-3DH needs (RFC 9807 s4.3.1, s6.4).
//
// Sizes are the suite's: Noe = Ns = Npk = Nsk = 32, Nh = 64. Public group elements are
// std::array (Element); scalars are secrets (FixedSecret). Every function returns false (or
// nullopt) on failure and then leaves its outputs zeroed/unspecified: an invalid encoding, the
// identity element, a zero scalar, a libsodium or OpenSSL failure, or an RNG failure. Callers map
// that to a Status; no function here throws except std::bad_alloc.
#ifndef E2ESASL_OPAQUE_OPRF_H_
#define E2ESASL_OPAQUE_OPRF_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/bytes.h"
#include "common/random.h"
#include "common/ristretto255.h"
#include "common/secret.h"

namespace e2esasl::opaque {

using ristretto255::kElementSize;        // Noe = Npk (RFC 9497 s4.1: Ne)
using ristretto255::kScalarSize;         // Nsk (RFC 9497 s4.1: Ns)
inline constexpr size_t kHashSize = 64;  // Nh (SHA-512)

using ristretto255::Element;
using ristretto255::Scalar;

// The group's own operations are common/ristretto255.h: RandomScalar (RFC 9497 s4.7.2),
// ScalarMultBase (pk = sk * G), IsValidElement (DeserializeElement's checks) and ScalarMult
// (RFC 9807 s6.4.1 DiffieHellman(k, B) = SerializeElement(k * B)).

// ExpandMessageXmd returns expand_message_xmd(msg, dst, len) with SHA-512 (RFC 9380 s5.3.1).
// nullopt when len > 255 * 64 or len > 65535, dst is longer than 255 bytes, or on an OpenSSL
// failure.
std::optional<SecretBytes> ExpandMessageXmd(ByteView msg, ByteView dst, size_t len);

// HashToGroup maps input to a ristretto255 element with DST "HashToGroup-" || contextString
// (RFC 9497 s4.1, RFC 9380 hash_to_ristretto255). False on failure.
bool HashToGroup(ByteView input, Element* out);

// HashToScalar maps input to a scalar with the given DST (RFC 9497 s4.1: expand to 64 bytes,
// reduce mod L).
bool HashToScalar(ByteView input, ByteView dst, Scalar* out);

// DeriveKeyPair is RFC 9497 s3.2.1 DeriveKeyPair(seed, info) of the suite: sk != 0, pk = sk * G.
// out_pk may be null when the caller needs only sk (the OPRF key: pk would cost a scalar
// multiplication per login for nothing).
bool DeriveKeyPair(ByteView seed, ByteView info, Scalar* out_sk, Element* out_pk);

// Blind is RFC 9497 s3.3.1 Blind(input): blind = RandomScalar, blindedElement =
// blind * HashToGroup(input). False also when HashToGroup gives the identity (InvalidInputError).
bool Blind(Rng& rng, ByteView input, Scalar* out_blind, Element* out_blinded);

// BlindEvaluate is RFC 9497 s3.3.1 BlindEvaluate(skS, blindedElement) = skS * blindedElement.
// False when blinded is not a valid encoding or the result is the identity.
bool BlindEvaluate(const Scalar& sk, const Element& blinded, Element* out_evaluated);

// Finalize is RFC 9497 s3.3.1 Finalize(input, blind, evaluatedElement): Nh bytes.
std::optional<SecretBytes> Finalize(ByteView input, const Scalar& blind, const Element& evaluated);

}  // namespace e2esasl::opaque

#endif  // E2ESASL_OPAQUE_OPRF_H_
