// gs2.h: the GS2 header that starts every family's first client message (RFC 5801 s4,
// RFC 5802 s7), and the saslname escaping it shares with SCRAM's n= attribute.
//
//   gs2-header  = gs2-cb-flag "," [ authzid ] ","
//   gs2-cb-flag = ("p=" cb-name) / "n" / "y"
//   cb-name     = 1*(ALPHA / DIGIT / "." / "-")
//   authzid     = "a=" saslname
//   saslname    = 1*(UTF8-char-safe / "=2C" / "=3D")     ; UTF8-char-safe excludes NUL "," "="
//
// The GSS-API-only "F," prefix (gs2-nonstd-flag) is not part of any SASL mechanism here and is
// rejected.
#ifndef E2ESASL_COMMON_GS2_H_
#define E2ESASL_COMMON_GS2_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/byte_reader.h"
#include "common/bytes.h"
#include "common/status.h"

namespace e2esasl::gs2 {

// CbFlag: the gs2-cb-flag. The enumerators are named after the channel-binding disposition each
// one announces (Cyrus SASL_CB_DISP_NONE / WANT / USED).
//   kNone  "n"       the client does not support channel binding (or has no binding)
//   kWant  "y"       the client supports it but believes the server does not
//   kUsed  "p=name"  the client binds to the channel with binding type `name`
enum class CbFlag { kNone, kWant, kUsed };

// kMaxCbNameBytes caps cb-name; kMaxSaslNameBytes caps an escaped saslname.
inline constexpr size_t kMaxCbNameBytes = 64;
inline constexpr size_t kMaxSaslNameBytes = 1024;

// IsValidCbName returns true when name matches 1*(ALPHA / DIGIT / "." / "-") and is at most
// kMaxCbNameBytes long.
bool IsValidCbName(std::string_view name);

// EscapeSaslName returns name with "," as "=2C" and "=" as "=3D" (RFC 5802 s5.1), or nullopt
// when name is empty, contains NUL, is not well-formed UTF-8, or escapes to more than
// kMaxSaslNameBytes.
std::optional<std::string> EscapeSaslName(std::string_view name);

// UnescapeSaslName reverses EscapeSaslName strictly: only "=2C" and "=3D" (upper case) may
// follow "="; a bare "," or NUL, invalid UTF-8, an empty result or input above
// kMaxSaslNameBytes give nullopt. Each value has exactly one accepted escaped form.
std::optional<std::string> UnescapeSaslName(std::string_view escaped);

// Gs2Header: the parsed header. cb_name is set only for kUsed; authzid is the unescaped
// authorization identity, empty when the client sent none.
struct Gs2Header {
  CbFlag flag = CbFlag::kNone;
  std::string cb_name;
  std::string authzid;

  // Parse consumes exactly the header (through its second ",") from reader and returns it.
  // On failure returns nullopt, leaves reader unchanged and, when out_failure is not null,
  // sets it to kMalformed with a detail naming the broken part. When out_raw is not null it
  // receives the header bytes as received (they view reader's data), which is what a family
  // binds (see cb_negotiation.h ChannelBindingInput).
  static std::optional<Gs2Header> Parse(ByteReader& reader, ByteView* out_raw = nullptr,
                                        Failure* out_failure = nullptr);

  // Serialize writes the header. An invalid struct (kUsed with an invalid cb_name, cb_name set
  // without kUsed, an authzid EscapeSaslName rejects) marks the writer failed. Serialize of a
  // parsed header reproduces the parsed bytes exactly.
  void Serialize(ByteWriter& writer) const;
  // ToBytes is Serialize into a buffer of its own (empty when the struct is invalid): the bytes a
  // family binds into its transcript.
  Bytes ToBytes() const;

  bool operator==(const Gs2Header&) const = default;
};

}  // namespace e2esasl::gs2

#endif  // E2ESASL_COMMON_GS2_H_
