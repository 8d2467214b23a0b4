// throughput_bench.cc: e2esasl-throughput-bench, a multi-threaded libsasl2 server's throughput
// and how it scales with threads (issue 15 section 2, docs/performance.md "Server throughput").
//
// One server process runs T threads; each thread owns an equal share of C client connections
// (socketpairs to C client processes, each running complete authentications back to back) and
// serves them with poll(), one sasl_conn_t per exchange, so C exchanges are in flight. For each
// mechanism, store and T it reports, over a timed window after a warm-up:
//   auth/s        authentications the server completed per second of wall time;
//   server CPU    CPU time of the server threads inside sasl_server_* per authentication
//                 (CLOCK_THREAD_CPUTIME_ID);
//   waits         voluntary context switches of the server threads inside sasl_server_* per
//                 authentication (getrusage RUSAGE_THREAD): a thread that blocks on a lock or on
//                 I/O inside libsasl2 or a plugin shows here; with the in-memory auxprop the
//                 ideal is 0;
//   capacity      T / server CPU: the authentications per second the server's threads could
//                 complete if the clients cost nothing. On this 2-core machine the clients run on
//                 the same cores, so auth/s is bounded by clients + server together; the scaling
//                 of the server itself is capacity(T=2) / capacity(T=1), valid when waits stay 0.
// --check: a test rather than a benchmark: a short run per row that fails (exit 1) unless every
// authentication succeeded and every server thread served some. The ThreadSanitizer build runs it
// (CTest threads.Server).
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sasl/sasl.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench_sasl.h"
#include "memory_auxprop.h"
#include "wire.h"

namespace {

using e2esasl::bench::FrameKind;
using e2esasl::bench::ReadFrame;
using e2esasl::bench::WriteFrame;

using e2esasl::bench::BenchBinding;
using e2esasl::bench::BenchCallbacks;
using e2esasl::bench::BenchOptions;
using e2esasl::bench::IsPlus;
using e2esasl::bench::kBenchPassword;
using e2esasl::bench::kBenchServerFqdn;
using e2esasl::bench::kBenchService;
using e2esasl::bench::kBenchUser;

std::string Payload(const char* data, unsigned len) {
  return data != nullptr ? std::string(data, len) : std::string();
}

// RunClient: a client process: authentications back to back over fd until the server closes
// it. Exit status 0 at a clean end, 1 when an authentication failed.
int RunClient(const std::string& mech, int fd) {
  if (sasl_client_init(BenchCallbacks()) != SASL_OK) {
    return 1;
  }
  const bool plus = IsPlus(mech);
  for (;;) {
    sasl_conn_t* conn = nullptr;
    const char* out = nullptr;
    unsigned len = 0;
    const char* chosen = nullptr;
    sasl_interact_t* prompts = nullptr;
    int r = sasl_client_new(kBenchService, kBenchServerFqdn, nullptr, nullptr, BenchCallbacks(), 0,
                            &conn);
    if (r == SASL_OK && plus) {
      r = sasl_setprop(conn, SASL_CHANNEL_BINDING, BenchBinding());
    }
    if (r == SASL_OK) {
      r = sasl_client_start(conn, mech.c_str(), &prompts, &out, &len, &chosen);
    }
    if (r != SASL_OK && r != SASL_CONTINUE) {
      WriteFrame(fd, FrameKind::kFail, sasl_errdetail(conn));
      sasl_dispose(&conn);
      return 1;
    }
    std::string start = mech;
    start.push_back('\0');
    start.push_back(out != nullptr ? '1' : '0');
    start += Payload(out, len);
    if (!WriteFrame(fd, FrameKind::kStart, start)) {
      sasl_dispose(&conn);
      return 0;  // the server closed the connection: the run is over
    }
    for (;;) {
      const auto frame = ReadFrame(fd);
      if (!frame) {
        sasl_dispose(&conn);
        return 0;
      }
      if (frame->kind == FrameKind::kData || frame->kind == FrameKind::kSuccess) {
        const bool success = frame->kind == FrameKind::kSuccess;
        std::string in = frame->payload;
        const bool has_data = !success || (!in.empty() && in[0] == '1');
        if (success) {
          in.erase(0, 1);
        }
        r = SASL_OK;
        if (has_data || !success) {
          r = sasl_client_step(conn, in.data(), static_cast<unsigned>(in.size()), &prompts, &out,
                               &len);
        }
        if (success && r == SASL_CONTINUE) {  // the client completes on the empty outcome
          r = sasl_client_step(conn, "", 0, &prompts, &out, &len);
        }
        if (success) {
          if (r != SASL_OK) {
            WriteFrame(fd, FrameKind::kFail, sasl_errdetail(conn));
            sasl_dispose(&conn);
            return 1;
          }
          WriteFrame(fd, FrameKind::kDone, "");
          break;
        }
        if (r != SASL_OK && r != SASL_CONTINUE) {
          WriteFrame(fd, FrameKind::kFail, sasl_errdetail(conn));
          sasl_dispose(&conn);
          return 1;
        }
        if (!WriteFrame(fd, FrameKind::kData, Payload(out, len))) {
          sasl_dispose(&conn);
          return 0;
        }
      } else {
        std::fprintf(stderr, "e2esasl-throughput-bench client: the server failed: %s\n",
                     frame->payload.c_str());
        sasl_dispose(&conn);
        return 1;
      }
    }
    sasl_dispose(&conn);
  }
}

int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}
long ThreadVoluntarySwitches() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_nvcsw;
}

struct ThreadStats {
  long completed = 0;  // inside the window
  long failed = 0;
  int64_t cpu_ns = 0;  // inside the window
  long waits = 0;      // inside the window
};

struct Window {
  std::chrono::steady_clock::time_point start, end;
  bool Inside() const {
    const auto now = std::chrono::steady_clock::now();
    return now >= start && now < end;
  }
};

// ServeThread: one server thread, its connections served with poll until the window ends.
void ServeThread(const std::vector<int>& fds, const Window& window, ThreadStats* stats) {
  const size_t n = fds.size();
  std::vector<sasl_conn_t*> conns(n, nullptr);
  std::vector<pollfd> polls(n);
  for (size_t i = 0; i < n; ++i) {
    polls[i] = {fds[i], POLLIN, 0};
  }
  std::vector<bool> open(n, true);
  size_t open_count = n;
  // A SASL call, timed on this thread when inside the window.
  auto timed = [&](auto&& call) {
    const bool inside = window.Inside();
    const int64_t cpu0 = inside ? ThreadCpuNs() : 0;
    const long w0 = inside ? ThreadVoluntarySwitches() : 0;
    const int r = call();
    if (inside) {
      stats->cpu_ns += ThreadCpuNs() - cpu0;
      stats->waits += ThreadVoluntarySwitches() - w0;
    }
    return r;
  };
  auto reply = [&](size_t i, int r, const char* out, unsigned len) {
    if (r == SASL_CONTINUE) {
      WriteFrame(fds[i], FrameKind::kData, Payload(out, len));
    } else if (r == SASL_OK) {
      std::string payload(1, out != nullptr ? '1' : '0');
      payload += Payload(out, len);
      WriteFrame(fds[i], FrameKind::kSuccess, payload);
    } else {
      ++stats->failed;
      std::fprintf(stderr, "e2esasl-throughput-bench server: %s\n", sasl_errdetail(conns[i]));
      WriteFrame(fds[i], FrameKind::kFail, sasl_errdetail(conns[i]));
      sasl_dispose(&conns[i]);
    }
  };
  while (std::chrono::steady_clock::now() < window.end && open_count > 0) {
    if (poll(polls.data(), n, 100) <= 0) {
      continue;
    }
    for (size_t i = 0; i < n; ++i) {
      if (!open[i] || polls[i].revents == 0) {
        continue;
      }
      const auto frame = ReadFrame(fds[i]);
      if (!frame) {
        open[i] = false;
        polls[i].fd = -1;
        --open_count;
        continue;
      }
      const char* out = nullptr;
      unsigned len = 0;
      switch (frame->kind) {
        case FrameKind::kStart: {
          const size_t nul = frame->payload.find('\0');
          const std::string mech = frame->payload.substr(0, nul);
          const bool initial = frame->payload.size() > nul + 1 && frame->payload[nul + 1] == '1';
          const std::string data = frame->payload.substr(std::min(frame->payload.size(), nul + 2));
          const int r = timed([&] {
            int rc = sasl_server_new(kBenchService, kBenchServerFqdn, nullptr, nullptr, nullptr,
                                     BenchCallbacks(), 0, &conns[i]);
            if (rc == SASL_OK && IsPlus(mech)) {
              rc = sasl_setprop(conns[i], SASL_CHANNEL_BINDING, BenchBinding());
            }
            if (rc == SASL_OK) {
              rc = sasl_server_start(conns[i], mech.c_str(), initial ? data.data() : nullptr,
                                     static_cast<unsigned>(data.size()), &out, &len);
            }
            return rc;
          });
          reply(i, r, out, len);
          break;
        }
        case FrameKind::kData: {
          const int r = timed([&] {
            return sasl_server_step(conns[i], frame->payload.data(),
                                    static_cast<unsigned>(frame->payload.size()), &out, &len);
          });
          reply(i, r, out, len);
          break;
        }
        case FrameKind::kDone:
          timed([&] {
            sasl_dispose(&conns[i]);
            return SASL_OK;
          });
          if (window.Inside()) {
            ++stats->completed;
          }
          break;
        default:
          ++stats->failed;
          std::fprintf(stderr, "e2esasl-throughput-bench: a client failed: %s\n",
                       frame->payload.c_str());
          if (conns[i] != nullptr) {
            sasl_dispose(&conns[i]);
          }
          open[i] = false;
          polls[i].fd = -1;
          --open_count;
          break;
      }
    }
  }
  for (auto*& c : conns) {
    if (c != nullptr) {
      sasl_dispose(&c);
    }
  }
}

struct Result {
  double auth_per_s = 0, cpu_us = 0, waits = 0, capacity = 0;
  long completed = 0, failed = 0;
  int threads_idle = 0;
  bool clients_ok = true;
};

// RunConfig: one row: C client processes, T server threads in this process.
Result RunConfig(const std::string& mech, int threads, int clients, double warmup_s,
                 double seconds) {
  std::vector<int> server_fds;
  std::vector<pid_t> pids;
  for (int c = 0; c < clients; ++c) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      std::perror("socketpair");
      std::exit(1);
    }
    const pid_t pid = fork();
    if (pid == 0) {
      close(sv[0]);
      for (int fd : server_fds) {
        close(fd);
      }
      _exit(RunClient(mech, sv[1]));
    }
    close(sv[1]);
    server_fds.push_back(sv[0]);
    pids.push_back(pid);
  }
  Window window;
  window.start = std::chrono::steady_clock::now() +
                 std::chrono::microseconds(static_cast<int64_t>(warmup_s * 1e6));
  window.end = window.start + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
  std::vector<std::vector<int>> shares(threads);
  for (int c = 0; c < clients; ++c) {
    shares[c % threads].push_back(server_fds[c]);
  }
  std::vector<ThreadStats> stats(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back(ServeThread, std::cref(shares[t]), std::cref(window), &stats[t]);
  }
  for (auto& w : workers) {
    w.join();
  }
  for (int fd : server_fds) {
    close(fd);
  }
  Result result;
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      result.clients_ok = false;
    }
  }
  int64_t cpu = 0;
  long waits = 0;
  for (const ThreadStats& s : stats) {
    result.completed += s.completed;
    result.failed += s.failed;
    cpu += s.cpu_ns;
    waits += s.waits;
    if (s.completed == 0) {
      ++result.threads_idle;
    }
  }
  if (result.completed > 0) {
    result.auth_per_s = static_cast<double>(result.completed) / seconds;
    result.cpu_us = static_cast<double>(cpu) / 1000.0 / static_cast<double>(result.completed);
    result.waits = static_cast<double>(waits) / static_cast<double>(result.completed);
    result.capacity = threads * 1e6 / result.cpu_us;
  }
  return result;
}

std::vector<std::string> Split(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = list.find(',', start);
    out.push_back(list.substr(start, comma - start));
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  return out;
}

int Usage() {
  std::fprintf(stderr,
               "usage: e2esasl-throughput-bench [--mech LIST] [--threads LIST] [--clients C]\n"
               "         [--store memory|sasldb] [--seconds S] [--warmup S] [--plugin-dir DIR]\n"
               "         [--check]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  e2esasl::bench::SetBenchLogErrors(true);
  // A peer that closed its end (the clients at the end of a run) is EOF or EPIPE, not a signal.
  signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> mechs = {"SCRAM-SHA-256",   "SCRAM-SHA-256-PLUS", "CPACE-R255",
                                    "CPACE-R255-PLUS", "OPAQUE-R255",        "OPAQUE-R255-PLUS",
                                    "SAS-R255-PLUS"};
  std::vector<int> thread_counts = {1, 2};
  int clients = 4;
  std::string store = "memory";
  double seconds = 3, warmup = 0.5;
  bool check = false;
  std::string plugin_dir = E2ESASL_BENCH_DEFAULT_PLUGIN_DIR;
  if (const char* env = std::getenv("E2ESASL_PLUGIN_DIR"); env != nullptr && *env != '\0') {
    plugin_dir = env;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--mech" && has_value) {
      mechs = Split(argv[++i]);
    } else if (a == "--threads" && has_value) {
      thread_counts.clear();
      for (const std::string& t : Split(argv[++i])) {
        thread_counts.push_back(std::atoi(t.c_str()));
      }
    } else if (a == "--clients" && has_value) {
      clients = std::atoi(argv[++i]);
    } else if (a == "--store" && has_value) {
      store = argv[++i];
    } else if (a == "--seconds" && has_value) {
      seconds = std::atof(argv[++i]);
    } else if (a == "--warmup" && has_value) {
      warmup = std::atof(argv[++i]);
    } else if (a == "--plugin-dir" && has_value) {
      plugin_dir = argv[++i];
    } else if (a == "--check") {
      check = true;
    } else {
      return Usage();
    }
  }
  for (int t : thread_counts) {
    if (t < 1 || t > 64) {
      return Usage();
    }
  }
  if (clients < 1 || clients > 256 || seconds <= 0 || warmup < 0 ||
      (store != "memory" && store != "sasldb")) {
    return Usage();
  }
  if (check) {
    seconds = std::min(seconds, 1.0);
    warmup = 0;
  }
  const std::string dir =
      std::filesystem::temp_directory_path() / ("e2esasl-throughput-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  BenchOptions() = {
      {"auxprop_plugin", store == "memory" ? e2esasl::bench::kMemoryAuxpropName : "sasldb"},
      {"sasldb_path", dir + "/sasldb"},
      {"mech_list", "SCRAM-SHA-256 CPACE-R255 OPAQUE-R255 SAS-R255"},
      {"e2esasl_scram_iterations", "4096"},
      {"e2esasl_scram_password_fallback", "no"},
      {"e2esasl_opaque_key_file", dir + "/opaque.key"},
      {"e2esasl_opaque_ksf_memory", "8"},
      {"e2esasl_opaque_ksf_time", "1"},
      {"e2esasl_opaque_ksf_parallelism", "1"}};
  // libsasl2 is initialised in the server (this process) before the clients are forked, so each
  // client inherits the plugin path; the clients call sasl_client_init themselves.
  int r = sasl_set_path(SASL_PATH_TYPE_PLUGIN, plugin_dir.data());
  if (r == SASL_OK) {
    r = sasl_server_init(BenchCallbacks(), kBenchService);
  }
  if (r == SASL_OK && store == "memory") {
    r = e2esasl::bench::AddMemoryAuxprop();
  }
  sasl_conn_t* conn = nullptr;
  if (r == SASL_OK) {
    r = sasl_server_new(kBenchService, kBenchServerFqdn, nullptr, nullptr, nullptr,
                        BenchCallbacks(), 0, &conn);
  }
  if (r == SASL_OK) {
    r = sasl_setpass(conn, kBenchUser, kBenchPassword, sizeof(kBenchPassword) - 1, nullptr, 0,
                     SASL_SET_CREATE);
  }
  if (r != SASL_OK) {
    std::fprintf(stderr, "e2esasl-throughput-bench: set-up failed: %s\n",
                 conn != nullptr ? sasl_errdetail(conn) : sasl_errstring(r, nullptr, nullptr));
    std::filesystem::remove_all(dir);
    return 1;
  }
  sasl_dispose(&conn);
  std::printf(
      "| mechanism | store | threads | clients | auth/s | server CPU us/auth | waits/auth "
      "| capacity auth/s |\n|---|---|---|---|---|---|---|---|\n");
  int status = 0;
  for (const std::string& mech : mechs) {
    for (int threads : thread_counts) {
      const Result res = RunConfig(mech, threads, std::max(clients, threads), warmup, seconds);
      std::printf("| %s | %s | %d | %d | %.0f | %.0f | %.3f | %.0f |\n", mech.c_str(),
                  store.c_str(), threads, std::max(clients, threads), res.auth_per_s, res.cpu_us,
                  res.waits, res.capacity);
      std::fflush(stdout);
      if (res.failed > 0 || !res.clients_ok || res.completed == 0) {
        std::fprintf(stderr, "%s, %d threads: %ld failed authentications, clients %s\n",
                     mech.c_str(), threads, res.failed, res.clients_ok ? "ok" : "failed");
        status = 1;
      }
      if (check && res.threads_idle > 0) {
        std::fprintf(stderr, "%s: %d of %d server threads served nothing\n", mech.c_str(),
                     res.threads_idle, threads);
        status = 1;
      }
    }
  }
  sasl_done();
  std::filesystem::remove_all(dir);
  return status;
}
