// guard.h: the one guard every C entry point goes through, so no C++ exception ever crosses
// the Cyrus plugin ABI.
#ifndef E2ESASL_SASL_GUARD_H_
#define E2ESASL_SASL_GUARD_H_

#include <new>
#include <string_view>

#include "sasl/errors.h"

namespace e2esasl::sasl {

// Guarded runs fn() (which returns a SASL_* code) and turns any exception into a code:
// std::bad_alloc -> SASL_NOMEM, anything else (a broken invariant) -> SASL_FAIL, each with an
// error detail on the connection. Never throws.
template <typename Fn>
int Guarded(const sasl_utils_t* utils, std::string_view mechanism, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    SetError(utils, mechanism, "out of memory");
    return SASL_NOMEM;
  } catch (...) {
    SetError(utils, mechanism, "internal error");
    return SASL_FAIL;
  }
}

}  // namespace e2esasl::sasl

#endif  // E2ESASL_SASL_GUARD_H_
