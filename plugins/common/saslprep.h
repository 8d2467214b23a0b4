// saslprep.h: SASLprep (RFC 4013), the stringprep profile applied to user names and passwords
// before they are hashed or compared, via libidn's "SASLprep" profile.
#ifndef E2ESASL_COMMON_SASLPREP_H_
#define E2ESASL_COMMON_SASLPREP_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "common/secret.h"

namespace e2esasl {

// SaslPrepMode: RFC 3454 s7 distinguishes the two uses.
//   kStored  "stored strings" (provisioning a password or verifier): unassigned code points
//            (Unicode 3.2, RFC 3454 table A.1) are rejected (STRINGPREP_NO_UNASSIGNED).
//   kQuery   "queries" (a password typed at login): unassigned code points pass through.
enum class SaslPrepMode { kStored, kQuery };

// kMaxSaslPrepInputBytes caps the input: longer input is rejected rather than processed.
inline constexpr size_t kMaxSaslPrepInputBytes = 1024;

// SaslPrep returns the SASLprep'd form of in (UTF-8), or nullopt when in is not well-formed
// UTF-8, is longer than kMaxSaslPrepInputBytes, contains a prohibited code point (RFC 4013 s2.3:
// controls, private use, non-characters, ...), an unassigned one in kStored mode, violates the
// bidi rules (RFC 3454 s6), or libidn fails. The result may be empty (e.g. an input made only of
// "mapped to nothing" characters): callers that need a non-empty name or password check that.
// The result is wiped when destroyed; the code-point buffers this function owns are wiped before
// it returns. libidn's NFKC step allocates one internal buffer that it frees without wiping:
// that copy cannot be reached from here.
std::optional<SecretString> SaslPrep(std::string_view in, SaslPrepMode mode);

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_SASLPREP_H_
