// server.h: the CPACE-R255 server session (party B, the responder), a small state machine with
// no Cyrus types. The Cyrus adapter (plugin.cc) feeds it the client's responses and supplies the
// shared password through SecretSource.
#ifndef E2ESASL_CPACE_SERVER_H_
#define E2ESASL_CPACE_SERVER_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/cb_negotiation.h"
#include "common/gs2.h"
#include "common/random.h"
#include "common/secret.h"
#include "common/status.h"
#include "cpace/key_schedule.h"
#include "cpace/messages.h"

namespace e2esasl::cpace {

// SecretSource: where the server session gets the password it shares with a user. Called at most
// once, from the Step that handles client-first, with the authcid as the client sent it. Returns
// the password (plaintext: CPace is a balanced PAKE, both ends hold the same secret), or nullopt
// when the user is unknown or has none: the session then runs on with a random secret and fails
// at the confirmation exactly like a wrong password.
class SecretSource {
 public:
  virtual ~SecretSource() = default;
  virtual std::optional<SecretString> Lookup(std::string_view authcid) = 0;
};

// ServerBinding: the channel binding the server holds (Cyrus params->cbinding), copied.
using ServerBinding = cb::OwnedBinding;

// ServerConfig: the server's inputs.
//   binding          the server's own channel binding, if any
//   plus_advertised  the server offered -PLUS (then "y" from the client is a downgrade)
//   server_id        the responder identity bound into CI (see ClientConfig::server_id)
struct ServerConfig {
  std::optional<ServerBinding> binding;
  bool plus_advertised = false;
  std::string server_id;
};

// ServerSession: one authentication as a CPACE-R255 server. Not thread-safe; one per connection.
//
// Step(in, out, failure):
//   1. client-first -> server-first in *out, kContinue. (An empty `in` here, once, means the client
//      sent no initial response: *out is empty and kContinue.)
//   2. client-final -> server-final in *out, kOk, only when Ta verified: send it as the success
//      data. The server never reveals Tb before it has verified the client.
// Failures are final (secrets wiped; every later Step returns the same Status):
//   kMalformed   a client message breaks the ABNF (the detail names the part)
//   kBadBinding  "p=" without a server binding or with another binding name; "n" while the
//                server's binding is critical
//   kAuthFailed  "y" while the server holds a binding or advertised -PLUS (downgrade); Ya invalid,
//                the identity or our own Yb (abort); Ta does not verify: wrong password, unknown
//                user, other channel binding data, other identity alike (kClientConfirmationDetail)
//   kInternal    RNG or libsodium failure, Step after completion
// rng and secrets must outlive the session.
class ServerSession final {
 public:
  ServerSession(Rng& rng, SecretSource& secrets, ServerConfig config);
  ~ServerSession();
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  Status Step(ByteView in, Bytes* out, Failure* failure);

  bool IsComplete() const { return state_ == State::kComplete; }
  // After client-first was accepted: the authcid as sent, the authzid asked for (empty: none),
  // and the Cyrus disposition of the received gs2-cb-flag.
  std::string_view Authcid() const { return client_first_.authcid; }
  std::string_view Authzid() const { return client_first_.gs2_header.authzid; }
  cb::Disposition Disposition() const { return cb::DispositionOf(client_first_.gs2_header.flag); }
  // SessionKey: the ISK, meaningful only once IsComplete().
  const Isk& SessionKey() const { return schedule_.SessionKey(); }

 private:
  enum class State { kStart, kAwaitClientFirst, kSentServerFirst, kComplete, kFailed };

  Status HandleClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status HandleClientFinal(ByteView in, Bytes* out, Failure* failure);
  Status Abort(Failure* failure, Status status, std::string detail);

  Rng& rng_;
  SecretSource& secrets_;
  ServerConfig config_;
  State state_ = State::kStart;
  Failure failure_;
  ClientFirst client_first_;
  KeySchedule schedule_{Role::kResponder};
};

}  // namespace e2esasl::cpace

#endif  // E2ESASL_CPACE_SERVER_H_
