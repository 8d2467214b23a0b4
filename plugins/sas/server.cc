// server.cc: the SAS-R255-PLUS server state machine (see server.h).
#include "sas/server.h"

#include <utility>

#include "common/ct.h"

namespace e2esasl::sas {

ServerSession::ServerSession(Rng& rng, ServerConfig config)
    : rng_(rng), config_(std::move(config)) {}

const ServerSession::Transition ServerSession::kTransitions[3] = {
    {State::kAwaitClientFirst, &ServerSession::HandleClientFirst},
    {State::kSentServerFirst, &ServerSession::HandleClientReveal},
    // client-confirm: the client's tag first (a relay between two TLS channels fails here,
    // before the server's person is asked); then the person, who has seen the string since
    // server-confirm left (Announcement) and heard the client's person, answers last.
    {State::kSentConfirm, &ServerSession::ReceivePeerConfirmation},
};

Status ServerSession::HandleClientFirst(ByteView in, Bytes* out, Failure* failure) {
  std::optional<ClientFirst> parsed = Receive<ClientFirst>(in, failure);
  if (!parsed) {
    return failure_.status;
  }
  client_first_ = std::move(*parsed);
  client_first_bytes_.assign(in.begin(), in.end());
  // The same channel-binding negotiation as every family (cb_negotiation.h) ...
  Failure verdict;
  if (JudgeGs2(client_first_.gs2_header, config_, &verdict) != Status::kOk) {
    return Abort(failure, verdict.status, verdict.detail);
  }
  // ... and then SAS's own rule: without a binding the string would protect nothing.
  if (client_first_.gs2_header.flag != gs2::CbFlag::kUsed || !config_.binding) {
    return Abort(failure, Status::kBadBinding,
                 "SAS-R255-PLUS works only with a channel binding: the client must send \"p=\"");
  }
  if (client_first_.digits < config_.min_digits) {
    return Abort(failure, Status::kAuthFailed,
                 "the client asked for a " + std::to_string(client_first_.digits) +
                     "-digit string; this server requires at least " +
                     std::to_string(config_.min_digits));
  }
  if (config_.accept_authcid) {
    Failure identity_failure;
    const Status s = config_.accept_authcid(client_first_.authcid, &identity_failure);
    if (s != Status::kOk) {
      return Abort(failure, s, identity_failure.detail);
    }
  }
  if (!ephemeral_.Generate(rng_)) {
    return Abort(failure, Status::kInternal, "the random generator or libsodium failed");
  }
  ServerFirst server_first;
  server_first.element = ephemeral_.Public();
  server_first_bytes_ = Serialized(server_first);
  *out = server_first_bytes_;
  state_ = State::kSentServerFirst;
  return Status::kContinue;
}

Status ServerSession::HandleClientReveal(ByteView in, Bytes* out, Failure* failure) {
  const std::optional<ClientReveal> reveal = Receive<ClientReveal>(in, failure);
  if (!reveal) {
    return failure_.status;
  }
  // c =? SHA-512(lv(label) || lv(client-first-prefix) || lv(X))
  const Commitment expected = Commit(client_first_.Prefix(), reveal->element);
  if (!CtEqual(expected, client_first_.commitment)) {
    return Abort(failure, Status::kAuthFailed, std::string(kCommitmentDetail));
  }
  // K = y * X
  FixedSecret<kElementSize> k;
  if (!ephemeral_.SharedSecret(reveal->element, &k)) {
    return Abort(failure, Status::kAuthFailed, std::string(kInvalidElementDetail));
  }
  ephemeral_.Wipe();
  // TH over the messages as received and sent, and the server's OWN binding data.
  const TranscriptHash th =
      Transcript({client_first_bytes_, server_first_bytes_, in, config_.binding->data});
  secrets_ = DeriveSecrets(k, th, client_first_.digits);
  if (!secrets_) {
    return Abort(failure, Status::kInternal, "key derivation failed");
  }
  // server-confirm: key confirmation only (this end holds K for this transcript and binding);
  // the server's person accepts or rejects last, after the client's confirmation.
  *out = OwnConfirmation();
  state_ = State::kSentConfirm;
  return Status::kContinue;
}

std::optional<std::string> ServerSession::Announcement() const {
  if (state_ != State::kSentConfirm) {
    return std::nullopt;
  }
  return secrets_->sas;
}

}  // namespace e2esasl::sas
