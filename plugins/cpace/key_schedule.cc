// key_schedule.cc: CPace on ristretto255 / SHA-512 with libsodium (draft-irtf-cfrg-cpace-21).
#include "cpace/key_schedule.h"

#include <sodium.h>

#include <algorithm>

#include "common/ct.h"

namespace e2esasl::cpace {
namespace {

static_assert(kHashSize == crypto_hash_sha512_BYTES);
static_assert(kHashSize == ristretto255::kHashSize);
static_assert(kTagSize == crypto_auth_hmacsha512_BYTES);

constexpr std::string_view kIskLabel = "_ISK";
constexpr std::string_view kMacLabel = "CPaceMac";
constexpr std::string_view kSidOutputLabel = "CPaceSidOutput";
constexpr std::string_view kOcPrefix = "oc";

// Sha512 hashes the concatenation of parts into out (64 bytes).
void Sha512(std::initializer_list<ByteView> parts, uint8_t* out) {
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  for (ByteView part : parts) {
    crypto_hash_sha512_update(&state, part.data(), part.size());
  }
  crypto_hash_sha512_final(&state, out);
  sodium_memzero(&state, sizeof state);
}

// Leb128Size returns the length of LEB128(n) (draft s6.3).
size_t Leb128Size(size_t n) {
  size_t size = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++size;
  }
  return size;
}

}  // namespace

void AddPrependLen(ByteWriter& out, ByteView data) {
  // prepend_len(data) = LEB128(len(data)) || data: 7 bits per byte, least significant first,
  // bit 7 set while more bits follow (draft s6.3, A.1.1).
  size_t length = data.size();
  do {
    uint8_t byte = static_cast<uint8_t>(length & 0x7f);
    length >>= 7;
    if (length != 0) {
      byte |= 0x80;
    }
    out.AddU8(byte);
  } while (length != 0);
  out.AddBytes(data);
}

Bytes LvCat(std::initializer_list<ByteView> parts) {
  ByteWriter out;
  for (ByteView part : parts) {
    AddPrependLen(out, part);
  }
  return *out.Finish();  // no cap: cannot fail
}

SecretBytes GeneratorString(ByteView dsi, ByteView prs, ByteView ci, ByteView sid,
                            size_t s_in_bytes) {
  // len_zpad = MAX(0, s_in_bytes - len(prepend_len(PRS)) - len(prepend_len(G.DSI)) - 1)
  const size_t used =
      (Leb128Size(prs.size()) + prs.size()) + (Leb128Size(dsi.size()) + dsi.size()) + 1;
  const size_t zpad = s_in_bytes > used ? s_in_bytes - used : 0;
  SecretBytes zeros(zpad, 0);
  // generator_string = lv_cat(DSI, PRS, zero_bytes(len_zpad), CI, sid)   (draft s8.1)
  ByteWriter out;
  for (ByteView part : {dsi, prs, ByteView(zeros), ci, sid}) {
    AddPrependLen(out, part);
  }
  return *out.FinishSecret();
}

bool CalculateGenerator(ByteView prs, ByteView ci, ByteView sid, Generator* out) {
  // gen_str = generator_string(G.DSI, PRS, CI, sid, H.s_in_bytes)   (draft s8.3)
  const SecretBytes gen_str = GeneratorString(AsBytes(kDsi), prs, ci, sid, kHashBlockSize);
  // gen_str_hash = H.hash(gen_str, 2 * G.field_size_bytes)
  FixedSecret<kHashSize> gen_str_hash;
  Sha512({ByteView(gen_str)}, gen_str_hash.data());
  // _g = element_derivation(gen_str_hash): the ristretto255 one-way map
  return ristretto255::ElementFromHash(gen_str_hash.view(), out->span());
}

Bytes TranscriptIr(ByteView ya, ByteView ada, ByteView yb, ByteView adb) {
  // transcript_ir(Ya, ADa, Yb, ADb) = lv_cat(Ya, ADa) || lv_cat(Yb, ADb)   (draft A.3.4)
  Bytes out = LvCat({ya, ada});
  const Bytes b = LvCat({yb, adb});
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

Bytes TranscriptOc(ByteView ya, ByteView ada, ByteView yb, ByteView adb) {
  // transcript_oc = o_cat(lv_cat(Ya, ADa), lv_cat(Yb, ADb)): b"oc" || larger || smaller, larger
  // in lexicographical order (draft A.3.2, A.3.6)
  const Bytes a = LvCat({ya, ada});
  const Bytes b = LvCat({yb, adb});
  const bool a_first = std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end());
  Bytes out = ToBytes(kOcPrefix);
  const Bytes& first = a_first ? a : b;
  const Bytes& second = a_first ? b : a;
  out.insert(out.end(), first.begin(), first.end());
  out.insert(out.end(), second.begin(), second.end());
  return out;
}

void DeriveIsk(ByteView sid, const SharedPoint& k, ByteView transcript, Isk* out) {
  // ISK = H.hash(lv_cat(G.DSI || b"_ISK", sid, K) || transcript(Ya, ADa, Yb, ADb))   (s7.2)
  Bytes label = ToBytes(kDsi);
  label.insert(label.end(), kIskLabel.begin(), kIskLabel.end());
  ByteWriter prefix;
  AddPrependLen(prefix, label);
  AddPrependLen(prefix, sid);
  AddPrependLen(prefix, k.view());
  const SecretBytes head = *prefix.FinishSecret();
  Sha512({ByteView(head), transcript}, out->data());
}

std::array<uint8_t, kHashSize> SidOutput(ByteView transcript) {
  // sid_output = H.hash(b"CPaceSidOutput" || transcript(Ya, ADa, Yb, ADb))   (draft s10.6)
  std::array<uint8_t, kHashSize> out{};
  Sha512({AsBytes(kSidOutputLabel), transcript}, out.data());
  return out;
}

void DeriveMacKey(ByteView sid, const Isk& isk, MacKey* out) {
  // mac_key = H.hash(b"CPaceMac" || sid || ISK)   (draft s10.4)
  Sha512({AsBytes(kMacLabel), sid, isk.view()}, out->data());
}

Tag ConfirmationTag(const MacKey& mac_key, ByteView y, ByteView ad) {
  // Ta = MAC(mac_key, lv_cat(Ya, ADa)), Tb = MAC(mac_key, lv_cat(Yb, ADb))   (draft s10.4)
  // MAC = HMAC-SHA-512 (RFC 2104) with the whole 64-byte key: crypto_auth_hmacsha512() itself
  // takes 32-byte keys, the _init() form any length.
  const Bytes message = LvCat({y, ad});
  crypto_auth_hmacsha512_state state;
  crypto_auth_hmacsha512_init(&state, mac_key.data(), mac_key.size());
  crypto_auth_hmacsha512_update(&state, message.data(), message.size());
  Tag tag{};
  crypto_auth_hmacsha512_final(&state, tag.data());
  sodium_memzero(&state, sizeof state);
  return tag;
}

Bytes ChannelIdentifier(const ChannelInputs& in) {
  // CI = lv_cat(mechanism, gs2-header, cb-name, cb-data, initiator id, responder id)
  return LvCat({AsBytes(in.mechanism), in.gs2_header, AsBytes(in.cb_name), in.cb_data,
                AsBytes(in.initiator), AsBytes(in.responder)});
}

bool KeySchedule::Start(Rng& rng, ByteView prs, ByteView ci, ByteView sid) {
  sid_.assign(sid.begin(), sid.end());
  // g = G.calculate_generator(H, PRS, CI, sid)
  Generator g;
  if (!CalculateGenerator(prs, ci, sid, &g)) {
    return false;
  }
  // y = G.sample_scalar(); Y = G.scalar_mult(y, g)
  return ristretto255::RandomScalar(rng, &y_) && ristretto255::ScalarMult(y_, g.view(), own_share_);
}

bool KeySchedule::Finish(ByteView peer_share) {
  // A reflected share (our own Y played back) is refused outright; the tags would not match
  // anyway, since the peer cannot compute K = y * Y without y.
  if (CtEqual(peer_share, own_share_)) {
    Wipe();
    return false;
  }
  // K = G.scalar_mult_vfy(y, Y_peer); MUST abort if K = G.I   (draft s7.2)
  SharedPoint k;
  const bool valid = ristretto255::ScalarMult(y_, peer_share, k.span());
  y_ = Scalar();  // the scalar is used once (draft s10.9)
  if (!valid) {
    Wipe();
    return false;
  }
  const bool initiator = role_ == Role::kInitiator;
  const ByteView ya = initiator ? ByteView(own_share_) : peer_share;
  const ByteView yb = initiator ? peer_share : ByteView(own_share_);
  // ISK = H.hash(lv_cat(G.DSI || b"_ISK", sid, K) || transcript_ir(Ya, b"", Yb, b""))
  DeriveIsk(sid_, k, TranscriptIr(ya, {}, yb, {}), &isk_);
  // mac_key = H.hash(b"CPaceMac" || sid || ISK)
  MacKey mac_key;
  DeriveMacKey(sid_, isk_, &mac_key);
  // Ta = MAC(mac_key, lv_cat(Ya, ADa)); Tb = MAC(mac_key, lv_cat(Yb, ADb))
  const Tag ta = ConfirmationTag(mac_key, ya, {});
  const Tag tb = ConfirmationTag(mac_key, yb, {});
  own_tag_ = initiator ? ta : tb;
  (void)peer_tag_.CopyFrom(initiator ? tb : ta);
  return true;
}

bool KeySchedule::VerifyPeerTag(ByteView tag) const {
  return CtEqual(tag, peer_tag_.view());
}

void KeySchedule::Wipe() {
  y_ = Scalar();
  isk_ = Isk();
  peer_tag_ = FixedSecret<kTagSize>();
  e2esasl::Wipe(std::span<uint8_t>(own_tag_));
  e2esasl::Wipe(std::span<uint8_t>(sid_));
}

}  // namespace e2esasl::cpace
