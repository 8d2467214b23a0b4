// messages.h: the four SCRAM wire messages (RFC 5802 section 7), one struct each.
//
// Parse is the only code that sees peer bytes. It follows the ABNF strictly:
//  - attributes in the order the grammar fixes, each value non-empty;
//  - "m=" (reserved-mext, RFC 5802 s5.1) anywhere is rejected: we understand no mandatory
//    extension;
//  - optional extensions ("," ALPHA "=" value, only where the grammar ends with [","
//    extensions]) are kept in `extensions` but otherwise ignored (s5.1, "MUST be ignored"); an
//    extension whose letter is one RFC 5802 defines (a c e i m n p r s v) is rejected, since it is
//    not "an attribute not defined in this document";
//  - nonces are 1*printable (%x21-2B / %x2D-7E), base64 is canonical RFC 4648 with padding,
//    i= is a posit-number without leading zeros that fits in uint32_t, saslnames escape ',' and
//    '=' as "=2C" / "=3D" and nothing else may follow '=', every value is valid UTF-8 without NUL;
//  - a message longer than kMaxMessageSize bytes is rejected before it is looked at.
// Parse returns std::nullopt on any violation, never a partial struct, and then, when
// out_failure is not null, sets it to kMalformed with a detail "<message>: <rule>" naming the
// message and the first broken rule ("client-first-message: missing nonce (r=)",
// "client-first-message: gs2 header: ..."). The detail names attributes and rules, never a
// value the peer sent.
//
// Serialize writes the canonical form; Parse(Serialize(m)) == m and, because extensions are
// kept, Serialize(Parse(bytes)) == bytes, so the AuthMessage can be rebuilt from parsed
// structs. A struct that would not parse back (bad nonce, empty value, ...) makes Serialize call
// out.MarkFailed() instead of writing an invalid message.
#ifndef E2ESASL_SCRAM_MESSAGES_H_
#define E2ESASL_SCRAM_MESSAGES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_reader.h"
#include "common/bytes.h"
#include "common/gs2.h"
#include "common/random.h"
#include "common/status.h"

namespace e2esasl::scram {

// kMaxMessageSize caps every SCRAM message in either direction (bytes).
inline constexpr size_t kMaxMessageSize = 4096;
// kMaxSaltSize caps the decoded salt of s= (bytes).
inline constexpr size_t kMaxSaltSize = 256;

// Extension: one optional extension attribute, "<name>=<value>", kept verbatim.
struct Extension {
  char name = 0;
  std::string value;

  bool operator==(const Extension&) const = default;
};

// ClientFirst: client-first-message = gs2-header client-first-message-bare, with
// client-first-message-bare = username "," nonce ["," extensions] (no reserved-mext).
struct ClientFirst {
  gs2::Gs2Header gs2_header;
  std::string username;  // unescaped saslname (as sent: the server SASLpreps it for lookup)
  std::string nonce;     // c-nonce
  std::vector<Extension> extensions;

  static std::optional<ClientFirst> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  // SerializeGs2Header writes the gs2-header alone (the start of cbind-input, for c=).
  void SerializeGs2Header(ByteWriter& out) const;
  // SerializeBare writes client-first-message-bare (the start of the AuthMessage).
  void SerializeBare(ByteWriter& out) const;

  bool operator==(const ClientFirst&) const = default;
};

// ServerFirst: server-first-message = nonce "," salt "," iteration-count ["," extensions].
struct ServerFirst {
  std::string nonce;  // c-nonce s-nonce
  Bytes salt;         // decoded s=, 1..kMaxSaltSize bytes
  uint32_t iterations = 0;
  std::vector<Extension> extensions;

  static std::optional<ServerFirst> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;

  bool operator==(const ServerFirst&) const = default;
};

// ClientFinal: client-final-message = channel-binding "," nonce ["," extensions] "," proof.
struct ClientFinal {
  Bytes channel_binding;  // decoded c= (cbind-input: gs2-header [cbind-data]), non-empty
  std::string nonce;      // the full nonce of server-first
  std::vector<Extension> extensions;
  Bytes proof;  // decoded p=, 1..kMaxHashSize bytes (common/hash.h)

  static std::optional<ClientFinal> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  // SerializeWithoutProof writes client-final-message-without-proof (end of the AuthMessage).
  void SerializeWithoutProof(ByteWriter& out) const;

  bool operator==(const ClientFinal&) const = default;
};

// ServerFinal: server-final-message = (server-error / verifier) ["," extensions]. Exactly one of
// error (the server-error-value of e=, any `value`) and verifier (decoded v=) is non-empty.
struct ServerFinal {
  std::string error;
  Bytes verifier;
  std::vector<Extension> extensions;

  static std::optional<ServerFinal> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;

  bool operator==(const ServerFinal&) const = default;
};

// Server-error-values of RFC 5802 section 7 that this core sends or interprets.
inline constexpr std::string_view kErrorInvalidProof = "invalid-proof";
inline constexpr std::string_view kErrorChannelBindingsDontMatch = "channel-bindings-dont-match";
inline constexpr std::string_view kErrorServerDoesSupportChannelBinding =
    "server-does-support-channel-binding";
inline constexpr std::string_view kErrorChannelBindingNotSupported =
    "channel-binding-not-supported";
inline constexpr std::string_view kErrorUnsupportedChannelBindingType =
    "unsupported-channel-binding-type";

// IsChannelBindingError is true for the server-error-values that report a channel-binding
// failure (the four above other than invalid-proof).
bool IsChannelBindingError(std::string_view server_error_value);

// BuildAuthMessage returns, per RFC 5802 section 3,
//   AuthMessage := client-first-message-bare + "," + server-first-message + "," +
//                  client-final-message-without-proof
// or std::nullopt when one of the structs does not serialize.
std::optional<Bytes> BuildAuthMessage(const ClientFirst& client_first,
                                      const ServerFirst& server_first,
                                      const ClientFinal& client_final);

// IsValidNonce is true for 1*printable (RFC 5802 s7, errata 2651).
bool IsValidNonce(std::string_view nonce);

// GenerateNonce returns `size` characters drawn uniformly from the 93 printable characters
// (%x21-2B / %x2D-7E) using rng: each random byte b < 186 gives kNonceAlphabet[b % 93], other
// bytes are discarded and more are drawn: first `size` bytes (min 64), then 64 at a time, the
// characters taken in order until the nonce is complete. std::nullopt when rng fails or size is
// 0. The mapping is public so known-answer tests can feed the bytes that reproduce a given
// nonce.
std::optional<std::string> GenerateNonce(Rng& rng, size_t size);
inline constexpr std::string_view kNonceAlphabet =
    "!\"#$%&'()*+-./"
    "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

}  // namespace e2esasl::scram

#endif  // E2ESASL_SCRAM_MESSAGES_H_
