// peer.cc: a bench client or server process driving libsasl2.
#include "peer.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sasl/sasl.h>

#include "cpu_timer.h"
#include "floors.h"
#include "memory_auxprop.h"
#include "stats.h"
#include "wire.h"

namespace e2esasl::bench {
namespace {

constexpr char kService[] = "e2esasl-bench";
constexpr char kServerFqdn[] = "bench.example";
constexpr char kUser[] = "bench";
constexpr char kPassword[] = "pencil-for-the-bench";
// A synthetic channel binding for -PLUS: both sides hold the same 32 bytes, as they would hold
// a TLS connection's tls-exporter value.
constexpr char kBindingName[] = "tls-exporter";
constexpr std::array<unsigned char, 32> kBindingData = {
    0x65, 0x32, 0x65, 0x73, 0x61, 0x73, 0x6c, 0x2d, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x2d, 0x63, 0x62,
    0x2d, 0x64, 0x61, 0x74, 0x61, 0x2d, 0x33, 0x32, 0x2d, 0x62, 0x79, 0x74, 0x65, 0x73, 0x2e, 0x2e};

// The process's libsasl2 configuration: libsasl2 itself is process-global, and each side is a
// process of its own.
struct ProcessState {
  std::map<std::string, std::string> options;
  std::vector<unsigned char> secret;  // sasl_secret_t storage for SASL_CB_PASS
  std::vector<sasl_callback_t> callbacks;
  std::string authname = kUser;
  sasl_channel_binding_t binding{};
  bool verbose = false;
  const char* side = "";
};
ProcessState g_state;

int GetOpt(void*, const char*, const char* option, const char** result, unsigned* len) {
  const auto it = g_state.options.find(option);
  if (it == g_state.options.end()) {
    return SASL_FAIL;
  }
  *result = it->second.c_str();
  if (len != nullptr) {
    *len = static_cast<unsigned>(it->second.size());
  }
  return SASL_OK;
}

int Log(void*, int level, const char* message) {
  if (g_state.verbose && level <= SASL_LOG_WARN && message != nullptr) {
    std::fprintf(stderr, "e2esasl-bench [%s] sasl: %s\n", g_state.side, message);
  }
  return SASL_OK;
}

int GetAuthname(void*, int id, const char** result, unsigned* len) {
  if (id != SASL_CB_AUTHNAME) {
    return SASL_FAIL;
  }
  *result = g_state.authname.c_str();
  if (len != nullptr) {
    *len = static_cast<unsigned>(g_state.authname.size());
  }
  return SASL_OK;
}

int GetSecret(sasl_conn_t*, void*, int, sasl_secret_t** psecret) {
  constexpr size_t kLen = sizeof(kPassword) - 1;
  g_state.secret.assign(sizeof(sasl_secret_t) + kLen, 0);
  auto* secret = reinterpret_cast<sasl_secret_t*>(g_state.secret.data());
  secret->len = kLen;
  std::memcpy(secret->data, kPassword, kLen);
  *psecret = secret;
  return SASL_OK;
}

using CallbackFn = int (*)();
template <typename F>
CallbackFn AsCallback(F* f) {
  // libsasl2's callback table stores every procedure as int (*)(void).
  return reinterpret_cast<CallbackFn>(reinterpret_cast<void (*)()>(f));
}

// SetUp fills g_state for one side and points libsasl2 at the implementation's plugins.
bool SetUp(const PeerSpec& spec, const char* side, std::string* error) {
  g_state.side = side;
  g_state.verbose = spec.verbose;
  if (!spec.authname.empty()) {
    g_state.authname = spec.authname;
  }
  const std::string iterations = std::to_string(spec.iterations);
  auto& o = g_state.options;
  o["sasldb_path"] = spec.sasldb_path;
  o["auxprop_plugin"] = spec.impl == Implementation::kE2esaslMemory ? kMemoryAuxpropName : "sasldb";
  // Only the benched mechanism is loaded, so sasl_setpass provisions only its secret.
  o["mech_list"] = spec.mech.BaseName();
  o["e2esasl_scram_iterations"] = iterations;      // ours: verifiers made by setpass
  o["e2esasl_scram_min_iterations"] = iterations;  // ours: the client accepts the count
  o["scram_iteration_counter"] = iterations;       // Cyrus: setpass and the plaintext path
  // ours: verifiers only, no userPassword fallback, so no (dummy) PBKDF2 at the server's login
  o["e2esasl_scram_password_fallback"] = "no";
  if (spec.impl == Implementation::kCyrusStored) {
    o["scram_secret_generate"] = "1";  // Cyrus: setpass stores authPassword
  }
  // OPAQUE: the server's key file beside the database (created by setpass), and the Argon2id
  // parameters setpass registers the bench user with.
  o["e2esasl_opaque_key_file"] = spec.sasldb_path + ".opaque-key";
  o["e2esasl_opaque_ksf_memory"] = std::to_string(spec.opaque_ksf.memory_kib);
  o["e2esasl_opaque_ksf_time"] = std::to_string(spec.opaque_ksf.iterations);
  o["e2esasl_opaque_ksf_parallelism"] = std::to_string(spec.opaque_ksf.parallelism);
  for (const auto& [name, value] :
       std::strcmp(side, "client") == 0 ? spec.client_options : spec.server_options) {
    o[name] = value;
  }
  g_state.callbacks = {{SASL_CB_GETOPT, AsCallback(&GetOpt), nullptr},
                       {SASL_CB_LOG, AsCallback(&Log), nullptr}};
  if (std::strcmp(side, "client") == 0) {
    g_state.callbacks.push_back({SASL_CB_AUTHNAME, AsCallback(&GetAuthname), nullptr});
    g_state.callbacks.push_back({SASL_CB_PASS, AsCallback(&GetSecret), nullptr});
  }
  g_state.callbacks.push_back({SASL_CB_LIST_END, nullptr, nullptr});
  g_state.binding.name = kBindingName;
  g_state.binding.critical = 0;
  g_state.binding.data = kBindingData.data();
  g_state.binding.len = kBindingData.size();
  std::string path = spec.plugin_path;
  if (sasl_set_path(SASL_PATH_TYPE_PLUGIN, path.data()) != SASL_OK) {
    *error = "sasl_set_path failed";
    return false;
  }
  return true;
}

std::string Describe(const char* call, int r, sasl_conn_t* conn) {
  std::string out = std::string(call) + ": " + sasl_errstring(r, nullptr, nullptr);
  if (conn != nullptr) {
    if (const char* detail = sasl_errdetail(conn); detail != nullptr && *detail != '\0') {
      out += " (";
      out += detail;
      out += ")";
    }
  }
  return out;
}

// Conn owns a sasl_conn_t; Dispose() is explicit so that it can be timed.
class Conn {
 public:
  Conn() = default;
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn() { Dispose(); }
  sasl_conn_t** out() { return &conn_; }
  sasl_conn_t* get() const { return conn_; }
  void Dispose() {
    if (conn_ != nullptr) {
      sasl_dispose(&conn_);
    }
  }

 private:
  sasl_conn_t* conn_ = nullptr;
};

std::string Bytes(const char* data, unsigned len) {
  return data != nullptr ? std::string(data, len) : std::string();
}

// ClientAuth runs one authentication; false with *error on any failure.
bool ClientAuth(const PeerSpec& spec, int in_fd, int out_fd, CpuTimer* timer, std::string* error) {
  Conn conn;
  const char* out = nullptr;
  unsigned outlen = 0;
  const char* chosen = nullptr;
  sasl_interact_t* prompts = nullptr;
  int r = SASL_OK;
  {
    Timed t(timer);
    r = sasl_client_new(kService, kServerFqdn, nullptr, nullptr, g_state.callbacks.data(), 0,
                        conn.out());
    if (r == SASL_OK && spec.mech.plus) {
      r = sasl_setprop(conn.get(), SASL_CHANNEL_BINDING, &g_state.binding);
    }
    if (r == SASL_OK) {
      r = sasl_client_start(conn.get(), spec.mech.name.c_str(), &prompts, &out, &outlen, &chosen);
    }
  }
  if (r != SASL_OK && r != SASL_CONTINUE) {
    *error = Describe("sasl_client_start", r, conn.get());
    WriteFrame(out_fd, FrameKind::kFail, *error);
    return false;
  }
  bool client_done = r == SASL_OK;
  std::string start = spec.mech.name;
  start.push_back('\0');
  start.push_back(out != nullptr ? '1' : '0');
  start += Bytes(out, outlen);
  if (!WriteFrame(out_fd, FrameKind::kStart, start)) {
    *error = "the server is gone (write failed)";
    return false;
  }
  for (;;) {
    const std::optional<Frame> frame = ReadFrame(in_fd);
    if (!frame) {
      *error = "the server is gone (read failed)";
      return false;
    }
    if (frame->kind == FrameKind::kFail) {
      *error = "server failed: " + frame->payload;
      return false;
    }
    if (frame->kind == FrameKind::kData && !client_done) {
      {
        Timed t(timer);
        r = sasl_client_step(conn.get(), frame->payload.data(),
                             static_cast<unsigned>(frame->payload.size()), &prompts, &out, &outlen);
      }
      if (r != SASL_OK && r != SASL_CONTINUE) {
        *error = Describe("sasl_client_step", r, conn.get());
        WriteFrame(out_fd, FrameKind::kFail, *error);
        return false;
      }
      client_done = r == SASL_OK;
      if (!WriteFrame(out_fd, FrameKind::kData, Bytes(out, outlen))) {
        *error = "the server is gone (write failed)";
        return false;
      }
      continue;
    }
    if (frame->kind == FrameKind::kSuccess && !frame->payload.empty()) {
      // Success data (e.g. SCRAM's server-final-message) must be verified by the client.
      if (frame->payload[0] == '1' || !client_done) {
        const std::string data = frame->payload.substr(1);
        Timed t(timer);
        r = sasl_client_step(conn.get(), data.data(), static_cast<unsigned>(data.size()), &prompts,
                             &out, &outlen);
      }
      if (r != SASL_OK) {
        *error = Describe("sasl_client_step (outcome)", r, conn.get());
        WriteFrame(out_fd, FrameKind::kFail, *error);
        return false;
      }
      break;
    }
    *error = "unexpected frame from the server";
    WriteFrame(out_fd, FrameKind::kFail, *error);
    return false;
  }
  {
    Timed t(timer);
    conn.Dispose();
  }
  if (!WriteFrame(out_fd, FrameKind::kDone, "")) {
    *error = "the server is gone (write failed)";
    return false;
  }
  return true;
}

bool ServerAuth(const PeerSpec& spec, int in_fd, int out_fd, CpuTimer* timer, std::string* error) {
  std::optional<Frame> frame = ReadFrame(in_fd);
  if (!frame || frame->kind != FrameKind::kStart) {
    *error = frame && frame->kind == FrameKind::kFail ? "client failed: " + frame->payload
                                                      : "the client is gone (read failed)";
    return false;
  }
  const size_t nul = frame->payload.find('\0');
  if (nul == std::string::npos || nul + 1 >= frame->payload.size()) {
    *error = "malformed start frame";
    return false;
  }
  const std::string mech = frame->payload.substr(0, nul);
  const bool has_initial = frame->payload[nul + 1] == '1';
  const std::string initial = frame->payload.substr(nul + 2);

  Conn conn;
  const char* out = nullptr;
  unsigned outlen = 0;
  const char* call = "sasl_server_start";
  int r = SASL_OK;
  {
    Timed t(timer);
    r = sasl_server_new(kService, kServerFqdn, nullptr, nullptr, nullptr, g_state.callbacks.data(),
                        SASL_SUCCESS_DATA, conn.out());
    if (r == SASL_OK && spec.mech.plus) {
      r = sasl_setprop(conn.get(), SASL_CHANNEL_BINDING, &g_state.binding);
    }
    if (r == SASL_OK) {
      r = sasl_server_start(conn.get(), mech.c_str(), has_initial ? initial.data() : nullptr,
                            static_cast<unsigned>(initial.size()), &out, &outlen);
    }
  }
  for (;;) {
    if (r == SASL_CONTINUE) {
      if (!WriteFrame(out_fd, FrameKind::kData, Bytes(out, outlen))) {
        *error = "the client is gone (write failed)";
        return false;
      }
      frame = ReadFrame(in_fd);
      if (!frame || frame->kind != FrameKind::kData) {
        *error = frame && frame->kind == FrameKind::kFail ? "client failed: " + frame->payload
                                                          : "the client is gone (read failed)";
        return false;
      }
      call = "sasl_server_step";
      Timed t(timer);
      r = sasl_server_step(conn.get(), frame->payload.data(),
                           static_cast<unsigned>(frame->payload.size()), &out, &outlen);
      continue;
    }
    if (r == SASL_OK) {
      std::string outcome(1, out != nullptr ? '1' : '0');
      outcome += Bytes(out, outlen);
      if (!WriteFrame(out_fd, FrameKind::kSuccess, outcome)) {
        *error = "the client is gone (write failed)";
        return false;
      }
      frame = ReadFrame(in_fd);
      if (!frame || frame->kind != FrameKind::kDone) {
        *error = frame && frame->kind == FrameKind::kFail ? "client failed: " + frame->payload
                                                          : "the client is gone (read failed)";
        return false;
      }
      break;
    }
    *error = Describe(call, r, conn.get());
    WriteFrame(out_fd, FrameKind::kFail, *error);
    return false;
  }
  {
    Timed t(timer);
    conn.Dispose();
  }
  return true;
}

// Provision stores the bench user's secret through the implementation's own setpass.
bool Provision(const PeerSpec& spec, std::string* error) {
  Conn conn;
  int r = sasl_server_new(kService, kServerFqdn, nullptr, nullptr, nullptr,
                          g_state.callbacks.data(), 0, conn.out());
  if (r == SASL_OK) {
    unsigned flags = SASL_SET_CREATE;
    if (spec.impl == Implementation::kCyrusStored) {
      flags |= SASL_SET_NOPLAIN;  // no userPassword: Cyrus's server must use authPassword
    }
    r = sasl_setpass(conn.get(), kUser, kPassword, sizeof(kPassword) - 1, nullptr, 0, flags);
  }
  if (r != SASL_OK) {
    *error = Describe("provisioning (sasl_setpass)", r, conn.get());
    return false;
  }
  return true;
}

void Fail(SideReport* report, const std::string& why) {
  std::snprintf(report->detail, sizeof(report->detail), "%s", why.c_str());
}

using AuthFn = bool (*)(const PeerSpec&, int, int, CpuTimer*, std::string*);

void RunLoop(const PeerSpec& spec, int in_fd, int out_fd, AuthFn auth, FloorFn floor_fn,
             FloorFn limit_fn, FloorFn chain_fn, SideReport* report) {
  const int batches = BatchesFor(spec.count);
  std::array<CpuTimer, kMaxBatches> timers;
  FloorRunner floor(floor_fn, FloorParams{spec.iterations}, spec.warmup, spec.count);
  FloorRunner limit(limit_fn, FloorParams{spec.iterations}, spec.warmup, spec.count);
  FloorRunner chain(chain_fn, FloorParams{spec.iterations}, spec.warmup, spec.count);
  for (int i = 0; i < spec.warmup + spec.count; ++i) {
    const int timed = i - spec.warmup;
    CpuTimer* timer = timed >= 0 ? &timers[BatchOf(timed, spec.count, batches)] : nullptr;
    std::string error;
    if (!auth(spec, in_fd, out_fd, timer, &error)) {
      Fail(report, "authentication " + std::to_string(i + 1) + ": " + error);
      break;
    }
    ++report->completed;
    floor.Run(i);
    limit.Run(i);
    chain.Run(i);
  }
  for (int b = 0; b < batches; ++b) {
    report->batch_ns[b] = timers[b].Nanos();
    report->cpu_ns += timers[b].Nanos();
    report->floor_batch_ns[b] = floor.BatchNanos(b);
    report->limit_batch_ns[b] = limit.BatchNanos(b);
    report->chain_batch_ns[b] = chain.BatchNanos(b);
  }
  report->floor_state = floor_fn == nullptr ? 0 : (floor.ok() ? 1 : 2);
  report->limit_state = limit_fn == nullptr ? 0 : (limit.ok() ? 1 : 2);
  report->chain_state = chain_fn == nullptr ? 0 : (chain.ok() ? 1 : 2);
}

}  // namespace

double MedianPerRun(const int64_t* batch_ns, int count) {
  const int batches = BatchesFor(count);
  std::vector<int> sizes(batches, 0);
  for (int i = 0; i < count; ++i) {
    ++sizes[BatchOf(i, count, batches)];
  }
  std::vector<double> per_run;
  for (int b = 0; b < batches; ++b) {
    per_run.push_back(static_cast<double>(batch_ns[b]) / 1000.0 / sizes[b]);
  }
  return Median(per_run);
}

std::string_view ImplementationName(Implementation impl) {
  switch (impl) {
    case Implementation::kE2esasl:
      return "e2esasl";
    case Implementation::kE2esaslMemory:
      return "e2esasl-mem";
    case Implementation::kCyrus:
      return "cyrus";
    case Implementation::kCyrusStored:
      return "cyrus-stored";
    case Implementation::kCore:
      return "core";
  }
  return "?";
}

void RunClient(const PeerSpec& spec, int in_fd, int out_fd, SideReport* report) {
  std::string error;
  if (!SetUp(spec, "client", &error)) {
    Fail(report, error);
    return;
  }
  const int r = sasl_client_init(g_state.callbacks.data());
  if (r != SASL_OK) {
    Fail(report, Describe("sasl_client_init", r, nullptr));
    WriteFrame(out_fd, FrameKind::kFail, report->detail);
    return;
  }
  RunLoop(spec, in_fd, out_fd, &ClientAuth, spec.mech.info->client_floor,
          spec.mech.info->client_limit, spec.mech.info->client_chain, report);
  sasl_done();
}

void RunServer(const PeerSpec& spec, int in_fd, int out_fd, SideReport* report) {
  std::string error;
  if (!SetUp(spec, "server", &error)) {
    Fail(report, error);
    return;
  }
  int r = sasl_server_init(g_state.callbacks.data(), kService);
  if (r == SASL_OK && spec.impl == Implementation::kE2esaslMemory) {
    r = AddMemoryAuxprop();
  }
  if (r != SASL_OK) {
    Fail(report, Describe("sasl_server_init", r, nullptr));
    WriteFrame(out_fd, FrameKind::kFail, report->detail);
    return;
  }
  if (!Provision(spec, &error)) {
    Fail(report, error);
    WriteFrame(out_fd, FrameKind::kFail, error);
  } else {
    RunLoop(spec, in_fd, out_fd, &ServerAuth, spec.mech.info->server_floor, nullptr, nullptr,
            report);
  }
  sasl_done();
}

}  // namespace e2esasl::bench
