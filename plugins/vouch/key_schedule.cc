// key_schedule.cc: the VOUCH-ES256-PLUS transcript and its signatures (see key_schedule.h).
#include "vouch/key_schedule.h"

#include <algorithm>
#include <string>

#include "vouch/json.h"

namespace e2esasl::vouch {
namespace {

constexpr size_t kCoordinateSize = 32;

void AddLv(ByteWriter& out, ByteView part) {
  out.AddU32(static_cast<uint32_t>(part.size()));
  out.AddBytes(part);
}

// ProofHeader: base64url(kDeviceProofHeader), the first part of every device proof.
std::string ProofHeader() {
  return Base64UrlEncode(AsBytes(kDeviceProofHeader));
}

}  // namespace

Bytes Transcript(Role role, const TranscriptInputs& inputs) {
  ByteWriter out;
  // transcript(role) = lv(label) || lv(role) || lv(mechanism) || lv(gs2-header) || lv(cb-data)
  //   || lv(client nonce) || lv(server nonce) || lv(client statement) || lv(server statement)
  //   || lv(client point) || lv(server point)
  AddLv(out, AsBytes(kTranscriptLabel));
  AddLv(out, AsBytes(role == Role::kClient ? std::string_view("client") : "server"));
  AddLv(out, AsBytes(kMechanismName));
  AddLv(out, inputs.gs2_header);
  AddLv(out, inputs.cb_data);
  AddLv(out, inputs.client_nonce);
  AddLv(out, inputs.server_nonce);
  AddLv(out, AsBytes(inputs.client_statement));
  AddLv(out, AsBytes(inputs.server_statement));
  AddLv(out, inputs.client_point);
  AddLv(out, inputs.server_point);
  return out.Finish().value_or(Bytes());
}

std::optional<Point> EncodePoint(const PublicKey& key, Failure* failure) {
  // RFC 7518 section 6.2.1.2/6.2.1.3: x and y are the base64url of 32-byte coordinates.
  const std::optional<std::string_view> x = StringMember(key.jwk(), "x");
  const std::optional<std::string_view> y = StringMember(key.jwk(), "y");
  const std::optional<Bytes> x_bytes = x ? Base64UrlDecode(*x, kCoordinateSize) : std::nullopt;
  const std::optional<Bytes> y_bytes = y ? Base64UrlDecode(*y, kCoordinateSize) : std::nullopt;
  if (!x_bytes || !y_bytes || x_bytes->size() != kCoordinateSize ||
      y_bytes->size() != kCoordinateSize) {
    Fail(failure, Status::kInternal, "device key: the JWK's coordinates are not 32 bytes");
    return std::nullopt;
  }
  // SEC 1 section 2.3.3: 0x04 || x || y
  Point point{};
  point[0] = 0x04;
  std::copy(x_bytes->begin(), x_bytes->end(), point.begin() + 1);
  std::copy(y_bytes->begin(), y_bytes->end(), point.begin() + 1 + kCoordinateSize);
  return point;
}

std::optional<PublicKey> DecodePoint(const Point& point, Failure* failure) {
  if (point[0] != 0x04) {
    Fail(failure, Status::kMalformed,
         "device key: not an uncompressed P-256 point (0x04 || x || y)");
    return std::nullopt;
  }
  const ByteView all(point);
  const std::string x = Base64UrlEncode(all.subspan(1, kCoordinateSize));
  const std::string y = Base64UrlEncode(all.subspan(1 + kCoordinateSize, kCoordinateSize));
  JsonPtr jwk(
      json_pack("{s:s,s:s,s:s,s:s}", "kty", "EC", "crv", "P-256", "x", x.c_str(), "y", y.c_str()));
  if (!jwk) {
    Fail(failure, Status::kInternal, "out of memory");
    return std::nullopt;
  }
  Failure why;
  std::optional<PublicKey> key = PublicKey::FromJwk(jwk.get(), &why);
  if (!key) {
    Fail(failure, Status::kMalformed, "device key: " + why.detail);
  }
  return key;
}

std::optional<Signature> SignTranscript(const PrivateKey& key, ByteView transcript,
                                        Failure* failure) {
  // JWS Signing Input = ASCII(BASE64URL(header) || '.' || BASE64URL(transcript)), signed with
  // ECDSA P-256 SHA-256 (RFC 7515 section 5.1, RFC 7518 section 3.4); payload detached.
  const std::optional<std::string> proof = SignWithDeviceKey(key, transcript, failure);
  const std::string prefix = ProofHeader() + "..";
  if (!proof || proof->compare(0, prefix.size(), prefix) != 0) {
    Fail(failure, Status::kInternal, "device key: signing failed");
    return std::nullopt;
  }
  const std::optional<Bytes> raw =
      Base64UrlDecode(std::string_view(*proof).substr(prefix.size()), kSignatureSize);
  if (!raw || raw->size() != kSignatureSize) {
    Fail(failure, Status::kInternal, "device key: the signature is not 64 bytes");
    return std::nullopt;
  }
  Signature signature{};
  std::copy(raw->begin(), raw->end(), signature.begin());
  return signature;
}

bool VerifyTranscript(const PublicKey& key, ByteView transcript, const Signature& signature,
                      Failure* failure) {
  // The compact detached form "<header>..<signature>" (RFC 7515 Appendix F), checked by libjose.
  const std::string proof = ProofHeader() + ".." + Base64UrlEncode(signature);
  return VerifyDeviceSignature(key, transcript, proof, failure);
}

}  // namespace e2esasl::vouch
