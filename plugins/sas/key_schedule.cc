// key_schedule.cc: SAS-R255-PLUS cryptography (see key_schedule.h) on libsodium and OpenSSL.
#include "sas/key_schedule.h"

#include <sodium.h>

#include <algorithm>

#include "common/byte_reader.h"
#include "common/ct.h"
#include "common/hash.h"

namespace e2esasl::sas {
namespace {

static_assert(kHashSize == crypto_hash_sha512_BYTES);

constexpr std::string_view kCommitLabel = "e2esasl SAS-R255 commit";
constexpr std::string_view kTranscriptLabel = "e2esasl SAS-R255 transcript";
constexpr std::string_view kSasLabel = "e2esasl SAS-R255 sas";
constexpr std::string_view kClientConfirmLabel = "e2esasl SAS-R255 client confirm";
constexpr std::string_view kServerConfirmLabel = "e2esasl SAS-R255 server confirm";
constexpr std::string_view kRetainedLabel = "e2esasl SAS-R255 retained";
constexpr std::string_view kClientIdLabel = "e2esasl SAS-R255 rs client";
constexpr std::string_view kServerIdLabel = "e2esasl SAS-R255 rs server";

// Lv returns lv(part_1) || ... || lv(part_n), lv(p) = u32-be(len(p)) || p.
Bytes Lv(std::initializer_list<ByteView> parts) {
  ByteWriter out;
  for (ByteView part : parts) {
    out.AddU32(static_cast<uint32_t>(part.size()));
    out.AddBytes(part);
  }
  return out.Finish().value_or(Bytes());
}

// RetainedIdOf returns HMAC-SHA-512(rs, data)[0:16].
bool RetainedIdOf(const RetainedSecret& rs, ByteView data, RetainedId* out) {
  const std::optional<SecretBytes> mac = Hmac(HashAlg::kSha512, rs.view(), data);
  if (!mac || mac->size() < kRetainedIdSize) {
    return false;
  }
  std::copy(mac->begin(), mac->begin() + kRetainedIdSize, out->begin());
  return true;
}

// Sha512Lv returns SHA-512(lv(part_1) || ... || lv(part_n)), lv(p) = u32-be(len(p)) || p: each
// piece framed, so no two different lists hash the same bytes.
std::array<uint8_t, kHashSize> Sha512Lv(std::initializer_list<ByteView> parts) {
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  for (ByteView part : parts) {
    const uint32_t n = static_cast<uint32_t>(part.size());
    const uint8_t length[4] = {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                               static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
    crypto_hash_sha512_update(&state, length, sizeof length);
    crypto_hash_sha512_update(&state, part.data(), part.size());
  }
  std::array<uint8_t, kHashSize> out{};
  crypto_hash_sha512_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

// ConfirmTag returns HMAC-SHA-512(HKDF-Expand(PRK, label, 64), TH).
bool ConfirmTag(ByteView prk, std::string_view label, const TranscriptHash& th, Tag* out) {
  const std::optional<SecretBytes> key = HkdfExpand(HashAlg::kSha512, prk, AsBytes(label), 64);
  if (!key) {
    return false;
  }
  const std::optional<SecretBytes> tag = Hmac(HashAlg::kSha512, *key, th);
  if (!tag || tag->size() != kTagSize) {
    return false;
  }
  std::copy(tag->begin(), tag->end(), out->begin());
  return true;
}

}  // namespace

bool Ephemeral::Generate(Rng& rng) {
  SecretBytes wide(ristretto255::kWideScalarSize, 0);
  if (!rng.Fill(wide)) {
    return false;
  }
  // x = wide mod L (uniform up to 2^-259); X = x * G
  if (!ristretto255::ReduceScalar(wide, &scalar_) || ristretto255::IsZeroScalar(scalar_)) {
    return false;
  }
  return ristretto255::ScalarMultBase(scalar_, public_);
}

bool Ephemeral::SharedSecret(const Element& peer, FixedSecret<kElementSize>* out) const {
  if (CtEqual(peer, public_)) {
    return false;  // our own element reflected back
  }
  // K = x * peer; fails (out zeroed) for a non-canonical encoding or the identity result.
  return ristretto255::ScalarMult(scalar_, peer, out->span());
}

void Ephemeral::Wipe() {
  scalar_ = ristretto255::Scalar();
}

Commitment Commit(ByteView client_first_prefix, const Element& client_element) {
  // c = SHA-512(lv("e2esasl SAS-R255 commit") || lv(client-first-prefix) || lv(X))
  return Sha512Lv({AsBytes(kCommitLabel), client_first_prefix, client_element});
}

TranscriptHash Transcript(const TranscriptInputs& inputs) {
  // TH = SHA-512(lv(label) || lv(client-first) || lv(server-first) || lv(client-reveal)
  //              || lv(own cb-data))
  return Sha512Lv({AsBytes(kTranscriptLabel), inputs.client_first, inputs.server_first,
                   inputs.client_reveal, inputs.cb_data});
}

std::optional<SessionSecrets> DeriveSecrets(const FixedSecret<kElementSize>& k,
                                            const TranscriptHash& th, unsigned digits,
                                            const RetainedSecret* rs) {
  if (digits < kMinDigits || digits > kMaxDigits) {
    return std::nullopt;
  }
  // IKM = K, or K || rs when both ends remember rs
  FixedSecret<kElementSize + kRetainedSecretSize> joined;
  ByteView ikm = k.view();
  if (rs != nullptr) {
    std::copy(k.view().begin(), k.view().end(), joined.data());
    std::copy(rs->view().begin(), rs->view().end(), joined.data() + kElementSize);
    ikm = joined.view();
  }
  // PRK = HKDF-Extract(salt = TH, IKM)   (RFC 5869 s2.2)
  const std::optional<SecretBytes> prk = HkdfExtract(HashAlg::kSha512, th, ikm);
  if (!prk) {
    return std::nullopt;
  }
  // sas-bytes = HKDF-Expand(PRK, "e2esasl SAS-R255 sas", 16)   (RFC 5869 s2.3)
  const std::optional<SecretBytes> sas_bytes =
      HkdfExpand(HashAlg::kSha512, *prk, AsBytes(kSasLabel), kSasBytes);
  if (!sas_bytes || sas_bytes->size() != kSasBytes) {
    return std::nullopt;
  }
  SessionSecrets secrets;
  secrets.sas =
      RenderSas(std::span<const uint8_t, kSasBytes>(sas_bytes->data(), kSasBytes), digits);
  if (!ConfirmTag(*prk, kClientConfirmLabel, th, &secrets.client_tag) ||
      !ConfirmTag(*prk, kServerConfirmLabel, th, &secrets.server_tag)) {
    return std::nullopt;
  }
  // retained = HKDF-Expand(PRK, "e2esasl SAS-R255 retained", 32)
  const std::optional<SecretBytes> retained =
      HkdfExpand(HashAlg::kSha512, *prk, AsBytes(kRetainedLabel), kRetainedSecretSize);
  if (!retained || !secrets.retained.CopyFrom(*retained)) {
    return std::nullopt;
  }
  return secrets;
}

bool ClientRetainedId(const RetainedSecret& rs, const ContinuityNonce& w, RetainedId* out) {
  // HMAC-SHA-512(rs, lv("e2esasl SAS-R255 rs client") || lv(w))[0:16]
  return RetainedIdOf(rs, Lv({AsBytes(kClientIdLabel), w}), out);
}

bool ServerRetainedId(const RetainedSecret& rs, const ContinuityNonce& w, const Element& y,
                      RetainedId* out) {
  // HMAC-SHA-512(rs, lv("e2esasl SAS-R255 rs server") || lv(w) || lv(Y))[0:16]
  return RetainedIdOf(rs, Lv({AsBytes(kServerIdLabel), w, y}), out);
}

void WipeSecrets(std::optional<SessionSecrets>* secrets) noexcept {
  if (secrets->has_value()) {
    Wipe((*secrets)->client_tag);
    Wipe((*secrets)->server_tag);
    Wipe(std::span<char>((*secrets)->sas));
    secrets->reset();
  }
}

// U128: GCC/Clang's 128-bit integer (__extension__ keeps -Wpedantic quiet).
__extension__ typedef unsigned __int128 U128;

std::string RenderSas(std::span<const uint8_t, kSasBytes> bytes, unsigned digits) {
  U128 value = 0;
  for (uint8_t b : bytes) {
    value = (value << 8) | b;
  }
  U128 modulus = 1;
  for (unsigned i = 0; i < digits; ++i) {
    modulus *= 10;
  }
  value %= modulus;
  std::string plain(digits, '0');
  for (unsigned i = digits; i > 0; --i) {
    plain[i - 1] = static_cast<char>('0' + static_cast<unsigned>(value % 10));
    value /= 10;
  }
  std::string grouped;
  for (unsigned i = 0; i < digits; ++i) {
    if (i != 0 && i % 3 == 0) {
      grouped.push_back(' ');
    }
    grouped.push_back(plain[i]);
  }
  return grouped;
}

}  // namespace e2esasl::sas
