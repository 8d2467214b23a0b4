// ake.h: OPAQUE-3DH login for OPAQUE-R255 (RFC 9807 s6): the client's GenerateKE1 / GenerateKE3
// and the server's GenerateKE2 / ServerFinish, as two small state machines over the credential
// layer (credentials.h). No SASL here: the SASL sessions (client.h, server.h) drive these.
//
// Failures are final (the state machine moves to kFailed and its secrets are wiped):
//   kAuthFailed  EnvelopeRecoveryError or ServerAuthenticationError (client), or
//                ClientAuthenticationError (server): one Status, so callers cannot leak which
//   kMalformed   a peer element is not a valid ristretto255 encoding or gives the identity
//   kInternal    RNG, KSF, OpenSSL or libsodium failure; a call out of order
#ifndef E2ESASL_OPAQUE_AKE_H_
#define E2ESASL_OPAQUE_AKE_H_

#include "common/bytes.h"
#include "common/random.h"
#include "common/secret.h"
#include "common/status.h"
#include "opaque/credentials.h"
#include "opaque/ksf.h"
#include "opaque/wire.h"

namespace e2esasl::opaque {

using SessionKey = FixedSecret<kHashSize>;

// KeyScheduleTrace: intermediate values the RFC's vectors print (tests only; may be null).
struct KeyScheduleTrace {
  SecretBytes handshake_secret;
  SecretBytes server_mac_key;
  SecretBytes client_mac_key;
};

// Preamble is RFC 9807 s6.4.2's transcript prefix.
Bytes Preamble(ByteView context, ByteView client_identity, const Ke1& ke1, ByteView server_identity,
               const CredentialResponse& credential_response, const Nonce& server_nonce,
               const Element& server_public_keyshare);

// ClientLogin: one login as a client. Not thread-safe; rng must outlive it.
class ClientLogin final {
 public:
  explicit ClientLogin(Rng& rng) : rng_(rng) {}
  ClientLogin(const ClientLogin&) = delete;
  ClientLogin& operator=(const ClientLogin&) = delete;

  // Start is GenerateKE1(password) (s6.2.1): blind, client_nonce, client_keyshare_seed are drawn
  // from rng in this order. Keeps a copy of password until Finish.
  Status Start(ByteView password, Ke1* out_ke1);
  // Finish is GenerateKE3(client_identity, server_identity, ke2) (s6.2.1) with the given KSF and
  // context: kOk with KE3, or a failure (see the header comment).
  Status Finish(const Ke2& ke2, const Identities& identities, const KsfParams& ksf,
                ByteView context, Ke3* out_ke3, KeyScheduleTrace* trace = nullptr,
                RegistrationTrace* registration_trace = nullptr);

  // Once Finish returned kOk: the session key and the export key (s6.2.1).
  const SessionKey& session_key() const { return session_key_; }
  ByteView export_key() const { return export_key_; }

 private:
  enum class State { kStart, kSentKe1, kComplete, kFailed };
  Status Abort(Status status);

  Rng& rng_;
  State state_ = State::kStart;
  SecretBytes password_;
  Scalar blind_;
  Scalar client_secret_;
  Ke1 ke1_;
  SessionKey session_key_;
  SecretBytes export_key_;
};

// ServerLogin: one login as a server. Not thread-safe; rng must outlive it.
class ServerLogin final {
 public:
  explicit ServerLogin(Rng& rng) : rng_(rng) {}
  ServerLogin(const ServerLogin&) = delete;
  ServerLogin& operator=(const ServerLogin&) = delete;

  // Respond is GenerateKE2 (s6.2.2): masking_nonce, server_nonce, server_keyshare_seed drawn from
  // rng in this order. record is the user's record, or MakeFakeRecord's for an unknown user
  // (s6.3.2.2): both take exactly the same path.
  Status Respond(const ServerKeyMaterial& keys, const RegistrationRecord& record,
                 ByteView credential_identifier, const Ke1& ke1, const Identities& identities,
                 ByteView context, Ke2* out_ke2, KeyScheduleTrace* trace = nullptr);
  // Finish is ServerFinish(ke3) (s6.2.2): kOk when client_mac verifies, else kAuthFailed.
  Status Finish(const Ke3& ke3);

  const SessionKey& session_key() const { return session_key_; }

 private:
  enum class State { kStart, kSentKe2, kComplete, kFailed };
  Status Abort(Status status);

  Rng& rng_;
  State state_ = State::kStart;
  Mac expected_client_mac_{};
  SessionKey session_key_;
};

}  // namespace e2esasl::opaque

#endif  // E2ESASL_OPAQUE_AKE_H_
