// server.cc: the SCRAM server state machine (RFC 5802 s3, s5, s6).
#include "scram/server.h"

#include <utility>

#include "common/ct.h"
#include "common/hash.h"
#include "common/saslprep.h"

namespace e2esasl::scram {
namespace {

// kMaxClientNonceSize: longer client nonces are refused (they only inflate every message).
constexpr size_t kMaxClientNonceSize = 512;
// kFakeSecretSize: bytes of the per-session fake secret drawn when none is configured.
constexpr size_t kFakeSecretSize = 32;
// kFallbackSaltLabel: domain separation of the plaintext fallback's salt.
constexpr std::string_view kFallbackSaltLabel = "e2esasl-scram-fallback-salt:";
// kDummyPassword: what the dummy PBKDF2 of users without a plaintext password runs on.
constexpr std::string_view kDummyPassword = "e2esasl SCRAM dummy password";
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

std::optional<SecretBytes> FakeSecretFromText(std::string_view text) {
  return Digest(HashAlg::kSha256, AsBytes(text));
}

ServerSession::ServerSession(Rng& rng, CredentialSource& credentials, ServerConfig config)
    : rng_(rng), credentials_(credentials), config_(std::move(config)) {}

void ServerSession::WipeSecrets() {
  stored_.stored_key = SecretBytes();
  stored_.server_key = SecretBytes();
  config_.fake_secret = SecretBytes();
}

Status ServerSession::Abort(Failure* failure, Status status, std::string detail,
                            std::string_view server_error, Bytes* out) {
  if (config_.send_errors && !server_error.empty()) {
    ServerFinal final_message;
    final_message.error = std::string(server_error);
    if (std::optional<Bytes> message = Encode(final_message, kMaxMessageSize)) {
      // The e= message goes out as a challenge; the failure comes at the next Step.
      WipeSecrets();
      failure_ = Failure{status, detail};
      *out = std::move(*message);
      state_ = State::kSentError;
      return Status::kContinue;
    }
  }
  out->clear();
  return Abort(failure, status, std::move(detail));
}

const ServerSession::Transition ServerSession::kTransitions[3] = {
    {State::kAwaitClientFirst, &ServerSession::HandleClientFirst},
    {State::kSentServerFirst, &ServerSession::HandleClientFinal},
    {State::kSentError, &ServerSession::AfterError},
};

Status ServerSession::AfterError(ByteView /*in*/, Bytes* /*out*/, Failure* failure) {
  state_ = State::kFailed;
  return Repeat(failure);
}

bool ServerSession::EnsureFakeSecret() {
  if (!config_.fake_secret.empty()) {
    return true;
  }
  config_.fake_secret.resize(kFakeSecretSize);
  return rng_.Fill(config_.fake_secret);
}

bool ServerSession::RunPbkdf2(std::string_view password, ByteView salt, StoredCredentials* out) {
  // Derive costs one PBKDF2 of fake_iterations (after SASLprep, which may refuse the password:
  // then nothing ran and the caller falls back to the fake path, which runs it).
  std::optional<StoredCredentials> derived =
      StoredCredentials::Derive(config_.alg, password, salt, config_.fake_iterations);
  if (!derived) {
    return false;
  }
  if (config_.on_pbkdf2) {
    config_.on_pbkdf2(config_.fake_iterations);
  }
  if (out != nullptr) {
    *out = std::move(*derived);
  }
  return true;
}

bool ServerSession::MakeFakeCredentials() {
  if (!EnsureFakeSecret()) {
    return false;
  }
  // PRK := HMAC-SHA-256(fake_secret, label || 0 || mechanism || 0 || authcid); the salt and
  // keys are HKDF-Expand(PRK, "salt" / "stored-key" / "server-key"): deterministic per user, so
  // a prober sees the same salt on every attempt, as for a real user.
  std::optional<HmacKey> key = HmacKey::Create(HashAlg::kSha256, config_.fake_secret);
  if (!key) {
    return false;
  }
  const uint8_t zero = 0;
  std::optional<SecretBytes> prk =
      key->Compute({AsBytes(kFakeLabel), ByteView(&zero, 1), AsBytes(MechanismName(config_.alg)),
                    ByteView(&zero, 1), AsBytes(authcid_)});
  if (!prk) {
    return false;
  }
  std::optional<SecretBytes> salt =
      HkdfExpand(HashAlg::kSha256, *prk, AsBytes("salt"), config_.fake_salt_size);
  std::optional<SecretBytes> stored_key =
      HkdfExpand(HashAlg::kSha256, *prk, AsBytes("stored-key"), HashSize(config_.alg));
  std::optional<SecretBytes> server_key =
      HkdfExpand(HashAlg::kSha256, *prk, AsBytes("server-key"), HashSize(config_.alg));
  if (!salt || !stored_key || !server_key) {
    return false;
  }
  stored_.alg = config_.alg;
  stored_.salt = Bytes(salt->begin(), salt->end());
  stored_.iterations = config_.fake_iterations;
  stored_.stored_key = std::move(*stored_key);
  stored_.server_key = std::move(*server_key);
  // The dummy PBKDF2 of a fallback deployment: an unknown user costs what a fallback user does.
  return stored_.IsWellFormed() &&
         (!config_.password_fallback || RunPbkdf2(kDummyPassword, stored_.salt, nullptr));
}

bool ServerSession::DerivePasswordCredentials(const SecretString& password) {
  if (!EnsureFakeSecret()) {
    return false;
  }
  // A salt that is stable per user (keyed, so it tells nothing): a fallback user looks like any
  // provisioned one. salt := first kDefaultSaltSize bytes of
  // HMAC-H(fake_secret, "e2esasl-scram-fallback-salt:" || authcid)
  Bytes label = ToBytes(kFallbackSaltLabel);
  label.insert(label.end(), authcid_.begin(), authcid_.end());
  const std::optional<SecretBytes> mac = Hmac(config_.alg, config_.fake_secret, label);
  if (!mac || mac->size() < kDefaultSaltSize) {
    return false;
  }
  const Bytes salt(mac->begin(), mac->begin() + kDefaultSaltSize);
  return RunPbkdf2(password.view(), salt, &stored_);
}

Status ServerSession::HandleClientFirst(ByteView in, Bytes* out, Failure* failure) {
  Failure parse_failure;
  std::optional<ClientFirst> client_first = ClientFirst::Parse(in, &parse_failure);
  if (!client_first) {
    return Abort(failure, Status::kMalformed, std::move(parse_failure.detail),
                 kErrorInvalidEncoding, out);
  }
  client_first_ = std::move(*client_first);

  // Channel-binding negotiation (RFC 5802 s6 plus the Cyrus gaps closed in cb_negotiation.h).
  Failure verdict;
  if (JudgeGs2(client_first_.gs2_header, config_, &verdict) != Status::kOk) {
    return Abort(failure, verdict.status, verdict.detail,
                 FlagErrorValue(client_first_.gs2_header.flag, config_.binding.has_value()), out);
  }
  if (client_first_.nonce.size() > kMaxClientNonceSize) {
    return Abort(failure, Status::kMalformed, "client nonce longer than 512 characters",
                 kErrorInvalidEncoding, out);
  }

  // The server MUST either prepare [the username] using SASLprep treating it as a query string
  // or ...; if the preparation fails or results in an empty string, the server SHOULD abort
  // (RFC 5802 s5.1). The hash calculations use it as received (client_first_ keeps that).
  std::optional<SecretString> username = SaslPrep(client_first_.username, SaslPrepMode::kQuery);
  if (!username || username->empty()) {
    return Abort(failure, Status::kMalformed, "username rejected by SASLprep",
                 kErrorInvalidUsernameEncoding, out);
  }
  authcid_ = std::string(username->view());

  std::optional<StoredSecret> secret =
      credentials_.Lookup(config_.alg, authcid_, client_first_.gs2_header.authzid);
  StoredCredentials* verifier = secret ? std::get_if<StoredCredentials>(&*secret) : nullptr;
  SecretString* password = secret ? std::get_if<SecretString>(&*secret) : nullptr;
  if (verifier != nullptr) {
    if (verifier->alg != config_.alg || !verifier->IsWellFormed()) {
      return Abort(failure, Status::kInternal, "stored SCRAM credentials are unusable", kErrorOther,
                   out);
    }
    stored_ = std::move(*verifier);
    // The dummy PBKDF2 of a fallback deployment: a user with a verifier costs what a fallback
    // user does.
    if (config_.password_fallback && !RunPbkdf2(kDummyPassword, stored_.salt, nullptr)) {
      return Abort(failure, Status::kInternal, "cannot derive credentials", kErrorOther, out);
    }
  } else if (password == nullptr || !config_.password_fallback ||
             !DerivePasswordCredentials(*password)) {
    // Unknown user (or a stored password SASLprep refuses): carry on with deterministic fake
    // credentials and fail at the proof (no user enumeration).
    unknown_user_ = true;
    if (!MakeFakeCredentials()) {
      return Abort(failure, Status::kInternal, "cannot derive credentials", kErrorOther, out);
    }
  }
  if (password != nullptr) {
    password->Clear();
  }

  std::optional<std::string> server_nonce = GenerateNonce(rng_, config_.nonce_size);
  if (!server_nonce) {
    return Abort(failure, Status::kInternal, "random number generator failed (server nonce)",
                 kErrorOther, out);
  }
  // nonce = "r=" c-nonce [s-nonce]: the server appends its own nonce (RFC 5802 s5).
  server_first_.nonce = client_first_.nonce + *server_nonce;
  server_first_.salt = stored_.salt;
  server_first_.iterations = stored_.iterations;
  std::optional<Bytes> message = Encode(server_first_, kMaxMessageSize);
  if (!message) {
    return Abort(failure, Status::kInternal, "cannot build server-first-message", kErrorOther, out);
  }
  *out = std::move(*message);
  state_ = State::kSentServerFirst;
  return Status::kContinue;
}

Status ServerSession::HandleClientFinal(ByteView in, Bytes* out, Failure* failure) {
  Failure parse_failure;
  std::optional<ClientFinal> client_final = ClientFinal::Parse(in, &parse_failure);
  if (!client_final) {
    return Abort(failure, Status::kMalformed, std::move(parse_failure.detail),
                 kErrorInvalidEncoding, out);
  }
  // "The server MUST verify that the nonce sent by the client in the second message is the same
  // as the one sent by the server in its first message." (RFC 5802 s5.1)
  if (client_final->nonce != server_first_.nonce) {
    return Abort(failure, Status::kAuthFailed,
                 "client-final-message: nonce differs from server-first", kErrorOther, out);
  }
  // "The server MUST always validate the client's "c=" field ... by constructing the value of
  // the "c=" attribute and then checking that it matches" (s6): cbind-input = gs2-header
  // [cbind-data], the header as received (re-serialized byte for byte) and our binding data.
  ByteWriter header(kMaxMessageSize);
  client_first_.SerializeGs2Header(header);
  std::optional<Bytes> header_bytes = header.Finish();
  if (!header_bytes) {
    return Abort(failure, Status::kInternal, "cannot rebuild gs2-header", kErrorOther, out);
  }
  const Bytes expected =
      cb::ChannelBindingInput(*header_bytes, client_first_.gs2_header.flag,
                              config_.binding ? ByteView(config_.binding->data) : ByteView());
  if (!CtEqual(client_final->channel_binding, expected)) {
    return Abort(failure, Status::kBadBinding,
                 "channel binding mismatch: c= is not the gs2-header plus this channel's binding",
                 kErrorChannelBindingsDontMatch, out);
  }

  // AuthMessage := client-first-message-bare + "," + server-first-message + "," +
  //                client-final-message-without-proof
  std::optional<Bytes> auth_message = BuildAuthMessage(client_first_, server_first_, *client_final);
  if (!auth_message) {
    return Abort(failure, Status::kInternal, "cannot build AuthMessage", kErrorOther, out);
  }
  // H(ClientProof XOR HMAC(StoredKey, AuthMessage)) == StoredKey. The fake credentials of an
  // unknown user go through the same computation; the outcome is then forced to a failure.
  const Status verified =
      VerifyClientProof(config_.alg, stored_.stored_key, *auth_message, client_final->proof);
  if (verified == Status::kInternal) {
    return Abort(failure, Status::kInternal, "proof verification failed locally", kErrorOther, out);
  }
  if (verified != Status::kOk || unknown_user_) {
    return Abort(failure, Status::kAuthFailed, std::string(kInvalidProofDetail), kErrorInvalidProof,
                 out);
  }
  // ServerSignature := HMAC(ServerKey, AuthMessage)
  std::optional<SecretBytes> signature =
      ServerSignature(config_.alg, stored_.server_key, *auth_message);
  if (!signature) {
    return Abort(failure, Status::kInternal, "HMAC failed", kErrorOther, out);
  }
  ServerFinal final_message;
  final_message.verifier = Bytes(signature->begin(), signature->end());
  std::optional<Bytes> message = Encode(final_message, kMaxMessageSize);
  if (!message) {
    return Abort(failure, Status::kInternal, "cannot build server-final-message", kErrorOther, out);
  }
  *out = std::move(*message);
  WipeSecrets();
  state_ = State::kComplete;
  return Status::kOk;
}

}  // namespace e2esasl::scram
