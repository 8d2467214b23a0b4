// client.cc: the SAS-R255-PLUS client state machine (see client.h).
#include "sas/client.h"

#include <utility>

namespace e2esasl::sas {

ClientSession::ClientSession(Rng& rng, ClientConfig config)
    : rng_(rng), config_(std::move(config)) {}

const ClientSession::Transition ClientSession::kTransitions[4] = {
    {State::kStart, &ClientSession::SendClientFirst},
    {State::kSentCommit, &ClientSession::HandleServerFirst},
    // server-confirm: the server's tag first (a relay between two TLS channels fails here
    // whatever people answer), then the person is asked.
    {State::kSentReveal, &ClientSession::ReceivePeerConfirmation},
    // server-final: the empty success data.
    {State::kSentConfirm, &ClientSession::ReceiveEmptySuccess},
};

Status ClientSession::SendClientFirst(ByteView /*in*/, Bytes* out, Failure* failure) {
  if (config_.gs2.flag != gs2::CbFlag::kUsed) {
    return Abort(failure, Status::kBadBinding,
                 "SAS-R255-PLUS works only with a channel binding (gs2-cb-flag \"p=\")");
  }
  if (config_.cb_data.empty()) {
    return Abort(failure, Status::kBadBinding,
                 "SAS-R255-PLUS: the channel binding has no data (a binding of nothing binds "
                 "nothing)");
  }
  if (!ephemeral_.Generate(rng_)) {
    return Abort(failure, Status::kInternal, "the random generator or libsodium failed");
  }
  ClientFirst first;
  first.gs2_header = config_.gs2;
  first.authcid = config_.authcid;
  first.digits = config_.digits;
  // c = SHA-512(lv(label) || lv(client-first-prefix) || lv(X))   (commit before seeing Y)
  first.commitment = Commit(first.Prefix(), ephemeral_.Public());
  client_first_ = Serialized(first);
  if (client_first_.empty()) {
    return Abort(failure, Status::kInternal, "cannot encode client-first (authcid invalid?)");
  }
  *out = client_first_;
  state_ = State::kSentCommit;
  return Status::kContinue;
}

Status ClientSession::HandleServerFirst(ByteView in, Bytes* out, Failure* failure) {
  const std::optional<ServerFirst> server_first = Receive<ServerFirst>(in, failure);
  if (!server_first) {
    return failure_.status;
  }
  // K = x * Y (abort on an invalid element, the identity, or our own X)
  FixedSecret<kElementSize> k;
  if (!ephemeral_.SharedSecret(server_first->element, &k)) {
    return Abort(failure, Status::kAuthFailed, std::string(kInvalidElementDetail));
  }
  ClientReveal reveal;
  reveal.element = ephemeral_.Public();
  ephemeral_.Wipe();
  const Bytes reveal_bytes = Serialized(reveal);
  // TH = SHA-512(lv(label) || lv(client-first) || lv(server-first) || lv(client-reveal)
  //              || lv(own cb-data))
  const TranscriptHash th = Transcript({client_first_, in, reveal_bytes, config_.cb_data});
  secrets_ = DeriveSecrets(k, th, config_.digits);
  if (!secrets_) {
    return Abort(failure, Status::kInternal, "key derivation failed");
  }
  *out = reveal_bytes;
  state_ = State::kSentReveal;
  return Status::kContinue;
}

std::optional<std::string> ClientSession::Announcement() const {
  if (state_ != State::kSentReveal) {
    return std::nullopt;
  }
  return secrets_->sas;
}

}  // namespace e2esasl::sas
