// sandbox.h: the XMPP bench's surroundings: a private work directory (bob's sasldb, a directory
// holding only the system's sasldb auxprop module) and sandbox Prosody servers started with
// xmpp/prosody/e2e-prosody (docs/xmpp-prosody.md). Everything throws std::runtime_error on
// failure; destructors stop what was started and remove what was made.
#ifndef E2ESASL_BENCH_XMPP_SANDBOX_H_
#define E2ESASL_BENCH_XMPP_SANDBOX_H_

#include <cstdint>
#include <string>
#include <vector>

namespace e2esasl::bench::xmpp {

// RunProgram: runs argv (no shell) and waits; returns its exit status (-1 when it could not be
// run or was killed); *output gets its stdout and stderr.
int RunProgram(const std::vector<std::string>& argv, std::string* output);

// WorkDir: a fresh directory under /tmp (Prosody's user must reach the server directories made
// in it), removed with everything in it unless kept.
class WorkDir {
 public:
  WorkDir();
  ~WorkDir();
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::string& path() const { return path_; }
  void Keep() { keep_ = true; }
  // SasldbOnly: <path>/sasldb-only holding a symlink to <cyrus_dir>/libsasldb.so, for SASL_PATH
  // (FACTS: never the whole system directory, whose libscram.so clashes with ours).
  std::string SasldbOnly(const std::string& cyrus_dir) const;

 private:
  std::string path_;
  bool keep_ = false;
};

// Prosody: one sandbox server (e2e-prosody start DIR [--no-limits] [--no-nagle] --watch <our
// pid>). limits: Debian's mod_limits; nagle: Prosody's default socket options (Nagle on).
class Prosody {
 public:
  Prosody(const std::string& script, const std::string& dir, bool limits, bool nagle);
  ~Prosody();
  Prosody(const Prosody&) = delete;
  Prosody& operator=(const Prosody&) = delete;

  void Register(const std::string& user, const std::string& password);
  int port() const { return port_; }
  std::string ca_file() const { return dir_ + "/ca.pem"; }
  // CpuNanos: CPU time the server process has used so far (its threads' schedstat), 0 when it
  // cannot be read.
  int64_t CpuNanos() const;

 private:
  std::string script_;
  std::string dir_;
  int port_ = 0;
  int pid_ = 0;  // Prosody itself (DIR/prosody.pid), for its CPU time
};

}  // namespace e2esasl::bench::xmpp

#endif  // E2ESASL_BENCH_XMPP_SANDBOX_H_
