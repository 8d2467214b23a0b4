// report.h: the bench's results — one row per (mechanism, implementation) — printed as a table
// or as JSON, with the ratios and the informational target checks of each family's issue.
#ifndef E2ESASL_BENCH_REPORT_H_
#define E2ESASL_BENCH_REPORT_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "core.h"
#include "peer.h"

namespace e2esasl::bench {

// Row: one pair's outcome and the floor of its mechanism, measured in the same run.
struct Row {
  std::string mechanism;  // as requested, e.g. "SCRAM-SHA-256-PLUS"
  Implementation impl = Implementation::kE2esasl;
  bool ran = false;      // false: not applicable (e.g. Cyrus has no such mechanism)
  bool ok = false;       // every authentication succeeded on both sides
  std::string detail;    // why not ran / not ok
  double client_us = 0;  // median of the batch means (the headline figure)
  double server_us = 0;
  double client_mean_us = 0;  // plain means, in the JSON
  double server_mean_us = 0;
  std::optional<double> client_floor_us;  // std::nullopt: no floor function
  std::optional<double> server_floor_us;  // std::nullopt: the server has no floor work
  std::optional<double> client_floor_mean_us;
  std::optional<double> server_floor_mean_us;
  std::string floor_text;
  // client_limit_us: the client's physical limit (SCRAM: 2 * i compressions), measured like the
  // floor; std::nullopt: none.
  std::optional<double> client_limit_us;
  std::optional<double> client_limit_mean_us;
  std::string limit_text;
  // client_chain_us: the limit's compressions chained as the mechanism chains them (SCRAM:
  // each message the previous output, floors.h ChainScramSha*).
  std::optional<double> client_chain_us;
  std::optional<double> client_chain_mean_us;
  bool baseline = false;  // a libsasl2 baseline row (MechanismInfo::baseline)
  // client_excluded_us: CPU the floor does not count and the client ratio leaves out (OPAQUE's
  // KSF at the bench's parameters, measured in this process); excluded_text says what it is.
  std::optional<double> client_excluded_us;
  std::string excluded_text;
};

// RunInfo: how and where the run happened.
struct RunInfo {
  int count = 0;
  int warmup = 0;
  uint32_t iterations = 0;
  long nproc = 0;
  std::string cpu_model;
  std::string load_before;  // /proc/loadavg at the start and the end
  std::string load_after;
  std::string plugin_dir;
  std::string cyrus_dir;
  // OPAQUE's KSF: at the bench's parameters (subtracted from the client) and at the plugin's
  // defaults (what a real login pays), when an OPAQUE row ran.
  std::optional<KsfFigures> ksf_bench;
  std::optional<KsfFigures> ksf_default;
};

// PrintTable writes the human-readable table, the targets and any failures.
void PrintTable(std::FILE* out, const RunInfo& info, const std::vector<Row>& rows);

// PrintJson writes the same as one JSON object.
void PrintJson(std::FILE* out, const RunInfo& info, const std::vector<Row>& rows);

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_REPORT_H_
