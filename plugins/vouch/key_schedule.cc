// key_schedule.cc: the VOUCH-ES256-PLUS transcript and its signatures (see key_schedule.h).
#include "vouch/key_schedule.h"

#include <algorithm>
#include <string>

#include "vouch/es256.h"
#include "vouch/json.h"

namespace e2esasl::vouch {
namespace {

constexpr size_t kCoordinateSize = 32;

void AddLv(ByteWriter& out, ByteView part) {
  out.AddU32(static_cast<uint32_t>(part.size()));
  out.AddBytes(part);
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
  const ByteView bytes = key.point();
  Point point{};
  if (bytes.size() != point.size()) {
    Fail(failure, Status::kInternal, "device key: not a P-256 point");
    return std::nullopt;
  }
  std::copy(bytes.begin(), bytes.end(), point.begin());
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
  // ECDSA P-256 SHA-256 (RFC 7515 section 5.1, RFC 7518 section 3.4); payload detached, so only
  // R || S travels.
  const std::optional<Es256Signature> signature =
      Es256Sign(key.pkey(), DeviceProofInput(transcript));
  if (!signature) {
    Fail(failure, Status::kInternal, "device key: signing failed");
    return std::nullopt;
  }
  return *signature;
}

bool VerifyTranscript(const PublicKey& key, ByteView transcript, const Signature& signature,
                      Failure* failure) {
  if (!Es256Verify(key.pkey(), DeviceProofInput(transcript), signature)) {
    Fail(failure, Status::kAuthFailed,
         "device proof: the signature does not verify with the vouched key");
    return false;
  }
  return true;
}

}  // namespace e2esasl::vouch
