// client.cc: the OPAQUE-R255 SASL client session (see client.h).
#include "opaque/client.h"

#include <utility>

#include "common/cb_negotiation.h"

namespace e2esasl::opaque {

ClientSession::ClientSession(Rng& rng, ClientConfig config)
    : TwoRoundClient(std::move(config)), login_(rng) {}

Status ClientSession::SendClientFirst(ByteView /*in*/, Bytes* out, Failure* failure) {
  ClientFirst message;
  SecretString password;
  Failure input_failure;
  if (CheckClientInputs(config_, &message.authcid, &input_failure) != Status::kOk ||
      PreparePassword(&config_.password, &password, &input_failure) != Status::kOk) {
    return Abort(failure, input_failure.status, input_failure.detail);
  }
  message.gs2_header = config_.gs2;
  // GenerateKE1(password) (RFC 9807 s6.2.1)
  if (login_.Start(password.bytes(), &message.ke1) != Status::kOk) {
    return Abort(failure, Status::kInternal, "OPAQUE KE1 generation failed");
  }
  std::optional<Bytes> bytes = Encode(message, kMaxMessageSize);
  if (!bytes) {
    return Abort(failure, Status::kInternal, "client-first does not fit (authcid or authzid)");
  }
  sent_authcid_ = message.authcid;
  gs2_header_bytes_ = message.gs2_header.ToBytes();
  *out = std::move(*bytes);
  return Status::kContinue;
}

Status ClientSession::SendClientFinal(ByteView in, Bytes* out, Failure* failure) {
  std::optional<ServerFirst> message = Receive<ServerFirst>(in, failure);
  if (!message) {
    return failure_.status;
  }
  if (!message->ksf.WithinCap(config_.ksf_cap)) {
    return Abort(failure, Status::kAuthFailed,
                 "the server asks for KSF costs above this client's cap (" +
                     message->ksf.Serialize() + " exceeds " + config_.ksf_cap.Describe() + ")");
  }
  // context binds cbind-input = gs2-header || cb-data, the authcid sent and the KSF parameters.
  const Bytes cbind_input =
      cb::ChannelBindingInput(gs2_header_bytes_, config_.gs2.flag, config_.cb_data);
  std::optional<Bytes> context = BuildContext(cbind_input, sent_authcid_, message->ksf);
  if (!context) {
    return Abort(failure, Status::kInternal, "the context does not fit");
  }
  Identities identities;
  identities.server = config_.server_identity;
  ClientFinal final_message;
  // GenerateKE3 (RFC 9807 s6.2.1): RecoverCredentials, then AuthClientFinalize.
  const Status status =
      login_.Finish(message->ke2, identities, message->ksf, *context, &final_message.ke3);
  switch (status) {
    case Status::kOk:
      break;
    case Status::kAuthFailed:
      return Abort(failure, Status::kAuthFailed, std::string(kAuthFailedDetail));
    case Status::kMalformed:
      return Abort(failure, Status::kMalformed,
                   "server-first: KE2 holds an invalid ristretto255 element");
    default:
      return Abort(failure, Status::kInternal, "OPAQUE KE3 computation failed (KSF or library)");
  }
  std::optional<Bytes> bytes = Encode(final_message, kMaxMessageSize);
  if (!bytes) {
    return Abort(failure, Status::kInternal, "client-final serialization failed");
  }
  *out = std::move(*bytes);
  return Status::kContinue;
}

}  // namespace e2esasl::opaque
