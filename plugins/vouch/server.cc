// server.cc: the VOUCH-ES256-PLUS server state machine (see server.h).
#include "vouch/server.h"

#include <utility>

namespace e2esasl::vouch {

ServerSession::ServerSession(Rng& rng, ServerConfig config)
    : TwoRoundServer(std::move(config)), rng_(rng) {}

namespace {

TranscriptInputs Inputs(ByteView gs2_header, ByteView cb_data, const ClientFirst& client_first,
                        const ServerFirst& server_first) {
  TranscriptInputs inputs;
  inputs.gs2_header = gs2_header;
  inputs.cb_data = cb_data;
  inputs.client_nonce = client_first.nonce;
  inputs.server_nonce = server_first.nonce;
  inputs.client_statement = client_first.statement;
  inputs.server_statement = server_first.statement;
  inputs.client_point = client_first.device_key;
  inputs.server_point = server_first.device_key;
  return inputs;
}

}  // namespace

Status ServerSession::HandleClientFirst(ByteView in, Bytes* out, Failure* failure) {
  // The same channel-binding negotiation as every family (ReceiveClientFirst) ...
  if (!ReceiveClientFirst(in, &client_first_, failure)) {
    return failure_.status;
  }
  // ... and then VOUCH's own rule: a signature over no binding could be replayed anywhere.
  if (client_first_.gs2_header.flag != gs2::CbFlag::kUsed || !config_.binding) {
    return Abort(failure, Status::kBadBinding,
                 "VOUCH-ES256-PLUS works only with a channel binding: the client must send "
                 "\"p=\"");
  }
  Failure why;
  if (CheckOwnConfig(config_.vouch, &server_first_.device_key, &why) != Status::kOk) {
    return Abort(failure, why.status, why.detail);
  }
  // The client's statement must name the identity it claims (n=).
  client_ = CheckPeer(config_.vouch, "the client", client_first_.statement,
                      client_first_.device_key, client_first_.authcid, &why);
  if (!client_) {
    return Abort(failure, why.status, why.detail);
  }
  if (config_.accept_identity &&
      config_.accept_identity(client_->statement.subject, &why) != Status::kOk) {
    return Abort(failure, why.status, why.detail);
  }
  if (!rng_.Fill(server_first_.nonce)) {
    return Abort(failure, Status::kInternal, "the random generator failed");
  }
  server_first_.statement = config_.vouch.statement;
  gs2_header_ = client_first_.gs2_header.ToBytes();  // reproduces the bytes received
  // sig_server over transcript("server") with the server's OWN binding data.
  const std::optional<Signature> signature = SignTranscript(
      *config_.vouch.device_key,
      Transcript(Role::kServer,
                 Inputs(gs2_header_, BindingData(config_), client_first_, server_first_)),
      &why);
  if (!signature) {
    return Abort(failure, Status::kInternal, why.detail);
  }
  server_first_.signature = *signature;
  WipeSecrets();
  *out = Serialized(server_first_);
  if (out->empty()) {
    return Abort(failure, Status::kInternal, "cannot encode server-first (own statement invalid?)");
  }
  return Status::kContinue;
}

Status ServerSession::HandleClientFinal(ByteView in, Bytes* /*out*/, Failure* failure) {
  const std::optional<ClientFinal> client_final = Receive<ClientFinal>(in, failure);
  if (!client_final) {
    return failure_.status;
  }
  Failure why;
  // The client proves its vouched key on this channel: sig_client over transcript("client").
  if (!VerifyTranscript(client_->key,
                        Transcript(Role::kClient, Inputs(gs2_header_, BindingData(config_),
                                                         client_first_, server_first_)),
                        client_final->value, &why)) {
    return Abort(failure, Status::kAuthFailed, SignatureDetail("the client"));
  }
  if (ObservePeer(config_.vouch, *client_, &why) != Status::kOk) {
    return Abort(failure, why.status, why.detail);
  }
  return Status::kOk;
}

}  // namespace e2esasl::vouch
