// server.h: the SAS-R255-PLUS server session, a small state machine with no Cyrus types. The
// Cyrus adapter (plugin.cc) hands it the server's binding and canonicalizes the claimed identity.
#ifndef E2ESASL_SAS_SERVER_H_
#define E2ESASL_SAS_SERVER_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/cb_negotiation.h"
#include "common/random.h"
#include "common/status.h"
#include "sas/key_schedule.h"
#include "sas/messages.h"
#include "sas/session_core.h"

namespace e2esasl::sas {

// ServerConfig: the server's inputs (ServerInputs: its binding, without which every client-first
// fails, and whether it offered -PLUS) and
//   min_digits       the shortest string this server accepts (the client chooses d=)
//   accept_authcid   called once with the claimed authcid (canon_user in the plugin); a failure
//                    Status ends the exchange with it. May be empty (tests).
//   continuity       the store of remembered peers (continuity.h; disabled without a store
//                    path); its peer is set to the claimed authcid
struct ServerConfig : ServerInputs {
  unsigned min_digits = kDefaultDigits;
  std::function<Status(std::string_view authcid, Failure* failure)> accept_authcid;
  ContinuityConfig continuity;
};

// ServerState: the server session's states (the state machine in server.cc).
enum class ServerState {
  kStart,
  kAwaitClientFirst,
  kSentServerFirst,
  kSentConfirm,
  kAwaitPerson,
  kComplete,
  kFailed
};

// ServerSession: one exchange as a SAS-R255-PLUS server. Not thread-safe; one per connection.
//
//   Step(client-first)   -> server-first, kContinue (an empty `in` first, once: "" kContinue)
//   Step(client-reveal)  -> server-confirm (key confirmation only), kContinue, once the
//                           commitment verified; Announcement() = the string: show it to the
//                           person now, before the client's person is asked
//   Step(client-confirm) -> "" and kContinue once the client's tag verified;
//                           PendingConfirmation() = the string: ask the person (asked last), then
//   Confirm(true)        -> nothing to send (no success data), kOk (Confirm(false): kAuthFailed)
// With continuity (config.continuity) and a client that offers it, server-first carries the
// server's device id and, when one of the client's identifiers names a secret the server holds
// for (authcid, client device), the server's identifier of it: Remembered() is true, nothing is
// announced, and Step(client-confirm) completes with kOk (no person). The application hears of
// kRemembered / kFirst / kNotMatched after client-first and of kStored after success.
// Failures are final (secrets wiped; every later call returns the same Status):
//   kMalformed  a client message breaks the ABNF
//   kBadBinding "n" or "y" without a server binding (SAS needs one); "p=" without a server binding
//               or with another name; "n" while the server holds a binding
//   kAuthFailed "y" while the server holds a binding or advertised -PLUS (downgrade); d= below
//               min_digits; the revealed X does not open the commitment; X invalid / identity /
//               ours; the client's tag does not verify; the person rejected
//   kUnavailable the store of remembered peers cannot be read or written (its detail)
//   kInternal   RNG or crypto failure; a call out of order
// Confirm, PendingConfirmation, Sas and IsComplete come from SessionCore. rng must outlive the
// session.
class ServerSession final : public SessionCore<ServerSession, ServerState, Side::kServer>,
                            public AcceptedGs2 {
 public:
  using Config = ServerConfig;
  ServerSession(Rng& rng, ServerConfig config);
  // Announcement: the string, right after Step(client-reveal) returned server-confirm (show it
  // to the person before sending it); nullopt otherwise.
  std::optional<std::string> Announcement() const;

  // Authcid: the claimed authcid (Authzid and Disposition: AcceptedGs2).
  std::string_view Authcid() const { return client_first_.authcid; }

 private:
  using State = ServerState;

  friend SessionBase<ServerSession, ServerState>;
  friend SessionCore<ServerSession, ServerState, Side::kServer>;
  static const Transition kTransitions[3];

  Status HandleClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status HandleClientReveal(ByteView in, Bytes* out, Failure* failure);
  // MatchClient: the continuity part of client-first (sets matched_, reports the start) and
  // server-first's z= / r= into *server_first.
  Status MatchClient(ServerFirst* server_first, Failure* failure);
  Status OnSuccess(Failure* failure);

  Rng& rng_;
  ServerConfig config_;
  ClientFirst client_first_;
  Bytes client_first_bytes_;
  Bytes server_first_bytes_;
};

}  // namespace e2esasl::sas

#endif  // E2ESASL_SAS_SERVER_H_
