// sandbox.cc: see sandbox.h.
#include "sandbox.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace e2esasl::bench::xmpp {
namespace {

namespace fs = std::filesystem;

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

int RunProgram(const std::vector<std::string>& argv, std::string* output) {
  output->clear();
  // Close-on-exec: only the child's stdout and stderr hold the write end, not the processes
  // it leaves running (Prosody, the watchdog), or reading would wait for them to end.
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return -1;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    return -1;
  }
  char buf[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof(buf))) != 0;) {
    if (n > 0) {
      output->append(buf, static_cast<size_t>(n));
    } else if (errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return -1;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

WorkDir::WorkDir() {
  std::string templ = "/tmp/e2esasl-xmpp-bench-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    throw std::runtime_error("mkdtemp under /tmp failed");
  }
  path_ = templ;
  // Prosody's user must traverse it to reach the server directories inside.
  fs::permissions(path_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
}

WorkDir::~WorkDir() {
  if (!keep_) {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
}

std::string WorkDir::SasldbOnly(const std::string& cyrus_dir) const {
  const fs::path dir = fs::path(path_) / "sasldb-only";
  const fs::path target = fs::path(cyrus_dir) / "libsasldb.so";
  if (!fs::exists(target)) {
    throw std::runtime_error(target.string() + " not found (Debian: libsasl2-modules-db)");
  }
  fs::create_directories(dir);
  fs::create_symlink(target, dir / "libsasldb.so");
  return dir.string();
}

Prosody::Prosody(const std::string& script, const std::string& dir, bool limits, bool nagle)
    : script_(script), dir_(dir) {
  std::vector<std::string> argv = {
      script_, "start", dir_, "--log-level", "warn", "--watch", std::to_string(getpid())};
  if (!limits) {
    argv.push_back("--no-limits");
  }
  if (!nagle) {
    argv.push_back("--no-nagle");
  }
  std::string output;
  if (RunProgram(argv, &output) != 0) {
    throw std::runtime_error("e2e-prosody start failed: " + output);
  }
  port_ = std::atoi(FirstLine(dir_ + "/port").c_str());
  pid_ = std::atoi(FirstLine(dir_ + "/prosody.pid").c_str());
  if (port_ <= 0) {
    std::string ignored;
    RunProgram({script_, "stop", dir_}, &ignored);
    throw std::runtime_error("e2e-prosody start wrote no port: " + output);
  }
}

Prosody::~Prosody() {
  std::string output;
  if (RunProgram({script_, "stop", dir_}, &output) != 0) {
    std::fprintf(stderr, "e2esasl-xmpp-bench: e2e-prosody stop %s failed: %s\n", dir_.c_str(),
                 output.c_str());
  }
}

void Prosody::Register(const std::string& user, const std::string& password) {
  std::string output;
  if (RunProgram({script_, "register", dir_, user, password}, &output) != 0) {
    throw std::runtime_error("e2e-prosody register " + user + " failed: " + output);
  }
}

int64_t Prosody::CpuNanos() const {
  if (pid_ <= 0) {
    return 0;
  }
  int64_t total = 0;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid_) + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    int64_t on_cpu_ns = 0;
    if (in >> on_cpu_ns) {
      total += on_cpu_ns;
    }
  }
  return total;
}

}  // namespace e2esasl::bench::xmpp
