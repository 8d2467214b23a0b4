// messages.cc: parsers and printers of the OPAQUE-R255 SASL messages (see messages.h).
#include "opaque/messages.h"

#include <algorithm>
#include <array>
#include <span>

#include "common/attributes.h"
#include "common/base64.h"

namespace e2esasl::opaque {
using attr::AddBase64Attribute;

std::optional<ClientFirst> ClientFirst::Parse(ByteView in, Failure* out_failure) {
  ClientFirst message;
  std::array<uint8_t, Ke1::kSize> ke1{};
  // client-first = gs2-header "n=" saslname ",k=" ke1
  attr::MessageParser parser(in, kMaxMessageSize, "client-first", out_failure);
  parser.Gs2AndAuthcid(&message.gs2_header, &message.authcid).Base64('k', ke1, "KE1");
  if (!parser.End()) {
    return std::nullopt;
  }
  message.ke1 = *Ke1::Parse(ke1);  // exact size checked above
  return message;
}

void ClientFirst::Serialize(ByteWriter& out) const {
  attr::AddGs2AndAuthcid(out, gs2_header, authcid);
  out.AddU8(',');
  AddBase64Attribute(out, 'k', SerializeToBytes(ke1));
  if (out.size() > kMaxMessageSize) {
    out.MarkFailed();
  }
}

std::optional<ServerFirst> ServerFirst::Parse(ByteView in, Failure* out_failure) {
  std::array<uint8_t, Ke2::kSize> ke2{};
  std::string_view ksf_text;
  // server-first = "k=" ke2 ",f=" ksf
  attr::MessageParser parser(in, kMaxMessageSize, "server-first", out_failure);
  parser.Base64('k', ke2, "KE2").Text('f', &ksf_text, "ksf");
  const std::optional<KsfParams> ksf = KsfParams::Parse(ksf_text);
  parser.Check(ksf && ksf->kind == KsfKind::kArgon2id,
               "f= is not argon2id:<m>:<t>:<p> within limits");
  if (!parser.End()) {
    return std::nullopt;
  }
  ServerFirst message;
  message.ke2 = *Ke2::Parse(ke2);
  message.ksf = *ksf;
  return message;
}

void ServerFirst::Serialize(ByteWriter& out) const {
  if (ksf.kind != KsfKind::kArgon2id || !ksf.Valid()) {
    out.MarkFailed();
    return;
  }
  AddBase64Attribute(out, 'k', SerializeToBytes(ke2));
  out.AddString(",f=");
  out.AddString(ksf.Serialize());
}

std::optional<ClientFinal> ClientFinal::Parse(ByteView in, Failure* out_failure) {
  std::array<uint8_t, Ke3::kSize> ke3{};
  // client-final = "k=" ke3
  attr::MessageParser parser(in, kMaxMessageSize, "client-final", out_failure);
  parser.Base64('k', ke3, "KE3");
  if (!parser.End()) {
    return std::nullopt;
  }
  ClientFinal message;
  message.ke3 = *Ke3::Parse(ke3);
  return message;
}

void ClientFinal::Serialize(ByteWriter& out) const {
  AddBase64Attribute(out, 'k', SerializeToBytes(ke3));
}

std::optional<Bytes> BuildContext(ByteView cbind_input, std::string_view authcid,
                                  const KsfParams& ksf) {
  ByteWriter out;
  out.AddString("e2esasl:");
  out.AddString(kMechanismName);
  out.AddU16LengthPrefixed(cbind_input);
  out.AddU16LengthPrefixed(AsBytes(authcid));
  out.AddU16LengthPrefixed(AsBytes(ksf.Serialize()));
  std::optional<Bytes> context = out.Finish();
  if (context && context->size() > 65535) {
    return std::nullopt;
  }
  return context;
}

}  // namespace e2esasl::opaque
