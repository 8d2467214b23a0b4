// secret.cc: the one wiping primitive behind every secret container.
#include "common/secret.h"

#include <openssl/crypto.h>

namespace e2esasl {

void WipeMemory(void* data, size_t size) noexcept {
  if (data == nullptr || size == 0) {
    return;
  }
  OPENSSL_cleanse(data, size);
}

}  // namespace e2esasl
