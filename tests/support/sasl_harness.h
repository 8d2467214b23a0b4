// sasl_harness.h: drives the real libsasl2 with the built plugin modules, client and server in
// one process, for the plugin tests of every family.
//
// SaslLibrary::Init() runs once per process: it points libsasl2 at the build's plugin
// directory (E2ESASL_PLUGIN_DIR) plus a private directory holding only the system's
// libsasldb.so* (so sasldb works without the system's own SCRAM plugin, which registers our
// SCRAM names; SASL_PATH replaces libsasl2's default directory), then
// calls sasl_server_init and sasl_client_init. Every connection gets its own getopt callback,
// so each test has its own sasldb file and options.
#ifndef E2ESASL_TESTS_SUPPORT_SASL_HARNESS_H_
#define E2ESASL_TESTS_SUPPORT_SASL_HARNESS_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sasl/sasl.h>

namespace e2esasl::test {

// SaslLibrary: the process-wide libsasl2 initialisation.
class SaslLibrary {
 public:
  // Init initialises libsasl2 once (later calls do nothing). plugin_dir defaults to
  // $E2ESASL_PLUGIN_DIR. Throws std::runtime_error when libsasl2 refuses.
  static void Init(const std::string& plugin_dir = "");
  // PluginPath is the SASL plugin path in use ("<ours>:<sasldb-only dir>").
  static const std::string& PluginPath();
};

// TempDir: a directory under $TMPDIR removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Options answers libsasl2's getopt for one connection: sasldb_path, auxprop_plugin and any
// plugin option a test sets.
using OptionMap = std::map<std::string, std::string>;

// Binding is a channel binding to set on a connection (name and data are the application's).
struct Binding {
  std::string name;
  std::vector<unsigned char> data;
  bool critical = false;
};

// MakeBinding returns a synthetic 32-byte binding (bytes seed, seed+7, ...) named `name`; two
// different seeds give different data, as a man in the middle's two TLS channels would.
Binding MakeBinding(const std::string& name, unsigned char seed, bool critical = false);

// OpenLdapBinding: OpenLDAP's form, name "ldap" and data "tls-unique:" + a MakeBinding value, as
// slapd and libldap hand it to libsasl2.
Binding OpenLdapBinding(unsigned char seed);

// EveryBinding: no binding, then one of each kind applications pass (tls-unique, tls-exporter,
// tls-server-end-point, OpenLDAP's "ldap"), with distinct data.
std::vector<std::optional<Binding>> EveryBinding();

// HasToken tells whether the space-separated list (e.g. sasl_listmech output) holds token.
bool HasToken(const std::string& list, const std::string& token);

// ClientIdentity: what the client gives. With via_prompts false each present value is answered
// by a callback (SASL_CB_AUTHNAME / SASL_CB_USER / SASL_CB_PASS) and an absent one has no
// callback; with via_prompts true no callback is registered, the plugin must ask through
// SASL_INTERACT prompts and the harness answers them from these values (absent -> NULL).
struct ClientIdentity {
  std::optional<std::string> authcid;
  std::optional<std::string> authzid;
  std::optional<std::string> password;
  bool via_prompts = false;
};

// Exchange: the outcome and transcript of one authentication.
struct Exchange {
  int client_result = SASL_OK;               // last client return code
  int server_result = SASL_OK;               // last server return code
  std::string client_detail;                 // sasl_errdetail of the client when it failed
  std::string server_detail;                 // sasl_errdetail of the server when it failed
  std::string mechanism;                     // the mechanism sasl_client_start chose
  std::vector<std::string> client_messages;  // what the client sent, in order
  std::vector<std::string> server_messages;  // what the server sent, in order (challenges, and
                                             // success data when there was any)
  bool success_data = false;                 // the server's SASL_OK came with data (non-NULL)
  std::string server_authid;                 // SASL_AUTHUSER after success
  std::string server_user;                   // SASL_USERNAME after success
  int prompts_answered = 0;
  // What the scripted people were shown, in order (see ExchangeSpec's Person fields).
  std::vector<std::string> client_confirm_texts;  // E2ESASL_CB_SAS_CONFIRM on the client
  std::vector<std::string> server_confirm_texts;  // E2ESASL_CB_SAS_CONFIRM on the server
  std::vector<std::string> client_show_texts;     // E2ESASL_CB_SAS_SHOW on the client
  std::vector<std::string> server_show_texts;     // E2ESASL_CB_SAS_SHOW on the server
  std::vector<std::string> echo_challenges;       // SASL_CB_ECHOPROMPT challenges answered
  // person_events: every time a person was shown or asked something, in order across both
  // ends: "client show", "server show", "client confirm", "server confirm", "client prompt"
  // (a SASL_CB_ECHOPROMPT answered).
  std::vector<std::string> person_events;
  // continuity_events: E2ESASL_CB_SAS_CONTINUITY calls in order across both ends, e.g.
  // "client remembered server.example", "server not-matched alice", "client stored ...".
  std::vector<std::string> continuity_events;
  bool ok() const { return client_result == SASL_OK && server_result == SASL_OK; }
  // What: both sides' error details, for an assertion's message.
  std::string What() const { return "client: " + client_detail + " / server: " + server_detail; }
};

// Person: a scripted person for the "ask a person" callbacks (<e2esasl/confirm.h>): gets the
// text (a short authentication string) and answers true to accept.
using Person = std::function<bool(const std::string& text)>;

// Tamper may rewrite a message in flight: (from_client, index, message) -> message.
using Tamper = std::function<std::string(bool from_client, int index, const std::string&)>;

// ExchangeSpec: one authentication to run.
struct ExchangeSpec {
  std::string client_mechlist;   // what the client is offered, e.g. "SCRAM-SHA-256"
  std::string server_mechanism;  // name passed to sasl_server_start ("" = the chosen one)
  ClientIdentity identity;
  std::optional<Binding> client_binding;
  std::optional<Binding> server_binding;
  OptionMap server_options;  // getopt answers (sasldb_path is set by the harness)
  OptionMap client_options;
  std::string sasldb_path;  // the server's sasldb file
  unsigned server_flags = SASL_SUCCESS_DATA;
  Tamper tamper;             // may be empty
  bool allow_proxy = false;  // the server's SASL_CB_PROXY_POLICY allows any authorization
  int max_steps = 16;
  // People: each set Person registers the callback on that side (unset: not registered).
  Person client_confirm;  // E2ESASL_CB_SAS_CONFIRM on the client
  Person server_confirm;  // E2ESASL_CB_SAS_CONFIRM on the server
  Person client_show;     // E2ESASL_CB_SAS_SHOW on the client
  Person server_show;     // E2ESASL_CB_SAS_SHOW on the server
  // client_echo_answer: when set, the harness answers SASL_CB_ECHOPROMPT prompts with it (and
  // records their challenges); unset, such prompts get NULL like any unknown prompt.
  std::optional<std::string> client_echo_answer;
  // server_fqdn: the serverFQDN given to sasl_client_new and sasl_server_new.
  std::string server_fqdn = "server.example";
  // Callbacks of the test's own (e.g. E2ESASL_CB_VOUCH_KEY, SASL_CB_LOG), registered on that
  // side before SASL_CB_LIST_END; their contexts must outlive the exchange.
  std::vector<sasl_callback_t> client_callbacks;
  std::vector<sasl_callback_t> server_callbacks;
};

// RunExchange runs one complete authentication through libsasl2.
Exchange RunExchange(const ExchangeSpec& spec);

// SetPassword provisions user/password in sasldb_path through sasl_setpass on a server
// connection, so every loaded plugin's setpass stores its secret. Returns the SASL code.
int SetPassword(const std::string& sasldb_path, const std::string& user,
                const std::string& password, const OptionMap& options = {});

// StoreProperty writes (or, with nullopt, deletes) one auxprop property of user in sasldb_path
// directly (sasl_auxprop_store), bypassing the plugins' setpass. Returns the SASL code.
int StoreProperty(const std::string& sasldb_path, const std::string& user, const std::string& name,
                  const std::optional<std::string>& value);

// ServerMechanisms lists the mechanisms a server connection offers (sasl_listmech), with an
// optional binding set.
// With person_callbacks the server connection registers E2ESASL_CB_SAS_CONFIRM (rejecting) and
// E2ESASL_CB_SAS_SHOW; with show_callback false, only the first. options: the server's getopt
// answers (VOUCH is listed only when configured).
std::string ServerMechanisms(const std::string& sasldb_path, const std::optional<Binding>& binding,
                             bool person_callbacks = false, bool show_callback = true,
                             const OptionMap& options = {});

}  // namespace e2esasl::test

#endif  // E2ESASL_TESTS_SUPPORT_SASL_HARNESS_H_
