// client.cc: the CPACE-R255 client state machine (party A).
#include "cpace/client.h"

#include <utility>

#include "common/saslprep.h"

namespace e2esasl::cpace {

ClientSession::ClientSession(Rng& rng, ClientConfig config)
    : rng_(rng), config_(std::move(config)) {}

ClientSession::~ClientSession() {
  config_.password.Clear();
  prs_.Clear();
  schedule_.Wipe();
}

Status ClientSession::Step(ByteView in, Bytes* out, Failure* failure) {
  out->clear();
  switch (state_) {
    case State::kStart:
      return SendClientFirst(in, out, failure);
    case State::kSentClientFirst:
      return SendClientFinal(in, out, failure);
    case State::kSentClientFinal:
      return VerifyServerFinal(in, failure);
    case State::kComplete:
      return Abort(failure, Status::kInternal, "the exchange is already complete");
    case State::kFailed:
      return Fail(failure, failure_.status, failure_.detail);
  }
  return Abort(failure, Status::kInternal, "invalid state");
}

Status ClientSession::SendClientFirst(ByteView in, Bytes* out, Failure* failure) {
  if (!in.empty()) {
    return Abort(failure, Status::kMalformed, "unexpected server data before client-first");
  }
  const gs2::Gs2Header& gs2 = config_.gs2;
  const bool used = gs2.flag == gs2::CbFlag::kUsed;
  if (used != !config_.cb_data.empty() || used == gs2.cb_name.empty()) {
    return Abort(failure, Status::kBadBinding,
                 "channel-binding name and data do not match the flag");
  }
  // The name and the password are prepared as "queries" (RFC 4013, RFC 3454 s7).
  std::optional<SecretString> authcid = SaslPrep(config_.authcid, SaslPrepMode::kQuery);
  std::optional<SecretString> prs = SaslPrep(config_.password.view(), SaslPrepMode::kQuery);
  config_.password.Clear();
  if (!authcid || authcid->empty()) {
    return Abort(failure, Status::kInternal, "the authentication identity is not valid (SASLprep)");
  }
  if (!prs || prs->empty()) {
    return Abort(failure, Status::kInternal, "the password is not valid (SASLprep)");
  }
  prs_ = std::move(*prs);
  client_first_.gs2_header = gs2;
  client_first_.authcid = std::string(authcid->view());
  if (!rng_.Fill(client_first_.nonce)) {
    return Abort(failure, Status::kInternal, "the random generator failed");
  }
  std::optional<Bytes> bytes = Encode(client_first_, kMaxMessageSize);
  if (!bytes) {
    return Abort(failure, Status::kInternal, "client-first cannot be encoded (identity too long)");
  }
  *out = std::move(*bytes);
  state_ = State::kSentClientFirst;
  return Status::kContinue;
}

Status ClientSession::SendClientFinal(ByteView in, Bytes* out, Failure* failure) {
  Failure parse_failure;
  const std::optional<ServerFirst> server_first = ServerFirst::Parse(in, &parse_failure);
  if (!server_first) {
    return Abort(failure, parse_failure.status, parse_failure.detail);
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
    return Abort(failure, Status::kAuthFailed, std::string(kInvalidShareDetail));
  }
  ClientFinal client_final;
  client_final.share = schedule_.OwnShare();
  client_final.tag = schedule_.OwnTag();
  *out = *Encode(client_final, kMaxMessageSize);
  state_ = State::kSentClientFinal;
  return Status::kContinue;
}

Status ClientSession::VerifyServerFinal(ByteView in, Failure* failure) {
  Failure parse_failure;
  const std::optional<ServerFinal> server_final = ServerFinal::Parse(in, &parse_failure);
  if (!server_final) {
    return Abort(failure, parse_failure.status, parse_failure.detail);
  }
  if (!schedule_.VerifyPeerTag(server_final->tag)) {
    return Abort(failure, Status::kAuthFailed, std::string(kServerConfirmationDetail));
  }
  state_ = State::kComplete;
  return Status::kOk;
}

Status ClientSession::Abort(Failure* failure, Status status, std::string detail) {
  state_ = State::kFailed;
  prs_.Clear();
  config_.password.Clear();
  schedule_.Wipe();
  failure_ = Failure{status, detail};
  return Fail(failure, status, std::move(detail));
}

}  // namespace e2esasl::cpace
