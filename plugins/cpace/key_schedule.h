// key_schedule.h: CPace (draft-irtf-cfrg-cpace-21) for the cipher suite CPACE-RISTR255-SHA512
// (ristretto255 with SHA-512, draft s8.3), on libsodium, plus the explicit key confirmation of
// draft s10.4 and the channel identifier CI of the SASL mechanism (docs/mechanisms/cpace.md).
//
// The free functions are the draft's building blocks, exposed so the Appendix B.3 known-answer
// test can check every intermediate value. KeySchedule strings them together for one party of
// one SASL exchange. Nothing here sees peer bytes except through values messages.h parsed.
//
// Secrets: the generator g (it is a function of the password: knowing g lets one test password
// guesses offline), the scalars, K, ISK and the MAC key live in FixedSecret and are wiped.
// The public shares Ya / Yb and the tags are plain arrays.
#ifndef E2ESASL_CPACE_KEY_SCHEDULE_H_
#define E2ESASL_CPACE_KEY_SCHEDULE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "common/byte_reader.h"
#include "common/bytes.h"
#include "common/random.h"
#include "common/ristretto255.h"
#include "common/secret.h"

namespace e2esasl::cpace {

// Sizes of the suite: ristretto255 encodings and scalars, SHA-512 (draft s6.2, s8.3).
using ristretto255::kElementSize;              // encoded group element (Ya, Yb, g, K)
using ristretto255::kScalarSize;               // little-endian scalar (ya, yb)
inline constexpr size_t kHashSize = 64;        // H.b_in_bytes for SHA-512
inline constexpr size_t kHashBlockSize = 128;  // H.s_in_bytes for SHA-512
inline constexpr size_t kIskSize = kHashSize;
inline constexpr size_t kTagSize = kHashSize;  // HMAC-SHA-512 output
// kDsi: G.DSI of ristretto255 (draft s8.3).
inline constexpr std::string_view kDsi = "CPaceRistretto255";

// kMechanismName: the SASL mechanism's base name, bound into CI by both ends (libsasl2 adds
// "-PLUS"; whether the channel is bound is said by the GS2 header, which CI binds too).
inline constexpr std::string_view kMechanismName = "CPACE-R255";

using ristretto255::Element;
using ristretto255::Scalar;
using Tag = std::array<uint8_t, kTagSize>;
using Generator = ristretto255::SharedElement;
using SharedPoint = ristretto255::SharedElement;
using Isk = FixedSecret<kIskSize>;
using MacKey = FixedSecret<kHashSize>;

// AddPrependLen writes prepend_len(data) = LEB128(len(data)) || data (draft s6.3, A.1.1).
void AddPrependLen(ByteWriter& out, ByteView data);
// LvCat returns lv_cat(a0, a1, ...) = prepend_len(a0) || prepend_len(a1) || ... (draft A.1.3).
Bytes LvCat(std::initializer_list<ByteView> parts);

// GeneratorString returns lv_cat(DSI, PRS, zero_bytes(len_zpad), CI, sid) with
// len_zpad = MAX(0, s_in_bytes - len(prepend_len(PRS)) - len(prepend_len(DSI)) - 1) (draft s8.1).
SecretBytes GeneratorString(ByteView dsi, ByteView prs, ByteView ci, ByteView sid,
                            size_t s_in_bytes);

// CalculateGenerator sets *out to g = element_derivation(H.hash(generator_string(G.DSI, PRS, CI,
// sid, H.s_in_bytes), 64)), element_derivation = ristretto255 one-way map (draft s8.3,
// crypto_core_ristretto255_from_hash). False only on a local failure.
[[nodiscard]] bool CalculateGenerator(ByteView prs, ByteView ci, ByteView sid, Generator* out);

// G.sample_scalar() is ristretto255::RandomScalar, G.scalar_mult and G.scalar_mult_vfy are
// ristretto255::ScalarMult (it fails on an invalid encoding and on the identity G.I, and the
// protocol MUST then abort: draft s7.2).

// TranscriptIr returns transcript_ir(Ya, ADa, Yb, ADb) = lv_cat(Ya, ADa) || lv_cat(Yb, ADb)
// (draft s6.3, A.3.4).
Bytes TranscriptIr(ByteView ya, ByteView ada, ByteView yb, ByteView adb);
// TranscriptOc returns transcript_oc(Ya, ADa, Yb, ADb) = o_cat(lv_cat(Ya, ADa), lv_cat(Yb, ADb))
// = b"oc" || larger || smaller (draft s6.3, A.3.6). Not used by the mechanism (fixed roles).
Bytes TranscriptOc(ByteView ya, ByteView ada, ByteView yb, ByteView adb);

// DeriveIsk sets *out to ISK = H.hash(lv_cat(G.DSI || b"_ISK", sid, K) || transcript)
// (draft s7.2).
void DeriveIsk(ByteView sid, const SharedPoint& k, ByteView transcript, Isk* out);
// SidOutput returns sid_output = H.hash(b"CPaceSidOutput" || transcript) (draft s10.6).
std::array<uint8_t, kHashSize> SidOutput(ByteView transcript);
// DeriveMacKey sets *out to mac_key = H.hash(b"CPaceMac" || sid || ISK) (draft s10.4).
void DeriveMacKey(ByteView sid, const Isk& isk, MacKey* out);
// ConfirmationTag returns T = MAC(mac_key, lv_cat(Y, AD)) with MAC = HMAC-SHA-512 keyed with all
// 64 bytes of mac_key (draft s10.4: Ta over A's message, Tb over B's).
Tag ConfirmationTag(const MacKey& mac_key, ByteView y, ByteView ad);

// ChannelInputs: what the SASL mechanism binds into CI (docs/mechanisms/cpace.md). All views are
// borrowed for the duration of the call.
struct ChannelInputs {
  std::string_view mechanism;  // the base name, "CPACE-R255" (never "-PLUS": the GS2 header says)
  ByteView gs2_header;         // the GS2 header bytes exactly as sent / received
  std::string_view cb_name;    // the binding type for "p=", else empty
  ByteView cb_data;            // the binding data for "p=", else empty
  std::string_view initiator;  // party A = the SASL client: the authcid as sent in n=
  std::string_view responder;  // party B = the SASL server: the configured server id, or empty
};
// ChannelIdentifier returns CI = lv_cat(mechanism, gs2_header, cb_name, cb_data, initiator,
// responder): the initiator's identity before the responder's (draft s10.1.1).
Bytes ChannelIdentifier(const ChannelInputs& inputs);

// Role: A (the initiator, the SASL client) or B (the responder, the SASL server). The roles are
// fixed by SASL, so the mechanism uses transcript_ir and a party never plays both roles
// (draft s10.1.2's defence against loopback).
enum class Role { kInitiator, kResponder };

// KeySchedule: one party's CPace run with explicit key confirmation, A = initiator (sends Ya and
// Ta), B = responder (sends Yb and Tb), AD empty on both sides. Not thread-safe; wipes every
// secret it holds when destroyed or on Wipe(). Usage: Start, then Finish with the peer's share,
// then OwnTag / VerifyPeerTag.
class KeySchedule final {
 public:
  explicit KeySchedule(Role role) : role_(role) {}
  KeySchedule(const KeySchedule&) = delete;
  KeySchedule& operator=(const KeySchedule&) = delete;

  // Start computes g = calculate_generator(PRS, CI, sid), y = sample_scalar() and Y = y * g
  // (draft s7.2); g is wiped at once, sid is copied for Finish. Call it once. False on a local
  // failure (rng, libsodium).
  [[nodiscard]] bool Start(Rng& rng, ByteView prs, ByteView ci, ByteView sid);
  // OwnShare is Y (Ya for the initiator, Yb for the responder), valid after Start.
  const Element& OwnShare() const { return own_share_; }
  // Finish computes K = scalar_mult_vfy(y, peer_share) and, unless it aborts, ISK over
  // transcript_ir, mac_key, this party's tag and the peer's expected tag; y and K are wiped.
  // Returns false - abort - when the peer's share is invalid, the identity, or equal to our own
  // share (a reflection).
  [[nodiscard]] bool Finish(ByteView peer_share);
  // OwnTag is Ta (initiator) or Tb (responder), valid after a successful Finish.
  const Tag& OwnTag() const { return own_tag_; }
  // VerifyPeerTag compares the peer's tag with the expected one in constant time.
  [[nodiscard]] bool VerifyPeerTag(ByteView tag) const;
  // SessionKey is the ISK, valid after a successful Finish (the mechanism offers no security
  // layer; tests compare both ends' ISK).
  const Isk& SessionKey() const { return isk_; }
  // Wipe clears every secret (after a failure or when done).
  void Wipe();

 private:
  Role role_;
  Bytes sid_;
  Scalar y_;
  Element own_share_{};
  Isk isk_;
  Tag own_tag_{};
  FixedSecret<kTagSize> peer_tag_;  // secret until the peer has shown it
};

}  // namespace e2esasl::cpace

#endif  // E2ESASL_CPACE_KEY_SCHEDULE_H_
