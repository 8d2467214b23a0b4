// stats.h: Median of a non-empty sample (the mean of the middle two for an even size); 0 for
// an empty one.
#ifndef E2ESASL_BENCH_STATS_H_
#define E2ESASL_BENCH_STATS_H_

#include <algorithm>
#include <vector>

namespace e2esasl::bench {

inline double Median(std::vector<double> values) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_STATS_H_
