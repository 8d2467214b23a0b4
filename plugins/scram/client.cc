// client.cc: the SCRAM client state machine (RFC 5802 s3, s5).
#include "scram/client.h"

#include <utility>

#include "common/cb_negotiation.h"
#include "common/ct.h"
#include "common/saslprep.h"

namespace e2esasl::scram {
namespace {

// kMaxQuotedError: how much of the server's e= value ErrorDetail quotes.
constexpr size_t kMaxQuotedError = 128;

}  // namespace

ClientSession::ClientSession(HashAlg alg, Rng& rng, const ClientOptions& options,
                             std::string_view authcid, std::string_view authzid,
                             SecretString password, ClientBinding binding)
    : alg_(alg),
      rng_(rng),
      options_(options),
      authcid_(authcid),
      authzid_(authzid),
      password_(std::move(password)),
      binding_(std::move(binding)) {}

ClientSession::~ClientSession() {
  WipeSecrets();
}

void ClientSession::WipeSecrets() {
  password_ = SecretString();
  Wipe(std::span<uint8_t>(binding_.cb_data));
  binding_.cb_data.clear();
  expected_server_signature_ = SecretBytes();
}

Status ClientSession::Fail(Status status, std::string detail) {
  WipeSecrets();
  state_ = State::kFailed;
  failure_ = status;
  detail_ = std::move(detail);
  return status;
}

Status ClientSession::ReportServerError(std::string_view value) {
  server_error_ = std::string(value);
  return Fail(IsChannelBindingError(server_error_) ? Status::kBadBinding : Status::kAuthFailed,
              "server reported error: " + server_error_.substr(0, kMaxQuotedError));
}

Status ClientSession::Step(ByteView in, Bytes* out) {
  if (out == nullptr) {
    return Fail(Status::kInternal, "SCRAM client: no output buffer");
  }
  out->clear();
  switch (state_) {
    case State::kStart:
      return SendClientFirst(in, out);
    case State::kSentClientFirst:
      return SendClientFinal(in, out);
    case State::kSentClientFinal:
      return VerifyServerFinal(in);
    case State::kComplete:
      return Fail(Status::kInternal, "SCRAM client: step after the exchange completed");
    case State::kFailed:
      return failure_;
  }
  return Fail(Status::kInternal, "SCRAM client: bad state");
}

Status ClientSession::SendClientFirst(ByteView in, Bytes* out) {
  if (!in.empty()) {
    return Fail(Status::kMalformed, "SCRAM is client-first: unexpected server challenge");
  }
  const bool used = binding_.flag == gs2::CbFlag::kUsed;
  if (used ? (!gs2::IsValidCbName(binding_.cb_name) || binding_.cb_data.empty())
           : (!binding_.cb_name.empty() || !binding_.cb_data.empty())) {
    return Fail(Status::kBadBinding, used ? "channel binding: missing cb-name or binding data"
                                          : "channel binding: data given without p= flag");
  }
  // The client SHOULD prepare the username using SASLprep as a query string (RFC 5802 s5.1).
  std::optional<SecretString> username = SaslPrep(authcid_, SaslPrepMode::kQuery);
  if (!username || username->empty()) {
    return Fail(Status::kInternal, "authentication identity rejected by SASLprep");
  }
  // SaltedPassword := Hi(Normalize(password), ...): normalize now, fail before sending anything.
  std::optional<SecretString> normalized = NormalizePassword(password_.view());
  if (!normalized) {
    return Fail(Status::kInternal, "password rejected by SASLprep (RFC 5802 Normalize)");
  }
  password_ = std::move(*normalized);

  std::optional<std::string> nonce = GenerateNonce(rng_, options_.nonce_size);
  if (!nonce) {
    return Fail(Status::kInternal, "random number generator failed (client nonce)");
  }
  client_first_.gs2_header.flag = binding_.flag;
  client_first_.gs2_header.cb_name = binding_.cb_name;
  client_first_.gs2_header.authzid = authzid_;
  client_first_.username = std::string(username->view());
  client_first_.nonce = std::move(*nonce);

  ByteWriter header(kMaxMessageSize);
  client_first_.SerializeGs2Header(header);
  ByteWriter writer(kMaxMessageSize);
  client_first_.Serialize(writer);
  std::optional<Bytes> header_bytes = header.Finish();
  std::optional<Bytes> message = writer.Finish();
  if (!header_bytes || !message) {
    return Fail(Status::kInternal, "client-first-message: authzid or username not encodable");
  }
  gs2_header_bytes_ = std::move(*header_bytes);
  *out = std::move(*message);
  state_ = State::kSentClientFirst;
  return Status::kContinue;
}

Status ClientSession::SendClientFinal(ByteView in, Bytes* out) {
  Failure parse_failure;
  std::optional<ServerFirst> server_first = ServerFirst::Parse(in, &parse_failure);
  if (!server_first) {
    // A server that refuses client-first may answer with a server-final-message carrying e=
    // (e.g. e=server-does-support-channel-binding) instead of server-first-message.
    std::optional<ServerFinal> early_error = ServerFinal::Parse(in);
    if (early_error && !early_error->error.empty()) {
      return ReportServerError(early_error->error);
    }
    return Fail(Status::kMalformed, std::move(parse_failure.detail));
  }
  // "The client MUST verify that the initial part of the nonce used in subsequent messages is
  // the same as the nonce it initially specified." (RFC 5802 s5.1); s-nonce = 1*printable.
  const std::string& nonce = server_first->nonce;
  if (nonce.size() <= client_first_.nonce.size() ||
      std::string_view(nonce).substr(0, client_first_.nonce.size()) != client_first_.nonce) {
    return Fail(Status::kAuthFailed, "server-first-message: nonce does not extend the client's");
  }
  if (server_first->iterations < options_.min_iterations ||
      server_first->iterations > options_.max_iterations) {
    return Fail(Status::kAuthFailed,
                "server iteration count " + std::to_string(server_first->iterations) +
                    " outside the client's range [" + std::to_string(options_.min_iterations) +
                    ", " + std::to_string(options_.max_iterations) + "]");
  }

  // SaltedPassword := Hi(Normalize(password), salt, i)
  std::optional<SecretBytes> salted =
      SaltedPassword(alg_, password_, server_first->salt, server_first->iterations);
  password_ = SecretString();
  if (!salted) {
    return Fail(Status::kInternal, "PBKDF2 failed");
  }
  // ClientKey := HMAC(SaltedPassword, "Client Key"); ServerKey := HMAC(SaltedPassword,
  // "Server Key"); StoredKey := H(ClientKey)
  std::optional<SecretBytes> client_key = ClientKey(alg_, *salted);
  std::optional<SecretBytes> server_key = ServerKey(alg_, *salted);
  if (!client_key || !server_key) {
    return Fail(Status::kInternal, "HMAC failed");
  }
  std::optional<SecretBytes> stored_key = StoredKey(alg_, *client_key);
  if (!stored_key) {
    return Fail(Status::kInternal, "hash failed");
  }

  // c=: base64 of cbind-input = gs2-header [ cbind-data ] (RFC 5802 s7)
  ClientFinal client_final;
  client_final.channel_binding =
      cb::ChannelBindingInput(gs2_header_bytes_, binding_.flag, binding_.cb_data);
  client_final.nonce = nonce;
  // AuthMessage := client-first-message-bare + "," + server-first-message + "," +
  //                client-final-message-without-proof
  std::optional<Bytes> auth_message = BuildAuthMessage(client_first_, *server_first, client_final);
  if (!auth_message) {
    return Fail(Status::kInternal, "cannot build AuthMessage");
  }
  // ClientSignature := HMAC(StoredKey, AuthMessage); ClientProof := ClientKey XOR
  // ClientSignature; ServerSignature := HMAC(ServerKey, AuthMessage)
  std::optional<SecretBytes> client_signature = ClientSignature(alg_, *stored_key, *auth_message);
  if (!client_signature) {
    return Fail(Status::kInternal, "HMAC failed");
  }
  std::optional<SecretBytes> proof = ClientProof(*client_key, *client_signature);
  std::optional<SecretBytes> server_signature = ServerSignature(alg_, *server_key, *auth_message);
  if (!proof || !server_signature) {
    return Fail(Status::kInternal, "HMAC failed");
  }
  client_final.proof = Bytes(proof->begin(), proof->end());
  expected_server_signature_ = std::move(*server_signature);

  std::optional<Bytes> message = Encode(client_final, kMaxMessageSize);
  if (!message) {
    return Fail(Status::kInternal, "client-final-message too long");
  }
  *out = std::move(*message);
  state_ = State::kSentClientFinal;
  return Status::kContinue;
}

Status ClientSession::VerifyServerFinal(ByteView in) {
  Failure parse_failure;
  std::optional<ServerFinal> server_final = ServerFinal::Parse(in, &parse_failure);
  if (!server_final) {
    return Fail(Status::kMalformed, std::move(parse_failure.detail));
  }
  if (!server_final->error.empty()) {
    return ReportServerError(server_final->error);
  }
  // "the client authenticates the server by computing the ServerSignature and comparing it to
  // the value sent by the server" (RFC 5802 s3), in constant time.
  if (!CtEqual(server_final->verifier, expected_server_signature_)) {
    return Fail(Status::kAuthFailed,
                "server signature does not verify (server does not hold "
                "this user's verifier)");
  }
  WipeSecrets();
  state_ = State::kComplete;
  return Status::kOk;
}

}  // namespace e2esasl::scram
