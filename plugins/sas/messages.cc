// messages.cc: parsers and printers of the SAS-R255-PLUS messages (see messages.h).
#include "sas/messages.h"

#include <algorithm>
#include <span>

#include "common/attributes.h"
#include "common/base64.h"

namespace e2esasl::sas {
using attr::AddBase64Attribute;

namespace {

// ParseDigits accepts exactly two decimal characters "10".."18" (no sign, no leading zero).
std::optional<unsigned> ParseDigits(std::string_view text) {
  if (text.size() != 2 || text[0] != '1' || text[1] < '0' || text[1] > '9') {
    return std::nullopt;
  }
  const unsigned value = 10 + static_cast<unsigned>(text[1] - '0');
  if (value < kMinDigits || value > kMaxDigits) {
    return std::nullopt;
  }
  return value;
}

// WritePrefix writes gs2-header "n=" saslname ",d=" digits.
void WritePrefix(const ClientFirst& message, ByteWriter& out) {
  if (message.digits < kMinDigits || message.digits > kMaxDigits) {
    out.MarkFailed();
    return;
  }
  attr::AddGs2AndAuthcid(out, message.gs2_header, message.authcid);
  out.AddString(",d=");
  out.AddString(std::to_string(message.digits));
}

}  // namespace

// ---- ClientFirst ----------------------------------------------------------------------------

std::optional<ClientFirst> ClientFirst::Parse(ByteView in, Failure* out_failure) {
  ClientFirst message;
  std::string_view digits_text;
  // client-first = gs2-header "n=" saslname ",d=" digits ",c=" commitment
  attr::MessageParser parser(in, kMaxMessageSize, "client-first", out_failure);
  parser.Gs2AndAuthcid(&message.gs2_header, &message.authcid).Text('d', &digits_text, "digits");
  const std::optional<unsigned> digits = ParseDigits(digits_text);
  parser.Check(digits.has_value(), "d= must be a decimal number from 10 to 18");
  parser.Base64('c', message.commitment, "commitment");
  if (!parser.End()) {
    return std::nullopt;
  }
  message.digits = *digits;
  return message;
}

void ClientFirst::Serialize(ByteWriter& out) const {
  WritePrefix(*this, out);
  out.AddU8(',');
  AddBase64Attribute(out, 'c', commitment);
  if (out.size() > kMaxMessageSize) {
    out.MarkFailed();
  }
}

Bytes ClientFirst::Prefix() const {
  ByteWriter out(kMaxMessageSize);
  WritePrefix(*this, out);
  return out.Finish().value_or(Bytes());
}

// ---- ElementMessage (server-first, client-reveal) -------------------------------------------

template <char kLetter>
std::optional<ElementMessage<kLetter>> ElementMessage<kLetter>::Parse(ByteView in,
                                                                      Failure* out_failure) {
  ElementMessage message;
  attr::MessageParser parser(in, kMaxMessageSize,
                             kLetter == 'y' ? "server-first" : "client-reveal", out_failure);
  parser.Base64(kLetter, message.element, "element");
  return parser.Finish(message);
}

template <char kLetter>
void ElementMessage<kLetter>::Serialize(ByteWriter& out) const {
  AddBase64Attribute(out, kLetter, element);
}

template struct ElementMessage<'y'>;
template struct ElementMessage<'x'>;

// ---- ConfirmMessage -------------------------------------------------------------------------

template <bool kFromServer>
std::optional<ConfirmMessage<kFromServer>> ConfirmMessage<kFromServer>::Parse(
    ByteView in, Failure* out_failure) {
  ConfirmMessage message;
  attr::MessageParser parser(in, kMaxMessageSize,
                             kFromServer ? "server-confirm" : "client-confirm", out_failure);
  parser.Base64('v', message.tag, "tag");
  return parser.Finish(message);
}

template <bool kFromServer>
void ConfirmMessage<kFromServer>::Serialize(ByteWriter& out) const {
  AddBase64Attribute(out, 'v', tag);
}

template struct ConfirmMessage<true>;
template struct ConfirmMessage<false>;

}  // namespace e2esasl::sas
