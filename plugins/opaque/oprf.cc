// oprf.cc: RFC 9497 OPRF(ristretto255, SHA-512), mode 0x00, on libsodium and OpenSSL's SHA-512.
#include "opaque/oprf.h"

#include <algorithm>
#include <string_view>

#include "common/byte_reader.h"
#include "common/hash.h"

namespace e2esasl::opaque {
namespace {

// RFC 9497 s3.1: contextString = "OPRFV1-" || I2OSP(mode, 1) || "-" || identifier,
// mode = 0x00 (modeOPRF), identifier = "ristretto255-SHA512" (s4.1).
constexpr char kContextStringChars[] = "OPRFV1-\x00-ristretto255-SHA512";
constexpr std::string_view kContextString(kContextStringChars, sizeof(kContextStringChars) - 1);
constexpr size_t kSha512BlockSize = 128;  // s_in_bytes of SHA-512 (RFC 9380 s5.3.1)
constexpr size_t kMaxDeriveCounter = 255;

Bytes Concat(std::string_view a, std::string_view b) {
  Bytes out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// I2OSPLength appends I2OSP(n, 2) || bytes (the length-prefix RFC 9497 uses in Finalize).
void AddLengthPrefixed(ByteWriter& writer, ByteView bytes) {
  writer.AddU16LengthPrefixed(bytes);
}

}  // namespace

std::optional<SecretBytes> ExpandMessageXmd(ByteView msg, ByteView dst, size_t len) {
  // RFC 9380 s5.3.1: ell = ceil(len_in_bytes / b_in_bytes); ABORT if ell > 255 or
  // len_in_bytes > 65535 or len(DST) > 255.
  const size_t ell = (len + kHashSize - 1) / kHashSize;
  if (ell == 0 || ell > 255 || len > 65535 || dst.size() > 255) {
    return std::nullopt;
  }
  // DST_prime = DST || I2OSP(len(DST), 1)
  Bytes dst_prime(dst.begin(), dst.end());
  dst_prime.push_back(static_cast<uint8_t>(dst.size()));
  // msg_prime = Z_pad || msg || l_i_b_str || I2OSP(0, 1) || DST_prime, Z_pad = I2OSP(0, s_in_bytes)
  ByteWriter prime;
  prime.AddBytes(Bytes(kSha512BlockSize, 0));
  prime.AddBytes(msg);
  prime.AddU16(static_cast<uint16_t>(len));
  prime.AddU8(0);
  prime.AddBytes(dst_prime);
  std::optional<SecretBytes> msg_prime = prime.FinishSecret();
  if (!msg_prime) {
    return std::nullopt;
  }
  // b_0 = H(msg_prime)
  std::optional<SecretBytes> b0 = Digest(HashAlg::kSha512, *msg_prime);
  if (!b0) {
    return std::nullopt;
  }
  // b_1 = H(b_0 || I2OSP(1, 1) || DST_prime)
  SecretBytes input(b0->begin(), b0->end());
  input.push_back(1);
  input.insert(input.end(), dst_prime.begin(), dst_prime.end());
  std::optional<SecretBytes> bi = Digest(HashAlg::kSha512, input);
  if (!bi) {
    return std::nullopt;
  }
  SecretBytes uniform(bi->begin(), bi->end());
  for (size_t i = 2; i <= ell; ++i) {
    // b_i = H(strxor(b_0, b_(i - 1)) || I2OSP(i, 1) || DST_prime)
    SecretBytes next(kHashSize);
    for (size_t j = 0; j < kHashSize; ++j) {
      next[j] = (*b0)[j] ^ (*bi)[j];
    }
    next.push_back(static_cast<uint8_t>(i));
    next.insert(next.end(), dst_prime.begin(), dst_prime.end());
    bi = Digest(HashAlg::kSha512, next);
    if (!bi) {
      return std::nullopt;
    }
    uniform.insert(uniform.end(), bi->begin(), bi->end());
  }
  // uniform_bytes = b_1 || ... || b_ell; return substr(uniform_bytes, 0, len_in_bytes)
  uniform.resize(len);
  return uniform;
}

bool HashToGroup(ByteView input, Element* out) {
  // RFC 9497 s4.1: HashToGroup = hash_to_ristretto255(input, DST = "HashToGroup-" ||
  // contextString); RFC 9380 appendix B: uniform_bytes = expand_message_xmd(msg, DST, 64),
  // P = ristretto255_map(uniform_bytes) (libsodium's from_hash).
  const Bytes dst = Concat("HashToGroup-", kContextString);
  std::optional<SecretBytes> uniform = ExpandMessageXmd(input, dst, 64);
  if (!uniform) {
    return false;
  }
  return ristretto255::ElementFromHash(*uniform, *out);
}

bool HashToScalar(ByteView input, ByteView dst, Scalar* out) {
  // RFC 9497 s4.1: HashToScalar: uniform_bytes = expand_message_xmd(input, DST, 64), then
  // interpret as little-endian and reduce modulo the group order.
  std::optional<SecretBytes> uniform = ExpandMessageXmd(input, dst, 64);
  if (!uniform) {
    return false;
  }
  return ristretto255::ReduceScalar(*uniform, out);
}

bool DeriveKeyPair(ByteView seed, ByteView info, Scalar* out_sk, Element* out_pk) {
  // RFC 9497 s3.2.1: deriveInput = seed || I2OSP(len(info), 2) || info
  ByteWriter writer;
  writer.AddBytes(seed);
  AddLengthPrefixed(writer, info);
  std::optional<SecretBytes> derive_input = writer.FinishSecret();
  if (!derive_input) {
    return false;
  }
  const Bytes dst = Concat("DeriveKeyPair", kContextString);
  derive_input->push_back(0);
  for (size_t counter = 0; counter <= kMaxDeriveCounter; ++counter) {
    // skS = G.HashToScalar(deriveInput || I2OSP(counter, 1), DST = "DeriveKeyPair" ||
    // contextString); repeat while skS == 0
    derive_input->back() = static_cast<uint8_t>(counter);
    if (!HashToScalar(*derive_input, dst, out_sk)) {
      return false;
    }
    if (!ristretto255::IsZeroScalar(*out_sk)) {
      // pkS = G.ScalarMultGen(skS)
      return out_pk == nullptr || ristretto255::ScalarMultBase(*out_sk, *out_pk);
    }
  }
  return false;  // DeriveKeyPairError
}

bool Blind(Rng& rng, ByteView input, Scalar* out_blind, Element* out_blinded) {
  // RFC 9497 s3.3.1: blind = G.RandomScalar()
  if (!ristretto255::RandomScalar(rng, out_blind)) {
    return false;
  }
  // inputElement = G.HashToGroup(input); if inputElement == G.Identity(): InvalidInputError
  Element input_element;
  if (!HashToGroup(input, &input_element)) {
    return false;
  }
  // blindedElement = blind * inputElement
  return ristretto255::ScalarMult(*out_blind, input_element, *out_blinded);
}

bool BlindEvaluate(const Scalar& sk, const Element& blinded, Element* out_evaluated) {
  // RFC 9497 s3.3.1: evaluatedElement = skS * blindedElement (DeserializeElement rejects
  // invalid encodings and the identity; libsodium fails on both and on an identity result).
  return ristretto255::ScalarMult(sk, blinded, *out_evaluated);
}

std::optional<SecretBytes> Finalize(ByteView input, const Scalar& blind, const Element& evaluated) {
  // RFC 9497 s3.3.1: N = G.ScalarInverse(blind) * evaluatedElement
  Scalar inverse;
  if (!ristretto255::InvertScalar(blind, &inverse)) {
    return std::nullopt;
  }
  ristretto255::SharedElement unblinded;
  if (!ristretto255::ScalarMult(inverse, evaluated, unblinded.span())) {
    return std::nullopt;
  }
  // hashInput = I2OSP(len(input), 2) || input || I2OSP(len(unblindedElement), 2) ||
  //             unblindedElement || "Finalize"; return Hash(hashInput)
  ByteWriter writer;
  AddLengthPrefixed(writer, input);
  AddLengthPrefixed(writer, unblinded.view());
  writer.AddString("Finalize");
  std::optional<SecretBytes> hash_input = writer.FinishSecret();
  if (!hash_input) {
    return std::nullopt;
  }
  return Digest(HashAlg::kSha512, *hash_input);
}

}  // namespace e2esasl::opaque
