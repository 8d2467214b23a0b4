// sasl_session.h: Cyrus SASL for e2e-demo: library initialisation with a plugin path and a
// sasldb file, and thin RAII server / client sessions that report every step.
#ifndef E2ESASL_CLIENT_DEMO_SASL_SESSION_H_
#define E2ESASL_CLIENT_DEMO_SASL_SESSION_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "e2esasl/channelbind.h"
#include "util.h"

namespace e2esasl::demo {

inline constexpr const char* kService = "e2e-demo";

// SaslConfig is what the library callbacks answer. plugin_path is a colon-separated list of
// directories (SASL_PATH semantics); sasldb_path is the server's credential file.
struct SaslConfig {
  std::string plugin_path;
  std::string sasldb_path;
  std::string realm;  // empty: Cyrus's default (the host name)
  bool verbose = false;
  std::string log_prefix = "e2e-demo";
  // opaque_key_file: the OPAQUE server's key file (OPRF seed, AKE key pair); empty: next to the
  // sasldb file, "<sasldb_path>.opaque-key" (created 0600 on first use).
  std::string opaque_key_file;
  // sas_store: SAS-R255-PLUS's store of remembered peers (option e2esasl_sas_store); empty: none.
  std::string sas_store;
  // sasl_options: more mechanism options (e2esasl_*), e.g. VOUCH-ES256-PLUS's files.
  std::vector<std::pair<std::string, std::string>> sasl_options;
};

// SaslLibrary initialises libsasl2 for the process (server and/or client side) and shuts it
// down in its destructor. One per process. Throws DemoError(kSetup) when init fails.
class SaslLibrary {
 public:
  SaslLibrary(SaslConfig config, bool server, bool client);
  ~SaslLibrary();
  SaslLibrary(const SaslLibrary&) = delete;
  SaslLibrary& operator=(const SaslLibrary&) = delete;
  const SaslConfig& config() const { return config_; }
  // callbacks: the GETOPT / GETPATH / LOG callbacks (context = this), SASL_CB_LIST_END-terminated.
  const std::vector<sasl_callback_t>& callbacks() const { return callbacks_; }

 private:
  SaslConfig config_;
  bool server_;
  bool client_;
  std::vector<sasl_callback_t> callbacks_;
};

// SaslCodeName: "SASL_BADBINDING" etc.
std::string SaslCodeName(int rc);

// SaslStep is the result of one start/step call. out is set when the mechanism produced data
// (possibly empty); rc is SASL_OK, SASL_CONTINUE or an error.
struct SaslStep {
  int rc = SASL_FAIL;
  std::optional<Bytes> out;
};

// SasCallbacks is how an end asks its person about SAS-R255-PLUS's short authentication string
// (<e2esasl/confirm.h>): confirm returns true only when the person accepts the string (server and
// client); show displays it as soon as it is known (required on the server, where it runs before
// the client's person is asked; optional on the client). Exceptions are caught and count as a
// rejection.
struct SasCallbacks {
  std::function<bool(const std::string& sas)> confirm;
  std::function<void(const std::string& sas)> show;
  // continuity: SAS-R255-PLUS's remembered-peer events (E2ESASL_SAS_* of <e2esasl/confirm.h>).
  std::function<void(int event, const std::string& peer)> continuity;
  // vouch_key: VOUCH-ES256-PLUS's key-continuity report (<e2esasl/vouch.h>): verdict
  // (E2ESASL_VOUCH_*), the peer's identity, the evidence file ("" unless a changed key).
  std::function<void(int verdict, const std::string& identity, const std::string& evidence)>
      vouch_key;
};

// SaslServerSession is one server-side exchange. binding (optional, not owned) must outlive it;
// so must sas (optional: without it SAS-R255-PLUS is not offered).
class SaslServerSession {
 public:
  SaslServerSession(const SaslLibrary& lib, const channelbind::SaslChannelBinding* binding,
                    const SasCallbacks* sas = nullptr);
  // Mechanisms returns the space-separated list the glue offers on this connection (with
  // "-PLUS" names when a binding is set; without the plain names when it is critical).
  std::string Mechanisms();
  SaslStep Start(const std::string& mech, const std::optional<Bytes>& initial);
  SaslStep Step(const Bytes& in);
  // ErrorText: "SASL_XXX: detail" for the last failure.
  std::string ErrorText(int rc);
  std::string Username();

 private:
  std::vector<sasl_callback_t> callbacks_;
  SaslConnPtr conn_;
};

// SaslClientSession is one client-side exchange with fixed credentials.
class SaslClientSession {
 public:
  // password_source is called (at most once) the first time a mechanism needs the password.
  // sas (optional, not owned, must outlive the session) registers the SAS callbacks.
  SaslClientSession(const SaslLibrary& lib, std::string user,
                    std::function<std::string()> password_source,
                    const channelbind::SaslChannelBinding* binding, const std::string& server,
                    const SasCallbacks* sas = nullptr);
  ~SaslClientSession();
  SaslClientSession(const SaslClientSession&) = delete;
  SaslClientSession& operator=(const SaslClientSession&) = delete;

  // Mechanisms lists the client mechanisms the loaded plugins offer.
  std::string Mechanisms();
  // Start picks a mechanism from mechlist (Cyrus prefers "-PLUS" names when a binding is set).
  // mech gets the base name Cyrus returns; see WireName.
  SaslStep Start(const std::string& mechlist, std::string* mech);
  SaslStep Step(const std::optional<Bytes>& in);
  std::string ErrorText(int rc);

  static int GetSimple(void* context, int id, const char** result, unsigned* len);
  static int GetSecret(sasl_conn_t* conn, void* context, int id, sasl_secret_t** out);

 private:
  std::string user_;
  std::function<std::string()> password_source_;
  std::vector<unsigned char> secret_;  // sasl_secret_t + password; wiped in the destructor
  std::vector<sasl_callback_t> callbacks_;
  SaslConnPtr conn_;
};

// SplitMechs splits a space-separated list.
std::vector<std::string> SplitMechs(const std::string& list);

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_SASL_SESSION_H_
