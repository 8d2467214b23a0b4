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

// WritePrefix writes gs2-header "n=" saslname ",d=" digits [continuity].
void WritePrefix(const ClientFirst& message, ByteWriter& out) {
  if (message.digits < kMinDigits || message.digits > kMaxDigits) {
    out.MarkFailed();
    return;
  }
  attr::AddGs2AndAuthcid(out, message.gs2_header, message.authcid);
  out.AddString(",d=");
  out.AddString(std::to_string(message.digits));
  if (const std::optional<ContinuityOffer>& offer = message.continuity) {
    if (offer->ids.size() > kMaxRetainedIds) {
      out.MarkFailed();
      return;
    }
    out.AddU8(',');
    AddBase64Attribute(out, 'z', offer->device);
    out.AddU8(',');
    AddBase64Attribute(out, 'w', offer->nonce);
    for (size_t i = 0; i < offer->ids.size(); ++i) {
      out.AddString(i == 0 ? ",r=" : ":");
      out.AddString(Base64Encode(offer->ids[i]));
    }
  }
}

// ParseIds reads retained-id *7(":" retained-id).
bool ParseIds(std::string_view text, std::vector<RetainedId>* out) {
  while (true) {
    const size_t colon = text.find(':');
    const std::string_view one = text.substr(0, colon);
    const std::optional<Bytes> bytes = Base64Decode(one, kRetainedIdSize);
    if (!bytes || bytes->size() != kRetainedIdSize || out->size() == kMaxRetainedIds ||
        Base64Encode(*bytes) != one) {
      return false;
    }
    out->emplace_back();
    std::copy(bytes->begin(), bytes->end(), out->back().begin());
    if (colon == std::string_view::npos) {
      return true;
    }
    text.remove_prefix(colon + 1);
  }
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
  if (parser.Has('z')) {
    ContinuityOffer& offer = message.continuity.emplace();
    parser.Base64('z', offer.device, "device id").Base64('w', offer.nonce, "nonce");
    if (parser.Has('r')) {
      std::string_view ids;
      parser.Text('r', &ids, "retained-secret identifiers");
      parser.Check(ParseIds(ids, &offer.ids),
                   "r= must be 1 to 8 identifiers (16-byte base64) separated by ':'");
    }
  }
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

// ---- ServerFirst ----------------------------------------------------------------------------

std::optional<ServerFirst> ServerFirst::Parse(ByteView in, Failure* out_failure) {
  ServerFirst message;
  // server-first = "y=" element [",z=" device [",r=" retained-id]]
  attr::MessageParser parser(in, kMaxMessageSize, "server-first", out_failure);
  parser.Base64('y', message.element, "element");
  if (parser.Has('z')) {
    parser.Base64('z', message.device.emplace(), "device id");
    if (parser.Has('r')) {
      parser.Base64('r', message.matched.emplace(), "retained-secret identifier");
    }
  }
  return parser.Finish(message);
}

void ServerFirst::Serialize(ByteWriter& out) const {
  AddBase64Attribute(out, 'y', element);
  if (matched && !device) {
    out.MarkFailed();  // r= only after z=
    return;
  }
  if (device) {
    out.AddU8(',');
    AddBase64Attribute(out, 'z', *device);
  }
  if (matched) {
    out.AddU8(',');
    AddBase64Attribute(out, 'r', *matched);
  }
}

}  // namespace e2esasl::sas
