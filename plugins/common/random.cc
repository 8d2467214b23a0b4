// random.cc: OpenSSL-backed CSPRNG and the replaying test RNG.
#include "common/random.h"

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <string>

#include <openssl/rand.h>

#include "common/secret.h"

namespace e2esasl {

bool SystemRng::Fill(std::span<uint8_t> out) {
  // RAND_bytes takes an int length: fill in chunks so any span size works.
  size_t done = 0;
  while (done < out.size()) {
    const size_t chunk = std::min<size_t>(out.size() - done, INT_MAX);
    if (RAND_bytes(out.data() + done, static_cast<int>(chunk)) != 1) {
      Wipe(out);
      return false;
    }
    done += chunk;
  }
  return true;
}

Rng& SystemRandom() {
  // SystemRng holds no state, so using it during static destruction is harmless.
  static SystemRng rng;
  return rng;
}

FixedRng::FixedRng(ByteView bytes) : bytes_(bytes.begin(), bytes.end()) {}

FixedRng::~FixedRng() {
  Wipe(std::span<uint8_t>(bytes_));
}

bool FixedRng::Fill(std::span<uint8_t> out) {
  if (out.size() > Remaining()) {
    throw std::logic_error("FixedRng exhausted: asked for " + std::to_string(out.size()) +
                           " bytes, " + std::to_string(Remaining()) + " left");
  }
  std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset_), out.size(), out.begin());
  offset_ += out.size();
  return true;
}

}  // namespace e2esasl
