// messages.cc: parsers and printers of the SAS-R255-PLUS messages (see messages.h).
#include "sas/messages.h"

#include <algorithm>
#include <span>

#include "common/attributes.h"
#include "common/base64.h"

namespace e2esasl::sas {
using attr::AddBase64Attribute;
using attr::Malformed;
using attr::ReadAttribute;
using attr::ReadBase64Exact;

namespace {

bool SizeOk(ByteView in) {
  return attr::SizeOk(in, kMaxMessageSize);
}

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
  if (!SizeOk(in)) {
    return Malformed<ClientFirst>(out_failure, "client-first: empty or longer than 4096 bytes");
  }
  ByteReader reader(in);
  ClientFirst message;
  // client-first = gs2-header "n=" saslname ",d=" digits ",c=" commitment
  if (!attr::ReadGs2AndAuthcid(&reader, &message.gs2_header, &message.authcid, out_failure)) {
    return std::nullopt;
  }
  std::string_view digits_text;
  if (!reader.ReadExpected(',') || !ReadAttribute(&reader, 'd', &digits_text)) {
    return Malformed<ClientFirst>(out_failure, "client-first: expected d=<digits>");
  }
  const std::optional<unsigned> digits = ParseDigits(digits_text);
  if (!digits) {
    return Malformed<ClientFirst>(out_failure,
                                  "client-first: d= must be a decimal number from 10 to 18");
  }
  message.digits = *digits;
  if (!reader.ReadExpected(',') || !ReadBase64Exact(&reader, 'c', message.commitment)) {
    return Malformed<ClientFirst>(out_failure,
                                  "client-first: expected c=<64-byte base64 commitment>");
  }
  if (!reader.Empty()) {
    return Malformed<ClientFirst>(out_failure, "client-first: unexpected data after c=");
  }
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
  const std::string name = kLetter == 'y' ? "server-first" : "client-reveal";
  if (!SizeOk(in)) {
    return Malformed<ElementMessage>(out_failure, name + ": empty or longer than 4096 bytes");
  }
  ByteReader reader(in);
  ElementMessage message;
  if (!ReadBase64Exact(&reader, kLetter, message.element)) {
    return Malformed<ElementMessage>(
        out_failure, name + ": expected " + std::string(1, kLetter) + "=<32-byte base64 element>");
  }
  if (!reader.Empty()) {
    return Malformed<ElementMessage>(
        out_failure, name + ": unexpected data after " + std::string(1, kLetter) + "=");
  }
  return message;
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
  const std::string name = kFromServer ? "server-confirm" : "client-confirm";
  if (!SizeOk(in)) {
    return Malformed<ConfirmMessage>(out_failure, name + ": empty or longer than 4096 bytes");
  }
  ByteReader reader(in);
  ConfirmMessage message;
  if (!ReadBase64Exact(&reader, 'v', message.tag)) {
    return Malformed<ConfirmMessage>(out_failure, name + ": expected v=<64-byte base64 tag>");
  }
  if (!reader.Empty()) {
    return Malformed<ConfirmMessage>(out_failure, name + ": unexpected data after v=");
  }
  return message;
}

template <bool kFromServer>
void ConfirmMessage<kFromServer>::Serialize(ByteWriter& out) const {
  AddBase64Attribute(out, 'v', tag);
}

template struct ConfirmMessage<true>;
template struct ConfirmMessage<false>;

}  // namespace e2esasl::sas
