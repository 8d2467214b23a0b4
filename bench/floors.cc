// floors.cc: the floor functions named in floors.h.
#include "floors.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <array>

#include "cpu_timer.h"
#include "peer.h"

namespace e2esasl::bench {
namespace {

// The same password and a 16-byte salt as a provisioned user: PBKDF2's cost does not depend
// on either (one HMAC keying, then two compressions per iteration).
constexpr char kPassword[] = "pencil-for-the-bench";
constexpr std::array<unsigned char, 16> kSalt = {'e', '2', 'e', 's', 'a', 's', 'l', '-',
                                                 'b', 'e', 'n', 'c', 'h', 's', 'l', 't'};

bool Pbkdf2(const EVP_MD* md, const FloorParams& params) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  const int len = EVP_MD_get_size(md);
  // RFC 5802 s2.2: Hi(str, salt, i) is PBKDF2 with HMAC as the PRF and dkLen the hash length.
  return PKCS5_PBKDF2_HMAC(kPassword, sizeof(kPassword) - 1, kSalt.data(), kSalt.size(),
                           static_cast<int>(params.iterations), md, len, out.data()) == 1;
}

}  // namespace

bool FloorScramSha1(const FloorParams& params) {
  return Pbkdf2(EVP_sha1(), params);
}
bool FloorScramSha256(const FloorParams& params) {
  return Pbkdf2(EVP_sha256(), params);
}
bool FloorScramSha512(const FloorParams& params) {
  return Pbkdf2(EVP_sha512(), params);
}

bool FloorCpaceRistretto255(const FloorParams&) {
  if (sodium_init() < 0) {
    return false;
  }
  // draft-irtf-cfrg-cpace-21 s7.2: g = element_derivation(H.hash(generator_string(...)))
  std::array<unsigned char, crypto_hash_sha512_BYTES> gen_hash{};
  static constexpr char kGeneratorString[] = "CPaceRistretto255 bench generator string";
  crypto_hash_sha512(gen_hash.data(), reinterpret_cast<const unsigned char*>(kGeneratorString),
                     sizeof(kGeneratorString) - 1);
  std::array<unsigned char, crypto_core_ristretto255_BYTES> g{};
  if (crypto_core_ristretto255_from_hash(g.data(), gen_hash.data()) != 0) {
    return false;
  }
  // Ya = scalar_mult(ya, g)
  std::array<unsigned char, crypto_core_ristretto255_SCALARBYTES> ya{};
  crypto_core_ristretto255_scalar_random(ya.data());
  std::array<unsigned char, crypto_core_ristretto255_BYTES> own_share{};
  if (crypto_scalarmult_ristretto255(own_share.data(), ya.data(), g.data()) != 0) {
    return false;
  }
  // K = scalar_mult_vfy(ya, Yb); the peer's share costs the same to produce, so ours stands in.
  std::array<unsigned char, crypto_core_ristretto255_BYTES> k{};
  const bool ok = crypto_scalarmult_ristretto255(k.data(), ya.data(), own_share.data()) == 0;
  sodium_memzero(ya.data(), ya.size());
  sodium_memzero(k.data(), k.size());
  return ok;
}

std::optional<std::vector<double>> MeasureFloorBatches(FloorFn fn, const FloorParams& params,
                                                       int warmup, int count) {
  for (int i = 0; i < warmup; ++i) {
    if (!fn(params)) {
      return std::nullopt;
    }
  }
  const int batches = BatchesFor(count);
  std::vector<CpuTimer> timers(batches);
  std::vector<int> sizes(batches, 0);
  for (int i = 0; i < count; ++i) {
    const int b = BatchOf(i, count, batches);
    timers[b].Start();
    const bool ok = fn(params);
    timers[b].Stop();
    if (!ok) {
      return std::nullopt;
    }
    ++sizes[b];
  }
  std::vector<double> per_run;
  for (int b = 0; b < batches; ++b) {
    per_run.push_back(timers[b].Micros() / sizes[b]);
  }
  return per_run;
}

}  // namespace e2esasl::bench
