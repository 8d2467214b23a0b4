// store_env.cc: see store_env.h.
#include "stores/store_env.h"

#include <glob.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace e2esasl::stores {
namespace fs = std::filesystem;
namespace {

std::string Env(const char* name) {
  const char* v = getenv(name);
  if (v == nullptr) {
    throw std::runtime_error(std::string(name) + " is not set (run the tests through CTest)");
  }
  return v;
}

// FreePort asks the kernel for a free TCP port on 127.0.0.1 (free now; taken by the server a
// moment later).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) {
      close(fd);
    }
    throw std::runtime_error("no free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// FreePortPair: a free port whose successor is free too (slapd's ldap:// and ldaps://).
int FreePortPair() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int port = FreePort();
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port + 1));
    const bool free =
        fd >= 0 && port < 65535 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    if (fd >= 0) {
      close(fd);
    }
    if (free) {
      return port;
    }
  }
  throw std::runtime_error("no two free ports in a row");
}

// RandomWord: 24 letters from /dev/urandom (role passwords; they go into conninfo quotes, so no
// quotes or backslashes).
std::string RandomWord() {
  std::ifstream in("/dev/urandom", std::ios::binary);
  std::string out;
  for (int i = 0; i < 24; ++i) {
    out.push_back(static_cast<char>('a' + static_cast<unsigned char>(in.get()) % 26));
  }
  return out;
}

void Replace(std::string* text, const std::string& from, const std::string& to) {
  for (size_t at = text->find(from); at != std::string::npos;
       at = text->find(from, at + to.size())) {
    text->replace(at, from.size(), to);
  }
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) {
    throw std::runtime_error("cannot write " + path);
  }
}

// LinkSystemModule makes dir hold symlinks to the system's <name>.so* (and nothing else).
void LinkSystemModule(const std::string& name, const std::string& dir) {
  for (const char* base : {"/usr/lib/*-linux-gnu/sasl2/", "/usr/lib/sasl2/", "/usr/lib64/sasl2/"}) {
    glob_t g{};
    const std::string pattern = std::string(base) + name + ".so*";
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        const fs::path target(g.gl_pathv[i]);
        fs::create_symlink(target, fs::path(dir) / target.filename());
      }
      globfree(&g);
      return;
    }
    globfree(&g);
  }
  throw std::runtime_error("the system's " + name + ".so was not found");
}

std::string Saslpasswd2() {
  for (const char* p : {"/usr/sbin/saslpasswd2", "/usr/bin/saslpasswd2"}) {
    if (access(p, X_OK) == 0) {
      return p;
    }
  }
  throw std::runtime_error("saslpasswd2 not found (Debian package sasl2-bin)");
}

}  // namespace

std::string SourcePath(const std::string& relative) {
  return Env("E2ESASL_SOURCE_DIR") + "/" + relative;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string NewTempDir(const std::string& prefix) {
  std::string templ = "/tmp/" + prefix + "-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  static std::vector<std::string>* dirs = [] {
    auto* d = new std::vector<std::string>;
    atexit([] {
      if (getenv("E2ESASL_KEEP_STORE_DIRS") == nullptr) {
        for (const std::string& dir : *dirs) {
          std::error_code ec;
          fs::remove_all(dir, ec);
        }
      }
    });
    return d;
  }();
  dirs->push_back(templ);
  return templ;
}

// --- PgServer ---------------------------------------------------------------------------------

PgServer::PgServer()
    : port_(FreePort()), reader_password_(RandomWord()), writer_password_(RandomWord()) {
  std::string templ = "/tmp/e2esasl-pg-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = templ;
  try {
    Start();
  } catch (...) {
    // No destructor runs for a constructor that throws: remove what was made.
    try {
      Run({"remove", dir_}, kTimeoutMs);
    } catch (...) {
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
}

PgServer::~PgServer() {
  try {
    Run({"remove", dir_}, kTimeoutMs);
  } catch (const std::exception&) {
    // The watcher removes it once this process is gone.
  }
}

void PgServer::Run(const std::vector<std::string>& args, int timeout_ms, std::string* out) const {
  std::vector<std::string> argv = {SourcePath("tests/stores/pg-sandbox")};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string output;
  const int status = interop::RunCommand(argv, {}, timeout_ms, &output);
  if (status != 0) {
    throw std::runtime_error("pg-sandbox " + args.front() + " failed (exit " +
                             std::to_string(status) + "): " + output);
  }
  if (out != nullptr) {
    *out = output;
  }
}

void PgServer::Start() {
  Run({"start", dir_, std::to_string(port_), std::to_string(getpid()), reader_password_,
       writer_password_},
      60000);
}

void PgServer::Stop() {
  Run({"stop", dir_}, kTimeoutMs);
}

void PgServer::Freeze() {
  Run({"freeze", dir_}, kTimeoutMs);
}

void PgServer::Thaw() {
  Run({"thaw", dir_}, kTimeoutMs);
}

std::string PgServer::Sql(const std::string& statement) const {
  std::string out;
  Run({"sql", dir_, statement}, kTimeoutMs, &out);
  return out;
}

// --- LdapServer -------------------------------------------------------------------------------

LdapServer::LdapServer(const std::string& slapd_sasl_dir)
    : port_(FreePortPair()), admin_password_(RandomWord()), slapd_sasl_dir_(slapd_sasl_dir) {
  std::string templ = "/tmp/e2esasl-ldap-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = templ;
  try {
    Start();
  } catch (...) {
    try {
      Run({"remove", dir_}, kTimeoutMs);
    } catch (...) {
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
}

LdapServer::~LdapServer() {
  try {
    Run({"remove", dir_}, kTimeoutMs);
  } catch (const std::exception&) {
    // The watcher removes it once this process is gone.
  }
}

void LdapServer::Run(const std::vector<std::string>& args, int timeout_ms, std::string* out) const {
  std::vector<std::string> argv = {SourcePath("tests/stores/ldap-sandbox")};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env;
  if (!slapd_sasl_dir_.empty()) {
    env = {"E2ESASL_SLAPD_SASL_DIR=" + slapd_sasl_dir_, "SASL_PATH=" + Env("E2ESASL_PLUGIN_DIR")};
  }
  std::string output;
  const int status = interop::RunCommand(argv, env, timeout_ms, &output);
  if (status != 0) {
    throw std::runtime_error("ldap-sandbox " + args.front() + " failed (exit " +
                             std::to_string(status) + "): " + output);
  }
  if (out != nullptr) {
    *out = output;
  }
}

void LdapServer::Start() {
  // ldap:// on port_, ldaps:// on port_ + 1: make sure both are free.
  Run({"start", dir_, std::to_string(port_), std::to_string(getpid()), admin_password_}, 60000);
}

void LdapServer::Stop() {
  Run({"stop", dir_}, kTimeoutMs);
}

void LdapServer::Freeze() {
  Run({"freeze", dir_}, kTimeoutMs);
}

void LdapServer::Thaw() {
  Run({"thaw", dir_}, kTimeoutMs);
}

std::string LdapServer::ldapi_uri() const {
  std::string uri = "ldapi://";
  for (char c : dir_ + "/ldapi") {
    uri += c == '/' ? std::string("%2F") : std::string(1, c);
  }
  return uri;
}

int LdapServer::Ldap(const std::vector<std::string>& argv, const std::string& input,
                     std::string* out) const {
  std::vector<std::string> full = argv;
  full[0] = "/usr/bin/" + full[0];  // RunCommand does not search PATH (ldap-utils)
  full.insert(full.end(),
              {"-x", "-H", ldapi_uri(), "-D", "cn=admin,dc=example,dc=org", "-w", admin_password_});
  return interop::RunCommand(full, {"LDAPCONF=/dev/null"}, kTimeoutMs, out, input);
}

void LdapServer::AddUser(const std::string& user) const {
  std::string out;
  const std::string ldif = "dn: uid=" + user +
                           ",ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\n"
                           "objectClass: e2esaslAccount\nuid: " +
                           user + "\ncn: " + user + "\nsn: " + user + "\n";
  if (Ldap({"ldapadd"}, ldif, &out) != 0) {
    throw std::runtime_error("ldapadd " + user + " failed: " + out);
  }
}

void LdapServer::Modify(const std::string& ldif) const {
  std::string out;
  if (Ldap({"ldapmodify"}, ldif, &out) != 0) {
    throw std::runtime_error("ldapmodify failed: " + out);
  }
}

std::string LdapServer::Attributes(const std::string& user) const {
  std::string out;
  if (Ldap({"ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-b",
            "uid=" + user + ",ou=people,dc=example,dc=org", "-s", "base", "*"},
           "", &out) != 0) {
    throw std::runtime_error("ldapsearch " + user + " failed: " + out);
  }
  return out;
}

// --- StoreSasl --------------------------------------------------------------------------------

Backend PgBackend(const PgServer& db) {
  return Backend{"docs/stores/postgresql",
                 "libsql",
                 {{"@PORT@", std::to_string(db.port())},
                  {"@READER_PASSWORD@", db.reader_password()},
                  {"@WRITER_PASSWORD@", db.writer_password()}}};
}

Backend LdapBackend(const LdapServer& directory) {
  return Backend{"docs/stores/openldap", "libldapdb", {{"@LDAPI_URI@", directory.ldapi_uri()}}};
}

Binding SyntheticBinding(unsigned char seed) {
  Binding b;
  for (int i = 0; i < 32; ++i) {
    b.data.push_back(static_cast<char>(seed + i * 7));
  }
  return b;
}

std::vector<std::string> StoreSasl::DefaultExtraLines() {
  // Tests only: a cheap Argon2id for OPAQUE records (the default costs 64 MiB and ~0.3 s).
  return {"e2esasl_opaque_ksf_memory: 1024", "e2esasl_opaque_ksf_time: 1"};
}

StoreSasl::StoreSasl(const Backend& backend, const std::string& scram_secret,
                     const std::string& key_file, const std::vector<std::string>& extra_lines)
    : dir_(NewTempDir("e2esasl-store")), key_file_(key_file) {
  fs::create_directory(dir_ + "/conf");
  module_dir_ = dir_ + "/auxprop-plugins";
  fs::create_directory(module_dir_);
  LinkSystemModule(backend.module, module_dir_);
  if (key_file_.empty()) {
    key_file_ = dir_ + "/opaque.key";
    std::string out;
    if (interop::RunCommand({E2ESASL_OPAQUE_TOOL, "keygen", "--key-file", key_file_}, {},
                            kTimeoutMs, &out) != 0) {
      throw std::runtime_error("e2esasl-opaque keygen failed: " + out);
    }
  }
  std::string extra;
  for (const std::string& line : extra_lines) {
    extra += line + "\n";
  }
  const auto render = [&](const std::string& name, const std::string& out_name) {
    std::string text = ReadText(SourcePath(backend.docs_dir + "/" + name));
    Replace(&text, "@APP@", kApp);
    for (const auto& [from, to] : backend.fill) {
      Replace(&text, from, to);
    }
    Replace(&text, "@OPAQUE_KEY_FILE@", key_file_);
    if (scram_secret.empty()) {
      Replace(&text, "e2esasl_scram_secret: @SCRAM_SECRET@\n", "");
    } else {
      Replace(&text, "@SCRAM_SECRET@", scram_secret);
    }
    if (text.find('@') != std::string::npos) {
      throw std::runtime_error(name + ": a placeholder was left unfilled");
    }
    WriteText(dir_ + "/conf/" + out_name, text + extra);
  };
  render("server.conf", std::string(kApp) + ".conf");
  render("saslpasswd.conf", "saslpasswd.conf");
}

int StoreSasl::Provision(const std::string& user, const std::optional<std::string>& password,
                         const std::vector<std::string>& flags, std::string* output) const {
#ifdef E2ESASL_SANITIZER_BUILD
  // The system's saslpasswd2 is not instrumented and cannot load ASan-built modules: the peer
  // runs the same sasl_setpass with the same saslpasswd.conf instead (create only).
  if (password && flags.empty()) {
    std::string out;
    const int status = interop::RunCommand(
        {E2ESASL_SASL_PEER, "--role", "server", "--setpass", "--plugin-dir",
         Env("E2ESASL_PLUGIN_DIR"), "--plugin-dir", module_dir_, "--conf-dir", dir_ + "/conf",
         "--app", "saslpasswd", "--user", user, "--password", *password},
        {}, kTimeoutMs, &out);
    if (output != nullptr) {
      *output = out;
    }
    return status;
  }
#endif
  // As an operator would: printf '%s\n' PASSWORD | saslpasswd2 -p -c -u REALM USER, with
  // SASL_CONF_PATH and SASL_PATH pointing at this set-up.
  std::string command = "exec " + Saslpasswd2() + " -p -u " + kRealm;
  command += password ? " -c" : "";
  for (const std::string& flag : flags) {
    command += " " + flag;
  }
  command += " \"$E2ESASL_USER\"";
  std::string out;
  const int status = interop::RunCommand(
      {"/bin/sh", "-c", command},
      {"SASL_CONF_PATH=" + dir_ + "/conf",
       "SASL_PATH=" + Env("E2ESASL_PLUGIN_DIR") + ":" + module_dir_, "E2ESASL_USER=" + user},
      kTimeoutMs, &out, password ? *password + "\n" : "");
  if (output != nullptr) {
    *output = out;
  }
  return status;
}

void StoreSasl::ProvisionOrThrow(const std::string& user, const std::string& password) const {
  std::string out;
  const int status = Provision(user, password, {}, &out);
  if (status != 0) {
    throw std::runtime_error("saslpasswd2 for " + user + " failed (exit " + std::to_string(status) +
                             "): " + out);
  }
}

namespace {

void AddBinding(const std::optional<Binding>& binding, std::vector<std::string>* argv) {
  if (!binding) {
    return;
  }
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : binding->data) {
    hex += {kHex[c >> 4], kHex[c & 15]};
  }
  argv->insert(argv->end(), {"--binding-name", binding->name, "--binding-hex", hex});
}

}  // namespace

interop::Side StoreSasl::Server(const std::string& mech, const std::optional<Binding>& binding,
                                const std::vector<std::string>& env) const {
  interop::Side side;
  side.argv = {E2ESASL_SASL_PEER,
               "--role",
               "server",
               "--plugin-dir",
               Env("E2ESASL_PLUGIN_DIR"),
               "--plugin-dir",
               module_dir_,
               "--conf-dir",
               dir_ + "/conf",
               "--app",
               kApp,
               "--timeout",
               "20"};
  AddBinding(binding, &side.argv);
  if (mech.empty()) {
    side.mech_from_client = true;
  } else {
    side.argv.insert(side.argv.end(), {"--mech", mech});
  }
  side.env = env;
  return side;
}

std::string StoreSasl::ServerFirst(const std::string& mech, const std::string& client_first,
                                   std::string* output) const {
  interop::Side side = Server(mech, std::nullopt);
  std::string out;
  interop::RunCommand(side.argv, side.env, kTimeoutMs, &out,
                      interop::ToBase64(client_first) + "\n");
  if (output != nullptr) {
    *output = out;
  }
  // The first line is the server's first message (base64), unless it failed at once.
  const std::string line = out.substr(0, out.find('\n'));
  std::string message;
  if (line.empty() || line[0] == '@' || !interop::FromBase64(line, &message)) {
    return "";
  }
  return message;
}

interop::Side Client(const std::string& mech, const std::string& user, const std::string& password,
                     const std::optional<Binding>& binding) {
  interop::Side side;
  side.argv = {E2ESASL_SASL_PEER, "--role",    "client", "--plugin-dir", Env("E2ESASL_PLUGIN_DIR"),
               "--mech",          mech,        "--user", user,           "--password",
               password,          "--timeout", "20"};
  AddBinding(binding, &side.argv);
  return side;
}

interop::ExchangeResult Login(const interop::Side& server, const std::string& mech,
                              const std::string& user, const std::string& password,
                              const std::optional<Binding>& binding) {
  return interop::RunExchange(Client(mech, user, password, binding), server, kTimeoutMs);
}

}  // namespace e2esasl::stores
