// messages.h: the SAS-R255-PLUS wire messages, one struct each (ABNF in docs/mechanisms/sas.md):
//
//   client-first   = gs2-header "n=" saslname ",d=" digits [continuity] ",c=" commitment
//   server-first   = "y=" element [",z=" device [",r=" retained-id]]
//   client-reveal  = "x=" element
//   server-confirm = "v=" tag
//   client-confirm = "v=" tag
//   (server-final  = empty success data)
//   digits     = "1" ("0" / "1" / "2" / "3" / "4" / "5" / "6" / "7" / "8")   ; 10..18
//   commitment = 88base64-char   ; SHA-512 (64 bytes)
//   element    = 44base64-char   ; an encoded ristretto255 element (32 bytes)
//   tag        = 88base64-char   ; HMAC-SHA-512 (64 bytes)
//   continuity = ",z=" device ",w=" nonce [",r=" retained-id *7(":" retained-id)]
//   device     = 24base64-char   ; the sender's device id (16 bytes)
//   nonce      = 24base64-char   ; 16 fresh bytes
//   retained-id = 24base64-char  ; 16 bytes: an identifier of a retained secret (key_schedule.h)
//
// Parse is the only code that sees peer bytes: attributes in this order only, no extensions,
// base64 canonical (RFC 4648, padded), decoded sizes exact, a message longer than kMaxMessageSize
// rejected before it is looked at, nothing left over. On failure Parse returns std::nullopt and,
// when out_failure is not null, sets it to kMalformed with a detail naming the broken part.
// Whether an element is a valid group element is decided by the key schedule, not by Parse.
// Serialize writes the canonical form (Serialize(Parse(m)) == m); a struct that would not parse
// back marks the writer failed.
#ifndef E2ESASL_SAS_MESSAGES_H_
#define E2ESASL_SAS_MESSAGES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/attributes.h"
#include "common/byte_reader.h"
#include "common/bytes.h"
#include "common/gs2.h"
#include "common/status.h"
#include "sas/key_schedule.h"

namespace e2esasl::sas {

// kMaxMessageSize caps every message (bytes).
inline constexpr size_t kMaxMessageSize = 4096;

// ContinuityOffer: client-first's continuity fields, sent when the client keeps a store of
// retained secrets: its device id, a fresh nonce, and an identifier of each retained secret it
// holds for the server (none at a first contact).
struct ContinuityOffer {
  DeviceId device{};
  ContinuityNonce nonce{};
  std::vector<RetainedId> ids;  // at most kMaxRetainedIds

  bool operator==(const ContinuityOffer&) const = default;
};

// ClientFirst: gs2-header "n=" saslname ",d=" digits [continuity] ",c=" commitment.
struct ClientFirst {
  gs2::Gs2Header gs2_header;
  std::string authcid;  // unescaped saslname: who the client claims to be
  unsigned digits = kDefaultDigits;
  std::optional<ContinuityOffer> continuity;
  Commitment commitment{};

  static std::optional<ClientFirst> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  // Prefix returns the message up to (not including) ",c=", as Serialize writes it: what the
  // commitment covers besides the client's element.
  Bytes Prefix() const;

  bool operator==(const ClientFirst&) const = default;
};

// ClientReveal: "x=" element (value: the client's element, which client-first committed to).
using ClientReveal =
    attr::OneAttributeMessage<Element, 'x', "client-reveal", "element", kMaxMessageSize>;

// ServerFirst: "y=" element [",z=" device [",r=" retained-id]]: z= when the client offered
// continuity and the server keeps a store; r= names the retained secret the server matched.
struct ServerFirst {
  Element element{};
  std::optional<DeviceId> device;
  std::optional<RetainedId> matched;

  static std::optional<ServerFirst> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;

  bool operator==(const ServerFirst&) const = default;
};

// ServerConfirm, ClientConfirm: "v=" tag (value); the two have the same shape, only their names
// in error details differ.
using ServerConfirm = attr::OneAttributeMessage<Tag, 'v', "server-confirm", "tag", kMaxMessageSize>;
using ClientConfirm = attr::OneAttributeMessage<Tag, 'v', "client-confirm", "tag", kMaxMessageSize>;

// Serialized returns the message's bytes (empty when Serialize marked the writer failed).
template <typename T>
Bytes Serialized(const T& message) {
  return Encode(message, kMaxMessageSize).value_or(Bytes());
}

// The error details of the checks that are not about the wire format.
inline constexpr std::string_view kCommitmentDetail =
    "the client's revealed element does not match its commitment: aborted";
inline constexpr std::string_view kServerConfirmationDetail =
    "authentication failed: the server's key confirmation did not verify (the two ends hold "
    "different channel bindings or keys: a man in the middle)";
inline constexpr std::string_view kClientConfirmationDetail =
    "authentication failed: the client's key confirmation did not verify (the two ends hold "
    "different channel bindings or keys: a man in the middle)";
inline constexpr std::string_view kClientRejectedDetail =
    "authentication failed: the person at the client rejected the short authentication string";
inline constexpr std::string_view kServerRejectedDetail =
    "authentication failed: the person at the server rejected the short authentication string";

}  // namespace e2esasl::sas

#endif  // E2ESASL_SAS_MESSAGES_H_
