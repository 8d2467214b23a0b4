// hash.cc: digests, HMAC, HKDF (SHA-256/512 on libsodium, SHA-1 on OpenSSL). PBKDF2 is in
// pbkdf2.cc.
#include "common/hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include <algorithm>
#include <utility>

namespace e2esasl {

namespace internal {

struct HmacState {
  union {
    crypto_auth_hmacsha256_state sha256;
    crypto_auth_hmacsha512_state sha512;
  };
};

void DestroyHmacState(HmacState* state) {
  sodium_memzero(state, sizeof *state);
  delete state;
}

}  // namespace internal

namespace {

using internal::HmacState;
using internal::HmacStatePtr;

// SodiumReady: libsodium initialised once per process (its SHA-2 needs no CPU dispatch, but
// sodium_init is the documented precondition of every function).
bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

HmacStatePtr CopyState(const HmacState& state) {
  return HmacStatePtr(new HmacState(state));
}

// A valid pointer for zero-length inputs: some OpenSSL paths treat a null key as "keep the
// previous key" rather than "empty key".
const uint8_t kEmpty[1] = {0};

const uint8_t* DataOrEmpty(ByteView bytes) {
  return bytes.empty() ? kEmpty : bytes.data();
}

const EVP_MD* Md(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return EVP_sha1();
    case HashAlg::kSha256:
      return EVP_sha256();
    case HashAlg::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

// UnkeyedSha1Hmac returns an HMAC-SHA-1 context with the digest set and no key, made once per
// process and never changed afterwards (so duplicating it from several threads is safe). Setting
// the digest by name makes OpenSSL fetch it, which costs more than the whole HMAC of a short
// message; duplicating a prepared context does not. Null on failure. (SHA-256/512 HMACs use
// libsodium.)
const EVP_MAC_CTX* UnkeyedSha1Hmac() {
  static const EvpMacCtxPtr unkeyed = []() -> EvpMacCtxPtr {
    const EvpMacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac) {
      return nullptr;
    }
    EvpMacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA1"), 0),
        OSSL_PARAM_construct_end(),
    };
    if (!ctx || EVP_MAC_CTX_set_params(ctx.get(), params) != 1) {
      return nullptr;
    }
    return ctx;
  }();
  return unkeyed.get();
}

}  // namespace

std::string_view HashName(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return "SHA-1";
    case HashAlg::kSha256:
      return "SHA-256";
    case HashAlg::kSha512:
      return "SHA-512";
  }
  return "unknown";
}

size_t HashSize(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return 20;
    case HashAlg::kSha256:
      return 32;
    case HashAlg::kSha512:
      return 64;
  }
  return 0;
}

std::optional<SecretBytes> Digest(HashAlg alg, ByteView data) {
  if (alg != HashAlg::kSha1) {
    if (!SodiumReady()) {
      return std::nullopt;
    }
    SecretBytes out(HashSize(alg));
    if (alg == HashAlg::kSha256) {
      crypto_hash_sha256(out.data(), DataOrEmpty(data), data.size());
    } else {
      crypto_hash_sha512(out.data(), DataOrEmpty(data), data.size());
    }
    return out;
  }
  const EVP_MD* md = Md(alg);
  if (md == nullptr) {
    return std::nullopt;
  }
  SecretBytes out(HashSize(alg));
  unsigned int out_len = 0;
  if (EVP_Digest(DataOrEmpty(data), data.size(), out.data(), &out_len, md, nullptr) != 1 ||
      out_len != out.size()) {
    return std::nullopt;
  }
  return out;
}

std::optional<HmacKey> HmacKey::Create(HashAlg alg, ByteView key) {
  if (alg != HashAlg::kSha1) {
    if (!SodiumReady()) {
      return std::nullopt;
    }
    // libsodium's _init takes keys of any length and hashes one longer than the block first,
    // as RFC 2104 s2 says.
    HmacStatePtr state(new HmacState);
    if (alg == HashAlg::kSha256) {
      crypto_auth_hmacsha256_init(&state->sha256, DataOrEmpty(key), key.size());
    } else {
      crypto_auth_hmacsha512_init(&state->sha512, DataOrEmpty(key), key.size());
    }
    return HmacKey(alg, nullptr, std::move(state));
  }
  const EVP_MAC_CTX* unkeyed = UnkeyedSha1Hmac();
  if (unkeyed == nullptr) {
    return std::nullopt;
  }
  // EVP_MAC_CTX_dup takes a non-const pointer but only reads its source.
  EvpMacCtxPtr ctx(EVP_MAC_CTX_dup(const_cast<EVP_MAC_CTX*>(unkeyed)));
  if (!ctx || EVP_MAC_init(ctx.get(), DataOrEmpty(key), key.size(), nullptr) != 1) {
    return std::nullopt;
  }
  return HmacKey(alg, std::move(ctx), nullptr);
}

std::optional<HmacStream> HmacKey::Start() const {
  if (state_) {
    return HmacStream(alg_, nullptr, CopyState(*state_));
  }
  EvpMacCtxPtr ctx(EVP_MAC_CTX_dup(keyed_.get()));
  if (!ctx) {
    return std::nullopt;
  }
  return HmacStream(alg_, std::move(ctx), nullptr);
}

std::optional<SecretBytes> HmacKey::Compute(ByteView data) const {
  return Compute({data});
}

std::optional<SecretBytes> HmacKey::Compute(std::initializer_list<ByteView> parts) const {
  std::optional<HmacStream> stream = Start();
  if (!stream) {
    return std::nullopt;
  }
  for (ByteView part : parts) {
    if (!stream->Update(part)) {
      return std::nullopt;
    }
  }
  return stream->Finish();
}

bool HmacStream::Update(ByteView data) {
  if (state_) {
    if (!data.empty()) {
      if (alg_ == HashAlg::kSha256) {
        crypto_auth_hmacsha256_update(&state_->sha256, data.data(), data.size());
      } else {
        crypto_auth_hmacsha512_update(&state_->sha512, data.data(), data.size());
      }
    }
    return true;
  }
  if (!ctx_) {
    return false;
  }
  if (data.empty()) {
    return true;
  }
  if (EVP_MAC_update(ctx_.get(), data.data(), data.size()) != 1) {
    ctx_.reset();
    return false;
  }
  return true;
}

std::optional<SecretBytes> HmacStream::Finish() {
  if (state_) {
    const HmacStatePtr state = std::move(state_);
    SecretBytes out(HashSize(alg_));
    if (alg_ == HashAlg::kSha256) {
      crypto_auth_hmacsha256_final(&state->sha256, out.data());
    } else {
      crypto_auth_hmacsha512_final(&state->sha512, out.data());
    }
    return out;
  }
  if (!ctx_) {
    return std::nullopt;
  }
  EvpMacCtxPtr ctx = std::move(ctx_);
  SecretBytes out(HashSize(alg_));
  size_t out_len = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &out_len, out.size()) != 1 || out_len != out.size()) {
    return std::nullopt;
  }
  return out;
}

std::optional<SecretBytes> Hmac(HashAlg alg, ByteView key, ByteView data) {
  std::optional<HmacKey> hmac = HmacKey::Create(alg, key);
  if (!hmac) {
    return std::nullopt;
  }
  return hmac->Compute(data);
}

std::optional<SecretBytes> HkdfExtract(HashAlg alg, ByteView salt, ByteView ikm) {
  // RFC 5869 s2.2: PRK = HMAC-Hash(salt, IKM); salt not provided -> HashLen zeros (same MAC).
  return Hmac(alg, salt, ikm);
}

std::optional<SecretBytes> HkdfExpand(HashAlg alg, ByteView prk, ByteView info, size_t length) {
  const size_t hash_len = HashSize(alg);
  // RFC 5869 s2.3: L <= 255*HashLen.
  if (length > 255 * hash_len) {
    return std::nullopt;
  }
  std::optional<HmacKey> hmac = HmacKey::Create(alg, prk);
  if (!hmac) {
    return std::nullopt;
  }
  SecretBytes okm;
  okm.reserve(length);
  SecretBytes previous;  // T(0) = empty string
  for (uint8_t counter = 1; okm.size() < length; ++counter) {
    // RFC 5869 s2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i)
    const uint8_t counter_byte[1] = {counter};
    std::optional<SecretBytes> block = hmac->Compute({previous, info, counter_byte});
    if (!block) {
      return std::nullopt;
    }
    // OKM = first L octets of T = T(1) | T(2) | ...
    const size_t take = std::min(block->size(), length - okm.size());
    okm.insert(okm.end(), block->begin(), block->begin() + static_cast<std::ptrdiff_t>(take));
    previous = std::move(*block);
  }
  return okm;
}

}  // namespace e2esasl
