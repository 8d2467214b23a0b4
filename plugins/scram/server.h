// server.h: the SCRAM server session (RFC 5802 s5, RFC 7677), a small state machine with no
// Cyrus types. The Cyrus adapter (plugin.cc) feeds it the client's responses and supplies
// credentials through CredentialSource.
#ifndef E2ESASL_SCRAM_SERVER_H_
#define E2ESASL_SCRAM_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/cb_negotiation.h"
#include "common/gs2.h"
#include "common/hash.h"
#include "common/random.h"
#include "common/secret.h"
#include "common/status.h"
#include "scram/key_schedule.h"
#include "scram/messages.h"

namespace e2esasl::scram {

// CredentialSource: where the server session gets a user's verifier. Called synchronously, at
// most once, from the Step that handles client-first-message, with the SASLprep'd (query)
// authentication identity and the authorization identity as the client sent it (empty when
// none). Returns the user's StoredCredentials for the session's HashAlg, or nullopt when the user
// is unknown (or has no usable secret): the session then continues with fake credentials and
// fails at the proof exactly like a wrong password. The adapter canonicalizes the names, reads
// auxprop, and may derive credentials from a plaintext password (StoredCredentials::Derive).
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  virtual std::optional<StoredCredentials> Lookup(std::string_view authcid,
                                                  std::string_view authzid) = 0;
};

// ServerBinding: the channel binding the server holds (Cyrus params->cbinding), copied.
using ServerBinding = cb::OwnedBinding;

// ServerOptions:
//   fake_secret      key of HMAC(fake_secret, ...) that derives an unknown user's salt and
//                    StoredKey. Supply a secret that is stable across connections (e.g. 32
//                    random bytes drawn once at plugin init): with an empty one each session
//                    draws its own, and a prober asking twice for the same unknown user sees two
//                    different salts, which a real user never shows.
//   fake_iterations  the iteration count announced for unknown users; set it to what real users
//                    have (the count new verifiers are created with) so it tells nothing.
//   fake_salt_size   the unknown users' salt size; likewise match real verifiers.
//   nonce_size       characters of server nonce (GenerateNonce).
struct ServerOptions {
  SecretBytes fake_secret;
  uint32_t fake_iterations = kDefaultIterations;
  size_t fake_salt_size = kDefaultSaltSize;
  size_t nonce_size = 24;
};

// ServerSession: one authentication as a SCRAM server. Not thread-safe; one per connection.
//
// Step(in, out):
//   1. client-first-message -> server-first-message in *out, kContinue. (An empty `in` here,
//      once, means the client sent no initial response: *out is empty and kContinue.)
//   2. client-final-message -> server-final-message "v=..." in *out, kOk: send it as the
//      additional data of success.
// Failures (final: secrets wiped, every later Step returns the same Status). When RFC 5802 has
// a server-error-value for the failure, *out holds a server-final-message "e=<value>" that the
// adapter MAY send (s5.1: on failure the server-final-message is optional):
//   kMalformed   a message breaks RFC 5802 s7 (e=invalid-encoding); username fails SASLprep
//                (e=invalid-username-encoding); client nonce longer than 512 characters
//   kBadBinding  "p=" without a server binding (e=channel-binding-not-supported) or with another
//                binding name (e=unsupported-channel-binding-type); "n" while the binding is
//                critical (e=other-error); c= differs from gs2-header + binding data
//                (e=channel-bindings-dont-match)
//   kAuthFailed  "y" while the server holds a binding: downgrade
//                (e=server-does-support-channel-binding); nonce changed (e=other-error); wrong
//                proof, for a wrong password and for an unknown user alike
//                (e=invalid-proof, ErrorDetail identical in both cases)
//   kInternal    stored credentials unusable, RNG or OpenSSL failure, Step after completion
// rng and credentials must outlive the session.
class ServerSession final {
 public:
  ServerSession(HashAlg alg, Rng& rng, CredentialSource& credentials,
                std::optional<ServerBinding> binding, ServerOptions options);
  ~ServerSession();
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  Status Step(ByteView in, Bytes* out);

  // ErrorDetail: why the last Step failed (empty when none did).
  std::string_view ErrorDetail() const { return detail_; }
  // IsComplete: true once the client's proof verified.
  bool IsComplete() const { return state_ == State::kComplete; }

  // After client-first-message was accepted (and meaningful only once IsComplete()):
  // Authcid: the SASLprep'd authentication identity. Authzid: the authorization identity the
  // client asked for, empty when none (authorizing it is the adapter's job).
  std::string_view Authcid() const { return authcid_; }
  std::string_view Authzid() const { return client_first_.gs2_header.authzid; }
  // ReceivedCbFlag / CbDisposition: the gs2-cb-flag received and the matching Cyrus
  // disposition (oparams->cbindingdisp); CbName: the binding type for p=, else empty
  // (oparams->cbindingname).
  gs2::CbFlag ReceivedCbFlag() const { return client_first_.gs2_header.flag; }
  cb::Disposition CbDisposition() const { return cb::DispositionOf(ReceivedCbFlag()); }
  std::string_view CbName() const { return client_first_.gs2_header.cb_name; }

 private:
  enum class State { kStart, kAwaitClientFirst, kSentServerFirst, kComplete, kFailed };

  Status HandleClientFirst(ByteView in, Bytes* out);
  Status HandleClientFinal(ByteView in, Bytes* out);
  bool MakeFakeCredentials();
  Status Fail(Status status, std::string detail, std::string_view server_error, Bytes* out);
  void WipeSecrets();

  HashAlg alg_;
  Rng& rng_;
  CredentialSource& credentials_;
  std::optional<ServerBinding> binding_;
  ServerOptions options_;

  State state_ = State::kStart;
  Status failure_ = Status::kInternal;
  std::string detail_;
  std::string authcid_;
  ClientFirst client_first_;
  ServerFirst server_first_;
  StoredCredentials stored_;
  bool unknown_user_ = false;
};

}  // namespace e2esasl::scram

#endif  // E2ESASL_SCRAM_SERVER_H_
