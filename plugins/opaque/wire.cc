// wire.cc: RFC 9807 s5.1 / s6.1 binary messages: fixed-size concatenations.
#include "opaque/wire.h"

#include <string>

namespace e2esasl::opaque {
namespace {

template <typename T>
std::optional<T> Reject(Failure* out_failure, const char* what, size_t expected, size_t got) {
  Fail(out_failure, Status::kMalformed,
       std::string(what) + ": expected " + std::to_string(expected) + " bytes, got " +
           std::to_string(got));
  return std::nullopt;
}

}  // namespace

std::optional<Envelope> Envelope::Parse(ByteReader& reader) {
  Envelope e;
  ByteReader copy = reader;
  if (!copy.CopyBytes(e.nonce) || !copy.CopyBytes(e.auth_tag)) {
    return std::nullopt;
  }
  reader = copy;
  return e;
}

void Envelope::Serialize(ByteWriter& out) const {
  out.AddBytes(nonce);
  out.AddBytes(auth_tag);
}

std::optional<RegistrationRequest> RegistrationRequest::Parse(ByteView in, Failure* out_failure) {
  RegistrationRequest m;
  ByteReader reader(in);
  if (in.size() != kElementSize || !reader.CopyBytes(m.blinded_message)) {
    return Reject<RegistrationRequest>(out_failure, "registration request", kElementSize,
                                       in.size());
  }
  return m;
}

void RegistrationRequest::Serialize(ByteWriter& out) const {
  out.AddBytes(blinded_message);
}

std::optional<RegistrationResponse> RegistrationResponse::Parse(ByteView in, Failure* out_failure) {
  RegistrationResponse m;
  ByteReader reader(in);
  if (in.size() != 2 * kElementSize || !reader.CopyBytes(m.evaluated_message) ||
      !reader.CopyBytes(m.server_public_key)) {
    return Reject<RegistrationResponse>(out_failure, "registration response", 2 * kElementSize,
                                        in.size());
  }
  return m;
}

void RegistrationResponse::Serialize(ByteWriter& out) const {
  out.AddBytes(evaluated_message);
  out.AddBytes(server_public_key);
}

std::optional<RegistrationRecord> RegistrationRecord::Parse(ByteView in, Failure* out_failure) {
  constexpr size_t kSize = kElementSize + kHashSize + kEnvelopeSize;
  RegistrationRecord m;
  ByteReader reader(in);
  std::optional<Envelope> envelope;
  if (in.size() != kSize || !reader.CopyBytes(m.client_public_key) ||
      !reader.CopyBytes(m.masking_key) || !(envelope = Envelope::Parse(reader))) {
    return Reject<RegistrationRecord>(out_failure, "registration record", kSize, in.size());
  }
  m.envelope = *envelope;
  return m;
}

void RegistrationRecord::Serialize(ByteWriter& out) const {
  out.AddBytes(client_public_key);
  out.AddBytes(masking_key);
  envelope.Serialize(out);
}

std::optional<Ke1> Ke1::Parse(ByteView in, Failure* out_failure) {
  Ke1 m;
  ByteReader reader(in);
  if (in.size() != kSize || !reader.CopyBytes(m.blinded_message) ||
      !reader.CopyBytes(m.client_nonce) || !reader.CopyBytes(m.client_public_keyshare)) {
    return Reject<Ke1>(out_failure, "KE1", kSize, in.size());
  }
  return m;
}

void Ke1::Serialize(ByteWriter& out) const {
  out.AddBytes(blinded_message);
  out.AddBytes(client_nonce);
  out.AddBytes(client_public_keyshare);
}

void CredentialResponse::Serialize(ByteWriter& out) const {
  out.AddBytes(evaluated_message);
  out.AddBytes(masking_nonce);
  out.AddBytes(masked_response);
}

std::optional<Ke2> Ke2::Parse(ByteView in, Failure* out_failure) {
  Ke2 m;
  ByteReader reader(in);
  CredentialResponse& c = m.credential_response;
  if (in.size() != kSize || !reader.CopyBytes(c.evaluated_message) ||
      !reader.CopyBytes(c.masking_nonce) || !reader.CopyBytes(c.masked_response) ||
      !reader.CopyBytes(m.server_nonce) || !reader.CopyBytes(m.server_public_keyshare) ||
      !reader.CopyBytes(m.server_mac)) {
    return Reject<Ke2>(out_failure, "KE2", kSize, in.size());
  }
  return m;
}

void Ke2::Serialize(ByteWriter& out) const {
  credential_response.Serialize(out);
  out.AddBytes(server_nonce);
  out.AddBytes(server_public_keyshare);
  out.AddBytes(server_mac);
}

std::optional<Ke3> Ke3::Parse(ByteView in, Failure* out_failure) {
  Ke3 m;
  ByteReader reader(in);
  if (in.size() != kSize || !reader.CopyBytes(m.client_mac)) {
    return Reject<Ke3>(out_failure, "KE3", kSize, in.size());
  }
  return m;
}

void Ke3::Serialize(ByteWriter& out) const {
  out.AddBytes(client_mac);
}

}  // namespace e2esasl::opaque
