// peer.h: one side of a benchmarked pair — a process that initialises libsasl2 with one
// implementation's plugins, runs warmup + count complete authentications over pipes (a new
// sasl_conn_t each) and times its own CPU over the SASL calls only.
#ifndef E2ESASL_BENCH_PEER_H_
#define E2ESASL_BENCH_PEER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "mechanisms.h"

namespace e2esasl::bench {

// Implementation: whose plugins a pair loads, and how the server is provisioned.
enum class Implementation {
  kE2esasl,        // our modules; sasl_setpass stores our verifier (and userPassword)
  kE2esaslMemory,  // the same with the bench's in-memory auxprop instead of sasldb
  kCyrus,          // Cyrus's modules as installed: userPassword only, PBKDF2 at every login
  kCyrusStored,  // Cyrus's modules with scram_secret_generate=1 and SASL_SET_NOPLAIN: authPassword
  kCore,         // our protocol core in one process, without libsasl2 (core.h)
};

std::string_view ImplementationName(Implementation impl);

// PeerSpec: everything a side needs; the paths are the parent's to create and remove.
struct PeerSpec {
  Implementation impl = Implementation::kE2esasl;
  Mechanism mech;
  std::string plugin_path;  // SASL_PATH: the implementation's module dir and a sasldb-only dir
  std::string sasldb_path;  // a fresh database for this pair
  uint32_t iterations = 4096;
  OpaqueKsf opaque_ksf;  // OPAQUE's Argon2id for the bench user
  int warmup = 2;
  int count = 200;
  bool verbose = false;  // print libsasl2's log messages (warnings and errors) to stderr
  // The client's authentication identity when not the bench user (VOUCH: its statement's sub).
  std::string authname;
  // Further options of each side (VOUCH: its statement, device key and trust directory).
  std::map<std::string, std::string> client_options;
  std::map<std::string, std::string> server_options;
};

// kMaxBatches: the timed authentications are split into up to this many consecutive batches,
// so the parent can take the median of the batch means (robust to bursts of other load).
constexpr int kMaxBatches = 16;

// BatchOf: the batch (0..batches-1) of timed authentication `index` of `count`.
inline int BatchOf(int index, int count, int batches) {
  return static_cast<int>(static_cast<int64_t>(index) * batches / count);
}
inline int BatchesFor(int count) {
  return count < kMaxBatches ? count : kMaxBatches;
}

// SideReport: what a side sends its parent, raw over a pipe (same binary at both ends).
struct SideReport {
  int32_t completed = 0;               // authentications that succeeded, warmup included
  int64_t cpu_ns = 0;                  // CPU over the SASL calls of the timed authentications
  int64_t batch_ns[kMaxBatches] = {};  // the same per batch (BatchOf)
  // The side's floor (mechanisms.h), run once after every authentication in this process:
  // floor_state 0 none, 1 measured (floor_batch_ns as batch_ns), 2 the primitive failed.
  int32_t floor_state = 0;
  int64_t floor_batch_ns[kMaxBatches] = {};
  // The same for the side's limit and chain (MechanismInfo::client_limit, client_chain; the
  // server has neither).
  int32_t limit_state = 0;
  int64_t limit_batch_ns[kMaxBatches] = {};
  int32_t chain_state = 0;
  int64_t chain_batch_ns[kMaxBatches] = {};
  char detail[512] = {};  // why it stopped, when completed < warmup + count
};

// MedianPerRun: the median over the batches of each batch's microseconds per run, from
// per-batch nanoseconds of `count` runs split as BatchOf does.
double MedianPerRun(const int64_t* batch_ns, int count);

// RunClient / RunServer run one side to the end and fill *report; in_fd/out_fd are the pipes
// to the peer. They call sasl_*_init and sasl_done themselves: call each once per process.
void RunClient(const PeerSpec& spec, int in_fd, int out_fd, SideReport* report);
void RunServer(const PeerSpec& spec, int in_fd, int out_fd, SideReport* report);

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_PEER_H_
