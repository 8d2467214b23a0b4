// prosody_fixture.cc: see prosody_fixture.h.
#include "prosody_fixture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace e2esasl::xmpp_test {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(40);  // the script waits at most 20 s
constexpr auto kCommandTimeout = std::chrono::seconds(20);

// Fd: a file descriptor closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) {
      close(fd_);
    }
    fd_ = -1;
  }

 private:
  int fd_;
};

std::string Join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    out += (out.empty() ? "" : " ") + arg;
  }
  return out;
}

}  // namespace

int RunProgram(const std::vector<std::string>& argv, std::string* output,
               std::chrono::seconds timeout) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    // The child: stdout and stderr into the pipe, stdin from /dev/null.
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(write_end.get(), 1) < 0 ||
        dup2(write_end.get(), 2) < 0) {
      _exit(126);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  write_end.Reset();
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool killed = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      killed = true;
      break;
    }
    pollfd pfd{read_end.get(), POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      continue;  // the deadline check above ends it
    }
    char buf[4096];
    const ssize_t n = read(read_end.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;  // EOF: the program (and whatever shared its output) is done
    }
    out.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (output != nullptr) {
    *output = out;
  }
  if (killed || !WIFEXITED(status)) {
    return -1;
  }
  return WEXITSTATUS(status);
}

std::string ScriptPath() {
  if (const char* source = std::getenv("E2ESASL_SOURCE_DIR"); source != nullptr && *source) {
    return std::string(source) + "/xmpp/prosody/e2e-prosody";
  }
  return E2ESASL_PROSODY_SCRIPT;
}

ProsodyServer::ProsodyServer(const ProsodyOptions& options) {
  // Under /tmp, not $TMPDIR: the prosody user must be able to reach the directory.
  std::string dir_template = "/tmp/e2esasl-prosody-XXXXXX";
  if (mkdtemp(dir_template.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = dir_template;
  std::vector<std::string> argv = {"/bin/bash", ScriptPath(), "start", dir_};
  argv.insert(argv.end(), {"--log-level", options.log_level});
  // --watch: should this process die without its destructors, the server stops all the same.
  argv.insert(argv.end(), {"--watch", std::to_string(getpid())});
  if (!options.limits) {
    argv.push_back("--no-limits");
  }
  if (!options.compromise.empty()) {
    argv.push_back("--compromise");
    argv.insert(argv.end(), options.compromise.begin(), options.compromise.end());
  }
  if (!options.vouch_key_file.empty()) {
    argv.insert(argv.end(), {"--vouch", options.vouch_key_file});
    if (options.vouch_lifetime != 0) {
      argv.insert(argv.end(), {"--vouch-lifetime", std::to_string(options.vouch_lifetime)});
    }
  }
  std::string out;
  const int status = RunProgram(argv, &out, kStartTimeout);
  if (status != 0) {
    const std::string message = Join(argv) + " -> exit " + std::to_string(status) + ":\n" + out;
    Stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    throw std::runtime_error(message);
  }
  try {
    port_ = std::stoi(ReadFile("port"));
  } catch (const std::exception&) {
    Stop();
    throw std::runtime_error("e2e-prosody start wrote no port: " + out);
  }
}

ProsodyServer::~ProsodyServer() {
  // A stop that failed (or timed out on a loaded machine) keeps the directory: the script's
  // watchdog stops the server when this process is gone.
  const bool stopped = Stop() == 0;
  const char* keep = std::getenv("E2ESASL_KEEP_PROSODY_DIR");
  if (stopped && (keep == nullptr || std::string(keep) != "1")) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

int ProsodyServer::Stop() {
  std::string out;
  // The script waits up to 10 s after SIGTERM before SIGKILL; a loaded machine adds to that.
  return RunProgram({"/bin/bash", ScriptPath(), "stop", dir_}, &out, std::chrono::seconds(60));
}

void ProsodyServer::Register(const std::string& user, const std::string& password) {
  std::string out;
  const int status = RunProgram({"/bin/bash", ScriptPath(), "register", dir_, user, password}, &out,
                                kCommandTimeout);
  if (status != 0) {
    throw std::runtime_error("e2e-prosody register " + user + " -> exit " + std::to_string(status) +
                             ": " + out);
  }
}

std::string ProsodyServer::ReadFile(const std::string& name) const {
  std::ifstream in(dir_ + "/" + name);
  if (!in) {
    throw std::runtime_error("cannot read " + dir_ + "/" + name);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ProsodyServer::LogTail() const {
  std::string log;
  try {
    log = ReadFile("prosody.log");
  } catch (const std::exception& e) {
    return e.what();
  }
  constexpr size_t kTail = 4000;
  return log.size() > kTail ? log.substr(log.size() - kTail) : log;
}

}  // namespace e2esasl::xmpp_test
