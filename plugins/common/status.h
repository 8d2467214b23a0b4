// status.h: the result codes every core returns, and the error-detail carrier.
//
// The mapping to SASL_* codes lives in plugins/sasl (one place); nothing here knows Cyrus.
#ifndef E2ESASL_COMMON_STATUS_H_
#define E2ESASL_COMMON_STATUS_H_

#include <string>
#include <string_view>
#include <utility>

namespace e2esasl {

// Status: the outcome of one step of a core, or of one check.
//   kOk          finished successfully (the last step of an exchange, or a check that passed)
//   kContinue    the step succeeded and more messages are expected
//   kMalformed   the peer's bytes do not follow the wire format
//   kAuthFailed  well-formed, but authentication failed (wrong proof, downgrade detected, ...)
//   kBadBinding  channel binding missing, of the wrong type, or with different data
//   kUnavailable a needed resource (stored secret, user entry, binding) is not there
//   kInternal    a local failure (allocation, OpenSSL error, broken invariant); not the peer's
//   fault
enum class Status { kOk, kContinue, kMalformed, kAuthFailed, kBadBinding, kUnavailable, kInternal };

// StatusName returns the enumerator's name without the k ("Ok", "BadBinding", ...), for logs
// and test messages. Never fails; an out-of-range value gives "Unknown".
constexpr std::string_view StatusName(Status status) {
  switch (status) {
    case Status::kOk:
      return "Ok";
    case Status::kContinue:
      return "Continue";
    case Status::kMalformed:
      return "Malformed";
    case Status::kAuthFailed:
      return "AuthFailed";
    case Status::kBadBinding:
      return "BadBinding";
    case Status::kUnavailable:
      return "Unavailable";
    case Status::kInternal:
      return "Internal";
  }
  return "Unknown";
}

// Failure: a failed Status with a human-readable detail for sasl_errdetail(). The detail says
// what was wrong ("gs2 header: unknown cb-flag"), never a secret, a key, a password or a value
// derived from one, and never which of several secret-dependent checks failed.
struct Failure {
  Status status = Status::kInternal;
  std::string detail;
};

// Fail sets *out_failure (when not null) and returns status, so a check can end with
// `return Fail(out_failure, Status::kMalformed, "...")`.
inline Status Fail(Failure* out_failure, Status status, std::string detail) {
  if (out_failure != nullptr) {
    out_failure->status = status;
    out_failure->detail = std::move(detail);
  }
  return status;
}

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_STATUS_H_
