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
  if (const Status s = MatchClient(&server_first, failure); s != Status::kOk) {
    return s;
  }
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
  const Commitment expected = Commit(client_first_.Prefix(), reveal->value);
  if (!CtEqual(expected, client_first_.commitment)) {
    return Abort(failure, Status::kAuthFailed, std::string(kCommitmentDetail));
  }
  // K = y * X
  FixedSecret<kElementSize> k;
  if (!ephemeral_.SharedSecret(reveal->value, &k)) {
    return Abort(failure, Status::kAuthFailed, std::string(ristretto255::kInvalidElementDetail));
  }
  ephemeral_.Wipe();
  // TH over the messages as received and sent, and the server's OWN binding data.
  const TranscriptHash th =
      Transcript({client_first_bytes_, server_first_bytes_, in, config_.binding->data});
  if (!Derive(k, th, client_first_.digits)) {
    return Abort(failure, Status::kInternal, "key derivation failed");
  }
  // server-confirm: key confirmation only (this end holds K for this transcript and binding);
  // the server's person accepts or rejects last, after the client's confirmation.
  *out = OwnConfirmation();
  state_ = State::kSentConfirm;
  return Status::kContinue;
}

Status ServerSession::MatchClient(ServerFirst* server_first, Failure* failure) {
  ContinuityConfig& continuity = config_.continuity;
  if (!continuity.enabled()) {
    return Status::kOk;
  }
  continuity.peer = client_first_.authcid;
  const std::optional<ContinuityOffer>& offer = client_first_.continuity;
  // The secrets held for this client's device (rs1, rs2); a client without continuity has
  // no device id: nothing can match, but whether it is remembered is still told.
  Failure store_failure;
  remembered_ = LoadRememberedPeer(
      continuity.store_path, continuity.peer,
      offer ? std::optional<DeviceId>(offer->device) : std::optional<DeviceId>(DeviceId{}), 2, rng_,
      &store_failure);
  if (!remembered_) {
    return Abort(failure, store_failure.status, store_failure.detail);
  }
  if (offer) {
    server_first->device = remembered_->self;
    const int index = MatchOffer(*remembered_, *offer);
    if (index >= 0) {
      matched_ = static_cast<size_t>(index);
      RetainedId answer{};
      if (!ServerRetainedId(remembered_->secrets[*matched_].rs, offer->nonce, server_first->element,
                            &answer)) {
        return Abort(failure, Status::kInternal, "HMAC failed");
      }
      server_first->matched = answer;
    }
  }
  return ReportStart(continuity, failure);
}

Status ServerSession::OnSuccess(Failure* failure) {
  if (!config_.continuity.enabled() || !client_first_.continuity) {
    return Status::kOk;
  }
  return RememberPeer(config_.continuity, client_first_.continuity->device, rng_, failure);
}

std::optional<std::string> ServerSession::Announcement() const {
  if (state_ != State::kSentConfirm || matched_) {
    return std::nullopt;
  }
  return secrets_->sas;
}

}  // namespace e2esasl::sas
