// server.h: the SCRAM server session (RFC 5802 s5, RFC 7677), a small state machine with no
// Cyrus types. The Cyrus adapter (plugin.cc) feeds it the client's responses and supplies
// credentials through CredentialSource.
#ifndef E2ESASL_SCRAM_SERVER_H_
#define E2ESASL_SCRAM_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/bytes.h"
#include "common/cb_negotiation.h"
#include "common/gs2.h"
#include "common/hash.h"
#include "common/random.h"
#include "common/secret.h"
#include "common/session.h"
#include "common/status.h"
#include "scram/key_schedule.h"
#include "scram/messages.h"

namespace e2esasl::scram {

// StoredSecret: what the server holds for a user and one hash: the user's verifier, or (the
// userPassword fallback) the plaintext password, from which the session derives a verifier with
// a salt that is stable per user (keyed by ServerConfig::fake_secret) and fake_iterations.
using StoredSecret = std::variant<StoredCredentials, SecretString>;

// CredentialSource: where the server session gets a user's secret. Called synchronously, at
// most once, from the Step that handles client-first-message, with the session's hash, the
// SASLprep'd (query) authentication identity and the authorization identity as the client sent
// it (empty when none). Returns nullopt when the user is unknown (or has no usable secret): the
// session then continues with fake credentials and fails at the proof exactly like a wrong
// password. The adapter canonicalizes the names and reads auxprop; it does no crypto.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  virtual std::optional<StoredSecret> Lookup(HashAlg alg, std::string_view authcid,
                                             std::string_view authzid) = 0;
};

// Pbkdf2Observer: told of every PBKDF2 the server session runs (real or dummy), with its
// iteration count; for tests that check that every path costs the same.
using Pbkdf2Observer = std::function<void(uint32_t iterations)>;

// ServerConfig: the server's inputs (ServerInputs: its binding, whether it offered -PLUS) and
// policy:
//   alg              the hash (SCRAM-SHA-1 / -256 / -512)
//   fake_secret      key of HMAC(fake_secret, ...) that derives an unknown user's salt and
//                    StoredKey, and the salt of the plaintext fallback. Supply a secret that is
//                    stable across connections and restarts (the plugin reads
//                    e2esasl_scram_secret): with an empty one each session draws its own, and a
//                    prober asking twice for the same unknown user sees two different salts,
//                    which a real user never shows.
//   fake_iterations  the iteration count announced for unknown users and used by the plaintext
//                    fallback; set it to what real users have (the count new verifiers are
//                    created with) so it tells nothing.
//   fake_salt_size   the unknown users' salt size; likewise match real verifiers.
//   nonce_size       characters of server nonce (GenerateNonce).
//   password_fallback  the source may return plaintext passwords. Then every login costs one
//                    PBKDF2 of fake_iterations, whatever the user: a fallback user's real one, a
//                    dummy one for users with a verifier and for unknown users, so timing does not
//                    tell them apart. When false, a password from the source is ignored (the user
//                    counts as unknown) and no login runs PBKDF2.
//   send_errors      on a failure RFC 5802 has a server-error-value for, Step first returns
//                    kContinue with the server-final-message "e=<value>" in *out (send it as a
//                    challenge: libsasl2 cannot carry data with a failed step) and the failure
//                    at the next Step, whatever comes in; when false, the failure at once.
//   on_pbkdf2        see Pbkdf2Observer (empty: none).
struct ServerConfig : ServerInputs {
  HashAlg alg = HashAlg::kSha256;
  SecretBytes fake_secret;
  uint32_t fake_iterations = kDefaultIterations;
  size_t fake_salt_size = kDefaultSaltSize;
  size_t nonce_size = 24;
  bool password_fallback = true;
  bool send_errors = true;
  Pbkdf2Observer on_pbkdf2;
};

// FakeSecretFromText returns the ServerConfig::fake_secret for a configured text secret:
// SHA-256(text). nullopt on a local (OpenSSL) failure.
std::optional<SecretBytes> FakeSecretFromText(std::string_view text);

// ServerSession: one authentication as a SCRAM server. Not thread-safe; one per connection.
//
// Step(in, out, failure):
//   1. client-first-message -> server-first-message in *out, kContinue. (An empty `in` here,
//      once, means the client sent no initial response: *out is empty and kContinue.)
//   2. client-final-message -> server-final-message "v=..." in *out, kOk: send it as the
//      additional data of success.
// Failures (final: secrets wiped, every later Step returns the same Status and detail), with
// *failure set. When RFC 5802 has a server-error-value for the failure and send_errors is set,
// the failing Step returns kContinue with "e=<value>" in *out first (see ServerConfig):
//   kMalformed   a message breaks RFC 5802 s7 (e=invalid-encoding); username fails SASLprep
//                (e=invalid-username-encoding); client nonce longer than 512 characters
//   kBadBinding  "p=" without a server binding (e=channel-binding-not-supported) or with another
//                binding name (e=unsupported-channel-binding-type); "n" while the binding is
//                critical (e=other-error); c= differs from gs2-header + binding data
//                (e=channel-bindings-dont-match)
//   kAuthFailed  "y" while the server holds a binding or advertised -PLUS: downgrade
//                (e=server-does-support-channel-binding); nonce changed (e=other-error); wrong
//                proof, for a wrong password and for an unknown user alike
//                (e=invalid-proof, the same detail in both cases)
//   kInternal    stored credentials unusable, RNG or OpenSSL failure, Step after completion
// rng and credentials must outlive the session.
enum class ServerState {
  kStart,
  kAwaitClientFirst,
  kSentServerFirst,
  kSentError,
  kComplete,
  kFailed
};

class ServerSession final : public SessionBase<ServerSession, ServerState>, public AcceptedGs2 {
 public:
  using Config = ServerConfig;
  ServerSession(Rng& rng, CredentialSource& credentials, ServerConfig config);
  ~ServerSession() { WipeSecrets(); }

  // IsComplete (SessionBase): true once the client's proof verified.

  // After client-first-message was accepted (and meaningful only once IsComplete()):
  // Authcid: the SASLprep'd authentication identity. Authzid (AcceptedGs2): the authorization
  // identity the client asked for, empty when none (authorizing it is the adapter's job);
  // Disposition (AcceptedGs2): the Cyrus disposition of the received gs2-cb-flag
  // (oparams->cbindingdisp).
  std::string_view Authcid() const { return authcid_; }

 private:
  using State = ServerState;

  friend SessionBase;
  static const Transition kTransitions[3];

  void WipeSecrets();
  // AfterError: the Step after the e= message went out fails with the kept failure.
  Status AfterError(ByteView in, Bytes* out, Failure* failure);
  Status HandleClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status HandleClientFinal(ByteView in, Bytes* out, Failure* failure);
  bool EnsureFakeSecret();
  bool MakeFakeCredentials();
  bool DerivePasswordCredentials(const SecretString& password);
  bool RunPbkdf2(std::string_view password, ByteView salt, StoredCredentials* out);
  // Abort fails the session (SessionBase::Abort), or with send_errors and a server_error first
  // answers kContinue with "e=<server_error>" in *out and fails at the next Step (kSentError).
  Status Abort(Failure* failure, Status status, std::string detail, std::string_view server_error,
               Bytes* out);
  using SessionBase::Abort;

  Rng& rng_;
  CredentialSource& credentials_;
  ServerConfig config_;

  std::string authcid_;
  ClientFirst client_first_;
  ServerFirst server_first_;
  StoredCredentials stored_;
  bool unknown_user_ = false;
};

}  // namespace e2esasl::scram

#endif  // E2ESASL_SCRAM_SERVER_H_
