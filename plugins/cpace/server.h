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
#include "common/session.h"
#include "common/status.h"
#include "cpace/key_schedule.h"
#include "cpace/messages.h"

namespace e2esasl::cpace {

// SecretSource: where the server session gets the password it shares with a user (UserSource):
// plaintext, CPace is a balanced PAKE, both ends hold the same secret. An unknown user gets a
// random secret: the session fails at the confirmation exactly like a wrong password.
using SecretSource = UserSource<SecretString>;

// ServerConfig: the server's inputs (ServerInputs: its binding, whether it offered -PLUS) and
//   server_id  the responder identity bound into CI (see ClientConfig::server_id)
struct ServerConfig : ServerInputs {
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
// ServerState: the states of the session (TwoRoundServer, common/session.h).
using ServerState = TwoRoundServerState;

class ServerSession final : public TwoRoundServer<ServerSession, ServerConfig> {
 public:
  ServerSession(Rng& rng, SecretSource& secrets, ServerConfig config);
  ~ServerSession() { WipeSecrets(); }

  // After client-first was accepted: the authcid as sent (Authzid and Disposition: AcceptedGs2).
  std::string_view Authcid() const { return client_first_.authcid; }
  // SessionKey: the ISK, meaningful only once IsComplete().
  const Isk& SessionKey() const { return schedule_.SessionKey(); }

 private:
  friend SessionBase;
  friend TwoRoundServer;

  void WipeSecrets() { schedule_.Wipe(); }
  Status HandleClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status HandleClientFinal(ByteView in, Bytes* out, Failure* failure);

  Rng& rng_;
  SecretSource& secrets_;
  ClientFirst client_first_;
  KeySchedule schedule_{Role::kResponder};
};

}  // namespace e2esasl::cpace

#endif  // E2ESASL_CPACE_SERVER_H_
