// core.h: the "core" implementation rows — a mechanism's protocol core (plugins/<family>, the
// code our modules wrap) run in this process with no libsasl2, no auxprop and no pipes: the
// client and server sessions exchange their messages directly and each side's own calls are
// timed apart. Set against the libsasl2 rows of the same run, it separates what the mechanism
// costs from what every mechanism pays libsasl2 and its auxprop backend per connection.
#ifndef E2ESASL_BENCH_CORE_H_
#define E2ESASL_BENCH_CORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "floors.h"

namespace e2esasl::bench {

struct PairResult;  // pair.h (not included: pair.h -> peer.h -> mechanisms.h -> core.h)

// OpaqueKsf: the Argon2id parameters the OPAQUE rows register and log in with (m in KiB).
struct OpaqueKsf {
  uint32_t memory_kib = 8;  // the cheapest Argon2id allows (m >= 8 p): the KSF is measured
  uint32_t iterations = 1;  // apart (MeasureOpaqueKsf) and subtracted from the client
  uint32_t parallelism = 1;
  std::string Text() const;  // "argon2id:m:t:p"
};

// CoreSpec: what a core run needs.
struct CoreSpec {
  bool plus = false;  // bind a synthetic tls-exporter value, as the -PLUS libsasl2 rows do
  int warmup = 2;
  int count = 200;
  uint32_t iterations = 4096;  // SCRAM's PBKDF2 count (the verifier's and the floors')
  OpaqueKsf opaque_ksf;
  FloorFn client_floor = nullptr;  // run after each authentication, as in the libsasl2 rows
  FloorFn server_floor = nullptr;
  FloorFn client_limit = nullptr;  // likewise (MechanismInfo::client_limit, client_chain)
  FloorFn client_chain = nullptr;
};

// CoreFn runs warmup + count authentications and returns the per-side figures (ok false with a
// detail when one failed).
using CoreFn = PairResult (*)(const CoreSpec& spec);

PairResult RunCpaceCore(const CoreSpec& spec);
PairResult RunOpaqueCore(const CoreSpec& spec);
// RunScramSha*Core: SCRAM's ClientSession against its ServerSession holding the bench user's
// stored verifier (spec.iterations), the server configured as the e2esasl rows' (no
// userPassword fallback, so no PBKDF2 at login).
PairResult RunScramSha1Core(const CoreSpec& spec);
PairResult RunScramSha256Core(const CoreSpec& spec);
PairResult RunScramSha512Core(const CoreSpec& spec);

// KsfFigures: one Argon2id parameter set's cost in this process.
struct KsfFigures {
  std::string params;  // "argon2id:m:t:p"
  double cpu_us = 0;   // median CPU (all threads) per run
  double wall_us = 0;  // median wall-clock per run
  int runs = 0;
};

// MeasureOpaqueKsf runs the OPAQUE client's KSF (opaque::Stretch, as the plugin does) `runs`
// times after one untimed run; nullopt when it fails (e.g. out of memory).
std::optional<KsfFigures> MeasureOpaqueKsf(const OpaqueKsf& ksf, int runs);

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_CORE_H_
