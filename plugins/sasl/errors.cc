// errors.cc: Status -> SASL_* codes and the sasl_errdetail() text.
#include "sasl/errors.h"

#include <algorithm>
#include <cstdio>

namespace e2esasl::sasl {

int ToSaslCode(Status status) noexcept {
  switch (status) {
    case Status::kOk:
      return SASL_OK;
    case Status::kContinue:
      return SASL_CONTINUE;
    case Status::kMalformed:
      return SASL_BADPROT;
    case Status::kAuthFailed:
      return SASL_BADAUTH;
    case Status::kBadBinding:
      return SASL_BADBINDING;
    case Status::kUnavailable:
      return SASL_UNAVAIL;
    case Status::kInternal:
      return SASL_FAIL;
  }
  return SASL_FAIL;
}

namespace {

// Clip returns at most max characters of text, as an int for printf's "%.*s".
int Clip(std::string_view text, size_t max) {
  return static_cast<int>(std::min(text.size(), max));
}

}  // namespace

void SetError(const sasl_utils_t* utils, std::string_view mechanism,
              std::string_view detail) noexcept {
  if (utils == nullptr || utils->seterror == nullptr) {
    return;
  }
  utils->seterror(utils->conn, 0, "%.*s: %.*s", Clip(mechanism, 64), mechanism.data(),
                  Clip(detail, 512), detail.data());
}

void Log(const sasl_utils_t* utils, int level, std::string_view mechanism,
         std::string_view message) noexcept {
  if (utils == nullptr || utils->log == nullptr) {
    return;
  }
  utils->log(utils->conn, level, "%.*s: %.*s", Clip(mechanism, 64), mechanism.data(),
             Clip(message, 512), message.data());
}

}  // namespace e2esasl::sasl
