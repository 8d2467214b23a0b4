// random.h: the randomness every core draws from, injected as Rng& so known-answer tests can
// replay the RFC's ephemeral values.
//
// Never use Cyrus's utils->rand (jrand48) for anything here.
#ifndef E2ESASL_COMMON_RANDOM_H_
#define E2ESASL_COMMON_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/bytes.h"

namespace e2esasl {

// Rng: a source of random bytes. Implementations are thread-safe when shared.
class Rng {
 public:
  virtual ~Rng() = default;

  // Fill overwrites all of out with random bytes and returns true. On failure it returns false
  // and out is all zeros; the caller must fail the exchange (Status::kInternal) - never use the
  // buffer. Callers put secret output in wiped storage (SecretBytes / FixedSecret).
  [[nodiscard]] virtual bool Fill(std::span<uint8_t> out) = 0;
};

// SystemRng: the CSPRNG, OpenSSL RAND_bytes (DRBG seeded from the OS). Stateless and
// thread-safe. Fill fails (returns false, never aborts or throws) when RAND_bytes reports an
// error, e.g. the OS entropy source is unavailable.
class SystemRng final : public Rng {
 public:
  [[nodiscard]] bool Fill(std::span<uint8_t> out) override;
};

// SystemRandom returns the process-wide SystemRng (created on first use, thread-safe, never
// destroyed before exit). Production code passes this to the cores.
Rng& SystemRandom();

// FixedRng: replays the given bytes in order, for known-answer tests. It copies the bytes at
// construction. Asking for more bytes than remain is a bug in the test, so Fill then throws
// std::logic_error ("FixedRng exhausted: ...") instead of returning false, so the test fails
// loudly at the right place rather than with a vague kInternal. Not thread-safe.
class FixedRng final : public Rng {
 public:
  explicit FixedRng(ByteView bytes);
  ~FixedRng() override;

  [[nodiscard]] bool Fill(std::span<uint8_t> out) override;

  // Remaining returns the number of bytes not handed out yet (a test can assert it is 0).
  size_t Remaining() const { return bytes_.size() - offset_; }

 private:
  Bytes bytes_;
  size_t offset_ = 0;
};

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_RANDOM_H_
