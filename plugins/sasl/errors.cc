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

// Format writes "<mechanism>: <text>" NUL-terminated into buf, truncating. libsasl2's
// seterror and log have their own printf subset (no "%.*s"), so they get one "%s" argument.
template <size_t N>
const char* Format(char (&buf)[N], std::string_view mechanism, std::string_view text) {
  const int m = static_cast<int>(std::min<size_t>(mechanism.size(), 64));
  const int t = static_cast<int>(std::min<size_t>(text.size(), N - 80));
  std::snprintf(buf, N, "%.*s: %.*s", m, mechanism.data(), t, text.data());
  return buf;
}

}  // namespace

void SetError(const sasl_utils_t* utils, std::string_view mechanism,
              std::string_view detail) noexcept {
  if (utils == nullptr || utils->seterror == nullptr) {
    return;
  }
  char buf[600];
  utils->seterror(utils->conn, 0, "%s", Format(buf, mechanism, detail));
}

void Log(const sasl_utils_t* utils, int level, std::string_view mechanism,
         std::string_view message) noexcept {
  if (utils == nullptr || utils->log == nullptr) {
    return;
  }
  char buf[600];
  utils->log(utils->conn, level, "%s", Format(buf, mechanism, message));
}

int BeginStep(const sasl_utils_t* utils, std::string_view mechanism, std::string_view sender,
              unsigned in_len, size_t max_len, bool* finished, const char** out,
              unsigned* out_len) noexcept {
  *out = nullptr;
  *out_len = 0;
  if (*finished) {
    SetError(utils, mechanism, "the exchange is already over");
    return SASL_FAIL;
  }
  if (in_len > max_len) {
    *finished = true;
    char detail[64];
    std::snprintf(detail, sizeof(detail), "%.*s message too long", static_cast<int>(sender.size()),
                  sender.data());
    SetError(utils, mechanism, detail);
    return SASL_BADPROT;
  }
  return SASL_OK;
}

}  // namespace e2esasl::sasl
