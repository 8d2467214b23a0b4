// cb_negotiation.h: the channel-binding negotiation every family runs identically (RFC 5802
// s6 / RFC 5801 s5 rules, plus the Cyrus gaps we close: docs/architecture.md). Pure logic: no I/O,
// no Cyrus types. The channel-binding name and data are the application's and are treated as opaque
// bytes: OpenLDAP's "ldap" behaves exactly like "tls-unique" or "tls-exporter".
#ifndef E2ESASL_COMMON_CB_NEGOTIATION_H_
#define E2ESASL_COMMON_CB_NEGOTIATION_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/gs2.h"
#include "common/status.h"

namespace e2esasl::cb {

// ChannelBindingRef: a channel binding held by one side (Cyrus params->cbinding). Borrows name
// and data from the application; they must outlive the call.
struct ChannelBindingRef {
  std::string_view name;  // e.g. "tls-exporter", "tls-unique", "ldap"
  bool critical = false;  // the application requires channel binding (SASL_CB_CRITICAL)
  ByteView data;          // the binding value
};

// OwnedBinding: a channel binding a server session keeps for the whole exchange (Cyrus
// params->cbinding, copied: libsasl2's copy need not outlive the step that handed it over).
// Aggregate: OwnedBinding{name, data} or OwnedBinding{name, data, critical}.
struct OwnedBinding {
  std::string name;       // opaque, compared byte for byte with p=
  Bytes data;             // the binding value
  bool critical = false;  // SASL_CB_CRITICAL: "n" from the client is refused

  // Copy returns an owned copy of binding's name and data.
  static OwnedBinding Copy(const ChannelBindingRef& binding);
  // Ref views this binding; the view must not outlive it.
  ChannelBindingRef Ref() const { return ChannelBindingRef{name, critical, data}; }
};

// CopyBinding returns an owned copy of binding (nullopt when there is none).
std::optional<OwnedBinding> CopyBinding(const std::optional<ChannelBindingRef>& binding);

// RefBinding views binding (nullopt when there is none); the view must not outlive it.
std::optional<ChannelBindingRef> RefBinding(const std::optional<OwnedBinding>& binding);

// Disposition: what the plugin reports to Cyrus (oparams->cbindingdisp: SASL_CB_DISP_NONE /
// WANT / USED); it mirrors the gs2-cb-flag received or sent.
enum class Disposition { kNone, kWant, kUsed };

// DispositionOf maps a gs2-cb-flag to its disposition ("n" -> kNone, "y" -> kWant, "p" -> kUsed).
Disposition DispositionOf(gs2::CbFlag flag);

// ClientChoice: the gs2-cb-flag (and cb-name) a client sends.
struct ClientChoice {
  gs2::CbFlag flag = gs2::CbFlag::kNone;
  std::string_view cb_name;  // set only for kUsed; views binding->name
};

// ChooseClientFlag decides the client's gs2-cb-flag:
//   -PLUS selected, binding held            -> "p=<name>"
//   -PLUS selected, no binding              -> kBadBinding
//   non-PLUS, binding held (not critical)   -> "y" (Cyrus would send "n": that lets a MITM strip
//                                              -PLUS from the server's list undetected)
//   non-PLUS, critical binding held         -> kBadBinding (the application requires binding)
//   non-PLUS, no binding                    -> "n"
// Returns kOk and sets *out_choice, or a failure Status (with *out_failure set when not null;
// *out_choice untouched). A binding whose name is not a valid cb-name, or whose data is empty
// (whatever the selection: a binding of nothing binds nothing), is also kBadBinding.
Status ChooseClientFlag(ClientChoice* out_choice, Failure* out_failure, bool plus_selected,
                        const std::optional<ChannelBindingRef>& binding);

// ServerVerdict: the server's decision on a received GS2 header.
struct ServerVerdict {
  Status status = Status::kInternal;             // kOk: continue the exchange; otherwise fail it
  Disposition disposition = Disposition::kNone;  // always set from the received flag
  std::string detail;                            // why it failed (empty on kOk)
};

// JudgeServerFlag decides whether the server accepts the received gs2-cb-flag:
//   "p=X", server holds no binding          -> kBadBinding
//   "p=X", server's binding is named Y != X -> kBadBinding (names compare byte for byte)
//   "p=X", server's binding is named X      -> kOk, kUsed: the family must then check the binding
//                                              data the client sends (ChannelBindingInput, CtEqual)
//   "y",   server holds a binding or
//          advertised -PLUS                 -> kAuthFailed: downgrade detected (the client was led
//                                              to believe the server cannot bind)
//   "y",   neither                          -> kOk, kWant
//   "n",   server's binding is critical     -> kBadBinding
//   "n",   otherwise                        -> kOk, kNone
// A server binding with empty data is kBadBinding whatever the flag (it binds nothing).
// The mechanism name the server was started under (base or -PLUS) is deliberately not an input:
// Cyrus starts the server under the base name even when the client chose -PLUS.
ServerVerdict JudgeServerFlag(const gs2::Gs2Header& header,
                              const std::optional<ChannelBindingRef>& server_binding,
                              bool plus_advertised);

// ChannelBindingInput returns the bytes a family binds (SCRAM's c= is its base64):
// gs2_header_bytes, followed by cb_data when flag is kUsed (RFC 5802 s7 cbind-input). For kNone
// and kWant cb_data is ignored. The client passes the header it serialized, the server the raw
// header it received (Gs2Header::Parse out_raw) and its own binding's data.
Bytes ChannelBindingInput(ByteView gs2_header_bytes, gs2::CbFlag flag, ByteView cb_data);

}  // namespace e2esasl::cb

#endif  // E2ESASL_COMMON_CB_NEGOTIATION_H_
