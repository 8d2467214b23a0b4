// client.h: the CPACE-R255 client session (party A, the initiator), a small state machine with
// no Cyrus types. The Cyrus adapter (plugin.cc) feeds it the server's challenges.
#ifndef E2ESASL_CPACE_CLIENT_H_
#define E2ESASL_CPACE_CLIENT_H_

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/gs2.h"
#include "common/random.h"
#include "common/secret.h"
#include "common/session.h"
#include "common/status.h"
#include "cpace/key_schedule.h"
#include "cpace/messages.h"

namespace e2esasl::cpace {

// ClientConfig: the client's inputs (ClientInputs: the authcid, SASLprep'd (query) before it is
// sent and bound; the password shared with the server, SASLprep'd (query) into PRS; gs2 and
// cb_data) and
//   server_id  the responder identity bound into CI: empty unless both ends are configured with
//              the same explicit value (e2esasl_cpace_server_id)
struct ClientConfig : ClientInputs {
  std::string server_id;
};

// ClientSession: one authentication as a CPACE-R255 client. Not thread-safe; one per connection.
//
// Step(in, out, failure) is called once per message:
//   1. with an empty `in`: writes client-first to *out, kContinue;
//   2. with server-first: computes g, ya, Ya, K = scalar_mult_vfy(ya, Yb), ISK and Ta, writes
//      client-final, kContinue;
//   3. with server-final: checks Tb, writes nothing, kOk: the server is authenticated.
// Failures are final (secrets wiped; every later Step returns the same Status):
//   kMalformed   a server message breaks the ABNF; a non-empty challenge before client-first
//   kAuthFailed  Yb is invalid or the identity (abort, draft s7.2); Tb does not verify (wrong
//                password, other channel binding or identity on the server's side: one detail)
//   kBadBinding  gs2 kUsed without cb-name or data, or data without kUsed
//   kInternal    authcid or password rejected by SASLprep (or empty), RNG or libsodium failure,
//                Step after completion
// rng must outlive the session.
// ClientState: the states of the session (TwoRoundClient, common/session.h).
using ClientState = TwoRoundClientState;

class ClientSession final : public TwoRoundClient<ClientSession, ClientConfig> {
 public:
  ClientSession(Rng& rng, ClientConfig config);
  ~ClientSession() { WipeSecrets(); }

  // SessionKey: the ISK, meaningful only once IsComplete().
  const Isk& SessionKey() const { return schedule_.SessionKey(); }

 private:
  friend SessionBase;
  friend TwoRoundClient;

  void WipeSecrets() {
    config_.password.Clear();
    prs_.Clear();
    schedule_.Wipe();
  }
  Status SendClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status SendClientFinal(ByteView in, Bytes* out, Failure* failure);
  Status VerifyServerFinal(ByteView in, Bytes* out, Failure* failure);

  Rng& rng_;
  SecretString prs_;
  ClientFirst client_first_;
  KeySchedule schedule_{Role::kInitiator};
};

}  // namespace e2esasl::cpace

#endif  // E2ESASL_CPACE_CLIENT_H_
