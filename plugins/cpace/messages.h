// messages.h: the four CPACE-R255 wire messages, one struct each (ABNF in
// docs/mechanisms/cpace.md):
//
//   client-first = gs2-header "n=" saslname ",r=" nonce
//   server-first = "r=" nonce ",y=" share
//   client-final = "y=" share ",t=" tag
//   server-final = "t=" tag
//   nonce = 24base64-char   ; 16 random bytes
//   share = 44base64-char   ; an encoded ristretto255 element (32 bytes)
//   tag   = 88base64-char   ; HMAC-SHA-512 (64 bytes)
//
// Parse is the only code that sees peer bytes: attributes in this order only, no extensions, base64
// canonical (RFC 4648, padded), decoded sizes exact, a message longer than kMaxMessageSize
// rejected before it is looked at, nothing left over. On failure Parse returns std::nullopt and,
// when out_failure is not null, sets it to kMalformed with a detail naming the broken part.
// Whether a share is a valid group element is not Parse's business: scalar_mult_vfy decides
// (key_schedule.h). Serialize writes the canonical form (Serialize(Parse(m)) == m); a struct that
// would not parse back makes it mark the writer failed.
#ifndef E2ESASL_CPACE_MESSAGES_H_
#define E2ESASL_CPACE_MESSAGES_H_

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
#include "cpace/key_schedule.h"

namespace e2esasl::cpace {

// kMaxMessageSize caps every message (bytes): a GS2 header with a long authzid and a long name
// still fit; the other three messages have fixed sizes far below it.
inline constexpr size_t kMaxMessageSize = 4096;
// kNonceSize: each side's contribution to sid (bytes); sid = client nonce || server nonce.
inline constexpr size_t kNonceSize = 16;

using Nonce = std::array<uint8_t, kNonceSize>;

// ClientFirst: gs2-header "n=" saslname ",r=" nonce.
struct ClientFirst {
  gs2::Gs2Header gs2_header;
  std::string authcid;  // unescaped saslname
  Nonce nonce{};

  static std::optional<ClientFirst> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;

  bool operator==(const ClientFirst&) const = default;
};

// ServerFirst: "r=" nonce ",y=" share (Yb, the responder's share).
struct ServerFirst {
  Nonce nonce{};
  Element share{};

  static std::optional<ServerFirst> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;

  bool operator==(const ServerFirst&) const = default;
};

// ClientFinal: "y=" share ",t=" tag (Ya and Ta, the initiator's share and confirmation).
struct ClientFinal {
  Element share{};
  Tag tag{};

  static std::optional<ClientFinal> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;

  bool operator==(const ClientFinal&) const = default;
};

// ServerFinal: "t=" tag (value: Tb, the responder's confirmation), sent as the success data.
using ServerFinal = attr::OneAttributeMessage<Tag, 't', "server-final", "tag", kMaxMessageSize>;

// SessionId returns sid = client nonce || server nonce (fresh randomness from both sides, draft
// s10.9: "concatenation of ephemeral random strings contributed by both parties").
Bytes SessionId(const Nonce& client_nonce, const Nonce& server_nonce);

// The error details of the cryptographic failures. One detail for every reason a confirmation
// can fail (wrong password, unknown user, other channel binding, other identity), so a peer
// cannot tell them apart.
inline constexpr std::string_view kClientConfirmationDetail =
    "authentication failed: the client's key confirmation did not verify";
inline constexpr std::string_view kServerConfirmationDetail =
    "authentication failed: the server's key confirmation did not verify (wrong password, or a "
    "different channel binding or identity on the way)";

}  // namespace e2esasl::cpace

#endif  // E2ESASL_CPACE_MESSAGES_H_
