// pair.h: RunPair forks a client and a server process for one (implementation, mechanism),
// connects them with pipes and collects what each side measured.
#ifndef E2ESASL_BENCH_PAIR_H_
#define E2ESASL_BENCH_PAIR_H_

#include <cstdint>
#include <optional>
#include <string>

#include "peer.h"

namespace e2esasl::bench {

// PairResult: per-authentication CPU of each side over the timed authentications: the median
// of the batch means (the bench's headline figure) and the plain mean.
struct PairResult {
  bool ok = false;     // both sides completed every authentication and exited cleanly
  std::string detail;  // why not, when !ok
  double client_us = 0;
  double server_us = 0;
  double client_mean_us = 0;
  double server_mean_us = 0;
  // Each side's floor, run after each of its authentications in its own process (FloorRunner):
  // the same statistic; nullopt when the side has no floor or its primitive failed.
  std::optional<double> client_floor_us;
  std::optional<double> server_floor_us;
  std::optional<double> client_floor_mean_us;
  std::optional<double> server_floor_mean_us;
  // The client's limit and chain (MechanismInfo::client_limit, client_chain), measured the
  // same way.
  std::optional<double> client_limit_us;
  std::optional<double> client_limit_mean_us;
  std::optional<double> client_chain_us;
  std::optional<double> client_chain_mean_us;
};

// FloorFigures: the median-of-batches and the mean per run of a side's floor from its report.
void FloorFigures(int32_t state, const int64_t* batch_ns, int count, std::optional<double>* median,
                  std::optional<double>* mean);

// RunPair runs spec in two child processes and waits for both. The parent's own state is
// untouched: libsasl2 is initialised only in the children.
PairResult RunPair(const PeerSpec& spec);

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_PAIR_H_
