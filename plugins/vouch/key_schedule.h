// key_schedule.h: what VOUCH-ES256-PLUS signs and how (docs/mechanisms/vouch.md, "Transcript").
// Each end's device key signs the same transcript, labelled with the signer's role so that a
// signature can never be reflected back as the other end's:
//
//   transcript(role) = lv("e2esasl VOUCH-ES256-PLUS transcript") || lv(role) || lv(mechanism)
//                      || lv(gs2-header) || lv(cb-data) || lv(client nonce) || lv(server nonce)
//                      || lv(client statement) || lv(server statement)
//                      || lv(client point) || lv(server point)
//   role = "client" / "server"; mechanism = "VOUCH-ES256-PLUS" (whatever name the server was
//   started under: OpenLDAP sends the base name with "p="); lv(p) = u32-be(len(p)) || p;
//   cb-data = the signer's OWN channel-binding data (never sent), so a relay between two TLS
//   channels makes every signature fail.
//
// The signature is an ES256 JWS with the payload detached (RFC 7515 Appendix F; keys.h
// SignWithDeviceKey): on the wire only its 64 bytes R || S (RFC 7518 section 3.4) travel.
#ifndef E2ESASL_VOUCH_KEY_SCHEDULE_H_
#define E2ESASL_VOUCH_KEY_SCHEDULE_H_

#include <optional>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"
#include "vouch/keys.h"
#include "vouch/messages.h"

namespace e2esasl::vouch {

inline constexpr std::string_view kMechanismName = "VOUCH-ES256-PLUS";
inline constexpr std::string_view kTranscriptLabel = "e2esasl VOUCH-ES256-PLUS transcript";

enum class Role { kClient, kServer };

// TranscriptInputs: the values both ends bind (each end fills cb_data with its own binding).
struct TranscriptInputs {
  ByteView gs2_header;  // the GS2 header bytes as sent / received
  ByteView cb_data;
  Nonce client_nonce{};
  Nonce server_nonce{};
  std::string_view client_statement;
  std::string_view server_statement;
  Point client_point{};
  Point server_point{};
};

// Transcript returns transcript(role) above.
Bytes Transcript(Role role, const TranscriptInputs& inputs);

// EncodePoint returns key as 0x04 || x || y (SEC 1, uncompressed); nullopt (kInternal) when the
// JWK's coordinates are not 32 bytes each.
std::optional<Point> EncodePoint(const PublicKey& key, Failure* failure);

// DecodePoint turns a peer's point into a P-256 public key (PublicKey::FromJwk checks that it is
// on the curve): kMalformed "device key: ..." otherwise.
std::optional<PublicKey> DecodePoint(const Point& point, Failure* failure);

// SignTranscript signs transcript with the device key: the 64-byte ES256 signature. kInternal
// when signing fails.
std::optional<Signature> SignTranscript(const PrivateKey& key, ByteView transcript,
                                        Failure* failure);

// VerifyTranscript checks signature over transcript's device-proof input (keys.h
// DeviceProofInput) with key: kAuthFailed when it does not verify.
bool VerifyTranscript(const PublicKey& key, ByteView transcript, const Signature& signature,
                      Failure* failure);

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_KEY_SCHEDULE_H_
