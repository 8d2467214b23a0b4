// key_schedule.h: the cryptography of SAS-R255-PLUS (docs/mechanisms/sas.md): ristretto255
// ephemeral Diffie-Hellman (libsodium), the client's commitment, the transcript hash, the short
// authentication string and the two key-confirmation tags (SHA-512, HKDF-SHA-512, HMAC-SHA-512).
// No Cyrus types, no peer parsing.
#ifndef E2ESASL_SAS_KEY_SCHEDULE_H_
#define E2ESASL_SAS_KEY_SCHEDULE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/random.h"
#include "common/ristretto255.h"
#include "common/secret.h"
#include "sas/retained.h"

namespace e2esasl::sas {

inline constexpr std::string_view kMechanismName = "SAS-R255-PLUS";
using ristretto255::kElementSize;        // an encoded ristretto255 element (X, Y)
inline constexpr size_t kHashSize = 64;  // SHA-512
inline constexpr size_t kTagSize = 64;   // HMAC-SHA-512
inline constexpr size_t kSasBytes = 16;  // HKDF output the digits are taken from
// The short authentication string has kMinDigits..kMaxDigits decimal digits: 10 digits are
// log2(10^10) = 33.2 bits (the issue asks for at least 30), 18 are 59.8 bits.
inline constexpr unsigned kMinDigits = 10;
inline constexpr unsigned kMaxDigits = 18;
inline constexpr unsigned kDefaultDigits = 10;

using ristretto255::Element;
using Commitment = std::array<uint8_t, kHashSize>;
using TranscriptHash = std::array<uint8_t, kHashSize>;
using Tag = std::array<uint8_t, kTagSize>;

// Ephemeral: one side's ephemeral ristretto255 key pair. The scalar is wiped by Wipe() and on
// destruction.
class Ephemeral {
 public:
  // Generate draws 64 bytes from rng and reduces them mod the group order (uniform scalar),
  // then computes the public element x*G. False on an RNG failure or a zero scalar.
  [[nodiscard]] bool Generate(Rng& rng);
  const Element& Public() const { return public_; }
  // SharedSecret sets *out = x * peer. False (and *out zero) when peer is not a canonical
  // encoding of a ristretto255 element or the product is the identity (libsodium returns -1),
  // or when peer equals our own public element (a reflection).
  [[nodiscard]] bool SharedSecret(const Element& peer, FixedSecret<kElementSize>* out) const;
  void Wipe();
  ~Ephemeral() { Wipe(); }

 private:
  ristretto255::Scalar scalar_;
  Element public_{};
};

// Commit returns c = SHA-512(lv(kCommitLabel) || lv(client-first-prefix) || lv(X)), where
// client-first-prefix is client-first up to (not including) ",c=" and X the client's element.
Commitment Commit(ByteView client_first_prefix, const Element& client_element);

// TranscriptInputs: what both ends hash; cb_data is the end's OWN channel binding data, never
// received from the peer.
struct TranscriptInputs {
  ByteView client_first;
  ByteView server_first;
  ByteView client_reveal;
  ByteView cb_data;
};

// Transcript returns TH = SHA-512(lv(kTranscriptLabel) || lv(client-first) || lv(server-first)
// || lv(client-reveal) || lv(cb-data)).
TranscriptHash Transcript(const TranscriptInputs& inputs);

// SessionSecrets: what both ends derive from K (and a remembered rs) and TH.
struct SessionSecrets {
  std::string sas;  // rendered for people: "123 456 789 0"
  Tag client_tag{};
  Tag server_tag{};
  RetainedSecret retained;  // the next retained secret, kept once the exchange succeeds
};

// DeriveSecrets computes, with PRK = HKDF-Extract(salt = TH, IKM = K), or IKM = K || rs when
// both ends proved they remember the same retained secret rs (continuity):
//   sas-bytes  = HKDF-Expand(PRK, "e2esasl SAS-R255 sas", 16)
//   sas        = RenderSas(sas-bytes, digits)
//   tag_client = HMAC-SHA-512(HKDF-Expand(PRK, "e2esasl SAS-R255 client confirm", 64), TH)
//   tag_server = HMAC-SHA-512(HKDF-Expand(PRK, "e2esasl SAS-R255 server confirm", 64), TH)
//   retained   = HKDF-Expand(PRK, "e2esasl SAS-R255 retained", 32)
// nullopt on an OpenSSL failure or digits outside [kMinDigits, kMaxDigits].
std::optional<SessionSecrets> DeriveSecrets(const FixedSecret<kElementSize>& k,
                                            const TranscriptHash& th, unsigned digits,
                                            const RetainedSecret* rs = nullptr);

// ---- Continuity: identifiers of retained secrets (docs/mechanisms/sas.md) -------------------
inline constexpr size_t kRetainedIdSize = 16;
inline constexpr size_t kContinuityNonceSize = 16;
// kMaxRetainedIds: at most this many identifiers in client-first (rs1 and rs2 of 4 devices).
inline constexpr size_t kMaxRetainedIds = 8;
using RetainedId = std::array<uint8_t, kRetainedIdSize>;
using ContinuityNonce = std::array<uint8_t, kContinuityNonceSize>;

// ClientRetainedId: HMAC-SHA-512(rs, lv("e2esasl SAS-R255 rs client") || lv(w))[0:16], the
// client's identifier of a retained secret for the fresh nonce w: without rs it says nothing
// about rs, and two sessions' identifiers of one rs cannot be linked.
[[nodiscard]] bool ClientRetainedId(const RetainedSecret& rs, const ContinuityNonce& w,
                                    RetainedId* out);
// ServerRetainedId: HMAC-SHA-512(rs, lv("e2esasl SAS-R255 rs server") || lv(w) || lv(Y))[0:16],
// the server's answer naming the rs it matched (Y: its element in the same server-first).
[[nodiscard]] bool ServerRetainedId(const RetainedSecret& rs, const ContinuityNonce& w,
                                    const Element& y, RetainedId* out);

// WipeSecrets wipes the tags and the string and resets *secrets.
void WipeSecrets(std::optional<SessionSecrets>* secrets) noexcept;

// RenderSas returns the 16 bytes as a big-endian 128-bit integer mod 10^digits, zero-padded to
// `digits` decimal digits, in groups of three separated by one space ("123 456 789 0").
// The bias of the reduction is below 10^18 / 2^128 < 2^-68.
std::string RenderSas(std::span<const uint8_t, kSasBytes> bytes, unsigned digits);

}  // namespace e2esasl::sas

#endif  // E2ESASL_SAS_KEY_SCHEDULE_H_
