// server.h: the OPAQUE-R255 SASL server session, a small state machine with no Cyrus types. The
// Cyrus adapter (plugin.cc) supplies the key material and the users' records.
#ifndef E2ESASL_OPAQUE_SERVER_H_
#define E2ESASL_OPAQUE_SERVER_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/cb_negotiation.h"
#include "common/random.h"
#include "common/session.h"
#include "common/status.h"
#include "opaque/ake.h"
#include "opaque/credentials.h"
#include "opaque/ksf.h"
#include "opaque/messages.h"
#include "opaque/records.h"

namespace e2esasl::opaque {

// RecordSource: where the session finds a user's registration (UserSource). An unknown user or
// one without a (valid) record gets the fake record, indistinguishably.
using RecordSource = UserSource<StoredRecord>;

// ServerConfig: the server's inputs (ServerInputs: its binding, whether it offered -PLUS) and
//   keys             the long-term key material (key_file.h)
//   server_identity  RFC 9807 server_identity used at registration (nullopt: the public key)
//   fake_ksf         the KSF parameters announced to unknown users (new records get the same)
struct ServerConfig : ServerInputs {
  ServerKeyMaterial keys;
  std::optional<Bytes> server_identity;
  KsfParams fake_ksf;
};

// ServerSession: one authentication as an OPAQUE-R255 server. Not thread-safe.
//
// Step(in, out, failure):
//   1. client-first -> server-first (KE2 and the record's KSF parameters), kContinue. An empty
//      `in` here, once, means the client sent no initial response: empty *out, kContinue.
//   2. client-final -> empty server-final, kOk, only when KE3 verified.
// Failures are final:
//   kMalformed   a client message breaks the ABNF; an invalid element in KE1
//   kBadBinding  "p=" without a server binding or with another name; "n" with a critical binding
//   kAuthFailed  "y" while the server holds a binding (downgrade); KE3 does not verify (wrong
//                password, unknown user, other binding data alike: kAuthFailedDetail)
//   kInternal    RNG or library failure, Step after completion
// ServerState: the states of the session (TwoRoundServer, common/session.h).
using ServerState = TwoRoundServerState;

class ServerSession final : public TwoRoundServer<ServerSession, ServerConfig> {
 public:
  ServerSession(Rng& rng, RecordSource& records, ServerConfig config);

  // After client-first was accepted: the authcid as sent (Authzid and Disposition: AcceptedGs2).
  std::string_view Authcid() const { return client_first_.authcid; }
  const SessionKey& session_key() const { return login_.session_key(); }

 private:
  friend SessionBase;
  friend TwoRoundServer;

  void WipeSecrets() { config_.keys = ServerKeyMaterial(); }
  Status HandleClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status HandleClientFinal(ByteView in, Bytes* out, Failure* failure);

  RecordSource& records_;
  ClientFirst client_first_;
  ServerLogin login_;
};

}  // namespace e2esasl::opaque

#endif  // E2ESASL_OPAQUE_SERVER_H_
