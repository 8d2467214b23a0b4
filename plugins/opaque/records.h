// records.h: what the OPAQUE-R255 server stores per user (the auxprop value) and the fake record
// it answers unknown users with (RFC 9807 s6.3.2.2, s10.9).
//
// Stored text (property e2esasl-OPAQUE-R255 of the authentication identity):
//   "v1$" ksf "$" base64(credential_identifier) "$" base64(record)
// with ksf as in ksf.h and record RFC 9807's RegistrationRecord (192 bytes). The KSF parameters
// travel with the record because the envelope can only be opened with the parameters it was
// made with.
#ifndef E2ESASL_OPAQUE_RECORDS_H_
#define E2ESASL_OPAQUE_RECORDS_H_

#include <optional>
#include <string_view>

#include "common/bytes.h"
#include "common/secret.h"
#include "opaque/credentials.h"
#include "opaque/ksf.h"
#include "opaque/wire.h"

namespace e2esasl::opaque {

// kMaxCredentialIdentifierBytes caps the credential identifier (the user name at registration).
inline constexpr size_t kMaxCredentialIdentifierBytes = 1024;

// StoredRecord: one user's registration.
struct StoredRecord {
  KsfParams ksf;
  Bytes credential_identifier;
  RegistrationRecord record;

  // Parse reads the stored text; nullopt when it is not exactly the format above (a corrupted
  // record is then treated like an unknown user: the fake path, and a logged warning).
  static std::optional<StoredRecord> Parse(std::string_view text);
  // Serialize writes the stored text (a secret of the server: the masking key is in it).
  SecretString Serialize() const;
};

// FakeRecordFor returns the fake record for credential_identifier: a client public key and a
// masking key derived from the server's oprf_seed (so the same unknown user always gets the same
// fake record, as a real user gets the same real one), an all-zero envelope. False on failure.
bool FakeRecordFor(const ServerKeyMaterial& keys, ByteView credential_identifier,
                   RegistrationRecord* out);

}  // namespace e2esasl::opaque

#endif  // E2ESASL_OPAQUE_RECORDS_H_
