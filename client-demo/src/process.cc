// process.cc: see process.h.
#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace e2esasl::demo {

Child Child::Spawn(const ChildSpec& spec) {
  std::vector<char*> argv;
  for (const std::string& a : spec.argv) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  const char* out = spec.stdout_file.empty() ? "/dev/null" : spec.stdout_file.c_str();
  const char* err = spec.stderr_file.empty() ? "/dev/null" : spec.stderr_file.c_str();
  pid_t pid = fork();
  if (pid < 0) {
    throw DemoError(ExitCode::kSetup, std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    int in_fd = open("/dev/null", O_RDONLY);
    int out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) {
      _exit(127);
    }
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    for (int fd : spec.inherit_fds) {
      fcntl(fd, F_SETFD, 0);  // clear FD_CLOEXEC
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  return Child(pid);
}

Child::Child(Child&& other) noexcept : pid_(other.pid_) {
  other.pid_ = -1;
}

Child::~Child() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

int Child::Wait(Deadline deadline) {
  if (pid_ <= 0) {
    return -1;
  }
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
      }
      return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    if (r < 0 && errno != EINTR) {
      pid_ = -1;
      return -1;
    }
    if (deadline.Expired()) {
      kill(pid_, SIGKILL);
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
}

}  // namespace e2esasl::demo
