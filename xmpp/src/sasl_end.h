// sasl_end.h: libsasl2 for the session core: the process-wide initialisation, and one server or
// client end per session (the e2esasl plugins do the mechanisms). Nothing here throws except
// std::bad_alloc; failures come back as codes and texts.
#ifndef E2ESASL_XMPP_SASL_END_H_
#define E2ESASL_XMPP_SASL_END_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "e2esasl/channelbind.h"
#include "handles.h"

namespace e2esasl::xmpp {

using Bytes = std::vector<uint8_t>;

inline constexpr const char* kSaslService = "e2e-xmpp";

// SaslSettings: what the per-connection GETOPT callback answers.
struct SaslSettings {
  std::string sasldb_path;
  std::string realm;
  std::string opaque_key_file;
  // Mechanism options ("e2esasl_sas_digits" ...) for both ends (e2e_xmpp_set_sasl_option).
  std::vector<std::pair<std::string, std::string>> options;
};

// EnsureSaslInit initialises libsasl2's server and client sides once per process, loading the
// plugins from plugin_path (empty: $SASL_PATH or the system directory). Returns "" or why not.
std::string EnsureSaslInit(const std::string& plugin_path);

// SetPassword stores user's secrets for every loaded plugin (sasl_setpass with SASL_SET_CREATE).
// Returns "" or why not.
std::string SetPassword(const SaslSettings& settings, const std::string& user,
                        std::string password);

// PersonHooks: SAS-R255-PLUS's questions to a person. confirm returns true for "same string";
// show (client only) displays the string early. Either may be empty.
struct PersonHooks {
  std::function<bool(const std::string& sas, bool is_server)> confirm;
  std::function<void(const std::string& sas)> show;
  // continuity: SAS-R255-PLUS's remembered-peer events (E2ESASL_CB_SAS_CONTINUITY); may be
  // called on the person step's worker thread.
  std::function<void(int event, const std::string& peer)> continuity;
};

// SaslStep: rc is SASL_OK, SASL_CONTINUE or an error; out is set when the mechanism produced
// data (possibly empty).
struct SaslStep {
  int rc = SASL_FAIL;
  std::optional<Bytes> out;
};

std::string SaslCodeName(int rc);
std::vector<std::string> SplitWords(const std::string& list);

// SaslServerEnd: the responder's exchange. binding and hooks (not owned) must outlive it.
class SaslServerEnd {
 public:
  static std::unique_ptr<SaslServerEnd> New(const SaslSettings& settings,
                                            const channelbind::SaslChannelBinding* binding,
                                            const PersonHooks* hooks, std::string* error);
  std::string Mechanisms();
  SaslStep Start(const std::string& mech, const std::optional<Bytes>& initial);
  SaslStep Step(const Bytes& in);
  std::string ErrorText(int rc);
  std::string Username();

 private:
  SaslServerEnd() = default;
  SaslSettings settings_;
  const PersonHooks* hooks_ = nullptr;
  std::vector<sasl_callback_t> callbacks_;
  SaslConnPtr conn_;
};

// SaslClientEnd: the initiator's exchange with fixed credentials (the password is wiped in the
// destructor).
class SaslClientEnd {
 public:
  // peer_name: the serverFQDN given to libsasl2, the name the peer is remembered by (the peer's
  // bare JID: SAS-R255-PLUS's store of remembered peers files it under that name).
  static std::unique_ptr<SaslClientEnd> New(const SaslSettings& settings, std::string user,
                                            std::string password, std::string authzid,
                                            const channelbind::SaslChannelBinding* binding,
                                            const PersonHooks* hooks, const std::string& peer_name,
                                            std::string* error);
  ~SaslClientEnd();
  SaslClientEnd(const SaslClientEnd&) = delete;
  SaslClientEnd& operator=(const SaslClientEnd&) = delete;
  // Start picks from mechlist; *mech gets the base name libsasl2 chose.
  SaslStep Start(const std::string& mechlist, std::string* mech);
  SaslStep Step(const std::optional<Bytes>& in);
  std::string ErrorText(int rc);

 private:
  SaslClientEnd() = default;
  static int GetSimple(void* context, int id, const char** result, unsigned* len);
  static int GetSecret(sasl_conn_t* conn, void* context, int id, sasl_secret_t** out);
  SaslSettings settings_;
  std::string user_;
  std::string authzid_;
  std::vector<unsigned char> secret_;  // sasl_secret_t + password
  const PersonHooks* hooks_ = nullptr;
  std::vector<sasl_callback_t> callbacks_;
  SaslConnPtr conn_;
};

}  // namespace e2esasl::xmpp

#endif  // E2ESASL_XMPP_SASL_END_H_
