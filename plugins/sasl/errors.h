// errors.h: the one place where core Status values become SASL_* codes and where the text of
// sasl_errdetail() is set.
#ifndef E2ESASL_SASL_ERRORS_H_
#define E2ESASL_SASL_ERRORS_H_

#include <string_view>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "common/status.h"

namespace e2esasl::sasl {

// ToSaslCode maps a core Status to the SASL result code an application sees:
//   kOk -> SASL_OK, kContinue -> SASL_CONTINUE, kMalformed -> SASL_BADPROT,
//   kAuthFailed -> SASL_BADAUTH, kBadBinding -> SASL_BADBINDING, kUnavailable -> SASL_UNAVAIL,
//   kInternal -> SASL_FAIL.
int ToSaslCode(Status status) noexcept;

// SetError sets the connection's error detail (sasl_errdetail()) to "<mechanism>: <detail>".
// Never throws; an over-long detail is truncated. The caller guarantees detail holds no secret.
void SetError(const sasl_utils_t* utils, std::string_view mechanism,
              std::string_view detail) noexcept;

// BeginStep: what every MechStep does first, at either end: it clears the output (*out,
// *out_len), then refuses a step after the exchange ended (SASL_FAIL, "the exchange is already
// over") and a peer message longer than max_len (SASL_BADPROT, "<sender> message too long"; the
// exchange ends: *finished), with sasl_errdetail() set. SASL_OK to go on.
int BeginStep(const sasl_utils_t* utils, std::string_view mechanism, std::string_view sender,
              unsigned in_len, size_t max_len, bool* finished, const char** out,
              unsigned* out_len) noexcept;

// Log writes a message to the application's SASL log callback at the given SASL_LOG_* level.
void Log(const sasl_utils_t* utils, int level, std::string_view mechanism,
         std::string_view message) noexcept;

}  // namespace e2esasl::sasl

#endif  // E2ESASL_SASL_ERRORS_H_
