// floors.cc: the floor functions named in floors.h.
#include "floors.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <memory>
#include <vector>

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

// OpenSSL 3.0 deprecates the low-level SHA API (EVP has no call that runs one compression on a
// state); the limits need exactly that, as plugins/common/pbkdf2.cc does. Silenced for the three
// Ops structs below only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {

// Ops: one hash's context, its compression function, and its state words (which are the whole
// digest for SHA-1, SHA-256 and SHA-512).
struct Sha1Ops {
  using Ctx = SHA_CTX;
  using Word = SHA_LONG;
  static constexpr size_t kWords = 5;
  static int Init(Ctx* c) { return SHA1_Init(c); }
  static void Compress(Ctx* c, const unsigned char* block) { SHA1_Transform(c, block); }
  static void Get(const Ctx& c, Word* h) {
    h[0] = c.h0;
    h[1] = c.h1;
    h[2] = c.h2;
    h[3] = c.h3;
    h[4] = c.h4;
  }
  static void Set(Ctx* c, const Word* h) {
    c->h0 = h[0];
    c->h1 = h[1];
    c->h2 = h[2];
    c->h3 = h[3];
    c->h4 = h[4];
  }
};
struct Sha256Ops {
  using Ctx = SHA256_CTX;
  using Word = SHA_LONG;
  static constexpr size_t kWords = 8;
  static int Init(Ctx* c) { return SHA256_Init(c); }
  static void Compress(Ctx* c, const unsigned char* block) { SHA256_Transform(c, block); }
  static void Get(const Ctx& c, Word* h) { std::copy(c.h, c.h + kWords, h); }
  static void Set(Ctx* c, const Word* h) { std::copy(h, h + kWords, c->h); }
};
struct Sha512Ops {
  using Ctx = SHA512_CTX;
  using Word = SHA_LONG64;
  static constexpr size_t kWords = 8;
  static int Init(Ctx* c) { return SHA512_Init(c); }
  static void Compress(Ctx* c, const unsigned char* block) { SHA512_Transform(c, block); }
  static void Get(const Ctx& c, Word* h) { std::copy(c.h, c.h + kWords, h); }
  static void Set(Ctx* c, const Word* h) { std::copy(h, h + kWords, c->h); }
};

#pragma GCC diagnostic pop

// Compressions runs 2 * iterations compressions, each on the state the previous one left, of
// a fixed block (the cost of a compression does not depend on its input): the limit.
template <typename Ops>
bool Compressions(const FloorParams& params) {
  std::array<unsigned char, SHA512_CBLOCK> block{};
  block[0] = 0x80;
  typename Ops::Ctx ctx;
  if (Ops::Init(&ctx) != 1) {
    return false;
  }
  for (uint64_t k = 0; k < 2 * uint64_t{params.iterations}; ++k) {
    Ops::Compress(&ctx, block.data());
  }
  return true;
}

// DependentCompressions runs 2 * iterations compressions chained as Hi() chains them: each
// starts from the same saved state (a pad state) and takes the previous one's output, written
// out as digest bytes, as the start of its message block. A compression can then only begin
// once the previous one's result has gone through memory into the next message, which on this
// kind of CPU costs more than chaining the state does (docs/performance.md).
template <typename Ops>
bool DependentCompressions(const FloorParams& params) {
  using Word = typename Ops::Word;
  std::array<unsigned char, SHA512_CBLOCK> block{};
  block[Ops::kWords * sizeof(Word)] = 0x80;
  typename Ops::Ctx ctx;
  if (Ops::Init(&ctx) != 1) {
    return false;
  }
  Word pad_state[Ops::kWords];
  Word out[Ops::kWords];
  Ops::Get(ctx, pad_state);
  for (uint64_t k = 0; k < 2 * uint64_t{params.iterations}; ++k) {
    Ops::Set(&ctx, pad_state);
    Ops::Compress(&ctx, block.data());
    Ops::Get(ctx, out);
    // The digest is big-endian words (FIPS 180-4); one byte swap and store per word (a
    // shift-and-mask loop compiles into slow byte assembly for SHA-1's five words).
    for (size_t w = 0; w < Ops::kWords; ++w) {
      Word big = out[w];
      if constexpr (std::endian::native == std::endian::little) {
        if constexpr (sizeof(Word) == 4) {
          big = __builtin_bswap32(big);
        } else {
          big = __builtin_bswap64(big);
        }
      }
      std::memcpy(block.data() + w * sizeof(Word), &big, sizeof big);
    }
  }
  return true;
}

}  // namespace

bool LimitScramSha1(const FloorParams& params) {
  return Compressions<Sha1Ops>(params);
}
bool LimitScramSha256(const FloorParams& params) {
  return Compressions<Sha256Ops>(params);
}
bool LimitScramSha512(const FloorParams& params) {
  return Compressions<Sha512Ops>(params);
}
bool ChainScramSha1(const FloorParams& params) {
  return DependentCompressions<Sha1Ops>(params);
}
bool ChainScramSha256(const FloorParams& params) {
  return DependentCompressions<Sha256Ops>(params);
}
bool ChainScramSha512(const FloorParams& params) {
  return DependentCompressions<Sha512Ops>(params);
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

namespace {

using Element = std::array<unsigned char, crypto_core_ristretto255_BYTES>;
using Scalar = std::array<unsigned char, crypto_core_ristretto255_SCALARBYTES>;

// RandomKeyPair: a random scalar and sk * G (a fixed-base multiplication).
bool RandomKeyPair(Scalar* sk, Element* pk) {
  crypto_core_ristretto255_scalar_random(sk->data());
  return crypto_scalarmult_ristretto255_base(pk->data(), sk->data()) == 0;
}

bool Mult(const Scalar& k, const Element& p, Element* out) {
  return crypto_scalarmult_ristretto255(out->data(), k.data(), p.data()) == 0;
}

}  // namespace

bool FloorOpaqueClient(const FloorParams&) {
  if (sodium_init() < 0) {
    return false;
  }
  // Blind: input_element = HashToGroup(password) (one-way map), blinded = blind * input_element
  std::array<unsigned char, crypto_core_ristretto255_HASHBYTES> uniform{};
  static constexpr char kInput[] = "OPAQUE bench password";
  crypto_hash_sha512(uniform.data(), reinterpret_cast<const unsigned char*>(kInput),
                     sizeof(kInput) - 1);
  Element input_element{}, blinded{}, unblinded{};
  Scalar blind{}, inverse{};
  if (crypto_core_ristretto255_from_hash(input_element.data(), uniform.data()) != 0) {
    return false;
  }
  crypto_core_ristretto255_scalar_random(blind.data());
  // The server's evaluation stands in as the blinded element itself: the same cost to undo.
  bool ok = Mult(blind, input_element, &blinded) &&
            crypto_core_ristretto255_scalar_invert(inverse.data(), blind.data()) == 0 &&
            Mult(inverse, blinded, &unblinded);
  // The client's ephemeral key pair and its recovered static key pair.
  Scalar eph_sk{}, static_sk{};
  Element eph_pk{}, static_pk{};
  ok = ok && RandomKeyPair(&eph_sk, &eph_pk) && RandomKeyPair(&static_sk, &static_pk);
  // 3DH: eph * server_eph, eph * server_static, static * server_eph (our points stand in).
  Element dh1{}, dh2{}, dh3{};
  ok = ok && Mult(eph_sk, static_pk, &dh1) && Mult(eph_sk, eph_pk, &dh2) &&
       Mult(static_sk, eph_pk, &dh3);
  sodium_memzero(blind.data(), blind.size());
  sodium_memzero(inverse.data(), inverse.size());
  sodium_memzero(eph_sk.data(), eph_sk.size());
  sodium_memzero(static_sk.data(), static_sk.size());
  return ok;
}

// PeerPoints: what the server receives (the client's blinded element, ephemeral and static
// public keys), made once, outside any timing: the server does not compute them.
namespace {

struct PeerPoints {
  Element blinded{}, client_eph{}, client_static{};
  bool ok = false;
};

const PeerPoints& ClientPoints() {
  static const PeerPoints points = [] {
    PeerPoints p;
    Scalar sk{};
    p.ok = sodium_init() >= 0 && RandomKeyPair(&sk, &p.blinded) &&
           RandomKeyPair(&sk, &p.client_eph) && RandomKeyPair(&sk, &p.client_static);
    sodium_memzero(sk.data(), sk.size());
    return p;
  }();
  return points;
}

}  // namespace

bool FloorOpaqueServer(const FloorParams&) {
  const PeerPoints& in = ClientPoints();
  if (!in.ok) {
    return false;
  }
  Scalar oprf_key{}, server_sk{}, eph_sk{};
  Element eph_pk{}, evaluated{}, dh1{}, dh2{}, dh3{};
  crypto_core_ristretto255_scalar_random(oprf_key.data());
  crypto_core_ristretto255_scalar_random(server_sk.data());
  // BlindEvaluate(oprf_key, blinded_element)
  bool ok = Mult(oprf_key, in.blinded, &evaluated);
  // The server's ephemeral key pair.
  ok = ok && RandomKeyPair(&eph_sk, &eph_pk);
  // 3DH: eph * client_eph, static * client_eph, eph * client_static
  ok = ok && Mult(eph_sk, in.client_eph, &dh1) && Mult(server_sk, in.client_eph, &dh2) &&
       Mult(eph_sk, in.client_static, &dh3);
  sodium_memzero(oprf_key.data(), oprf_key.size());
  sodium_memzero(server_sk.data(), server_sk.size());
  sodium_memzero(eph_sk.data(), eph_sk.size());
  return ok;
}

// VOUCH-ES256-PLUS: the peer's keys, its two signatures and the messages they sign, made once
// (the first call, a warmup): a side receives them and does not compute them.
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// The sizes of what a side verifies and signs: a statement's JWS signing input (base64url
// header "." base64url claims with the device's public JWK) and a transcript signing input.
// SHA-256 over a few hundred bytes is a few blocks: the cost is the curve arithmetic.
constexpr size_t kStatementInputSize = 480;
constexpr size_t kTranscriptInputSize = 320;

// Es256Sign: an ECDSA P-256 signature with SHA-256 (DER) over message.
bool Es256Sign(EVP_PKEY* key, const std::vector<unsigned char>& message,
               std::vector<unsigned char>* signature) {
  MdCtx ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    return false;
  }
  signature->resize(len);
  if (EVP_DigestSign(ctx.get(), signature->data(), &len, message.data(), message.size()) != 1) {
    return false;
  }
  signature->resize(len);
  return true;
}

bool Es256Verify(EVP_PKEY* key, const std::vector<unsigned char>& message,
                 const std::vector<unsigned char>& signature) {
  MdCtx ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

struct VouchPeer {
  Pkey issuer;       // the domain's issuer key (its public half is what a side holds)
  Pkey peer_device;  // the peer's device key
  Pkey own_device;   // this side's device key
  std::vector<unsigned char> statement_input, transcript_input;
  std::vector<unsigned char> statement_signature, transcript_signature;
  bool ok = false;
};

const VouchPeer& VouchPeerData() {
  static const VouchPeer peer = [] {
    VouchPeer p;
    p.issuer.reset(EVP_EC_gen("P-256"));
    p.peer_device.reset(EVP_EC_gen("P-256"));
    p.own_device.reset(EVP_EC_gen("P-256"));
    p.statement_input.assign(kStatementInputSize, 'S');
    p.transcript_input.assign(kTranscriptInputSize, 'T');
    p.ok = p.issuer && p.peer_device && p.own_device &&
           Es256Sign(p.issuer.get(), p.statement_input, &p.statement_signature) &&
           Es256Sign(p.peer_device.get(), p.transcript_input, &p.transcript_signature);
    return p;
  }();
  return peer;
}

}  // namespace

bool FloorVouchEs256(const FloorParams&) {
  const VouchPeer& in = VouchPeerData();
  if (!in.ok) {
    return false;
  }
  // The peer's statement (the issuer's signature), the peer's transcript signature (its device
  // key), then this side's own transcript signature.
  std::vector<unsigned char> own_signature;
  return Es256Verify(in.issuer.get(), in.statement_input, in.statement_signature) &&
         Es256Verify(in.peer_device.get(), in.transcript_input, in.transcript_signature) &&
         Es256Sign(in.own_device.get(), in.transcript_input, &own_signature);
}

FloorRunner::FloorRunner(FloorFn fn, FloorParams params, int warmup, int count)
    : fn_(fn), params_(params), warmup_(warmup), count_(count), batch_ns_(BatchesFor(count), 0) {}

void FloorRunner::Run(int i) {
  if (fn_ == nullptr || failed_) {
    return;
  }
  const int timed = i - warmup_;
  CpuTimer timer;
  timer.Start();
  const bool ok = fn_(params_);
  timer.Stop();
  failed_ = !ok;
  if (timed >= 0 && timed < count_) {
    batch_ns_[BatchOf(timed, count_, static_cast<int>(batch_ns_.size()))] += timer.Nanos();
  }
}

int64_t FloorRunner::BatchNanos(int batch) const {
  return batch < static_cast<int>(batch_ns_.size()) ? batch_ns_[batch] : 0;
}

}  // namespace e2esasl::bench
