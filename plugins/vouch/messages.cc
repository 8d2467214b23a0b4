// messages.cc: parsers and printers of the VOUCH-ES256-PLUS messages (see messages.h).
#include "vouch/messages.h"

#include <algorithm>

#include "common/attributes.h"

namespace e2esasl::vouch {
using attr::AddAttribute;
using attr::AddBase64Attribute;

namespace {

constexpr std::string_view kStatementDetail =
    "j= must be a compact JWS of at most 4096 characters (base64url and '.')";

bool IsJwsChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

// AddStatement writes ",j=" statement, or marks out failed when it would not parse back.
void AddStatement(ByteWriter& out, std::string_view statement) {
  if (!IsCompactJwsText(statement)) {
    out.MarkFailed();
    return;
  }
  out.AddU8(',');
  AddAttribute(out, 'j', statement);
}

void CapSize(ByteWriter& out) {
  if (out.size() > kMaxMessageSize) {
    out.MarkFailed();
  }
}

}  // namespace

bool IsCompactJwsText(std::string_view text) {
  return !text.empty() && text.size() <= kMaxStatementSize &&
         std::all_of(text.begin(), text.end(), IsJwsChar);
}

// ---- ClientFirst ----------------------------------------------------------------------------

std::optional<ClientFirst> ClientFirst::Parse(ByteView in, Failure* out_failure) {
  ClientFirst message;
  std::string_view statement;
  // client-first = gs2-header "n=" saslname ",r=" nonce ",k=" point ",j=" statement
  attr::MessageParser parser(in, kMaxMessageSize, "client-first", out_failure);
  parser.Gs2AndAuthcid(&message.gs2_header, &message.authcid)
      .Base64('r', message.nonce, "nonce")
      .Base64('k', message.device_key, "device key")
      .Text('j', &statement, "statement")
      .Check(IsCompactJwsText(statement), kStatementDetail);
  if (!parser.End()) {
    return std::nullopt;
  }
  message.statement = std::string(statement);
  return message;
}

void ClientFirst::Serialize(ByteWriter& out) const {
  attr::AddGs2AndAuthcid(out, gs2_header, authcid);
  out.AddU8(',');
  AddBase64Attribute(out, 'r', nonce);
  out.AddU8(',');
  AddBase64Attribute(out, 'k', device_key);
  AddStatement(out, statement);
  CapSize(out);
}

// ---- ServerFirst ----------------------------------------------------------------------------

std::optional<ServerFirst> ServerFirst::Parse(ByteView in, Failure* out_failure) {
  ServerFirst message;
  std::string_view statement;
  // server-first = "r=" nonce ",k=" point ",j=" statement ",s=" signature
  attr::MessageParser parser(in, kMaxMessageSize, "server-first", out_failure);
  parser.Base64('r', message.nonce, "nonce")
      .Base64('k', message.device_key, "device key")
      .Text('j', &statement, "statement")
      .Check(IsCompactJwsText(statement), kStatementDetail)
      .Base64('s', message.signature, "signature");
  if (!parser.End()) {
    return std::nullopt;
  }
  message.statement = std::string(statement);
  return message;
}

void ServerFirst::Serialize(ByteWriter& out) const {
  AddBase64Attribute(out, 'r', nonce);
  out.AddU8(',');
  AddBase64Attribute(out, 'k', device_key);
  AddStatement(out, statement);
  out.AddU8(',');
  AddBase64Attribute(out, 's', signature);
  CapSize(out);
}

}  // namespace e2esasl::vouch
