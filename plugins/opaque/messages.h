// messages.h: the three OPAQUE-R255 SASL messages, one struct each (ABNF in
// docs/mechanisms/opaque.md), and the RFC 9807 `context` they bind:
//
//   client-first = gs2-header "n=" saslname ",k=" ke1
//   server-first = "k=" ke2 ",f=" ksf
//   client-final = "k=" ke3
//   server-final = ""                         ; empty success data
//   ke1 = 128base64-char   ; RFC 9807 KE1, 96 bytes
//   ke2 = 428base64-char   ; RFC 9807 KE2, 320 bytes
//   ke3 = 88base64-char    ; RFC 9807 KE3, 64 bytes
//   ksf = "argon2id:" 1*10DIGIT ":" 1*10DIGIT ":" 1*10DIGIT   ; m (KiB) : t : p, no leading 0
//
// Parse is the only code that sees peer bytes: attributes in this order only, no extensions,
// canonical padded base64, exact decoded sizes, a message above kMaxMessageSize rejected before
// it is read, nothing left over. On failure Parse returns nullopt and, when out_failure is not
// null, sets kMalformed with a detail naming the broken part. Serialize writes the canonical
// form (Serialize(Parse(m)) == m); a struct that would not parse back marks the writer failed.
#ifndef E2ESASL_OPAQUE_MESSAGES_H_
#define E2ESASL_OPAQUE_MESSAGES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/byte_reader.h"
#include "common/bytes.h"
#include "common/gs2.h"
#include "common/status.h"
#include "opaque/ksf.h"
#include "opaque/wire.h"

namespace e2esasl::opaque {

// kMaxMessageSize caps every message (bytes).
inline constexpr size_t kMaxMessageSize = 4096;
// kMechanismName is the base name bound into the context (the -PLUS form is told by the gs2
// header's "p=", which is bound too: libsasl2 starts servers under the base name).
inline constexpr std::string_view kMechanismName = "OPAQUE-R255";

// ClientFirst: gs2-header "n=" saslname ",k=" ke1.
struct ClientFirst {
  gs2::Gs2Header gs2_header;
  std::string authcid;  // unescaped saslname
  Ke1 ke1;

  static std::optional<ClientFirst> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  bool operator==(const ClientFirst&) const = default;
};

// ServerFirst: "k=" ke2 ",f=" ksf.
struct ServerFirst {
  Ke2 ke2;
  KsfParams ksf;

  static std::optional<ServerFirst> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  bool operator==(const ServerFirst&) const = default;
};

// ClientFinal: "k=" ke3.
struct ClientFinal {
  Ke3 ke3;

  static std::optional<ClientFinal> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  bool operator==(const ClientFinal&) const = default;
};

// BuildContext returns RFC 9807's context for one SASL exchange:
//   context = "e2esasl:" mechanism-name || lv(cbind-input) || lv(authcid) || lv(ksf)
// where lv(x) = I2OSP(len(x), 2) || x, cbind-input = gs2-header || cb-data (cb-data only with
// "p=", RFC 5802 s7), authcid is the n= value unescaped and ksf the f= text. Binding them here,
// and not through client_identity / server_identity, leaves the envelope made at registration
// valid (the identities stay as registered). nullopt when a part exceeds 65535 bytes.
std::optional<Bytes> BuildContext(ByteView cbind_input, std::string_view authcid,
                                  const KsfParams& ksf);

// The error detail of every authentication failure either side sees: a wrong password, an unknown
// user, a different channel binding, a tampered message or another server key all read the same.
inline constexpr std::string_view kAuthFailedDetail =
    "authentication failed (wrong password or user, or a different channel binding or server on "
    "the way)";

}  // namespace e2esasl::opaque

#endif  // E2ESASL_OPAQUE_MESSAGES_H_
