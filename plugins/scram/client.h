// client.h: the SCRAM client session (RFC 5802 s5, RFC 7677), a small state machine with no
// Cyrus types. The Cyrus adapter (plugin.cc) feeds it the server's challenges.
#ifndef E2ESASL_SCRAM_CLIENT_H_
#define E2ESASL_SCRAM_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/gs2.h"
#include "common/hash.h"
#include "common/random.h"
#include "common/secret.h"
#include "common/status.h"
#include "scram/key_schedule.h"
#include "scram/messages.h"

namespace e2esasl::scram {

// ClientConfig: the client's inputs and policy.
//   alg             the hash (SCRAM-SHA-1 / -256 / -512)
//   authcid         the authentication identity; SASLprep'd (query) before it is sent
//   password        SASLprep'd (stored string, RFC 5802 Normalize) before PBKDF2
//   gs2             the GS2 header (flag, cb-name, authzid) decided by cb::ChooseClientFlag
//   cb_data         the binding data, non-empty exactly when gs2.flag is kUsed
//   min_iterations  a server offering fewer iterations is refused (RFC 5802 s5.1: servers
//                   SHOULD announce at least 4096; a MITM who terminates TLS would like fewer, to
//                   make its offline dictionary attack cheap).
//   max_iterations  a server offering more is refused: a hostile server could otherwise make the
//                   client burn CPU (RFC 5802 s9). 1 << 20 keeps one PBKDF2 well under a second
//                   and still admits today's recommended counts (e.g. 600000 for SHA-256).
//   nonce_size      characters of client nonce (GenerateNonce); 24 printable characters carry
//                   about 157 bits.
struct ClientConfig {
  HashAlg alg = HashAlg::kSha256;
  std::string authcid;
  SecretString password;
  gs2::Gs2Header gs2;
  Bytes cb_data;
  uint32_t min_iterations = kDefaultIterations;
  uint32_t max_iterations = 1u << 20;
  size_t nonce_size = 24;
};

// ClientSession: one authentication as a SCRAM client. Not thread-safe; one per connection.
//
// Step(in, out, failure) is called once per message: first with an empty `in` (SCRAM is
// client-first), it writes client-first-message to *out and returns kContinue; then with
// server-first-message, writing client-final-message, kContinue; then with
// server-final-message (the additional data of the server's success), writing nothing and
// returning kOk when the server's signature verifies. Failures (final: the session wipes its
// secrets, and every later Step returns the same Status and detail), with *failure set to the
// Status and a detail that says what failed (never a secret):
//   kMalformed    a server message does not follow RFC 5802 s7, or an unexpected non-empty
//                 challenge before client-first
//   kAuthFailed   server nonce does not extend ours; iteration count outside
//                 [min_iterations, max_iterations]; the server sent e= (other than a binding
//                 error; its value is quoted in the detail; e= is understood in place of
//                 server-first-message too); ServerSignature mismatch
//   kBadBinding   the server sent e= with a channel-binding error (IsChannelBindingError); or
//                 kUsed without a valid cb_name / cb_data (or a name/data with kNone/kWant)
//   kInternal     the local inputs are unusable (authcid or password rejected by SASLprep,
//                 authzid not valid UTF-8; the adapter may map this to SASL_BADPARAM), the RNG
//                 failed, or OpenSSL failed; also Step after completion.
// rng must outlive the session.
class ClientSession final {
 public:
  ClientSession(Rng& rng, ClientConfig config);
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  Status Step(ByteView in, Bytes* out, Failure* failure);

  // IsComplete: true once the server's signature verified.
  bool IsComplete() const { return state_ == State::kComplete; }
  // ServerError: the e= value the server sent, empty when none.
  std::string_view ServerError() const { return server_error_; }

 private:
  enum class State { kStart, kSentClientFirst, kSentClientFinal, kComplete, kFailed };

  Status SendClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status SendClientFinal(ByteView in, Bytes* out, Failure* failure);
  Status VerifyServerFinal(ByteView in, Failure* failure);
  Status ReportServerError(Failure* failure, std::string_view value);
  Status Abort(Failure* failure, Status status, std::string detail);
  void WipeSecrets();

  Rng& rng_;
  ClientConfig config_;

  State state_ = State::kStart;
  Failure failure_;
  std::string server_error_;
  ClientFirst client_first_;
  Bytes gs2_header_bytes_;
  SecretBytes expected_server_signature_;
};

}  // namespace e2esasl::scram

#endif  // E2ESASL_SCRAM_CLIENT_H_
