// server.h: the VOUCH-ES256-PLUS server session, a small state machine with no Cyrus types. The
// Cyrus adapter (plugin.cc) hands it the server's binding and canonicalizes the client's sub.
#ifndef E2ESASL_VOUCH_SERVER_H_
#define E2ESASL_VOUCH_SERVER_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/random.h"
#include "common/session.h"
#include "common/status.h"
#include "vouch/messages.h"
#include "vouch/peer.h"

namespace e2esasl::vouch {

// ServerConfig: the server's inputs (ServerInputs: its binding, without which every
// client-first fails, and whether it offered -PLUS), its VOUCH inputs, and
//   accept_identity  called once with the client's verified sub (canon_user in the plugin); a
//                    failure Status ends the exchange with it. May be empty (tests).
struct ServerConfig : ServerInputs {
  VouchConfig vouch;
  std::function<Status(std::string_view identity, Failure* failure)> accept_identity;
};

// ServerState: the states of the session (TwoRoundServer, common/session.h).
using ServerState = TwoRoundServerState;

// ServerSession: one exchange as a VOUCH-ES256-PLUS server. Not thread-safe; one per connection.
//
//   Step(client-first)  -> server-first (own statement, key, nonce, signature), kContinue, once
//                          the client's statement verified for the claimed authcid (an empty
//                          `in` first, once: "" kContinue)
//   Step(client-final)  -> nothing (no success data), kOk, once the client's signature verified
//                          and key continuity accepted its key
// Failures are final (every later call returns the same Status):
//   kMalformed   a client message breaks the ABNF, the statement is not a statement
//   kBadBinding  "n" or "y" without a server binding; "p=" without one or with another name;
//                "n" while the server holds a binding
//   kUnavailable this end is not configured; the continuity store cannot be read or written
//   kAuthFailed  "y" while the server holds a binding or advertised -PLUS (downgrade); the
//                client's statement refused (sub not the authcid, issuer, expiry, ...); its key
//                not the one cnf names; its signature does not verify over this channel; a
//                changed key refused; accept_identity refused
//   kInternal    RNG or signing failure; a call out of order
// Authzid and Disposition: AcceptedGs2. rng must outlive the session.
class ServerSession final : public TwoRoundServer<ServerSession, ServerConfig> {
 public:
  ServerSession(Rng& rng, ServerConfig config);
  ~ServerSession() { WipeSecrets(); }

  // Identity: the client's authenticated identity (its statement's sub) once client-first was
  // accepted; empty before.
  std::string_view Identity() const {
    return client_ ? std::string_view(client_->statement.subject) : std::string_view();
  }

 private:
  friend SessionBase;
  friend TwoRoundServer;

  Status HandleClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status HandleClientFinal(ByteView in, Bytes* out, Failure* failure);
  void WipeSecrets() { config_.vouch.device_key.reset(); }

  Rng& rng_;
  ClientFirst client_first_;
  std::optional<VerifiedPeer> client_;
  ServerFirst server_first_;
  Bytes gs2_header_;
};

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_SERVER_H_
