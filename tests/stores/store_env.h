// store_env.h: real PostgreSQL and OpenLDAP servers for the store tests, and the SASL set-up of
// docs/stores.md around them (issue 14).
//
// PgServer runs tests/stores/pg-sandbox: a private cluster in a new directory under /tmp (the
// postgres user must reach it), on 127.0.0.1 and a free port, database e2esasl with
// docs/stores/postgresql/schema.sql loaded. The destructor stops it and removes the directory;
// a watcher started by the script does the same if this process dies first.
//
// LdapServer runs tests/stores/ldap-sandbox: a private slapd (generated cn=config, MDB database
// dc=example,dc=org, docs/stores/openldap/e2esasl.ldif loaded) as the openldap user, stopped and
// removed like PgServer.
//
// StoreSasl is one server's SASL configuration directory: docs/stores/<backend>/server.conf and
// saslpasswd.conf with the placeholders filled in, the plugin directories (the build's modules,
// and one holding only the system's auxprop module, libsql.so* or libldapdb.so*), and command
// lines for saslpasswd2 and for the server and client peer processes
// (tests/interop/sasl_peer.cc). PgSasl and LdapSasl make one for each backend.
// Everything throws std::runtime_error on failure.
#ifndef E2ESASL_TESTS_STORES_STORE_ENV_H_
#define E2ESASL_TESTS_STORES_STORE_ENV_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "interop/peer_process.h"

namespace e2esasl::stores {

// kRealm: the realm every test user lives in (the peers' server name, saslpasswd2 -u).
inline constexpr const char* kRealm = "server.example";
// kApp: the server application's SASL name: its configuration is <conf dir>/e2esasl-store.conf.
inline constexpr const char* kApp = "e2esasl-store";

// SourcePath: a file of this source tree ($E2ESASL_SOURCE_DIR/relative).
std::string SourcePath(const std::string& relative);
// ReadText reads a whole file.
std::string ReadText(const std::string& path);
// NewTempDir makes a directory under /tmp, removed at exit unless E2ESASL_KEEP_STORE_DIRS is set.
std::string NewTempDir(const std::string& prefix);

class PgServer {
 public:
  PgServer();
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  void Stop();    // fast shutdown
  void Start();   // start the existing cluster again
  void Freeze();  // SIGSTOP its processes: a database that accepts and never answers
  void Thaw();
  // Sql runs a statement in database e2esasl as the superuser; returns the rows ('|' between
  // fields, one row a line).
  std::string Sql(const std::string& statement) const;

  int port() const { return port_; }
  const std::string& reader_password() const { return reader_password_; }
  const std::string& writer_password() const { return writer_password_; }

 private:
  void Run(const std::vector<std::string>& args, int timeout_ms, std::string* out = nullptr) const;
  std::string dir_;
  int port_ = 0;
  std::string reader_password_, writer_password_;
};

class LdapServer {
 public:
  // LdapServer starts the directory. With slapd_sasl_dir, slapd itself loads the build's plugin
  // modules (SASL_PATH) and reads slapd_sasl_dir/slapd.conf as its SASL configuration (in a
  // private mount namespace, see ldap-sandbox): slapd as the Cyrus application.
  explicit LdapServer(const std::string& slapd_sasl_dir = "");
  ~LdapServer();
  LdapServer(const LdapServer&) = delete;
  LdapServer& operator=(const LdapServer&) = delete;

  void Stop();
  void Start();
  void Freeze();  // SIGSTOP slapd: a directory that accepts connections and never answers
  void Thaw();
  // AddUser adds uid=<user>,ou=people,dc=example,dc=org (inetOrgPerson, e2esaslAccount), which
  // must exist before saslpasswd2 can store its credentials.
  void AddUser(const std::string& user) const;
  // Attributes: the user entry's attributes as ldapsearch prints them (LDIF, unwrapped).
  std::string Attributes(const std::string& user) const;
  // Modify applies an LDIF modification (ldapmodify as the directory's administrator).
  void Modify(const std::string& ldif) const;

  int port() const { return port_; }  // ldap:// (StartTLS); ldaps:// is port() + 1
  const std::string& dir() const { return dir_; }
  std::string ldapi_uri() const;
  std::string ca_path() const { return dir_ + "/ca.pem"; }

 private:
  void Run(const std::vector<std::string>& args, int timeout_ms, std::string* out = nullptr) const;
  int Ldap(const std::vector<std::string>& argv, const std::string& input, std::string* out) const;
  std::string dir_;
  int port_ = 0;
  std::string admin_password_;
  std::string slapd_sasl_dir_;
};

// Backend: what a StoreSasl needs of its store: the docs directory with server.conf and
// saslpasswd.conf, the system module to load, and the placeholders to fill.
struct Backend {
  std::string docs_dir;  // e.g. "docs/stores/postgresql"
  std::string module;    // e.g. "libsql"
  std::vector<std::pair<std::string, std::string>> fill;
};
Backend PgBackend(const PgServer& db);
Backend LdapBackend(const LdapServer& directory);

// Binding: a synthetic channel binding given to both peers (the PLUS variants).
struct Binding {
  std::string name = "tls-exporter";
  std::string data;  // raw bytes
};
Binding SyntheticBinding(unsigned char seed);

class StoreSasl {
 public:
  // StoreSasl: a configuration for backend. scram_secret and key_file are the cluster secrets
  // (an empty scram_secret leaves the option out; key_file "" makes a new key file here with
  // e2esasl-opaque keygen). extra_lines are appended to both files (the tests' cheap KSF).
  StoreSasl(const Backend& backend, const std::string& scram_secret,
            const std::string& key_file = "",
            const std::vector<std::string>& extra_lines = DefaultExtraLines());

  static std::vector<std::string> DefaultExtraLines();

  // Provision runs saslpasswd2 -p -c -u kRealm (plus flags, e.g. "-n" or "-d") as the docs say;
  // returns its exit status and output.
  int Provision(const std::string& user, const std::optional<std::string>& password,
                const std::vector<std::string>& flags = {}, std::string* output = nullptr) const;
  // ProvisionOrThrow: Provision that must succeed.
  void ProvisionOrThrow(const std::string& user, const std::string& password) const;

  // Server: our peer as a server reading this configuration; mech "" takes the client's choice.
  interop::Side Server(const std::string& mech, const std::optional<Binding>& binding,
                       const std::vector<std::string>& env = {}) const;
  // ServerFirst runs a server process on the client message client_first alone and returns the
  // first message it answers (empty when it answered none, with *output set).
  std::string ServerFirst(const std::string& mech, const std::string& client_first,
                          std::string* output = nullptr) const;

  const std::string& dir() const { return dir_; }
  const std::string& key_file() const { return key_file_; }
  std::string server_conf() const { return dir_ + "/conf/" + kApp + ".conf"; }
  const std::string& module_dir() const { return module_dir_; }

 private:
  std::string dir_, key_file_, module_dir_;
};

class PgSasl : public StoreSasl {
 public:
  PgSasl(const PgServer& db, const std::string& scram_secret, const std::string& key_file = "",
         const std::vector<std::string>& extra_lines = DefaultExtraLines())
      : StoreSasl(PgBackend(db), scram_secret, key_file, extra_lines) {}
};

class LdapSasl : public StoreSasl {
 public:
  LdapSasl(const LdapServer& directory, const std::string& scram_secret,
           const std::string& key_file = "",
           const std::vector<std::string>& extra_lines = DefaultExtraLines())
      : StoreSasl(LdapBackend(directory), scram_secret, key_file, extra_lines) {}
};

// Client: our peer as a client (the build's modules only).
interop::Side Client(const std::string& mech, const std::string& user, const std::string& password,
                     const std::optional<Binding>& binding);

// Login runs one exchange between Client and server.
interop::ExchangeResult Login(const interop::Side& server, const std::string& mech,
                              const std::string& user, const std::string& password,
                              const std::optional<Binding>& binding = std::nullopt);

// kSanitizerBuild: the sanitizer build runs smaller matrices (each peer process is slow there).
#ifdef E2ESASL_SANITIZER_BUILD
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif

// kTimeoutMs bounds every exchange and command.
inline constexpr int kTimeoutMs = 30000;

}  // namespace e2esasl::stores

#endif  // E2ESASL_TESTS_STORES_STORE_ENV_H_
