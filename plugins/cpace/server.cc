// server.cc: the CPACE-R255 server state machine (party B).
#include "cpace/server.h"

#include <utility>

#include "common/saslprep.h"

namespace e2esasl::cpace {
namespace {

// kFakeSecretSize: the random PRS of an unknown user (never matches any password).
constexpr size_t kFakeSecretSize = 32;

}  // namespace

ServerSession::ServerSession(Rng& rng, SecretSource& secrets, ServerConfig config)
    : TwoRoundServer(std::move(config)), rng_(rng), secrets_(secrets) {}

Status ServerSession::HandleClientFirst(ByteView in, Bytes* out, Failure* failure) {
  if (!ReceiveClientFirst(in, &client_first_, failure)) {
    return failure_.status;
  }
  const bool used = client_first_.gs2_header.flag == gs2::CbFlag::kUsed;
  // PRS: the shared password, SASLprep'd as on the client. An unknown user, or a stored value
  // SASLprep refuses, gets a random secret: the run goes on and fails at the confirmation.
  SecretString prs;
  if (std::optional<SecretString> stored = secrets_.Lookup(client_first_.authcid)) {
    if (std::optional<SecretString> prepared = SaslPrep(stored->view(), SaslPrepMode::kQuery)) {
      prs = std::move(*prepared);
    }
    stored->Clear();
  }
  if (prs.empty()) {
    SecretBytes fake(kFakeSecretSize, 0);
    if (!rng_.Fill(fake)) {
      return Abort(failure, Status::kInternal, "the random generator failed");
    }
    prs = SecretString(AsStringView(fake));
  }
  ServerFirst server_first;
  if (!rng_.Fill(server_first.nonce)) {
    return Abort(failure, Status::kInternal, "the random generator failed");
  }
  // sid = client nonce || server nonce
  const Bytes sid = SessionId(client_first_.nonce, server_first.nonce);
  const Bytes gs2_header = client_first_.gs2_header.ToBytes();
  const ChannelInputs inputs{kMechanismName,
                             gs2_header,
                             used ? std::string_view(config_.binding->name) : std::string_view(),
                             used ? ByteView(config_.binding->data) : ByteView(),
                             client_first_.authcid,
                             config_.server_id};
  if (!schedule_.Start(rng_, prs.bytes(), ChannelIdentifier(inputs), sid)) {
    return Abort(failure, Status::kInternal, "CPace computation failed (libsodium or RNG)");
  }
  prs.Clear();
  server_first.share = schedule_.OwnShare();
  *out = *Encode(server_first, kMaxMessageSize);
  return Status::kContinue;
}

Status ServerSession::HandleClientFinal(ByteView in, Bytes* out, Failure* failure) {
  const std::optional<ClientFinal> client_final = Receive<ClientFinal>(in, failure);
  if (!client_final) {
    return failure_.status;
  }
  // K = scalar_mult_vfy(yb, Ya), abort on G.I; ISK; mac_key; Ta and Tb (draft s7.2, s10.4)
  if (!schedule_.Finish(client_final->share)) {
    return Abort(failure, Status::kAuthFailed, std::string(ristretto255::kInvalidElementDetail));
  }
  // The client first: Tb is revealed only after Ta verified.
  if (!schedule_.VerifyPeerTag(client_final->tag)) {
    return Abort(failure, Status::kAuthFailed, std::string(kClientConfirmationDetail));
  }
  ServerFinal server_final;
  server_final.value = schedule_.OwnTag();
  *out = *Encode(server_final, kMaxMessageSize);
  return Status::kOk;
}

}  // namespace e2esasl::cpace
