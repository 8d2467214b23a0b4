// messages.h: the VOUCH-ES256-PLUS wire messages, one struct each (ABNF in
// docs/mechanisms/vouch.md):
//
//   client-first = gs2-header "n=" saslname ",r=" nonce ",k=" point ",j=" statement
//   server-first = "r=" nonce ",k=" point ",j=" statement ",s=" signature
//   client-final = "s=" signature
//   (server-final = empty success data)
//   nonce     = 44base64-char   ; 32 random bytes
//   point     = 88base64-char   ; the device's P-256 public key, 65 bytes: 0x04 || x || y
//   statement = 1*4096(ALPHA / DIGIT / "-" / "_" / ".")   ; a compact JWS (statement.h)
//   signature = 88base64-char   ; ES256 R || S (64 bytes) over the transcript (key_schedule.h)
//
// Parse is the only code that sees peer bytes: attributes in this order only, no extensions,
// base64 canonical (RFC 4648, padded), decoded sizes exact, the statement only in the compact
// JWS alphabet and at most kMaxStatementSize bytes, a message longer than kMaxMessageSize
// rejected before it is looked at, nothing left over. On failure Parse returns std::nullopt and,
// when out_failure is not null, sets it to kMalformed with a detail naming the broken part.
// Whether the point is on the curve, the statement verifies and the signature is right is
// decided by the sessions (key_schedule.h, statement.h), not by Parse. Serialize writes the
// canonical form (Serialize(Parse(m)) == m); a struct that would not parse back marks the
// writer failed.
#ifndef E2ESASL_VOUCH_MESSAGES_H_
#define E2ESASL_VOUCH_MESSAGES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/attributes.h"
#include "common/byte_reader.h"
#include "common/bytes.h"
#include "common/gs2.h"
#include "common/status.h"
#include "vouch/statement.h"

namespace e2esasl::vouch {

// kMaxMessageSize caps every message (bytes): two statements never travel together.
inline constexpr size_t kMaxMessageSize = 8192;
inline constexpr size_t kNonceSize = 32;
inline constexpr size_t kPointSize = 65;      // SEC 1 uncompressed: 0x04 || x || y
inline constexpr size_t kSignatureSize = 64;  // RFC 7518 section 3.4: R || S

using Nonce = std::array<uint8_t, kNonceSize>;
using Point = std::array<uint8_t, kPointSize>;
using Signature = std::array<uint8_t, kSignatureSize>;

// IsCompactJwsText: 1..kMaxStatementSize characters of the base64url alphabet and '.' (what
// a compact JWS is made of; the statement's own parser checks the rest).
bool IsCompactJwsText(std::string_view text);

// ClientFirst: gs2-header "n=" saslname ",r=" nonce ",k=" point ",j=" statement.
struct ClientFirst {
  gs2::Gs2Header gs2_header;
  std::string authcid;  // unescaped saslname: the identity the client claims (the statement's sub)
  Nonce nonce{};
  Point device_key{};
  std::string statement;

  static std::optional<ClientFirst> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;

  bool operator==(const ClientFirst&) const = default;
};

// ServerFirst: "r=" nonce ",k=" point ",j=" statement ",s=" signature.
struct ServerFirst {
  Nonce nonce{};
  Point device_key{};
  std::string statement;
  Signature signature{};

  static std::optional<ServerFirst> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;

  bool operator==(const ServerFirst&) const = default;
};

// ClientFinal: "s=" signature (value).
using ClientFinal =
    attr::OneAttributeMessage<Signature, 's', "client-final", "signature", kMaxMessageSize>;

// Serialized returns the message's bytes (empty when Serialize marked the writer failed).
template <typename T>
Bytes Serialized(const T& message) {
  return Encode(message, kMaxMessageSize).value_or(Bytes());
}

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_MESSAGES_H_
