// client.cc: the SCRAM client state machine (RFC 5802 s3, s5).
#include "scram/client.h"

#include <utility>

#include "common/cb_negotiation.h"
#include "common/ct.h"
#include "common/saslprep.h"

namespace e2esasl::scram {
namespace {

// kMaxQuotedError: how much of the server's e= value the failure detail quotes.
constexpr size_t kMaxQuotedError = 128;

}  // namespace

ClientSession::ClientSession(Rng& rng, ClientConfig config)
    : TwoRoundClient(std::move(config)), rng_(rng) {}

void ClientSession::WipeSecrets() {
  config_.password.Clear();
  Wipe(std::span<uint8_t>(config_.cb_data));
  config_.cb_data.clear();
  expected_server_signature_ = SecretBytes();
}

Status ClientSession::ReportServerError(Failure* failure, std::string_view value) {
  server_error_ = std::string(value);
  return Abort(failure,
               IsChannelBindingError(server_error_) ? Status::kBadBinding : Status::kAuthFailed,
               "server reported error: " + server_error_.substr(0, kMaxQuotedError));
}

Status ClientSession::SendClientFirst(ByteView /*in*/, Bytes* out, Failure* failure) {
  // The binding inputs, and the username SASLprep'd as a query string (RFC 5802 s5.1).
  Failure input_failure;
  if (CheckClientInputs(config_, &client_first_.username, &input_failure) != Status::kOk) {
    return Abort(failure, input_failure.status, input_failure.detail);
  }
  // SaltedPassword := Hi(Normalize(password), ...): normalize now, fail before sending anything.
  std::optional<SecretString> normalized = NormalizePassword(config_.password.view());
  if (!normalized) {
    return Abort(failure, Status::kInternal, "password rejected by SASLprep (RFC 5802 Normalize)");
  }
  config_.password = std::move(*normalized);

  std::optional<std::string> nonce = GenerateNonce(rng_, config_.nonce_size);
  if (!nonce) {
    return Abort(failure, Status::kInternal, "random number generator failed (client nonce)");
  }
  client_first_.gs2_header = config_.gs2;
  client_first_.nonce = std::move(*nonce);

  ByteWriter header(kMaxMessageSize);
  client_first_.SerializeGs2Header(header);
  ByteWriter writer(kMaxMessageSize);
  client_first_.Serialize(writer);
  std::optional<Bytes> header_bytes = header.Finish();
  std::optional<Bytes> message = writer.Finish();
  if (!header_bytes || !message) {
    return Abort(failure, Status::kInternal,
                 "client-first-message: authzid or username not encodable");
  }
  gs2_header_bytes_ = std::move(*header_bytes);
  *out = std::move(*message);
  return Status::kContinue;
}

Status ClientSession::SendClientFinal(ByteView in, Bytes* out, Failure* failure) {
  Failure parse_failure;
  std::optional<ServerFirst> server_first = ServerFirst::Parse(in, &parse_failure);
  if (!server_first) {
    // A server that refuses client-first may answer with a server-final-message carrying e=
    // (e.g. e=server-does-support-channel-binding) instead of server-first-message.
    std::optional<ServerFinal> early_error = ServerFinal::Parse(in);
    if (early_error && !early_error->error.empty()) {
      return ReportServerError(failure, early_error->error);
    }
    return Abort(failure, Status::kMalformed, std::move(parse_failure.detail));
  }
  // "The client MUST verify that the initial part of the nonce used in subsequent messages is
  // the same as the nonce it initially specified." (RFC 5802 s5.1); s-nonce = 1*printable.
  const std::string& nonce = server_first->nonce;
  if (nonce.size() <= client_first_.nonce.size() ||
      std::string_view(nonce).substr(0, client_first_.nonce.size()) != client_first_.nonce) {
    return Abort(failure, Status::kAuthFailed,
                 "server-first-message: nonce does not extend the client's");
  }
  if (server_first->iterations < config_.min_iterations ||
      server_first->iterations > config_.max_iterations) {
    return Abort(failure, Status::kAuthFailed,
                 "server iteration count " + std::to_string(server_first->iterations) +
                     " outside the client's range [" + std::to_string(config_.min_iterations) +
                     ", " + std::to_string(config_.max_iterations) + "]");
  }

  // SaltedPassword := Hi(Normalize(password), salt, i)
  std::optional<SecretBytes> salted =
      SaltedPassword(config_.alg, config_.password, server_first->salt, server_first->iterations);
  config_.password.Clear();
  if (!salted) {
    return Abort(failure, Status::kInternal, "PBKDF2 failed");
  }
  // ClientKey := HMAC(SaltedPassword, "Client Key"); ServerKey := HMAC(SaltedPassword,
  // "Server Key"); StoredKey := H(ClientKey)
  std::optional<SecretBytes> client_key = ClientKey(config_.alg, *salted);
  std::optional<SecretBytes> server_key = ServerKey(config_.alg, *salted);
  if (!client_key || !server_key) {
    return Abort(failure, Status::kInternal, "HMAC failed");
  }
  std::optional<SecretBytes> stored_key = StoredKey(config_.alg, *client_key);
  if (!stored_key) {
    return Abort(failure, Status::kInternal, "hash failed");
  }

  // c=: base64 of cbind-input = gs2-header [ cbind-data ] (RFC 5802 s7)
  ClientFinal client_final;
  client_final.channel_binding =
      cb::ChannelBindingInput(gs2_header_bytes_, config_.gs2.flag, config_.cb_data);
  client_final.nonce = nonce;
  // AuthMessage := client-first-message-bare + "," + server-first-message + "," +
  //                client-final-message-without-proof
  std::optional<Bytes> auth_message = BuildAuthMessage(client_first_, *server_first, client_final);
  if (!auth_message) {
    return Abort(failure, Status::kInternal, "cannot build AuthMessage");
  }
  // ClientSignature := HMAC(StoredKey, AuthMessage); ClientProof := ClientKey XOR
  // ClientSignature; ServerSignature := HMAC(ServerKey, AuthMessage)
  std::optional<SecretBytes> client_signature =
      ClientSignature(config_.alg, *stored_key, *auth_message);
  if (!client_signature) {
    return Abort(failure, Status::kInternal, "HMAC failed");
  }
  std::optional<SecretBytes> proof = ClientProof(*client_key, *client_signature);
  std::optional<SecretBytes> server_signature =
      ServerSignature(config_.alg, *server_key, *auth_message);
  if (!proof || !server_signature) {
    return Abort(failure, Status::kInternal, "HMAC failed");
  }
  client_final.proof = Bytes(proof->begin(), proof->end());
  expected_server_signature_ = std::move(*server_signature);

  std::optional<Bytes> message = Encode(client_final, kMaxMessageSize);
  if (!message) {
    return Abort(failure, Status::kInternal, "client-final-message too long");
  }
  *out = std::move(*message);
  return Status::kContinue;
}

Status ClientSession::VerifyServerFinal(ByteView in, Bytes* /*out*/, Failure* failure) {
  Failure parse_failure;
  std::optional<ServerFinal> server_final = ServerFinal::Parse(in, &parse_failure);
  if (!server_final) {
    return Abort(failure, Status::kMalformed, std::move(parse_failure.detail));
  }
  if (!server_final->error.empty()) {
    return ReportServerError(failure, server_final->error);
  }
  // "the client authenticates the server by computing the ServerSignature and comparing it to
  // the value sent by the server" (RFC 5802 s3), in constant time.
  if (!CtEqual(server_final->verifier, expected_server_signature_)) {
    return Abort(failure, Status::kAuthFailed,
                 "server signature does not verify (server does not hold "
                 "this user's verifier)");
  }
  WipeSecrets();
  return Status::kOk;
}

}  // namespace e2esasl::scram
