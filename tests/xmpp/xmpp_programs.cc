// xmpp_programs.cc: see xmpp_programs.h.
#include "xmpp_programs.h"

#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace e2esasl::xmpp_test {
namespace {

constexpr auto kPasswdTimeout = std::chrono::seconds(60);  // OPAQUE's KSF under sanitizers
constexpr auto kPoll = std::chrono::milliseconds(20);

constexpr char kAlicePassword[] = "alice's account password";
constexpr char kBobPassword[] = "bob's account password";
constexpr char kSharedSecret[] = "the secret alice and bob agreed";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  if (in) {
    text << in.rdbuf();
  }
  return text.str();
}

// PluginDir: the build's plugin modules ($E2ESASL_PLUGIN_DIR, set by CTest).
std::string PluginDir() {
  if (const char* dir = std::getenv("E2ESASL_PLUGIN_DIR"); dir != nullptr && *dir) {
    return dir;
  }
  return E2ESASL_XMPP_TEST_PLUGIN_DIR;
}

// LinkSasldb: symlinks to the system's libsasldb.so* in dir (SASL_PATH replaces the default
// path; the whole system directory would also load Cyrus's own SCRAM).
void LinkSasldb(const std::string& dir) {
  for (const char* pattern : {"/usr/lib/*-linux-gnu/sasl2/libsasldb.so*",
                              "/usr/lib/sasl2/libsasldb.so*", "/usr/lib64/sasl2/libsasldb.so*"}) {
    glob_t g{};
    if (glob(pattern, 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        const std::filesystem::path target(g.gl_pathv[i]);
        std::filesystem::create_symlink(target, std::filesystem::path(dir) / target.filename());
      }
      globfree(&g);
      return;
    }
    globfree(&g);
  }
  throw std::runtime_error("the system's libsasldb.so was not found (libsasl2-modules-db)");
}

}  // namespace

Child::Child(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    const int null_fd = open("/dev/null", O_RDONLY);
    const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (null_fd < 0 || log_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 ||
        dup2(log_fd, 2) < 0) {
      _exit(126);
    }
    execv(args[0], args.data());
    _exit(127);
  }
}

Child::~Child() {
  if (!reaped_) {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

int Child::Wait(std::chrono::milliseconds timeout) {
  if (reaped_) {
    return result_;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      break;
    }
    if (done < 0 && errno != EINTR) {
      throw std::runtime_error("waitpid failed");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      reaped_ = true;
      result_ = -1;
      return result_;
    }
    std::this_thread::sleep_for(kPoll);
  }
  reaped_ = true;
  result_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result_;
}

bool WaitForText(const std::string& path, const std::string& text,
                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (ReadAll(path).find(text) != std::string::npos) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(kPoll);
  }
}

int CountText(const std::string& path, const std::string& text) {
  const std::string all = ReadAll(path);
  int count = 0;
  for (size_t at = all.find(text); at != std::string::npos; at = all.find(text, at + 1)) {
    ++count;
  }
  return count;
}

StatusFile::StatusFile(const std::string& path) : text_(ReadAll(path)) {
  std::istringstream in(text_);
  std::string line;
  while (std::getline(in, line)) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) {
      lines_.emplace_back(line, "");
    } else {
      lines_.emplace_back(line.substr(0, space), line.substr(space + 1));
    }
  }
}

std::string StatusFile::Get(const std::string& key) const {
  for (const auto& [k, v] : lines_) {
    if (k == key) {
      return v;
    }
  }
  return "";
}

std::vector<std::string> StatusFile::All(const std::string& key) const {
  std::vector<std::string> values;
  for (const auto& [k, v] : lines_) {
    if (k == key) {
      values.push_back(v);
    }
  }
  return values;
}

bool StatusFile::Has(const std::string& key) const {
  for (const auto& [k, v] : lines_) {
    if (k == key) {
      return true;
    }
  }
  return false;
}

XmppWorld::XmppWorld(const ProsodyOptions& options)
    : server_(std::make_unique<ProsodyServer>(options)) {
  server_->Register("alice", kAlicePassword);
  server_->Register("bob", kBobPassword);
  std::string dir_template = "/tmp/e2esasl-xmpp-programs-XXXXXX";
  if (mkdtemp(dir_template.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = dir_template;
  std::filesystem::create_directory(Path("auxprop"));
  LinkSasldb(Path("auxprop"));
  plugin_path_ = PluginDir() + ":" + Path("auxprop");
  WriteFile("alice.xpw", kAlicePassword);
  WriteFile("bob.xpw", kBobPassword);
  WriteFile("secret", kSharedSecret);
  std::string out;
  const int status =
      RunProgram({E2E_XMPP_BINARY, "passwd", "--sasldb", Path("bob.db"), "--user",
                  "alice@localhost", "--secret-file", Path("secret"), "--plugin-dir", plugin_path_},
                 &out, kPasswdTimeout);
  if (status != 0) {
    throw std::runtime_error("e2e-xmpp passwd -> exit " + std::to_string(status) + ": " + out);
  }
}

XmppWorld::~XmppWorld() {
  const char* keep = std::getenv("E2ESASL_KEEP_PROSODY_DIR");
  if (keep == nullptr || std::string(keep) != "1") {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string XmppWorld::WriteFile(const std::string& name, const std::string& content) const {
  const std::string path = Path(name);
  {
    std::ofstream out(path, std::ios::trunc);
    out << content << "\n";
    if (!out) {
      throw std::runtime_error("cannot write " + path);
    }
  }
  chmod(path.c_str(), 0600);
  return path;
}

std::vector<std::string> XmppWorld::Bob(const std::vector<std::string>& extra) const {
  std::vector<std::string> argv = {E2E_XMPP_BINARY,
                                   "bob",
                                   "--jid",
                                   kProgramBob,
                                   "--xmpp-password-file",
                                   Path("bob.xpw"),
                                   "--server",
                                   "127.0.0.1:" + std::to_string(server_->port()),
                                   "--cafile",
                                   server_->ca_path(),
                                   "--plugin-dir",
                                   plugin_path_,
                                   "--sasldb",
                                   Path("bob.db")};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

std::vector<std::string> XmppWorld::Alice(const std::vector<std::string>& extra) const {
  std::vector<std::string> argv = {E2E_XMPP_BINARY,
                                   "alice",
                                   "--jid",
                                   kProgramAlice,
                                   "--xmpp-password-file",
                                   Path("alice.xpw"),
                                   "--server",
                                   "127.0.0.1:" + std::to_string(server_->port()),
                                   "--cafile",
                                   server_->ca_path(),
                                   "--plugin-dir",
                                   plugin_path_,
                                   "--peer",
                                   kProgramBob,
                                   "--secret-file",
                                   Path("secret")};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

void XmppWorld::SignalGroup(int signal) {
  const int group = std::stoi(server_->ReadFile("pid"));
  if (group <= 1 || kill(-group, signal) != 0) {
    throw std::runtime_error("cannot signal the server's process group " + std::to_string(group));
  }
}

void XmppWorld::KillServer() {
  SignalGroup(SIGKILL);
}

void XmppWorld::FreezeServer() {
  SignalGroup(SIGSTOP);
}

void XmppWorld::ThawServer() {
  const std::vector<std::string> pids = {server_->ReadFile("pid"),
                                         server_->ReadFile("prosody.pid")};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int calm = 0;  // consecutive checks that found nothing stopped
  while (calm < 3 && std::chrono::steady_clock::now() < deadline) {
    SignalGroup(SIGCONT);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    bool stopped = false;
    for (const std::string& pid : pids) {
      // /proc/PID/stat: "pid (comm) STATE ..."; the state follows the last ')'.
      const std::string stat = ReadAll("/proc/" + std::to_string(std::stoi(pid)) + "/stat");
      const size_t paren = stat.rfind(')');
      stopped |= paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'T';
    }
    calm = stopped ? 0 : calm + 1;
  }
}

}  // namespace e2esasl::xmpp_test
