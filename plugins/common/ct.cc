// ct.cc: constant-time equality.
#include "common/ct.h"

#include <openssl/crypto.h>

namespace e2esasl {

bool CtEqual(ByteView a, ByteView b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  if (a.empty()) {
    return true;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace e2esasl
