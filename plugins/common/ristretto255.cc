// ristretto255.cc: the ristretto255 group operations (see ristretto255.h) on libsodium.
#include "common/ristretto255.h"

#include <sodium.h>

#include <algorithm>
#include <mutex>

#include "common/ct.h"

namespace e2esasl::ristretto255 {
namespace {

static_assert(kElementSize == crypto_core_ristretto255_BYTES);
static_assert(kScalarSize == crypto_core_ristretto255_SCALARBYTES);
static_assert(kWideScalarSize == crypto_core_ristretto255_NONREDUCEDSCALARBYTES);
static_assert(kHashSize == crypto_core_ristretto255_HASHBYTES);

constexpr int kMaxRejections = 256;

}  // namespace

bool SodiumReady() {
  static std::once_flag once;
  static bool ready = false;
  std::call_once(once, [] { ready = sodium_init() >= 0; });
  return ready;
}

bool RandomScalar(Rng& rng, Scalar* out) {
  if (!SodiumReady()) {
    return false;
  }
  // Uniform in [1, L-1], L = 2^252 + 27742317777372353535851937790883648493 (RFC 9497 s4.7.2
  // RandomScalar, draft-irtf-cfrg-cpace s8.3 sample_scalar): a draw below 2^253 is accepted when
  // it is canonical and not zero; each draw is accepted with probability about 1/2.
  for (int attempt = 0; attempt < kMaxRejections; ++attempt) {
    if (!rng.Fill(out->span())) {
      return false;
    }
    out->data()[kScalarSize - 1] &= 0x1f;
    if (IsCanonicalNonZeroScalar(*out)) {
      return true;
    }
  }
  return false;
}

bool ReduceScalar(ByteView wide, Scalar* out) {
  if (!SodiumReady() || wide.size() != kWideScalarSize) {
    return false;
  }
  crypto_core_ristretto255_scalar_reduce(out->data(), wide.data());
  return true;
}

bool IsZeroScalar(const Scalar& s) {
  return sodium_is_zero(s.data(), kScalarSize) == 1;
}

bool IsCanonicalNonZeroScalar(const Scalar& s) {
  if (!SodiumReady()) {
    return false;
  }
  // canonical iff reduce(s || 0^32) == s
  FixedSecret<kWideScalarSize> wide;
  std::copy(s.data(), s.data() + kScalarSize, wide.data());
  Scalar reduced;
  crypto_core_ristretto255_scalar_reduce(reduced.data(), wide.data());
  return CtEqual(reduced.view(), s.view()) && !IsZeroScalar(s);
}

bool InvertScalar(const Scalar& s, Scalar* out) {
  return SodiumReady() && crypto_core_ristretto255_scalar_invert(out->data(), s.data()) == 0;
}

bool ElementFromHash(ByteView hash, ElementOut out) {
  if (!SodiumReady() || hash.size() != kHashSize) {
    return false;
  }
  return crypto_core_ristretto255_from_hash(out.data(), hash.data()) == 0;
}

bool IsValidElement(ByteView element) {
  return SodiumReady() && element.size() == kElementSize &&
         crypto_core_ristretto255_is_valid_point(element.data()) == 1 &&
         sodium_is_zero(element.data(), element.size()) == 0;  // the identity encodes as zeros
}

bool ScalarMultBase(const Scalar& s, ElementOut out) {
  return SodiumReady() && crypto_scalarmult_ristretto255_base(out.data(), s.data()) == 0;
}

bool ScalarMult(const Scalar& s, ByteView p, ElementOut out) {
  std::fill(out.begin(), out.end(), 0);
  if (!SodiumReady() || p.size() != kElementSize) {
    return false;
  }
  if (crypto_scalarmult_ristretto255(out.data(), s.data(), p.data()) != 0) {
    sodium_memzero(out.data(), out.size());
    return false;
  }
  return true;
}

}  // namespace e2esasl::ristretto255
