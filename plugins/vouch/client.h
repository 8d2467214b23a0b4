// client.h: the VOUCH-ES256-PLUS client session, a small state machine with no Cyrus types.
#ifndef E2ESASL_VOUCH_CLIENT_H_
#define E2ESASL_VOUCH_CLIENT_H_

#include <string>

#include "common/bytes.h"
#include "common/random.h"
#include "common/session.h"
#include "common/status.h"
#include "vouch/messages.h"
#include "vouch/peer.h"

namespace e2esasl::vouch {

// ClientConfig: the client's inputs (ClientInputs: the authcid, which must be the own
// statement's sub; gs2 with "p=<cb-name>" and cb_data the client's OWN binding data, never sent;
// no password), its VOUCH inputs, and
//   peer   the identity the server's statement must name (its sub): the e2esasl_vouch_peer
//          option, else the serverFQDN the application gave libsasl2
struct ClientConfig : ClientInputs {
  VouchConfig vouch;
  std::string peer;
};

// ClientSession: one exchange as a VOUCH-ES256-PLUS client. Not thread-safe; one per connection.
//
//   Step("")            -> client-first (own statement, key, nonce), kContinue
//   Step(server-first)  -> client-final (own signature), kContinue, once the server's statement,
//                          key and signature verified and key continuity accepted its key
//   Step("")            -> kOk (the server's success: no data)
// Failures are final (every later call returns the same Status):
//   kBadBinding  the config has no "p=" flag or no binding data
//   kUnavailable this end is not configured (statement, device key, trust store, peer); the
//                continuity store cannot be read or written
//   kMalformed   server-first breaks the ABNF, the server's statement is not a statement, data
//                where the empty success data belongs
//   kAuthFailed  the server's statement is refused (issuer, signature, expiry, sub not the
//                peer, ...), its key is not the one cnf names, its signature does not verify
//                over this channel (a man in the middle), a changed key refused
//   kInternal    RNG or signing failure; a call out of order
// rng must outlive the session. The states and transitions are TwoRoundClient's
// (common/session.h).
class ClientSession final : public TwoRoundClient<ClientSession, ClientConfig> {
 public:
  ClientSession(Rng& rng, ClientConfig config);
  ~ClientSession() { WipeSecrets(); }

 private:
  friend SessionBase;
  friend TwoRoundClient;

  Status SendClientFirst(ByteView in, Bytes* out, Failure* failure);
  // server-first: the server's statement, key and signature checked; client-final.
  Status SendClientFinal(ByteView in, Bytes* out, Failure* failure);
  // server-final: the empty success data (the server proved its key in server-first).
  Status VerifyServerFinal(ByteView in, Bytes* out, Failure* failure) {
    return ReceiveEmptySuccess(in, out, failure);
  }
  // WipeSecrets drops the device key (the only secret; the shared key file copy stays with the
  // connection's config until it is released).
  void WipeSecrets() { config_.vouch.device_key.reset(); }

  Rng& rng_;
  ClientFirst client_first_;
  Bytes gs2_header_;
};

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_CLIENT_H_
