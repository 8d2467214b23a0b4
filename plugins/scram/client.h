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
#include "common/session.h"
#include "common/status.h"
#include "scram/key_schedule.h"
#include "scram/messages.h"

namespace e2esasl::scram {

// ClientConfig: the client's inputs (ClientInputs: the authcid, SASLprep'd (query) before it is
// sent; the password, SASLprep'd (stored string, RFC 5802 Normalize) before PBKDF2; gs2 and
// cb_data) and policy:
//   alg             the hash (SCRAM-SHA-1 / -256 / -512)
//   min_iterations  a server offering fewer iterations is refused (RFC 5802 s5.1: servers
//                   SHOULD announce at least 4096; a MITM who terminates TLS would like fewer, to
//                   make its offline dictionary attack cheap).
//   max_iterations  a server offering more is refused: a hostile server could otherwise make the
//                   client burn CPU (RFC 5802 s9). 1 << 20 keeps one PBKDF2 well under a second
//                   and still admits today's recommended counts (e.g. 600000 for SHA-256).
//   nonce_size      characters of client nonce (GenerateNonce); 24 printable characters carry
//                   about 157 bits.
struct ClientConfig : ClientInputs {
  HashAlg alg = HashAlg::kSha256;
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
// ClientState: the states of the session (TwoRoundClient, common/session.h).
using ClientState = TwoRoundClientState;

class ClientSession final : public TwoRoundClient<ClientSession, ClientConfig> {
 public:
  ClientSession(Rng& rng, ClientConfig config);
  ~ClientSession() { WipeSecrets(); }

  // IsComplete (SessionBase): true once the server's signature verified.
  // ServerError: the e= value the server sent, empty when none.
  std::string_view ServerError() const { return server_error_; }

 private:
  friend SessionBase;
  friend TwoRoundClient;

  void WipeSecrets();
  Status SendClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status SendClientFinal(ByteView in, Bytes* out, Failure* failure);
  Status VerifyServerFinal(ByteView in, Bytes* out, Failure* failure);
  Status ReportServerError(Failure* failure, std::string_view value);

  Rng& rng_;

  std::string server_error_;
  ClientFirst client_first_;
  Bytes gs2_header_bytes_;
  SecretBytes expected_server_signature_;
};

}  // namespace e2esasl::scram

#endif  // E2ESASL_SCRAM_CLIENT_H_
