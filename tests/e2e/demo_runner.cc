// demo_runner.cc: see demo_runner.h.
#include "demo_runner.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "e2esasl/handles.h"

#ifndef E2E_DEMO_BINARY
#error "E2E_DEMO_BINARY must name the e2e-demo binary"
#endif

namespace e2esasl::e2e {
namespace {

namespace fs = std::filesystem;
using e2esasl::UniqueFd;
using Clock = std::chrono::steady_clock;

constexpr const char* kSystemPluginDir = "/usr/lib/x86_64-linux-gnu/sasl2";

// TempRoot is the test process's temp directory, removed at exit.
struct TempRoot {
  std::string path;
  TempRoot() {
    std::string tmpl = (fs::temp_directory_path() / "e2e-test.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path = tmpl;
  }
  ~TempRoot() {
    std::error_code ec;
    if (std::getenv("E2ESASL_E2E_KEEP") == nullptr) {
      fs::remove_all(path, ec);
    }
  }
};

TempRoot& Temp() {
  static TempRoot root;
  return root;
}

UniqueFd ListenLoopback(int* port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd.get() < 0 || bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(fd.get(), 8) != 0 ||
      getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

// Spawn forks and execs argv with stdout/stderr to files, keeping keep_fd open.
pid_t Spawn(const std::vector<std::string>& args, const std::string& out, const std::string& err,
            int keep_fd) {
  std::vector<char*> argv;
  for (const std::string& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    int in_fd = open("/dev/null", O_RDONLY);
    int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) {
      _exit(127);
    }
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    if (keep_fd >= 0) {
      fcntl(keep_fd, F_SETFD, 0);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Wait reaps pid; kills it at the deadline (returns -1 then).
int Wait(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (r < 0) {
      return -1;
    }
    if (Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      kill(pid, SIGCONT);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status LoadStatus(const std::string& path) {
  Status s;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t sp = line.find(' ');
    s.values.emplace(line.substr(0, sp), sp == std::string::npos ? "" : line.substr(sp + 1));
  }
  return s;
}

bool HasOurModules(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("libe2e_", 0) == 0 && entry.path().extension() == ".so") {
      return true;
    }
  }
  return false;
}

void LinkSystem(const fs::path& dir, const std::string& prefix) {
  fs::create_directories(dir);
  for (const auto& entry : fs::directory_iterator(kSystemPluginDir)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && !fs::exists(dir / name)) {
      fs::create_symlink(entry.path(), dir / name);
    }
  }
}

DemoEnv MakeEnv() {
  DemoEnv env;
  env.binary = E2E_DEMO_BINARY;
  env.tmp = Temp().path;
  const char* forced = std::getenv("E2ESASL_E2E_PLUGIN_DIR");
  const char* build = std::getenv("E2ESASL_PLUGIN_DIR");
  std::string dir;
  if (forced != nullptr) {
    dir = forced;
    env.plugin_note = "plugins from E2ESASL_E2E_PLUGIN_DIR=" + dir;
  } else if (build != nullptr && HasOurModules(build)) {
    dir = build;
    env.plugin_note = "our plugin modules from " + dir;
  } else {
    // Our modules are not built (yet): exercise the demo with Cyrus's own SCRAM.
    dir = env.tmp + "/cyrus-scram";
    LinkSystem(dir, "libscram.so");
    env.plugin_note = "no libe2e_*.so in E2ESASL_PLUGIN_DIR: falling back to Cyrus's system SCRAM";
  }
  fs::path aux = fs::path(env.tmp) / "auxprop";
  LinkSystem(aux, "libsasldb.so");
  env.plugin_path = dir + ":" + aux.string();
  env.sasldb = env.tmp + "/sasldb2";
  std::string out;
  int rc = RunCommand({"passwd", "--plugin-dir", env.plugin_path, "--sasldb", env.sasldb, "--user",
                       env.user, "--password", env.password},
                      &out, 60);
  if (rc != 0) {
    throw std::runtime_error("e2e-demo passwd failed with exit " + std::to_string(rc));
  }
  rc = RunCommand({"mechs", "--plugin-dir", env.plugin_path}, &out, 60);
  std::istringstream lines(out);
  std::string m;
  while (std::getline(lines, m)) {
    if (!m.empty()) {
      env.mechanisms.push_back(m);
    }
  }
  if (rc != 0 || env.mechanisms.empty()) {
    throw std::runtime_error("e2e-demo mechs found no mechanism in " + env.plugin_path);
  }
  return env;
}

}  // namespace

std::string Status::Get(const std::string& key) const {
  auto it = values.find(key);
  return it == values.end() ? "" : it->second;
}

std::vector<std::string> Status::GetAll(const std::string& key) const {
  std::vector<std::string> out;
  auto [b, e] = values.equal_range(key);
  for (auto it = b; it != e; ++it) {
    out.push_back(it->second);
  }
  return out;
}

const DemoEnv& Env() {
  static const DemoEnv env = MakeEnv();
  return env;
}

int RunCommand(const std::vector<std::string>& args, std::string* out, int timeout_s) {
  static int counter = 0;
  std::string base = Temp().path + "/cmd" + std::to_string(++counter);
  std::vector<std::string> argv = {E2E_DEMO_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = Spawn(argv, base + ".out", base + ".err", -1);
  int rc = Wait(pid, Clock::now() + std::chrono::seconds(timeout_s));
  if (out != nullptr) {
    *out = ReadAll(base + ".out");
  }
  return rc;
}

bool RunResult::ChatDelivered(const RunSpec& spec) const {
  auto heard = [](const Status& s, const std::string& line) {
    auto all = s.GetAll("heard");
    return std::find(all.begin(), all.end(), line) != all.end();
  };
  return alice_exit == 0 && bob_exit == 0 && heard(alice, spec.bob_says) &&
         heard(bob, spec.alice_says);
}

std::string RunResult::Describe() const {
  std::ostringstream ss;
  ss << "exits alice=" << alice_exit << " bob=" << bob_exit << " relay=" << relay_exit
     << "; alice: " << alice.Get("reason") << "; bob: " << bob.Get("reason")
     << "; mech=" << alice.Get("mech") << "; stderr alice: " << alice_err
     << " stderr bob: " << bob_err << " stderr relay: " << relay_err;
  return ss.str();
}

RunResult Run(const RunSpec& spec) {
  static int counter = 0;
  const DemoEnv& env = Env();
  std::string base = env.tmp + "/run" + std::to_string(++counter);
  auto start = Clock::now();
  int bob_port = 0;
  int relay_port = 0;
  UniqueFd bob_listener = ListenLoopback(&bob_port);
  UniqueFd relay_listener = ListenLoopback(&relay_port);
  std::string timeout = std::to_string(spec.timeout_s);

  std::vector<std::string> bob = {env.binary,
                                  "bob",
                                  "--listen-fd",
                                  std::to_string(bob_listener.get()),
                                  "--plugin-dir",
                                  env.plugin_path,
                                  "--sasldb",
                                  env.sasldb,
                                  "--timeout",
                                  timeout,
                                  "--accept-timeout",
                                  timeout,
                                  "--status-file",
                                  base + ".bob",
                                  "--say",
                                  spec.bob_says};
  bob.insert(bob.end(), spec.bob_args.begin(), spec.bob_args.end());
  std::vector<std::string> relay = {env.binary,         "relay",
                                    "--listen-fd",      std::to_string(relay_listener.get()),
                                    "--connect",        "127.0.0.1:" + std::to_string(bob_port),
                                    "--timeout",        timeout,
                                    "--accept-timeout", timeout,
                                    "--report",         base + ".relay"};
  relay.insert(relay.end(), spec.relay_args.begin(), spec.relay_args.end());
  std::vector<std::string> alice = {
      env.binary,      "alice",         "--connect", "127.0.0.1:" + std::to_string(relay_port),
      "--plugin-dir",  env.plugin_path, "--user",    env.user,
      "--password",    env.password,    "--timeout", timeout,
      "--status-file", base + ".alice", "--say",     spec.alice_says};
  alice.insert(alice.end(), spec.alice_args.begin(), spec.alice_args.end());

  pid_t bob_pid = Spawn(bob, base + ".bob.out", base + ".bob.err", bob_listener.get());
  if (spec.stop_bob) {
    kill(bob_pid, SIGSTOP);
  }
  bob_listener.Reset();
  int bob_killed_exit = -2;
  if (spec.kill_bob) {
    kill(bob_pid, SIGKILL);
    bob_killed_exit = Wait(bob_pid, Clock::now() + std::chrono::seconds(5));
  }
  pid_t relay_pid = Spawn(relay, base + ".relay.out", base + ".relay.err", relay_listener.get());
  relay_listener.Reset();
  pid_t alice_pid = Spawn(alice, base + ".alice.out", base + ".alice.err", -1);

  auto deadline = start + std::chrono::seconds(spec.timeout_s + 5);
  RunResult r;
  r.alice_exit = Wait(alice_pid, deadline);
  r.relay_exit = Wait(relay_pid, deadline);
  if (spec.stop_bob) {
    kill(bob_pid, SIGKILL);
    kill(bob_pid, SIGCONT);
  }
  r.bob_exit = spec.kill_bob ? bob_killed_exit : Wait(bob_pid, deadline);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.alice = LoadStatus(base + ".alice");
  r.bob = LoadStatus(base + ".bob");
  r.relay = LoadStatus(base + ".relay");
  r.alice_err = ReadAll(base + ".alice.err");
  r.bob_err = ReadAll(base + ".bob.err");
  r.relay_err = ReadAll(base + ".relay.err");
  return r;
}

}  // namespace e2esasl::e2e
