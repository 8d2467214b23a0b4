// server.cc: the SCRAM server state machine (RFC 5802 s3, s5, s6).
#include "scram/server.h"

#include <utility>

#include "common/ct.h"
#include "common/saslprep.h"

namespace e2esasl::scram {
namespace {

// kMaxClientNonceSize: longer client nonces are refused (they only inflate every message).
constexpr size_t kMaxClientNonceSize = 512;
// kFakeSecretSize: bytes of the per-session fake secret drawn when none is configured.
constexpr size_t kFakeSecretSize = 32;
// kFakeLabel: domain separation of the unknown-user derivation.
constexpr std::string_view kFakeLabel = "e2esasl SCRAM unknown-user credentials";
// The detail of a failed proof: one text for a wrong password and an unknown user.
constexpr std::string_view kInvalidProofDetail =
    "authentication failed: invalid client proof (wrong password or unknown user)";

constexpr std::string_view kErrorInvalidEncoding = "invalid-encoding";
constexpr std::string_view kErrorInvalidUsernameEncoding = "invalid-username-encoding";
constexpr std::string_view kErrorOther = "other-error";

// FlagErrorValue picks the server-error-value for a refused gs2-cb-flag (RFC 5802 s7).
std::string_view FlagErrorValue(gs2::CbFlag flag, bool server_has_binding) {
  switch (flag) {
    case gs2::CbFlag::kWant:
      return kErrorServerDoesSupportChannelBinding;
    case gs2::CbFlag::kUsed:
      return server_has_binding ? kErrorUnsupportedChannelBindingType
                                : kErrorChannelBindingNotSupported;
    case gs2::CbFlag::kNone:
      break;
  }
  return kErrorOther;
}

}  // namespace

ServerSession::ServerSession(HashAlg alg, Rng& rng, CredentialSource& credentials,
                             std::optional<ServerBinding> binding, ServerOptions options)
    : alg_(alg),
      rng_(rng),
      credentials_(credentials),
      binding_(std::move(binding)),
      options_(std::move(options)) {}

ServerSession::~ServerSession() {
  WipeSecrets();
}

void ServerSession::WipeSecrets() {
  stored_.stored_key = SecretBytes();
  stored_.server_key = SecretBytes();
  options_.fake_secret = SecretBytes();
}

Status ServerSession::Fail(Status status, std::string detail, std::string_view server_error,
                           Bytes* out) {
  WipeSecrets();
  state_ = State::kFailed;
  failure_ = status;
  detail_ = std::move(detail);
  if (out != nullptr && !server_error.empty()) {
    ServerFinal final_message;
    final_message.error = std::string(server_error);
    *out = Encode(final_message, kMaxMessageSize).value_or(Bytes());
  }
  return status;
}

Status ServerSession::Step(ByteView in, Bytes* out) {
  if (out == nullptr) {
    return Fail(Status::kInternal, "SCRAM server: no output buffer", {}, nullptr);
  }
  out->clear();
  switch (state_) {
    case State::kStart:
      if (in.empty()) {
        // No initial response: send an empty challenge, once (RFC 4422 s5 item 2a).
        state_ = State::kAwaitClientFirst;
        return Status::kContinue;
      }
      return HandleClientFirst(in, out);
    case State::kAwaitClientFirst:
      return HandleClientFirst(in, out);
    case State::kSentServerFirst:
      return HandleClientFinal(in, out);
    case State::kComplete:
      return Fail(Status::kInternal, "SCRAM server: step after the exchange completed", {}, out);
    case State::kFailed:
      return failure_;
  }
  return Fail(Status::kInternal, "SCRAM server: bad state", {}, out);
}

bool ServerSession::MakeFakeCredentials() {
  if (options_.fake_secret.empty()) {
    options_.fake_secret.resize(kFakeSecretSize);
    if (!rng_.Fill(options_.fake_secret)) {
      return false;
    }
  }
  // PRK := HMAC-SHA-256(fake_secret, label || 0 || mechanism || 0 || authcid); the salt and
  // keys are HKDF-Expand(PRK, "salt" / "stored-key" / "server-key"): deterministic per user, so
  // a prober sees the same salt on every attempt, as for a real user.
  std::optional<HmacKey> key = HmacKey::Create(HashAlg::kSha256, options_.fake_secret);
  if (!key) {
    return false;
  }
  const uint8_t zero = 0;
  std::optional<SecretBytes> prk =
      key->Compute({AsBytes(kFakeLabel), ByteView(&zero, 1), AsBytes(MechanismName(alg_)),
                    ByteView(&zero, 1), AsBytes(authcid_)});
  if (!prk) {
    return false;
  }
  std::optional<SecretBytes> salt =
      HkdfExpand(HashAlg::kSha256, *prk, AsBytes("salt"), options_.fake_salt_size);
  std::optional<SecretBytes> stored_key =
      HkdfExpand(HashAlg::kSha256, *prk, AsBytes("stored-key"), HashSize(alg_));
  std::optional<SecretBytes> server_key =
      HkdfExpand(HashAlg::kSha256, *prk, AsBytes("server-key"), HashSize(alg_));
  if (!salt || !stored_key || !server_key) {
    return false;
  }
  stored_.alg = alg_;
  stored_.salt = Bytes(salt->begin(), salt->end());
  stored_.iterations = options_.fake_iterations;
  stored_.stored_key = std::move(*stored_key);
  stored_.server_key = std::move(*server_key);
  return stored_.IsWellFormed();
}

Status ServerSession::HandleClientFirst(ByteView in, Bytes* out) {
  Failure parse_failure;
  std::optional<ClientFirst> client_first = ClientFirst::Parse(in, &parse_failure);
  if (!client_first) {
    return Fail(Status::kMalformed, std::move(parse_failure.detail), kErrorInvalidEncoding, out);
  }
  client_first_ = std::move(*client_first);

  // Channel-binding negotiation (RFC 5802 s6 plus the Cyrus gaps closed in cb_negotiation.h).
  const cb::ServerVerdict verdict =
      cb::JudgeServerFlag(client_first_.gs2_header, cb::RefBinding(binding_), binding_.has_value());
  if (verdict.status != Status::kOk) {
    return Fail(verdict.status, verdict.detail,
                FlagErrorValue(client_first_.gs2_header.flag, binding_.has_value()), out);
  }
  if (client_first_.nonce.size() > kMaxClientNonceSize) {
    return Fail(Status::kMalformed, "client nonce longer than 512 characters",
                kErrorInvalidEncoding, out);
  }

  // The server MUST either prepare [the username] using SASLprep treating it as a query string
  // or ...; if the preparation fails or results in an empty string, the server SHOULD abort
  // (RFC 5802 s5.1). The hash calculations use it as received (client_first_ keeps that).
  std::optional<SecretString> username = SaslPrep(client_first_.username, SaslPrepMode::kQuery);
  if (!username || username->empty()) {
    return Fail(Status::kMalformed, "username rejected by SASLprep", kErrorInvalidUsernameEncoding,
                out);
  }
  authcid_ = std::string(username->view());

  std::optional<StoredCredentials> stored =
      credentials_.Lookup(authcid_, client_first_.gs2_header.authzid);
  if (stored) {
    if (stored->alg != alg_ || !stored->IsWellFormed()) {
      return Fail(Status::kInternal, "stored SCRAM credentials are unusable", kErrorOther, out);
    }
    stored_ = std::move(*stored);
  } else {
    // Unknown user: carry on with deterministic fake credentials and fail at the proof
    // (no user enumeration).
    unknown_user_ = true;
    if (!MakeFakeCredentials()) {
      return Fail(Status::kInternal, "cannot derive credentials", kErrorOther, out);
    }
  }

  std::optional<std::string> server_nonce = GenerateNonce(rng_, options_.nonce_size);
  if (!server_nonce) {
    return Fail(Status::kInternal, "random number generator failed (server nonce)", kErrorOther,
                out);
  }
  // nonce = "r=" c-nonce [s-nonce]: the server appends its own nonce (RFC 5802 s5).
  server_first_.nonce = client_first_.nonce + *server_nonce;
  server_first_.salt = stored_.salt;
  server_first_.iterations = stored_.iterations;
  std::optional<Bytes> message = Encode(server_first_, kMaxMessageSize);
  if (!message) {
    return Fail(Status::kInternal, "cannot build server-first-message", kErrorOther, out);
  }
  *out = std::move(*message);
  state_ = State::kSentServerFirst;
  return Status::kContinue;
}

Status ServerSession::HandleClientFinal(ByteView in, Bytes* out) {
  Failure parse_failure;
  std::optional<ClientFinal> client_final = ClientFinal::Parse(in, &parse_failure);
  if (!client_final) {
    return Fail(Status::kMalformed, std::move(parse_failure.detail), kErrorInvalidEncoding, out);
  }
  // "The server MUST verify that the nonce sent by the client in the second message is the same
  // as the one sent by the server in its first message." (RFC 5802 s5.1)
  if (client_final->nonce != server_first_.nonce) {
    return Fail(Status::kAuthFailed, "client-final-message: nonce differs from server-first",
                kErrorOther, out);
  }
  // "The server MUST always validate the client's "c=" field ... by constructing the value of
  // the "c=" attribute and then checking that it matches" (s6): cbind-input = gs2-header
  // [cbind-data], the header as received (re-serialized byte for byte) and our binding data.
  ByteWriter header(kMaxMessageSize);
  client_first_.SerializeGs2Header(header);
  std::optional<Bytes> header_bytes = header.Finish();
  if (!header_bytes) {
    return Fail(Status::kInternal, "cannot rebuild gs2-header", kErrorOther, out);
  }
  const Bytes expected = cb::ChannelBindingInput(*header_bytes, client_first_.gs2_header.flag,
                                                 binding_ ? ByteView(binding_->data) : ByteView());
  if (!CtEqual(client_final->channel_binding, expected)) {
    return Fail(Status::kBadBinding,
                "channel binding mismatch: c= is not the gs2-header plus this channel's binding",
                kErrorChannelBindingsDontMatch, out);
  }

  // AuthMessage := client-first-message-bare + "," + server-first-message + "," +
  //                client-final-message-without-proof
  std::optional<Bytes> auth_message = BuildAuthMessage(client_first_, server_first_, *client_final);
  if (!auth_message) {
    return Fail(Status::kInternal, "cannot build AuthMessage", kErrorOther, out);
  }
  // H(ClientProof XOR HMAC(StoredKey, AuthMessage)) == StoredKey. The fake credentials of an
  // unknown user go through the same computation; the outcome is then forced to a failure.
  const Status verified =
      VerifyClientProof(alg_, stored_.stored_key, *auth_message, client_final->proof);
  if (verified == Status::kInternal) {
    return Fail(Status::kInternal, "proof verification failed locally", kErrorOther, out);
  }
  if (verified != Status::kOk || unknown_user_) {
    return Fail(Status::kAuthFailed, std::string(kInvalidProofDetail), kErrorInvalidProof, out);
  }
  // ServerSignature := HMAC(ServerKey, AuthMessage)
  std::optional<SecretBytes> signature = ServerSignature(alg_, stored_.server_key, *auth_message);
  if (!signature) {
    return Fail(Status::kInternal, "HMAC failed", kErrorOther, out);
  }
  ServerFinal final_message;
  final_message.verifier = Bytes(signature->begin(), signature->end());
  std::optional<Bytes> message = Encode(final_message, kMaxMessageSize);
  if (!message) {
    return Fail(Status::kInternal, "cannot build server-final-message", kErrorOther, out);
  }
  *out = std::move(*message);
  WipeSecrets();
  state_ = State::kComplete;
  return Status::kOk;
}

}  // namespace e2esasl::scram
