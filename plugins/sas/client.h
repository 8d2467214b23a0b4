// client.h: the SAS-R255-PLUS client session, a small state machine with no Cyrus types.
#ifndef E2ESASL_SAS_CLIENT_H_
#define E2ESASL_SAS_CLIENT_H_

#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/gs2.h"
#include "common/random.h"
#include "common/status.h"
#include "sas/key_schedule.h"
#include "sas/messages.h"
#include "sas/session_core.h"

namespace e2esasl::sas {

// ClientConfig: the client's inputs (ClientInputs; no password). gs2 must carry "p=<cb-name>"
// (SAS works only with a channel binding) and cb_data the client's OWN binding data (never sent);
// digits is the length of the string asked for (d=); continuity: the store of remembered peers
// and the server's name in it (continuity.h; disabled without a store path).
struct ClientConfig : ClientInputs {
  unsigned digits = kDefaultDigits;
  ContinuityConfig continuity;
};

// ClientState: the client session's states (the state machine in client.cc).
enum class ClientState {
  kStart,
  kSentCommit,
  kSentReveal,
  kAwaitPerson,
  kSentConfirm,
  kComplete,
  kFailed
};

// ClientSession: one exchange as a SAS-R255-PLUS client. Not thread-safe; one per connection.
//
//   Step("")             -> client-first (commitment), kContinue
//   Step(server-first)   -> client-reveal, kContinue; Announcement() = the string (may be shown
//                           now; the server's person answers only after this one's)
//   Step(server-confirm) -> "" and kContinue once the server's tag verified;
//                           PendingConfirmation() = the string: ask the person, then
//   Confirm(true)        -> client-confirm, kContinue   (Confirm(false): kAuthFailed)
//   Step("")             -> kOk (the server's outcome: success, no data)
// With continuity (config.continuity), client-first offers the retained secrets held for the
// server; when the server answers with one the client holds, Remembered() is true, nothing is
// announced, and Step(server-confirm) returns client-confirm at once (no person). The
// application hears of kRemembered / kFirst / kNotMatched after server-first and of kStored
// after success.
// Failures are final (secrets wiped; every later call returns the same Status):
//   kMalformed  a server message breaks the ABNF; data where the empty success data belongs
//   kBadBinding the config has no "p=" flag (refused at construction time by the first Step)
//   kAuthFailed the server's element is invalid / the identity / ours; the server's tag does not
//               verify (different channel bindings: a man in the middle); the person rejected;
//               the server claimed a retained secret the client does not hold
//   kUnavailable the store of remembered peers cannot be read or written (its detail)
//   kInternal   RNG or crypto failure; a call out of order
// Confirm, PendingConfirmation, Sas (the string once derived, after server-first; for tests and
// logs) and IsComplete come from SessionCore. rng must outlive the session.
class ClientSession final : public SessionCore<ClientSession, ClientState, Side::kClient> {
 public:
  using Config = ClientConfig;
  ClientSession(Rng& rng, ClientConfig config);

  std::optional<std::string> Announcement() const;

 private:
  using State = ClientState;

  friend SessionBase<ClientSession, ClientState>;
  friend SessionCore<ClientSession, ClientState, Side::kClient>;
  static const Transition kTransitions[4];

  Status SendClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status HandleServerFirst(ByteView in, Bytes* out, Failure* failure);
  Status HandleServerFinal(ByteView in, Bytes* out, Failure* failure);
  // MatchServer: the continuity part of server-first (sets matched_, reports the start).
  Status MatchServer(const ServerFirst& server_first, Failure* failure);
  Status OnSuccess(Failure* failure);

  Rng& rng_;
  ClientConfig config_;
  Bytes client_first_;
  std::optional<ContinuityOffer> offer_;
  std::optional<DeviceId> server_device_;
};

}  // namespace e2esasl::sas

#endif  // E2ESASL_SAS_CLIENT_H_
