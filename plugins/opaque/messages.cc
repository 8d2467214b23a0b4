// messages.cc: parsers and printers of the OPAQUE-R255 SASL messages (see messages.h).
#include "opaque/messages.h"

#include <algorithm>
#include <array>
#include <span>

#include "common/attributes.h"
#include "common/base64.h"

namespace e2esasl::opaque {
using attr::AddBase64Attribute;
using attr::Malformed;
using attr::ReadAttribute;
using attr::ReadBase64Exact;

namespace {

bool SizeOk(ByteView in) {
  return attr::SizeOk(in, kMaxMessageSize);
}

}  // namespace

std::optional<ClientFirst> ClientFirst::Parse(ByteView in, Failure* out_failure) {
  if (!SizeOk(in)) {
    return Malformed<ClientFirst>(out_failure, "client-first: empty or longer than 4096 bytes");
  }
  ByteReader reader(in);
  ClientFirst message;
  // client-first = gs2-header "n=" saslname ",k=" ke1
  if (!attr::ReadGs2AndAuthcid(&reader, &message.gs2_header, &message.authcid, out_failure)) {
    return std::nullopt;
  }
  std::array<uint8_t, Ke1::kSize> ke1{};
  if (!reader.ReadExpected(',') || !ReadBase64Exact(&reader, 'k', ke1)) {
    return Malformed<ClientFirst>(out_failure, "client-first: expected k=<96-byte base64 KE1>");
  }
  if (!reader.Empty()) {
    return Malformed<ClientFirst>(out_failure, "client-first: unexpected data after k=");
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
  if (!SizeOk(in)) {
    return Malformed<ServerFirst>(out_failure, "server-first: empty or longer than 4096 bytes");
  }
  ByteReader reader(in);
  // server-first = "k=" ke2 ",f=" ksf
  std::array<uint8_t, Ke2::kSize> ke2{};
  if (!ReadBase64Exact(&reader, 'k', ke2)) {
    return Malformed<ServerFirst>(out_failure, "server-first: expected k=<320-byte base64 KE2>");
  }
  std::string_view ksf_text;
  if (!reader.ReadExpected(',') || !ReadAttribute(&reader, 'f', &ksf_text)) {
    return Malformed<ServerFirst>(out_failure, "server-first: expected f=<ksf>");
  }
  std::optional<KsfParams> ksf = KsfParams::Parse(ksf_text);
  if (!ksf || ksf->kind != KsfKind::kArgon2id) {
    return Malformed<ServerFirst>(out_failure,
                                  "server-first: f= is not argon2id:<m>:<t>:<p> within limits");
  }
  if (!reader.Empty()) {
    return Malformed<ServerFirst>(out_failure, "server-first: unexpected data after f=");
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
  if (!SizeOk(in)) {
    return Malformed<ClientFinal>(out_failure, "client-final: empty or longer than 4096 bytes");
  }
  ByteReader reader(in);
  // client-final = "k=" ke3
  std::array<uint8_t, Ke3::kSize> ke3{};
  if (!ReadBase64Exact(&reader, 'k', ke3)) {
    return Malformed<ClientFinal>(out_failure, "client-final: expected k=<64-byte base64 KE3>");
  }
  if (!reader.Empty()) {
    return Malformed<ClientFinal>(out_failure, "client-final: unexpected data after k=");
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
