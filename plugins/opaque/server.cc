// server.cc: the OPAQUE-R255 SASL server session (see server.h).
#include "opaque/server.h"

#include <utility>

namespace e2esasl::opaque {

ServerSession::ServerSession(Rng& rng, RecordSource& records, ServerConfig config)
    : TwoRoundServer(std::move(config)), records_(records), login_(rng) {}

Status ServerSession::HandleClientFirst(ByteView in, Bytes* out, Failure* failure) {
  if (!ReceiveClientFirst(in, &client_first_, failure)) {
    return failure_.status;
  }
  // The user's record, or the fake one (RFC 9807 s6.3.2.2): the same code path either way.
  std::optional<StoredRecord> stored = records_.Lookup(client_first_.authcid);
  if (!stored) {
    StoredRecord fake;
    fake.ksf = config_.fake_ksf;
    fake.credential_identifier = ToBytes(client_first_.authcid);
    if (!FakeRecordFor(config_.keys, fake.credential_identifier, &fake.record)) {
      return Abort(failure, Status::kInternal, "fake record derivation failed");
    }
    stored = std::move(fake);
  }
  const Bytes cbind_input =
      cb::ChannelBindingInput(client_first_.gs2_header.ToBytes(), client_first_.gs2_header.flag,
                              config_.binding ? ByteView(config_.binding->data) : ByteView());
  std::optional<Bytes> context = BuildContext(cbind_input, client_first_.authcid, stored->ksf);
  if (!context) {
    return Abort(failure, Status::kInternal, "the context does not fit");
  }
  Identities identities;
  identities.server = config_.server_identity;
  ServerFirst reply;
  reply.ksf = stored->ksf;
  // GenerateKE2 (RFC 9807 s6.2.2)
  const Status status = login_.Respond(config_.keys, stored->record, stored->credential_identifier,
                                       client_first_.ke1, identities, *context, &reply.ke2);
  if (status == Status::kMalformed) {
    return Abort(failure, status, "client-first: KE1 holds an invalid ristretto255 element");
  }
  if (status != Status::kOk) {
    return Abort(failure, Status::kInternal, "OPAQUE KE2 generation failed");
  }
  config_.keys = ServerKeyMaterial();  // no longer needed: wipe early
  std::optional<Bytes> bytes = Encode(reply, kMaxMessageSize);
  if (!bytes) {
    return Abort(failure, Status::kInternal, "server-first serialization failed");
  }
  *out = std::move(*bytes);
  return Status::kContinue;
}

Status ServerSession::HandleClientFinal(ByteView in, Bytes* out, Failure* failure) {
  std::optional<ClientFinal> message = Receive<ClientFinal>(in, failure);
  if (!message) {
    return failure_.status;
  }
  // ServerFinish(ke3) (RFC 9807 s6.2.2)
  if (login_.Finish(message->ke3) != Status::kOk) {
    return Abort(failure, Status::kAuthFailed, std::string(kAuthFailedDetail));
  }
  out->clear();  // server-final: empty success data
  return Status::kOk;
}

}  // namespace e2esasl::opaque
