// credentials.h: RFC 9807's credential layer for OPAQUE-R255 (ristretto255-SHA512, HKDF-SHA512,
// HMAC-SHA512): OPRF key derivation, the envelope (s4), registration (s5) and credential
// retrieval (s6.3). The AKE that uses it is in ake.h.
//
// Functions return false / a failure Status on invalid peer elements (kAuthFailed where the RFC
// names an authentication error, kMalformed for an invalid element), and kInternal on local
// failures. Secrets live in SecretBytes / FixedSecret and are wiped when released.
#ifndef E2ESASL_OPAQUE_CREDENTIALS_H_
#define E2ESASL_OPAQUE_CREDENTIALS_H_

#include <optional>

#include "common/bytes.h"
#include "common/random.h"
#include "common/secret.h"
#include "common/status.h"
#include "opaque/ksf.h"
#include "opaque/oprf.h"
#include "opaque/wire.h"

namespace e2esasl::opaque {

// ServerKeyMaterial: the server's long-term secrets (RFC 9807 s2.1 / s5.2.2): oprf_seed (Nh
// bytes) and the AKE key pair.
struct ServerKeyMaterial {
  FixedSecret<kOprfSeedSize> oprf_seed;
  Scalar private_key;
  Element public_key{};
};

// Identities: client_identity / server_identity as configured (RFC 9807 s4.1.2); nullopt means
// "the public key", the RFC's default.
struct Identities {
  std::optional<Bytes> client;
  std::optional<Bytes> server;
};

// RegistrationTrace / the intermediate values the RFC's vectors print (tests only; may be null).
struct RegistrationTrace {
  SecretBytes randomized_password;
  SecretBytes auth_key;
};

// DeriveOprfKey: seed = Expand(oprf_seed, credential_identifier || "OprfKey", Nok);
// (oprf_key, _) = DeriveKeyPair(seed, "OPAQUE-DeriveKeyPair") (RFC 9807 s5.2.2 / s6.3.2.2).
bool DeriveOprfKey(ByteView oprf_seed, ByteView credential_identifier, Scalar* out_key);

// DeriveDiffieHellmanKeyPair is RFC 9807 s6.4.1: DeriveKeyPair(seed,
// "OPAQUE-DeriveDiffieHellmanKeyPair").
bool DeriveDiffieHellmanKeyPair(ByteView seed, Scalar* out_sk, Element* out_pk);

// CreateRegistrationResponse is RFC 9807 s5.2.2. False when the request's element is invalid.
bool CreateRegistrationResponse(const RegistrationRequest& request,
                                const Element& server_public_key, ByteView credential_identifier,
                                ByteView oprf_seed, RegistrationResponse* out_response);

// RegistrationClient: the client's side of registration (RFC 9807 s5.2.1 and s5.2.3). Holds the
// password and blind between the two steps; both are wiped with it.
class RegistrationClient final {
 public:
  // Start is CreateRegistrationRequest(password): draws the blind from rng. False on failure.
  bool Start(Rng& rng, ByteView password, RegistrationRequest* out_request);
  // Finish is FinalizeRegistrationRequest: OPRF Finalize, Stretch, Store (draws envelope_nonce
  // from rng). False when the response's element is invalid or on a local failure.
  bool Finish(Rng& rng, const RegistrationResponse& response, const Identities& identities,
              const KsfParams& ksf, RegistrationRecord* out_record, SecretBytes* out_export_key,
              RegistrationTrace* trace = nullptr);

 private:
  SecretBytes password_;
  Scalar blind_;
  bool started_ = false;
};

// MakeFakeRecord builds RFC 9807 s6.3.2.2's fake record for an unregistered credential
// identifier: the given client public key and masking key, an all-zero envelope.
RegistrationRecord MakeFakeRecord(const Element& client_public_key, ByteView masking_key);

// CreateCredentialResponse is RFC 9807 s6.3.2.2 (draws masking_nonce from rng). False when the
// request's element is invalid or on a local failure.
bool CreateCredentialResponse(Rng& rng, const Element& blinded_message,
                              const Element& server_public_key, const RegistrationRecord& record,
                              ByteView credential_identifier, ByteView oprf_seed,
                              CredentialResponse* out_response);

// RecoveredCredentials: what RecoverCredentials returns (RFC 9807 s6.3.2.3), with the identities
// filled in from their defaults (CreateCleartextCredentials).
struct RecoveredCredentials {
  Scalar client_private_key;
  Element client_public_key{};
  Element server_public_key{};
  Bytes client_identity;
  Bytes server_identity;
  SecretBytes export_key;
};

// RecoverCredentials is RFC 9807 s6.3.2.3. kAuthFailed on EnvelopeRecoveryError (wrong password,
// fake record, tampered response: one outcome), kMalformed on an invalid evaluated element,
// kInternal on a local failure (KSF out of memory, ...).
Status RecoverCredentials(ByteView password, const Scalar& blind,
                          const CredentialResponse& response, const Identities& identities,
                          const KsfParams& ksf, RecoveredCredentials* out,
                          RegistrationTrace* trace = nullptr);

}  // namespace e2esasl::opaque

#endif  // E2ESASL_OPAQUE_CREDENTIALS_H_
