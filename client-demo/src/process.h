// process.h: child processes with a deadline, for the showcase. A Child that is still running
// when destroyed is killed (SIGKILL) and reaped: nothing outlives the showcase.
#ifndef E2ESASL_CLIENT_DEMO_PROCESS_H_
#define E2ESASL_CLIENT_DEMO_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "util.h"

namespace e2esasl::demo {

struct ChildSpec {
  std::vector<std::string> argv;  // argv[0] is the program path
  std::string stdout_file;        // empty: /dev/null
  std::string stderr_file;        // empty: /dev/null
  std::vector<int> inherit_fds;   // descriptors kept open (same number) in the child
};

class Child {
 public:
  // Spawn forks and execs spec.argv with stdin from /dev/null. Throws DemoError(kSetup).
  static Child Spawn(const ChildSpec& spec);
  Child(Child&& other) noexcept;
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  ~Child();

  // Wait returns the exit status (128 + signal when killed by one), or -1 when the deadline
  // passed, in which case the child has been killed with SIGKILL and reaped.
  int Wait(Deadline deadline);
  pid_t pid() const { return pid_; }

 private:
  explicit Child(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_PROCESS_H_
