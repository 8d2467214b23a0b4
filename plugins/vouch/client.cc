// client.cc: the VOUCH-ES256-PLUS client state machine (see client.h).
#include "vouch/client.h"

#include <utility>

namespace e2esasl::vouch {

ClientSession::ClientSession(Rng& rng, ClientConfig config)
    : TwoRoundClient(std::move(config)), rng_(rng) {}

Status ClientSession::SendClientFirst(ByteView /*in*/, Bytes* out, Failure* failure) {
  Failure why;
  if (CheckClientInputs(config_, &client_first_.authcid, &why) != Status::kOk) {
    return Abort(failure, why.status, why.detail);
  }
  if (config_.gs2.flag != gs2::CbFlag::kUsed) {
    return Abort(failure, Status::kBadBinding,
                 "VOUCH-ES256-PLUS works only with a channel binding (gs2-cb-flag \"p=\")");
  }
  if (CheckOwnConfig(config_.vouch, &client_first_.device_key, &why) != Status::kOk) {
    return Abort(failure, why.status, why.detail);
  }
  if (config_.peer.empty()) {
    return Abort(failure, Status::kUnavailable,
                 "not configured: no identity to expect in the server's statement (set "
                 "e2esasl_vouch_peer or give libsasl2 the server's name)");
  }
  if (!rng_.Fill(client_first_.nonce)) {
    return Abort(failure, Status::kInternal, "the random generator failed");
  }
  client_first_.gs2_header = config_.gs2;
  client_first_.statement = config_.vouch.statement;
  *out = Serialized(client_first_);
  gs2_header_ = config_.gs2.ToBytes();
  if (out->empty() || gs2_header_.empty()) {
    return Abort(failure, Status::kInternal,
                 "cannot encode client-first (authcid or own statement invalid?)");
  }
  return Status::kContinue;
}

Status ClientSession::SendClientFinal(ByteView in, Bytes* out, Failure* failure) {
  const std::optional<ServerFirst> server_first = Receive<ServerFirst>(in, failure);
  if (!server_first) {
    return failure_.status;
  }
  Failure why;
  const std::optional<VerifiedPeer> server =
      CheckPeer(config_.vouch, "the server", server_first->statement, server_first->device_key,
                config_.peer, &why);
  if (!server) {
    return Abort(failure, why.status, why.detail);
  }
  TranscriptInputs inputs;
  inputs.gs2_header = gs2_header_;
  inputs.cb_data = config_.cb_data;  // our own binding
  inputs.client_nonce = client_first_.nonce;
  inputs.server_nonce = server_first->nonce;
  inputs.client_statement = client_first_.statement;
  inputs.server_statement = server_first->statement;
  inputs.client_point = client_first_.device_key;
  inputs.server_point = server_first->device_key;
  // The server proves its vouched key on this channel: sig_server over transcript("server").
  if (!VerifyTranscript(server->key, Transcript(Role::kServer, inputs), server_first->signature,
                        &why)) {
    return Abort(failure, Status::kAuthFailed, SignatureDetail("the server"));
  }
  if (ObservePeer(config_.vouch, *server, &why) != Status::kOk) {
    return Abort(failure, why.status, why.detail);
  }
  // client-final: sig_client over transcript("client").
  ClientFinal final_message;
  const std::optional<Signature> signature =
      SignTranscript(*config_.vouch.device_key, Transcript(Role::kClient, inputs), &why);
  if (!signature) {
    return Abort(failure, Status::kInternal, why.detail);
  }
  final_message.value = *signature;
  *out = Serialized(final_message);
  WipeSecrets();
  return Status::kContinue;
}

}  // namespace e2esasl::vouch
