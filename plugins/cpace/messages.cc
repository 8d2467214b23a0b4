// messages.cc: parsers and printers of the CPACE-R255 messages (see messages.h).
#include "cpace/messages.h"

#include <algorithm>
#include <span>
#include <string_view>

#include "common/attributes.h"
#include "common/base64.h"

namespace e2esasl::cpace {
using attr::AddBase64Attribute;
using attr::Malformed;
using attr::ReadAttribute;
using attr::ReadBase64Exact;

namespace {

bool SizeOk(ByteView in) {
  return attr::SizeOk(in, kMaxMessageSize);
}

}  // namespace

Bytes SessionId(const Nonce& client_nonce, const Nonce& server_nonce) {
  Bytes sid(client_nonce.begin(), client_nonce.end());
  sid.insert(sid.end(), server_nonce.begin(), server_nonce.end());
  return sid;
}

// ---- ClientFirst ----------------------------------------------------------------------------

std::optional<ClientFirst> ClientFirst::Parse(ByteView in, Failure* out_failure) {
  if (!SizeOk(in)) {
    return Malformed<ClientFirst>(out_failure, "client-first: empty or longer than 4096 bytes");
  }
  ByteReader reader(in);
  ClientFirst message;
  // client-first = gs2-header "n=" saslname ",r=" nonce
  if (!attr::ReadGs2AndAuthcid(&reader, &message.gs2_header, &message.authcid, out_failure)) {
    return std::nullopt;
  }
  if (!reader.ReadExpected(',') || !ReadBase64Exact(&reader, 'r', message.nonce)) {
    return Malformed<ClientFirst>(out_failure, "client-first: expected r=<16-byte base64 nonce>");
  }
  if (!reader.Empty()) {
    return Malformed<ClientFirst>(out_failure, "client-first: unexpected data after r=");
  }
  return message;
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
  if (!SizeOk(in)) {
    return Malformed<ServerFirst>(out_failure, "server-first: empty or longer than 4096 bytes");
  }
  ByteReader reader(in);
  ServerFirst message;
  // server-first = "r=" nonce ",y=" share
  if (!ReadBase64Exact(&reader, 'r', message.nonce)) {
    return Malformed<ServerFirst>(out_failure, "server-first: expected r=<16-byte base64 nonce>");
  }
  if (!reader.ReadExpected(',') || !ReadBase64Exact(&reader, 'y', message.share)) {
    return Malformed<ServerFirst>(out_failure, "server-first: expected y=<32-byte base64 share>");
  }
  if (!reader.Empty()) {
    return Malformed<ServerFirst>(out_failure, "server-first: unexpected data after y=");
  }
  return message;
}

void ServerFirst::Serialize(ByteWriter& out) const {
  AddBase64Attribute(out, 'r', nonce);
  out.AddU8(',');
  AddBase64Attribute(out, 'y', share);
}

// ---- ClientFinal ----------------------------------------------------------------------------

std::optional<ClientFinal> ClientFinal::Parse(ByteView in, Failure* out_failure) {
  if (!SizeOk(in)) {
    return Malformed<ClientFinal>(out_failure, "client-final: empty or longer than 4096 bytes");
  }
  ByteReader reader(in);
  ClientFinal message;
  // client-final = "y=" share ",t=" tag
  if (!ReadBase64Exact(&reader, 'y', message.share)) {
    return Malformed<ClientFinal>(out_failure, "client-final: expected y=<32-byte base64 share>");
  }
  if (!reader.ReadExpected(',') || !ReadBase64Exact(&reader, 't', message.tag)) {
    return Malformed<ClientFinal>(out_failure, "client-final: expected t=<64-byte base64 tag>");
  }
  if (!reader.Empty()) {
    return Malformed<ClientFinal>(out_failure, "client-final: unexpected data after t=");
  }
  return message;
}

void ClientFinal::Serialize(ByteWriter& out) const {
  AddBase64Attribute(out, 'y', share);
  out.AddU8(',');
  AddBase64Attribute(out, 't', tag);
}

// ---- ServerFinal ----------------------------------------------------------------------------

std::optional<ServerFinal> ServerFinal::Parse(ByteView in, Failure* out_failure) {
  if (!SizeOk(in)) {
    return Malformed<ServerFinal>(out_failure, "server-final: empty or longer than 4096 bytes");
  }
  ByteReader reader(in);
  ServerFinal message;
  // server-final = "t=" tag
  if (!ReadBase64Exact(&reader, 't', message.tag)) {
    return Malformed<ServerFinal>(out_failure, "server-final: expected t=<64-byte base64 tag>");
  }
  if (!reader.Empty()) {
    return Malformed<ServerFinal>(out_failure, "server-final: unexpected data after t=");
  }
  return message;
}

void ServerFinal::Serialize(ByteWriter& out) const {
  AddBase64Attribute(out, 't', tag);
}

}  // namespace e2esasl::cpace
