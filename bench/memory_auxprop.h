// memory_auxprop.h: an auxprop plugin for the bench's server processes that keeps the users'
// properties in this process's memory: what sasl_setpass stores (through auxprop_store), lookups
// return with no I/O. The "e2esasl-mem" rows use it instead of sasldb, so that their server column
// is libsasl2 + our module with a backend that costs nothing, and set beside the sasldb rows it
// shows what the backend costs. Bench only: never meant for a real server.
#ifndef E2ESASL_BENCH_MEMORY_AUXPROP_H_
#define E2ESASL_BENCH_MEMORY_AUXPROP_H_

namespace e2esasl::bench {

// kMemoryAuxpropName: the plugin's name, for the auxprop_plugin option.
inline constexpr char kMemoryAuxpropName[] = "e2esasl-bench-memory";

// AddMemoryAuxprop registers the plugin with libsasl2 (before sasl_server_init). Returns the
// sasl_auxprop_add_plugin result.
int AddMemoryAuxprop();

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_MEMORY_AUXPROP_H_
