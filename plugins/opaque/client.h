// client.h: the OPAQUE-R255 SASL client session, a small state machine with no Cyrus types.
#ifndef E2ESASL_OPAQUE_CLIENT_H_
#define E2ESASL_OPAQUE_CLIENT_H_

#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/gs2.h"
#include "common/random.h"
#include "common/secret.h"
#include "common/session.h"
#include "common/status.h"
#include "opaque/ake.h"
#include "opaque/ksf.h"
#include "opaque/messages.h"

namespace e2esasl::opaque {

// ClientConfig: the client's inputs (ClientInputs: the authcid, SASLprep'd (query) before it is
// sent; the password, SASLprep'd (query) into the OPRF input; gs2 and cb_data) and
//   server_identity  RFC 9807 server_identity as configured at registration (nullopt: the
//                    server's public key, the default)
//   ksf_cap          the costliest Argon2id the client agrees to run, per parameter and in
//                    total work m * t (DoS guard)
struct ClientConfig : ClientInputs {
  std::optional<Bytes> server_identity;
  KsfCap ksf_cap;
};

// ClientSession: one authentication as an OPAQUE-R255 client. Not thread-safe.
//
// Step(in, out, failure):
//   1. empty `in`: client-first (KE1) in *out, kContinue;
//   2. server-first: checks the KSF against the cap, runs it, opens the envelope, verifies the
//      server's MAC (this authenticates the server), writes client-final (KE3), kContinue;
//   3. the empty server-final: kOk.
// Failures are final (secrets wiped):
//   kMalformed   a server message breaks the ABNF, an invalid element; non-empty server-final
//   kAuthFailed  envelope or server MAC did not verify (wrong password, unknown user, other
//                binding, other server: one detail, kAuthFailedDetail); KSF above the cap
//   kBadBinding  gs2 kUsed without data, or data without kUsed
//   kInternal    SASLprep rejected authcid or password, RNG / KSF / library failure, Step after
//                completion
// ClientState: the states of the session (TwoRoundClient, common/session.h).
using ClientState = TwoRoundClientState;

class ClientSession final : public TwoRoundClient<ClientSession, ClientConfig> {
 public:
  ClientSession(Rng& rng, ClientConfig config);
  ~ClientSession() { WipeSecrets(); }

  // After completion: the session key and the export key of RFC 9807.
  const SessionKey& session_key() const { return login_.session_key(); }
  ByteView export_key() const { return login_.export_key(); }

 private:
  friend SessionBase;
  friend TwoRoundClient;

  void WipeSecrets() { config_.password.Clear(); }
  Status SendClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status SendClientFinal(ByteView in, Bytes* out, Failure* failure);
  // server-final: the empty success data (the server's MAC was checked in server-first).
  Status VerifyServerFinal(ByteView in, Bytes* out, Failure* failure) {
    return ReceiveEmptySuccess(in, out, failure);
  }

  std::string sent_authcid_;
  Bytes gs2_header_bytes_;
  ClientLogin login_;
};

}  // namespace e2esasl::opaque

#endif  // E2ESASL_OPAQUE_CLIENT_H_
