// messages.cc: parsers and printers of the CPACE-R255 messages (see messages.h).
#include "cpace/messages.h"

#include <algorithm>
#include <span>
#include <string_view>

#include "common/attributes.h"
#include "common/base64.h"

namespace e2esasl::cpace {
using attr::AddBase64Attribute;

Bytes SessionId(const Nonce& client_nonce, const Nonce& server_nonce) {
  Bytes sid(client_nonce.begin(), client_nonce.end());
  sid.insert(sid.end(), server_nonce.begin(), server_nonce.end());
  return sid;
}

// ---- ClientFirst ----------------------------------------------------------------------------

std::optional<ClientFirst> ClientFirst::Parse(ByteView in, Failure* out_failure) {
  ClientFirst message;
  // client-first = gs2-header "n=" saslname ",r=" nonce
  attr::MessageParser parser(in, kMaxMessageSize, "client-first", out_failure);
  parser.Gs2AndAuthcid(&message.gs2_header, &message.authcid).Base64('r', message.nonce, "nonce");
  return parser.Finish(std::move(message));
}

void ClientFirst::Serialize(ByteWriter& out) const {
  attr::AddGs2AndAuthcid(out, gs2_header, authcid);
  out.AddU8(',');
  AddBase64Attribute(out, 'r', nonce);
  if (out.size() > kMaxMessageSize) {
    out.MarkFailed();
  }
}

// ---- ServerFirst ----------------------------------------------------------------------------

std::optional<ServerFirst> ServerFirst::Parse(ByteView in, Failure* out_failure) {
  ServerFirst message;
  // server-first = "r=" nonce ",y=" share
  attr::MessageParser parser(in, kMaxMessageSize, "server-first", out_failure);
  parser.Base64('r', message.nonce, "nonce").Base64('y', message.share, "share");
  return parser.Finish(message);
}

void ServerFirst::Serialize(ByteWriter& out) const {
  AddBase64Attribute(out, 'r', nonce);
  out.AddU8(',');
  AddBase64Attribute(out, 'y', share);
}

// ---- ClientFinal ----------------------------------------------------------------------------

std::optional<ClientFinal> ClientFinal::Parse(ByteView in, Failure* out_failure) {
  ClientFinal message;
  // client-final = "y=" share ",t=" tag
  attr::MessageParser parser(in, kMaxMessageSize, "client-final", out_failure);
  parser.Base64('y', message.share, "share").Base64('t', message.tag, "tag");
  return parser.Finish(message);
}

void ClientFinal::Serialize(ByteWriter& out) const {
  AddBase64Attribute(out, 'y', share);
  out.AddU8(',');
  AddBase64Attribute(out, 't', tag);
}

}  // namespace e2esasl::cpace
