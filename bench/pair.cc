// pair.cc: the two child processes of one benchmarked pair.
#include "pair.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <vector>

#include "stats.h"
#include "wire.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define E2ESASL_BENCH_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/lsan_interface.h>
#define E2ESASL_BENCH_LSAN 1
#endif
#endif

namespace e2esasl::bench {
namespace {

// Pipe owns both ends of a pipe(2).
class Pipe {
 public:
  Pipe() {
    if (pipe(fds_.data()) != 0) {
      fds_ = {-1, -1};
    }
  }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool ok() const { return fds_[0] >= 0; }
  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }
  void CloseRead() { Close(0); }
  void CloseWrite() { Close(1); }

 private:
  void Close(int i) {
    if (fds_[i] >= 0) {
      close(fds_[i]);
      fds_[i] = -1;
    }
  }
  std::array<int, 2> fds_{};
};

using SideFn = void (*)(const PeerSpec&, int, int, SideReport*);

// ForkSide starts one side; the child never returns. Children leave with _exit so they neither
// flush the parent's stdio buffers nor run its atexit handlers. Under AddressSanitizer a child
// that loaded only our modules checks for leaks first; one that loaded Cyrus's uninstrumented
// modules does not (their allocations are not ours to fix), which is detect_leaks=0 for that
// child alone.
pid_t ForkSide(const PeerSpec& spec, SideFn side, Pipe& in, Pipe& out, Pipe& report,
               std::array<Pipe*, 2> others) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid != 0) {
    return pid;
  }
  signal(SIGPIPE, SIG_IGN);  // a vanished peer is an error return, not a silent death
  in.CloseWrite();
  out.CloseRead();
  report.CloseRead();
  for (Pipe* p : others) {
    if (p != nullptr) {
      p->CloseRead();
      p->CloseWrite();
    }
  }
  SideReport result;
  side(spec, in.read_fd(), out.write_fd(), &result);
  in.CloseRead();
  out.CloseWrite();
  const bool written = WriteAll(report.write_fd(), &result, sizeof(result));
  report.CloseWrite();
#ifdef E2ESASL_BENCH_LSAN
  if (spec.impl == Implementation::kE2esasl || spec.impl == Implementation::kE2esaslMemory) {
    __lsan_do_leak_check();
  }
#endif
  _exit(written ? 0 : 1);
}

// Reap waits for pid; false (with *why) unless it exited with status 0.
bool Reap(pid_t pid, const char* side, std::string* why) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      *why = std::string(side) + ": waitpid failed";
      return false;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    return true;
  }
  *why = std::string(side) + (WIFSIGNALED(status)
                                  ? " died of signal " + std::to_string(WTERMSIG(status))
                                  : " exited with status " + std::to_string(WEXITSTATUS(status)));
  return false;
}

}  // namespace

void FloorFigures(int32_t state, const int64_t* batch_ns, int count, std::optional<double>* median,
                  std::optional<double>* mean) {
  if (state != 1 || count <= 0) {
    return;
  }
  *median = MedianPerRun(batch_ns, count);
  int64_t total = 0;
  for (int b = 0; b < BatchesFor(count); ++b) {
    total += batch_ns[b];
  }
  *mean = static_cast<double>(total) / 1000.0 / count;
}

PairResult RunPair(const PeerSpec& spec) {
  PairResult result;
  Pipe to_server, to_client, server_report, client_report;
  if (!to_server.ok() || !to_client.ok() || !server_report.ok() || !client_report.ok()) {
    result.detail = "pipe() failed";
    return result;
  }
  const pid_t server =
      ForkSide(spec, &RunServer, to_server, to_client, server_report, {&client_report, nullptr});
  const pid_t client = server < 0 ? -1
                                  : ForkSide(spec, &RunClient, to_client, to_server, client_report,
                                             {&server_report, nullptr});
  to_server.CloseRead();
  to_server.CloseWrite();
  to_client.CloseRead();
  to_client.CloseWrite();
  server_report.CloseWrite();
  client_report.CloseWrite();
  if (server < 0 || client < 0) {
    result.detail = "fork() failed";
    if (server > 0) {
      kill(server, SIGTERM);
      std::string ignored;
      Reap(server, "server", &ignored);
    }
    return result;
  }
  SideReport c, s;
  const bool got_client = ReadAll(client_report.read_fd(), &c, sizeof(c));
  const bool got_server = ReadAll(server_report.read_fd(), &s, sizeof(s));
  std::string client_exit, server_exit;
  const bool client_clean = Reap(client, "client", &client_exit);
  const bool server_clean = Reap(server, "server", &server_exit);

  const int total = spec.warmup + spec.count;
  if (!got_client || !got_server) {
    result.detail = !got_client ? "the client sent no report" : "the server sent no report";
  } else if (c.completed != total || s.completed != total) {
    result.detail = c.detail[0] != '\0' ? std::string("client: ") + c.detail
                                        : std::string("server: ") + s.detail;
  } else if (!client_clean || !server_clean) {
    result.detail = !client_clean ? client_exit : server_exit;
  } else {
    result.ok = true;
  }
  if (got_client && got_server && spec.count > 0) {
    result.client_mean_us = static_cast<double>(c.cpu_ns) / 1000.0 / spec.count;
    result.server_mean_us = static_cast<double>(s.cpu_ns) / 1000.0 / spec.count;
    result.client_us = MedianPerRun(c.batch_ns, spec.count);
    result.server_us = MedianPerRun(s.batch_ns, spec.count);
    FloorFigures(c.floor_state, c.floor_batch_ns, spec.count, &result.client_floor_us,
                 &result.client_floor_mean_us);
    FloorFigures(s.floor_state, s.floor_batch_ns, spec.count, &result.server_floor_us,
                 &result.server_floor_mean_us);
    FloorFigures(c.limit_state, c.limit_batch_ns, spec.count, &result.client_limit_us,
                 &result.client_limit_mean_us);
    FloorFigures(c.chain_state, c.chain_batch_ns, spec.count, &result.client_chain_us,
                 &result.client_chain_mean_us);
  }
  return result;
}

}  // namespace e2esasl::bench
