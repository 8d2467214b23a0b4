// vouch_fixture.cc: see vouch_fixture.h.
#include "vouch_fixture.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace e2esasl::xmpp_test {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

// Shell: bash -c command; the exit status, *output its stdout and stderr.
int Shell(const std::string& command, std::string* output) {
  return RunProgram({"/bin/bash", "-c", command}, output, kVouchRun);
}

void ShellOrThrow(const std::string& command) {
  std::string out;
  if (Shell(command, &out) != 0) {
    throw std::runtime_error(command + " failed: " + out);
  }
}

// Quote: s as one shell word.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

VouchWork::VouchWork() {
  std::string dir_template = "/tmp/e2esasl-vouch-XXXXXX";
  if (mkdtemp(dir_template.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = dir_template;
  const std::string tool = Quote(E2ESASL_VOUCH_TOOL);
  ShellOrThrow(tool + " keygen localhost " + Quote(Path("localhost.jwk")) + " >/dev/null");
  ShellOrThrow("mkdir " + Quote(Path("trust")) + " && " + tool + " jwks " +
               Quote(Path("localhost.jwk")) + " > " + Quote(Path("trust/localhost.jwks")));
  ShellOrThrow("chmod 644 " + Quote(Path("trust/localhost.jwks")));
  ShellOrThrow(tool + " keygen localhost " + Quote(Path("other.jwk")) + " >/dev/null && " + tool +
               " jwks " + Quote(Path("other.jwk")) + " > " + Quote(Path("other.jwks")));
  ShellOrThrow(tool + " device-keygen " + Quote(Path("device.jwk")) + " > " +
               Quote(Path("device.pub")));
  ShellOrThrow("printf '%s\\n' " + Quote(kVouchPassword) + " > " + Quote(Path("password")));
}

VouchWork::~VouchWork() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string VouchWork::Write(const std::string& name, const std::string& content) const {
  std::ofstream(Path(name)) << content;
  return Path(name);
}

// FetchArgs: e2e-xmpp statement for user@localhost/laptop through server.
std::vector<std::string> FetchArgs(const ProsodyServer& server, const VouchWork& work,
                                   const std::string& user, const std::string& device_key,
                                   const std::string& out) {
  return {E2E_XMPP_BINARY,
          "statement",
          "--jid",
          user + "@localhost/laptop",
          "--xmpp-password-file",
          work.Path("password"),
          "--server",
          "127.0.0.1:" + std::to_string(server.port()),
          "--cafile",
          server.ca_path(),
          "--device-key",
          device_key,
          "--device-id",
          "laptop-1",
          "--out",
          out,
          "--timeout",
          "20",
          "--status-file",
          out + ".status"};
}

ClientOptions VouchClient(const ProsodyServer& server, const std::string& jid) {
  ClientOptions options;
  options.jid = jid;
  options.password = kVouchPassword;
  options.port = server.port();
  options.ca_file = server.ca_path();
  options.answer_iqs = false;
  return options;
}

// JoseVerifies: `jose jws ver` accepts token with the keys of jwks_path; *claims gets the
// payload it printed.
bool JoseVerifies(const std::string& token, const std::string& jwks_path, std::string* claims) {
  return Shell("jose jws ver -i " + Quote(token) + " -k " + Quote(jwks_path) + " -O-", claims) == 0;
}

}  // namespace e2esasl::xmpp_test
