// client.cc: the CPACE-R255 client state machine (party A).
#include "cpace/client.h"

#include <utility>

namespace e2esasl::cpace {

ClientSession::ClientSession(Rng& rng, ClientConfig config)
    : TwoRoundClient(std::move(config)), rng_(rng) {}

Status ClientSession::SendClientFirst(ByteView /*in*/, Bytes* out, Failure* failure) {
  // The name and the password are prepared as "queries" (RFC 4013, RFC 3454 s7).
  Failure input_failure;
  if (CheckClientInputs(config_, &client_first_.authcid, &input_failure) != Status::kOk ||
      PreparePassword(&config_.password, &prs_, &input_failure) != Status::kOk) {
    return Abort(failure, input_failure.status, input_failure.detail);
  }
  client_first_.gs2_header = config_.gs2;
  if (!rng_.Fill(client_first_.nonce)) {
    return Abort(failure, Status::kInternal, "the random generator failed");
  }
  std::optional<Bytes> bytes = Encode(client_first_, kMaxMessageSize);
  if (!bytes) {
    return Abort(failure, Status::kInternal, "client-first cannot be encoded (identity too long)");
  }
  *out = std::move(*bytes);
  return Status::kContinue;
}

Status ClientSession::SendClientFinal(ByteView in, Bytes* out, Failure* failure) {
  const std::optional<ServerFirst> server_first = Receive<ServerFirst>(in, failure);
  if (!server_first) {
    return failure_.status;
  }
  // sid = client nonce || server nonce: fresh randomness from both sides (draft s10.9).
  const Bytes sid = SessionId(client_first_.nonce, server_first->nonce);
  const Bytes gs2_header = client_first_.gs2_header.ToBytes();
  const ChannelInputs inputs{kMechanismName,        gs2_header,
                             config_.gs2.cb_name,   config_.cb_data,
                             client_first_.authcid, config_.server_id};
  const Bytes ci = ChannelIdentifier(inputs);
  if (!schedule_.Start(rng_, prs_.bytes(), ci, sid)) {
    return Abort(failure, Status::kInternal, "CPace computation failed (libsodium or RNG)");
  }
  prs_.Clear();
  if (!schedule_.Finish(server_first->share)) {
    return Abort(failure, Status::kAuthFailed, std::string(ristretto255::kInvalidElementDetail));
  }
  ClientFinal client_final;
  client_final.share = schedule_.OwnShare();
  client_final.tag = schedule_.OwnTag();
  *out = *Encode(client_final, kMaxMessageSize);
  return Status::kContinue;
}

Status ClientSession::VerifyServerFinal(ByteView in, Bytes* /*out*/, Failure* failure) {
  const std::optional<ServerFinal> server_final = Receive<ServerFinal>(in, failure);
  if (!server_final) {
    return failure_.status;
  }
  if (!schedule_.VerifyPeerTag(server_final->value)) {
    return Abort(failure, Status::kAuthFailed, std::string(kServerConfirmationDetail));
  }
  return Status::kOk;
}

}  // namespace e2esasl::cpace
