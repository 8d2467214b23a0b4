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
    // server-final: the empty success data, then the server is remembered.
    {State::kSentConfirm, &ClientSession::HandleServerFinal},
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
  if (config_.continuity.enabled()) {
    // The retained secrets held for the server (each device's rs1 and rs2), as identifiers.
    Failure store_failure;
    remembered_ = LoadRememberedPeer(config_.continuity.store_path, config_.continuity.peer,
                                     std::nullopt, kMaxRetainedIds, rng_, &store_failure);
    if (!remembered_) {
      return Abort(failure, store_failure.status, store_failure.detail);
    }
    if (!MakeOffer(*remembered_, rng_, &offer_.emplace())) {
      return Abort(failure, Status::kInternal, "the random generator or HMAC failed");
    }
    first.continuity = offer_;
  }
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
  if (const Status s = MatchServer(*server_first, failure); s != Status::kOk) {
    return s;
  }
  // K = x * Y (abort on an invalid element, the identity, or our own X)
  FixedSecret<kElementSize> k;
  if (!ephemeral_.SharedSecret(server_first->element, &k)) {
    return Abort(failure, Status::kAuthFailed, std::string(ristretto255::kInvalidElementDetail));
  }
  ClientReveal reveal;
  reveal.value = ephemeral_.Public();
  ephemeral_.Wipe();
  const Bytes reveal_bytes = Serialized(reveal);
  // TH = SHA-512(lv(label) || lv(client-first) || lv(server-first) || lv(client-reveal)
  //              || lv(own cb-data))
  const TranscriptHash th = Transcript({client_first_, in, reveal_bytes, config_.cb_data});
  if (!Derive(k, th, config_.digits)) {
    return Abort(failure, Status::kInternal, "key derivation failed");
  }
  *out = reveal_bytes;
  state_ = State::kSentReveal;
  return Status::kContinue;
}

Status ClientSession::MatchServer(const ServerFirst& server_first, Failure* failure) {
  if (!offer_) {
    if (server_first.device || server_first.matched) {
      return Abort(failure, Status::kMalformed, std::string(kUnofferedDeviceDetail));
    }
    return Status::kOk;  // continuity is off here
  }
  server_device_ = server_first.device;
  if (server_first.matched) {
    // r= names one of our secrets, of the device z= (constant time over every candidate) ...
    const int index = MatchAnswer(*remembered_, *offer_, server_first.element, *server_first.device,
                                  *server_first.matched);
    if (index < 0) {
      // ... or the server claims a secret it cannot have.
      return Abort(failure, Status::kAuthFailed, std::string(kServerClaimDetail));
    }
    matched_ = static_cast<size_t>(index);
  }
  return ReportStart(config_.continuity, failure);
}

Status ClientSession::HandleServerFinal(ByteView in, Bytes* out, Failure* failure) {
  const Status status = ReceiveEmptySuccess(in, out, failure);
  if (status != Status::kOk) {
    return status;
  }
  return Complete(failure);
}

Status ClientSession::OnSuccess(Failure* failure) {
  // Remembered only when the server keeps a store too (it sent its device id).
  if (!offer_ || !server_device_) {
    return Status::kOk;
  }
  return RememberPeer(config_.continuity, *server_device_, rng_, failure);
}

std::optional<std::string> ClientSession::Announcement() const {
  if (state_ != State::kSentReveal || matched_) {
    return std::nullopt;
  }
  return secrets_->sas;
}

}  // namespace e2esasl::sas
