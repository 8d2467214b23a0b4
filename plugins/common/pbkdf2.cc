// pbkdf2.cc: PBKDF2-HMAC-SHA-1/256/512 (RFC 8018 s5.2) at two compression-function calls per
// iteration: the HMAC pads are hashed once, and every later iteration runs one compression of a
// pre-padded one-block message for the inner hash and one for the outer hash.
//
// The compression function is OpenSSL's low-level SHA1_Transform / SHA256_Transform /
// SHA512_Transform: the block functions OpenSSL's own digests run (its assembly, with the CPU's
// SHA extensions for SHA-1 and SHA-256 where present, as on this machine), with no per-call
// provider machinery. Nettle 3.8 (Debian 12) has no public SHA-256/512 compression function
// (only nettle_sha1_compress), and its PBKDF2-HMAC-SHA-512 took ~1.65 x the time of
// 2 i SHA512_Transform here. PKCS5_PBKDF2_HMAC goes through EVP and copies HMAC and digest
// contexts on every iteration (docs/performance.md has the figures).
#include <openssl/sha.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>

#include "common/hash.h"
#include "common/secret.h"

namespace e2esasl {
namespace {

// OpenSSL 3.0 deprecates the low-level SHA functions in favour of EVP (which dispatches every
// call through a provider); they remain in libcrypto 3.x, and the default provider's own
// SHA digests are built on them. EVP has no way to run one compression on a saved state, which
// is what keeps PBKDF2 at 2 compressions per iteration, so we call them here — only inside the
// three traits below — and nowhere else. A libcrypto built with no-deprecated lacks them: the
// build then fails here, loudly.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

// StoreBigEndian writes one state word as digest bytes (FIPS 180-4: big-endian words). It is
// on the critical path of every iteration (the digest is the next compression's message): a
// shift-and-mask loop compiled, for SHA-1's five words, into byte assembly through the stack
// that cost ~13 % of the whole PBKDF2; one byte swap and one store do not.
template <typename Word>
void StoreBigEndian(Word word, uint8_t* out) {
  static_assert(sizeof(Word) == 4 || sizeof(Word) == 8);
  if constexpr (std::endian::native == std::endian::little) {
    if constexpr (sizeof(Word) == 4) {
      word = __builtin_bswap32(word);
    } else {
      word = __builtin_bswap64(word);
    }
  }
  std::memcpy(out, &word, sizeof word);
}

// Each traits struct: kBlockSize (B of RFC 2104), kWords state words, which are the whole
// digest (kDigestSize = hLen), kLengthSize bytes of message length at the end of the padding
// (FIPS 180-4 s5.1), and the hash's Init / Update / Final / Compress on OpenSSL's context.
// Init/Update/Final return OpenSSL's 1 on success. StoreDigest writes the state as the digest
// (all of it: no truncated hash here).
struct Sha1 {
  using Ctx = SHA_CTX;
  using Word = SHA_LONG;
  static constexpr size_t kBlockSize = SHA_CBLOCK;
  static constexpr size_t kWords = 5;
  static constexpr size_t kLengthSize = 8;
  static int Init(Ctx* c) { return SHA1_Init(c); }
  static int Update(Ctx* c, const uint8_t* data, size_t len) { return SHA1_Update(c, data, len); }
  static int Final(Ctx* c, uint8_t* md) { return SHA1_Final(md, c); }
  static void Compress(Ctx* c, const uint8_t* block) { SHA1_Transform(c, block); }
  static void GetState(const Ctx& c, Word* h) {
    h[0] = c.h0;
    h[1] = c.h1;
    h[2] = c.h2;
    h[3] = c.h3;
    h[4] = c.h4;
  }
  static void SetState(Ctx* c, const Word* h) {
    c->h0 = h[0];
    c->h1 = h[1];
    c->h2 = h[2];
    c->h3 = h[3];
    c->h4 = h[4];
  }
  static void StoreDigest(const Ctx& c, uint8_t* out) {
    StoreBigEndian(c.h0, out);
    StoreBigEndian(c.h1, out + 4);
    StoreBigEndian(c.h2, out + 8);
    StoreBigEndian(c.h3, out + 12);
    StoreBigEndian(c.h4, out + 16);
  }
};

struct Sha256 {
  using Ctx = SHA256_CTX;
  using Word = SHA_LONG;
  static constexpr size_t kBlockSize = SHA256_CBLOCK;
  static constexpr size_t kWords = 8;
  static constexpr size_t kLengthSize = 8;
  static int Init(Ctx* c) { return SHA256_Init(c); }
  static int Update(Ctx* c, const uint8_t* data, size_t len) { return SHA256_Update(c, data, len); }
  static int Final(Ctx* c, uint8_t* md) { return SHA256_Final(md, c); }
  static void Compress(Ctx* c, const uint8_t* block) { SHA256_Transform(c, block); }
  static void GetState(const Ctx& c, Word* h) { std::copy(c.h, c.h + kWords, h); }
  static void SetState(Ctx* c, const Word* h) { std::copy(h, h + kWords, c->h); }
  static void StoreDigest(const Ctx& c, uint8_t* out) {
    for (size_t w = 0; w < kWords; ++w) {
      StoreBigEndian(c.h[w], out + w * sizeof(Word));
    }
  }
};

struct Sha512 {
  using Ctx = SHA512_CTX;
  using Word = SHA_LONG64;
  static constexpr size_t kBlockSize = SHA512_CBLOCK;
  static constexpr size_t kWords = 8;
  static constexpr size_t kLengthSize = 16;
  static int Init(Ctx* c) { return SHA512_Init(c); }
  static int Update(Ctx* c, const uint8_t* data, size_t len) { return SHA512_Update(c, data, len); }
  static int Final(Ctx* c, uint8_t* md) { return SHA512_Final(md, c); }
  static void Compress(Ctx* c, const uint8_t* block) { SHA512_Transform(c, block); }
  static void GetState(const Ctx& c, Word* h) { std::copy(c.h, c.h + kWords, h); }
  static void SetState(Ctx* c, const Word* h) { std::copy(h, h + kWords, c->h); }
  static void StoreDigest(const Ctx& c, uint8_t* out) {
    for (size_t w = 0; w < kWords; ++w) {
      StoreBigEndian(c.h[w], out + w * sizeof(Word));
    }
  }
};

#pragma GCC diagnostic pop

// Scratch: every intermediate value of one derivation — the padded key, the keyed pad states,
// U_j and T_i — all secrets, wiped by the destructor on every path out.
template <typename H>
struct Scratch {
  static constexpr size_t kDigestSize = H::kWords * sizeof(typename H::Word);

  typename H::Ctx inner;  // H's state after the block K0 ^ ipad (RFC 2104 s2 steps 1-2)
  typename H::Ctx outer;  // H's state after the block K0 ^ opad (steps 5-6)
  typename H::Ctx work;
  typename H::Word inner_state[H::kWords];
  typename H::Word outer_state[H::kWords];
  uint8_t key_block[H::kBlockSize];  // K0, then K0 ^ ipad, then K0 ^ opad
  uint8_t block[H::kBlockSize];      // U_j, padded as the last block of an HMAC hash
  uint8_t t[kDigestSize];            // T_i

  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { WipeMemory(this, sizeof *this); }
};

// Derive fills out with PBKDF2-HMAC-H(password, salt, iterations). false on an OpenSSL failure.
template <typename H>
bool Derive(ByteView password, ByteView salt, uint32_t iterations, std::span<uint8_t> out) {
  using S = Scratch<H>;
  constexpr size_t kHLen = S::kDigestSize;
  // The HMAC input of every iteration after the first, U_{j-1}, is hLen bytes; with the pad
  // block before it, it ends in one block of its own: U || 0x80 || 0...0 || length.
  static_assert(kHLen + 1 + H::kLengthSize <= H::kBlockSize);

  S s;
  std::memset(s.key_block, 0, sizeof s.key_block);
  // RFC 2104 s2: K longer than B bytes is first hashed, K = H(K); then K0 = K || 0x00...
  if (password.size() > H::kBlockSize) {
    if (H::Init(&s.work) != 1 || H::Update(&s.work, password.data(), password.size()) != 1 ||
        H::Final(&s.work, s.key_block) != 1) {
      return false;
    }
  } else if (!password.empty()) {
    std::memcpy(s.key_block, password.data(), password.size());
  }
  // RFC 2104 s2: HMAC(K, text) = H(K XOR opad, H(K XOR ipad, text)): each pad block is one
  // whole block, hashed once here; every HMAC below continues from these two states.
  for (uint8_t& b : s.key_block) {
    b ^= 0x36;  // ipad
  }
  if (H::Init(&s.inner) != 1 || H::Update(&s.inner, s.key_block, H::kBlockSize) != 1) {
    return false;
  }
  for (uint8_t& b : s.key_block) {
    b ^= 0x36 ^ 0x5c;  // opad
  }
  if (H::Init(&s.outer) != 1 || H::Update(&s.outer, s.key_block, H::kBlockSize) != 1) {
    return false;
  }
  H::GetState(s.inner, s.inner_state);
  H::GetState(s.outer, s.outer_state);

  // The last block of H(pad || U) for an hLen-byte U (FIPS 180-4 s5.1.1, s5.1.2): U, the bit
  // 1, zeros, and the message length in bits, (B + hLen) * 8, big-endian.
  std::memset(s.block, 0, sizeof s.block);
  s.block[kHLen] = 0x80;
  const uint64_t bit_length = (H::kBlockSize + kHLen) * 8;
  for (size_t b = 0; b < 8; ++b) {
    s.block[H::kBlockSize - 1 - b] = static_cast<uint8_t>(bit_length >> (8 * b));
  }

  // RFC 8018 s5.2 step 3-4: T_i = F(P, S, c, i), DK = T_1 || T_2 || ... || T_l<0..r-1>
  uint32_t index = 1;
  for (size_t done = 0; done < out.size(); done += kHLen, ++index) {
    // RFC 8018 s5.2: U_1 = PRF(P, S || INT(i)), with the library's own padding.
    const uint8_t int_i[4] = {static_cast<uint8_t>(index >> 24), static_cast<uint8_t>(index >> 16),
                              static_cast<uint8_t>(index >> 8), static_cast<uint8_t>(index)};
    s.work = s.inner;
    if ((!salt.empty() && H::Update(&s.work, salt.data(), salt.size()) != 1) ||
        H::Update(&s.work, int_i, sizeof int_i) != 1 || H::Final(&s.work, s.block) != 1) {
      return false;
    }
    s.work = s.outer;
    if (H::Update(&s.work, s.block, kHLen) != 1 || H::Final(&s.work, s.block) != 1) {
      return false;
    }
    // Final wrote only the first hLen bytes: the padding after U is intact.
    std::memcpy(s.t, s.block, kHLen);
    for (uint32_t j = 2; j <= iterations; ++j) {
      // U_j = PRF(P, U_{j-1}) (RFC 8018 s5.2): one compression of the padded block U_{j-1}
      // from the ipad state, one of the inner digest from the opad state.
      H::SetState(&s.work, s.inner_state);
      H::Compress(&s.work, s.block);
      H::StoreDigest(s.work, s.block);
      H::SetState(&s.work, s.outer_state);
      H::Compress(&s.work, s.block);
      H::StoreDigest(s.work, s.block);
      // F(P, S, c, i) = U_1 \xor U_2 \xor ... \xor U_c
      for (size_t b = 0; b < kHLen; ++b) {
        s.t[b] ^= s.block[b];
      }
    }
    const size_t take = std::min(kHLen, out.size() - done);
    std::memcpy(out.data() + done, s.t, take);
  }
  return true;
}

}  // namespace

std::optional<SecretBytes> Pbkdf2(HashAlg alg, ByteView password, ByteView salt,
                                  uint32_t iterations, size_t out_len) {
  if (iterations == 0 || iterations > INT_MAX || out_len == 0 || out_len > INT_MAX) {
    return std::nullopt;
  }
  SecretBytes out(out_len);
  bool ok = false;
  switch (alg) {
    case HashAlg::kSha1:
      ok = Derive<Sha1>(password, salt, iterations, out);
      break;
    case HashAlg::kSha256:
      ok = Derive<Sha256>(password, salt, iterations, out);
      break;
    case HashAlg::kSha512:
      ok = Derive<Sha512>(password, salt, iterations, out);
      break;
  }
  if (!ok) {
    return std::nullopt;
  }
  return out;
}

}  // namespace e2esasl
