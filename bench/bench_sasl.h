// bench_sasl.h: what the single-process benches (e2esasl-memory-bench, e2esasl-throughput-bench)
// give libsasl2: their options, the bench user and password, both SAS persons answering yes at
// once, and a synthetic tls-exporter binding for -PLUS.
#ifndef E2ESASL_BENCH_BENCH_SASL_H_
#define E2ESASL_BENCH_BENCH_SASL_H_

#include <sasl/sasl.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace e2esasl::bench {

inline constexpr char kBenchService[] = "e2esasl-bench";
inline constexpr char kBenchServerFqdn[] = "bench.example";
inline constexpr char kBenchUser[] = "bench";
inline constexpr char kBenchPassword[] = "pencil-for-the-bench";

// BenchOptions: what SASL_CB_GETOPT answers; fill it before libsasl2 asks.
std::map<std::string, std::string>& BenchOptions();
// SetBenchLogErrors: whether LOG prints libsasl2's errors to stderr (default no). Call it before
// any thread uses the callbacks.
void SetBenchLogErrors(bool log_errors);
// BenchCallbacks: GETOPT, LOG, AUTHNAME/USER, PASS and the SAS persons; built on first call,
// valid for the process's life. Client-side PASS is one static buffer: single-threaded clients
// only.
const sasl_callback_t* BenchCallbacks();
// BenchBinding: the synthetic binding both sides set for -PLUS.
const sasl_channel_binding_t* BenchBinding();
// IsPlus: mech ends in "-PLUS".
bool IsPlus(std::string_view mech);
// SaslError: "call: <errstring> (<errdetail>)".
std::string SaslError(const char* call, int result, sasl_conn_t* conn);

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_BENCH_SASL_H_
