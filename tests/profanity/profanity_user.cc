// profanity_user.cc: see profanity_user.h.
#include "profanity_user.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "xmpp/prosody_fixture.h"

namespace e2esasl::profanity_test {
namespace {

namespace fs = std::filesystem;
using e2esasl::xmpp_test::RunProgram;

constexpr char kTmux[] = "/usr/bin/tmux";
constexpr char kProfanity[] = "/usr/bin/profanity";
constexpr char kOpenssl[] = "/usr/bin/openssl";
constexpr auto kLoginTimeout = std::chrono::seconds(30);

void Write(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::trunc);
  out << content;
  if (!out) {
    throw std::runtime_error("cannot write " + path);
  }
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ProfanityUser::ProfanityUser(const ProfanitySpec& spec) : spec_(spec) {
  for (const char* program : {kTmux, kProfanity, kOpenssl}) {
    if (access(program, X_OK) != 0) {
      throw std::runtime_error(std::string(program) + " is missing (Debian packages tmux, "
                               "profanity, openssl: ./run installs them)");
    }
  }
  char pattern[] = "/tmp/e2esasl-profanity-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = pattern;
  socket_ = dir_ + "/tmux.sock";  // a private server, its socket removed with the directory
  const std::string data = dir_ + "/data/profanity";
  const std::string config = dir_ + "/config/profanity";
  const std::string jid = spec_.user + "@localhost";
  Write(data + "/accounts", "[" + jid + "]\nenabled=true\njid=" + jid +
                                "\nserver=127.0.0.1\nport=" + std::to_string(spec_.port) +
                                "\nresource=" + spec_.resource +
                                "\npassword=" + spec_.xmpp_password + "\n");
  // Trust the sandbox CA only (a hashed directory, as libstrophe's capath wants).
  const std::string certs = dir_ + "/certs";
  fs::create_directories(certs);
  fs::copy_file(spec_.ca_file, certs + "/ca.pem");
  std::string out;
  if (RunProgram({kOpenssl, "rehash", certs}, &out, std::chrono::seconds(20)) != 0) {
    throw std::runtime_error("openssl rehash: " + out);
  }
  Write(config + "/profrc", "[connection]\ntls.certpath=" + certs +
                                "\n\n[plugins]\nload=e2esasl.so;\n");
  Write(data + "/plugin_settings", "[e2esasl]\nplugin_path=" + spec_.sasl_path + "\n");
  fs::create_directories(data + "/plugins");
  fs::copy_file(spec_.plugin_file, data + "/plugins/e2esasl.so");

  // COLUMNS / LINES from the caller's environment would override the pane's size in ncurses.
  const std::string command = "env -u COLUMNS -u LINES HOME=" + dir_ + " XDG_CONFIG_HOME=" + dir_ +
                              "/config XDG_DATA_HOME=" + dir_ + "/data TERM=xterm " +
                              kProfanity + " -a " + jid + " -l DEBUG";
  Tmux({"-f", "/dev/null", "new-session", "-d", "-s", "p", "-x", "230", "-y", "50", command});
  Tmux({"resize-window", "-t", "p", "-x", "230", "-y", "50"});
  if (!WaitFor("logged in successfully", kLoginTimeout)) {
    throw std::runtime_error(spec_.user + "'s Profanity did not log in:\n" + last_screen_);
  }
}

ProfanityUser::~ProfanityUser() {
  try {
    Type("/quit");
    for (int i = 0; i < 20; ++i) {  // up to 2 s for Profanity to end the sessions and quit
      std::string out;
      if (RunProgram({kTmux, "-S", socket_, "has-session", "-t", "p"}, &out,
                     std::chrono::seconds(5)) != 0) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::string out;
    RunProgram({kTmux, "-S", socket_, "kill-server"}, &out, std::chrono::seconds(5));
  } catch (...) {
  }
  if (std::getenv("E2ESASL_KEEP_PROFANITY_DIR") == nullptr) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string ProfanityUser::Tmux(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {kTmux, "-S", socket_};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string out;
  if (RunProgram(argv, &out, std::chrono::seconds(10)) != 0) {
    throw std::runtime_error("tmux " + args.at(0) + " failed: " + out);
  }
  return out;
}

void ProfanityUser::Type(const std::string& text) {
  Tmux({"send-keys", "-t", "p", "-l", text});
  Tmux({"send-keys", "-t", "p", "Enter"});
}

void ProfanityUser::Keys(const std::string& text, const std::vector<std::string>& named) {
  if (!text.empty()) {
    Tmux({"send-keys", "-t", "p", "-l", text});
  }
  for (const std::string& key : named) {
    Tmux({"send-keys", "-t", "p", key});
  }
}

std::string ProfanityUser::Screen() const {
  return Tmux({"capture-pane", "-p", "-t", "p"});
}

bool ProfanityUser::WaitFor(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    last_screen_ = Screen();
    if (last_screen_.find(text) != std::string::npos) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

bool ProfanityUser::WaitGone(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    last_screen_ = Screen();
    if (last_screen_.find(text) == std::string::npos) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

std::string ProfanityUser::Log() const {
  return Read(dir_ + "/data/profanity/logs/profanity.log");
}

bool ProfanityUser::FilesContain(const std::string& text) const {
  const fs::path store = fs::path(dir_) / "data/profanity/e2esasl";
  for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
    if (!entry.is_regular_file() ||
        entry.path().string().rfind(store.string(), 0) == 0) {
      continue;
    }
    if (Read(entry.path()).find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace e2esasl::profanity_test
