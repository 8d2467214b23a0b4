// interop_env.cc: plugin directories, provisioning and command lines (see interop_env.h).
#include "interop/interop_env.h"

#include <glob.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace e2esasl::interop {
namespace {

namespace fs = std::filesystem;

// LinkMatches symlinks every file matching one of the patterns (the first pattern that
// matches wins) into dir. Returns how many it linked.
int LinkMatches(const std::vector<std::string>& patterns, const std::string& dir) {
  for (const std::string& pattern : patterns) {
    glob_t g{};
    int linked = 0;
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        const fs::path target(g.gl_pathv[i]);
        fs::create_symlink(fs::absolute(target), fs::path(dir) / target.filename());
        ++linked;
      }
    }
    globfree(&g);
    if (linked > 0) {
      return linked;
    }
  }
  return 0;
}

std::vector<std::string> SystemPatterns(const std::string& file_glob) {
  return {"/usr/lib/*-linux-gnu/sasl2/" + file_glob, "/usr/lib64/sasl2/" + file_glob,
          "/usr/lib/sasl2/" + file_glob};
}

std::string Hex(const std::string& data) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : data) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

void AddPeerCommon(Plugins plugins, const std::optional<Binding>& binding,
                   const std::vector<std::string>& options, std::vector<std::string>* argv) {
  const InteropEnv& env = InteropEnv::Get();
  *argv = {env.peer(),       "--plugin-dir", env.PluginDir(plugins),           "--plugin-dir",
           env.sasldb_dir(), "--timeout",    std::to_string(kPeerReadTimeoutS)};
  if (binding) {
    argv->insert(argv->end(),
                 {"--binding-name", binding->name, "--binding-hex", Hex(binding->data)});
    if (binding->critical) {
      argv->push_back("--critical");
    }
  }
  for (const std::string& option : options) {
    argv->insert(argv->end(), {"--option", option});
  }
}

}  // namespace

const char* Name(Plugins plugins) {
  return plugins == Plugins::kOurs ? "ours" : "cyrus";
}

Binding SyntheticBinding(unsigned char seed) {
  Binding b;
  for (int i = 0; i < 32; ++i) {
    b.data.push_back(static_cast<char>(seed + i * 7));
  }
  return b;
}

const InteropEnv& InteropEnv::Get() {
  static const InteropEnv env;
  return env;
}

InteropEnv::InteropEnv() {
  const char* base = getenv("TMPDIR");
  std::string templ = std::string(base != nullptr ? base : "/tmp") + "/e2esasl-interop-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  tmp_ = templ;
  static const std::string kTmpForExit = tmp_;
  atexit([] {
    if (getenv("E2ESASL_INTEROP_KEEP") == nullptr) {
      std::error_code ec;
      fs::remove_all(kTmpForExit, ec);
    }
  });
  ours_ = tmp_ + "/ours";
  cyrus_ = tmp_ + "/cyrus";
  db_ = tmp_ + "/db";
  for (const std::string* d : {&ours_, &cyrus_, &db_}) {
    fs::create_directory(*d);
  }
  const char* build = getenv("E2ESASL_PLUGIN_DIR");
  if (build == nullptr) {
    throw std::runtime_error("E2ESASL_PLUGIN_DIR is not set (run through CTest)");
  }
  if (LinkMatches({std::string(build) + "/libe2e_scram.so*"}, ours_) == 0) {
    throw std::runtime_error(std::string("no libe2e_scram.so in ") + build);
  }
  if (LinkMatches(SystemPatterns("libscram.so*"), cyrus_) == 0) {
    throw std::runtime_error("the system's libscram.so was not found (libsasl2-modules)");
  }
  if (LinkMatches(SystemPatterns("libsasldb.so*"), db_) == 0) {
    throw std::runtime_error("the system's libsasldb.so was not found (libsasl2-modules-db)");
  }
  peer_ = E2ESASL_SASL_PEER;
  gsasl_ = E2ESASL_GSASL;
}

std::string InteropEnv::PluginDir(Plugins plugins) const {
  return plugins == Plugins::kOurs ? ours_ : cyrus_;
}

std::vector<std::string> InteropEnv::PeerEnv() const {
  // In the sanitizer build the peer is instrumented while libsasl2, libsasldb and Cyrus's
  // plugins are not. With ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 (./run test) no leak
  // was reported in either plugin set, because the peer disposes of its connection and calls
  // sasl_client_done / sasl_server_done: no suppressions are needed. Add them here if a
  // future libsasl2 needs them.
  return {};
}

std::string NewSasldb(Plugins plugins, const std::string& user, const std::string& password,
                      const std::vector<std::string>& options) {
  static std::atomic<int> counter{0};
  const InteropEnv& env = InteropEnv::Get();
  const std::string dir = env.tmp() + "/sasldb-" + Name(plugins) + "-" + std::to_string(++counter);
  fs::create_directory(dir);
  const std::string path = dir + "/sasldb2";
  std::vector<std::string> argv;
  AddPeerCommon(plugins, std::nullopt, options, &argv);
  argv.insert(argv.end(), {"--role", "server", "--sasldb", path, "--user", user, "--password",
                           password, "--setpass"});
  std::string out;
  const int status = RunCommand(argv, env.PeerEnv(), kExchangeTimeoutMs, &out);
  if (status != 0) {
    throw std::runtime_error("provisioning with " + std::string(Name(plugins)) + " failed (exit " +
                             std::to_string(status) + "): " + out);
  }
  return path;
}

Side PeerClient(Plugins plugins, const std::string& mech, const std::string& user,
                const std::string& password, const std::optional<Binding>& binding,
                const std::vector<std::string>& options) {
  Side side;
  AddPeerCommon(plugins, binding, options, &side.argv);
  side.argv.insert(side.argv.end(),
                   {"--role", "client", "--mech", mech, "--user", user, "--password", password});
  side.env = InteropEnv::Get().PeerEnv();
  return side;
}

Side PeerServer(Plugins plugins, const std::string& sasldb, const std::string& mech,
                const std::optional<Binding>& binding, const std::vector<std::string>& options) {
  Side side;
  AddPeerCommon(plugins, binding, options, &side.argv);
  side.argv.insert(side.argv.end(), {"--role", "server", "--sasldb", sasldb});
  if (mech.empty()) {
    side.mech_from_client = true;
  } else {
    side.argv.insert(side.argv.end(), {"--mech", mech});
  }
  side.env = InteropEnv::Get().PeerEnv();
  return side;
}

Side GsaslClient(const std::string& mech, const std::string& user, const std::string& password,
                 const std::optional<Binding>& binding, bool no_cb) {
  Side side;
  side.kind = SideKind::kGsasl;
  side.argv = {InteropEnv::Get().gsasl(), "--client", "-m", mech, "-a", user, "-p", password, "-d"};
  if (!binding && no_cb) {
    side.argv.push_back("--no-cb");
  }
  side.binding_b64 = binding ? ToBase64(binding->data) : "";
  return side;
}

Side GsaslServer(const std::string& mech, const std::string& password,
                 const std::optional<Binding>& binding) {
  Side side;
  side.kind = SideKind::kGsasl;
  side.argv = {InteropEnv::Get().gsasl(), "--server", "-m", mech, "-p", password, "-d"};
  side.binding_b64 = binding ? ToBase64(binding->data) : "";
  return side;
}

void RecordRow(const std::string& pair, const std::string& mech, const std::string& binding,
               const ExchangeResult& r) {
  auto side = [](const SideOutcome& o) {
    if (o.ok) {
      return std::string("ok");
    }
    std::string s = "FAIL";
    if (!o.code_name.empty()) {
      s += " " + o.code_name;
    }
    if (!o.detail.empty()) {
      s += " (" + o.detail + ")";
    }
    return s;
  };
  char line[512];
  // A leading newline: CppUnit's progress listener has just printed the test's name.
  std::snprintf(line, sizeof(line), "\n| %-14s | %-18s | %-10s | %-16s | %s | %s | %.2fs",
                pair.c_str(), mech.c_str(), binding.c_str(), r.Gs2Header().substr(0, 16).c_str(),
                side(r.client).c_str(), side(r.server).c_str(), r.seconds);
  std::cout << line << std::flush;
}

}  // namespace e2esasl::interop
