// hash.h: the hash functions and hash-based KDFs the mechanism families need: SHA-256 and SHA-512
// digests and HMACs on libsodium, SHA-1 on OpenSSL 3.0 EVP (hash.cc), and PBKDF2 on OpenSSL's
// SHA compression functions (pbkdf2.cc, the only user of OpenSSL's deprecated low-level API).
// (OpenSSL 3 spends more on its per-call provider machinery than on hashing a short message:
// ~2.7 us per HMAC-SHA-512 of 100 bytes against ~1 us with libsodium, and OPAQUE or CPace run
// dozens per login.)
//
// Every function returns nullopt only on a local failure (allocation, OpenSSL error) or an
// argument outside the documented range; callers turn that into Status::kInternal. Outputs are
// SecretBytes because most of them are keys (ClientKey, SaltedPassword, PRK, OKM); a public
// value (a digest of public data) is simply wiped needlessly.
#ifndef E2ESASL_COMMON_HASH_H_
#define E2ESASL_COMMON_HASH_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "common/bytes.h"
#include "common/secret.h"
#include "e2esasl/handles.h"

namespace e2esasl {

enum class HashAlg { kSha1, kSha256, kSha512 };

// HashName returns the IANA hash name as SCRAM mechanism names spell it: "SHA-1", "SHA-256",
// "SHA-512".
std::string_view HashName(HashAlg alg);
// HashSize returns the output size in bytes: 20, 32, 64.
size_t HashSize(HashAlg alg);
// kMaxHashSize: the largest HashSize (SHA-512).
inline constexpr size_t kMaxHashSize = 64;

// Digest returns H(data).
std::optional<SecretBytes> Digest(HashAlg alg, ByteView data);

// Hmac returns HMAC-H(key, data) (RFC 2104). Any key length, including empty, is allowed.
std::optional<SecretBytes> Hmac(HashAlg alg, ByteView key, ByteView data);

class HmacStream;

namespace internal {
// HmacState: a libsodium HMAC-SHA-256/512 state (hash.cc); DestroyHmacState wipes it, then frees
// it (the owner's FreeWith, as for the foreign handles of e2esasl/handles.h).
struct HmacState;
void DestroyHmacState(HmacState* state);
using HmacStatePtr = std::unique_ptr<HmacState, FreeWith<DestroyHmacState>>;
}  // namespace internal

// HmacKey: an HMAC keyed once, to compute many MACs under the same key without re-keying (the
// ipad/opad blocks are hashed once). The key is held only as those keyed hash states (libsodium,
// or OpenSSL for SHA-1), wiped when the HmacKey is destroyed. Movable, not copyable; const
// methods are safe to call from several threads on the same HmacKey.
class HmacKey {
 public:
  // Create keys an HMAC-H with key. Returns nullopt on an OpenSSL failure.
  static std::optional<HmacKey> Create(HashAlg alg, ByteView key);

  HashAlg alg() const { return alg_; }
  size_t size() const { return HashSize(alg_); }

  // Compute returns HMAC(key, data); the overload MACs the concatenation of parts (e.g. SCRAM's
  // AuthMessage pieces) without building it. nullopt on an OpenSSL failure.
  std::optional<SecretBytes> Compute(ByteView data) const;
  std::optional<SecretBytes> Compute(std::initializer_list<ByteView> parts) const;
  // Start returns a stream for data that arrives in pieces. nullopt on an OpenSSL failure.
  std::optional<HmacStream> Start() const;

 private:
  HmacKey(HashAlg alg, EvpMacCtxPtr keyed, internal::HmacStatePtr state)
      : alg_(alg), keyed_(std::move(keyed)), state_(std::move(state)) {}

  HashAlg alg_;
  // Exactly one is set, initialised with the key and never updated: copied per MAC.
  EvpMacCtxPtr keyed_;            // SHA-1
  internal::HmacStatePtr state_;  // SHA-256, SHA-512
};

// HmacStream: one MAC computation in progress (from HmacKey::Start). Update after Finish, or
// after a failed Update, fails.
class HmacStream {
 public:
  [[nodiscard]] bool Update(ByteView data);
  // Finish returns the MAC; the stream is then spent. nullopt on failure or when spent.
  std::optional<SecretBytes> Finish();

 private:
  friend class HmacKey;
  HmacStream(HashAlg alg, EvpMacCtxPtr ctx, internal::HmacStatePtr state)
      : alg_(alg), ctx_(std::move(ctx)), state_(std::move(state)) {}

  HashAlg alg_;
  // As in HmacKey; both null once spent or failed.
  EvpMacCtxPtr ctx_;
  internal::HmacStatePtr state_;
};

// HkdfExtract returns PRK = HMAC-Hash(salt, IKM) (RFC 5869 s2.2). An empty salt means HashLen
// zero bytes, which HMAC treats identically.
std::optional<SecretBytes> HkdfExtract(HashAlg alg, ByteView salt, ByteView ikm);

// HkdfExpand returns the first length bytes of T(1) | T(2) | ... (RFC 5869 s2.3). nullopt when
// length > 255 * HashLen, or on an OpenSSL failure. length 0 gives an empty result.
std::optional<SecretBytes> HkdfExpand(HashAlg alg, ByteView prk, ByteView info, size_t length);

// Pbkdf2 returns PBKDF2-HMAC-H(password, salt, iterations, out_len) (RFC 8018 s5.2),
// byte-identical to OpenSSL's PKCS5_PBKDF2_HMAC, at 2 * iterations calls of the hash's
// compression function per hLen bytes of output, plus the keying (pbkdf2.cc). Any password and
// salt length, including empty. nullopt when iterations or out_len is 0 or above INT_MAX, or on
// an OpenSSL failure. The caller enforces its own iteration policy (minimum / maximum).
std::optional<SecretBytes> Pbkdf2(HashAlg alg, ByteView password, ByteView salt,
                                  uint32_t iterations, size_t out_len);

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_HASH_H_
