// plugin.cc: VOUCH-ES256 as a Cyrus SASL plugin module. Only VOUCH-ES256-PLUS is ever usable:
// the base name is registered with SASL_FEAT_CHANNEL_BINDING and requires_binding, so the server
// hides it without a binding and the client refuses any flag but "p="
// (docs/mechanisms/vouch.md).
//
// Options (sasl.conf or the application's getopt callback), the same on both ends:
//   e2esasl_vouch_statement     this end's statement file (e2esasl-vouch issue)
//   e2esasl_vouch_device_key    this end's device key file (e2esasl-vouch device-keygen, 0600)
//   e2esasl_vouch_trust_dir     the directory of "<domain>.jwks" issuer keys
//   e2esasl_vouch_continuity    the key-continuity store (unset: no continuity)
//   e2esasl_vouch_evidence_dir  where a changed key's statement is kept (unset: nowhere)
//   e2esasl_vouch_on_key_change refuse (default) | warn
//   e2esasl_vouch_max_skew      tolerated clock difference in seconds (0..3600, default 60)
//   e2esasl_vouch_peer          client: the identity the server's statement must name
//                               (default: the serverFQDN given to sasl_client_new)
//   e2esasl_vouch_statement_cache  on (default) | off: keep the peers' statements that verified
//                               (statement.h VerifyStatement)
// Key continuity is reported through E2ESASL_CB_VOUCH_KEY (<e2esasl/vouch.h>) and logged.
// No stored secret: setpass stores nothing.
#include <ctime>
#include <string>
#include <utility>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "e2esasl/vouch.h"
#include "sasl/auxprop.h"
#include "sasl/mechanism.h"
#include "vouch/client.h"
#include "vouch/own_files.h"
#include "vouch/server.h"

namespace e2esasl::vouch {
namespace {

constexpr const char* kPluginName = "e2esasl-vouch";
constexpr const char* kStatementOption = "e2esasl_vouch_statement";
constexpr const char* kDeviceKeyOption = "e2esasl_vouch_device_key";
constexpr const char* kTrustDirOption = "e2esasl_vouch_trust_dir";
constexpr const char* kContinuityOption = "e2esasl_vouch_continuity";
constexpr const char* kEvidenceOption = "e2esasl_vouch_evidence_dir";
constexpr const char* kKeyChangeOption = "e2esasl_vouch_on_key_change";
constexpr const char* kMaxSkewOption = "e2esasl_vouch_max_skew";
constexpr const char* kPeerOption = "e2esasl_vouch_peer";
constexpr const char* kStatementCacheOption = "e2esasl_vouch_statement_cache";
// The server offers VOUCH-ES256-PLUS only with these set (a server that cannot run it does not
// list it).
constexpr const char* kRequiredOptions[] = {kStatementOption, kDeviceKeyOption, kTrustDirOption,
                                            nullptr};

constexpr const char* VerdictName(KeyVerdict verdict) {
  switch (verdict) {
    case KeyVerdict::kFirstContact:
      return "first contact";
    case KeyVerdict::kKnownKey:
      return "known key";
    case KeyVerdict::kChangedKey:
      return "CHANGED KEY";
  }
  return "?";
}

// Reporter: logs one line per observation and calls the application's E2ESASL_CB_VOUCH_KEY.
KeyReporter Reporter(const sasl_utils_t* utils, bool is_server) {
  return
      [utils, is_server](const Statement& peer, const ContinuityReport& report, Failure* failure) {
        const bool changed = report.verdict == KeyVerdict::kChangedKey;
        std::string line = std::string("VOUCH-ES256-PLUS key continuity: ") +
                           VerdictName(report.verdict) + " for " + peer.subject + " (device " +
                           peer.device_id + ", key " + peer.cnf.Thumbprint() + ")";
        if (changed) {
          line += report.accepted ? ": accepted with a warning" : ": refused";
          line += report.evidence_path.empty() ? "" : "; evidence " + report.evidence_path;
        }
        utils->log(utils->conn, changed ? SASL_LOG_WARN : SASL_LOG_NOTE, "%s", line.c_str());
        void* context = nullptr;
        int (*proc)() = nullptr;
        if (utils->getcallback(utils->conn, E2ESASL_CB_VOUCH_KEY, &proc, &context) != SASL_OK ||
            proc == nullptr) {
          return Status::kOk;
        }
        const e2esasl_vouch_key_report_t c_report{
            changed ? E2ESASL_VOUCH_CHANGED_KEY
                    : (report.verdict == KeyVerdict::kKnownKey ? E2ESASL_VOUCH_KNOWN_KEY
                                                               : E2ESASL_VOUCH_FIRST_CONTACT),
            report.accepted ? 1 : 0,
            is_server ? 1 : 0,
            peer.subject.c_str(),
            peer.device_id.c_str(),
            peer.cnf.Thumbprint().c_str(),
            report.evidence_path.c_str()};
        auto* callback = reinterpret_cast<e2esasl_vouch_key_t*>(reinterpret_cast<void (*)()>(proc));
        if (callback(context, &c_report) != SASL_OK) {
          return Fail(failure, Status::kAuthFailed, "the application refused the peer's key");
        }
        return Status::kOk;
      };
}

// Configure reads the options both ends share. A file that is named but unusable fails the
// start (kUnavailable with its path); a missing option leaves the field empty and the session
// says what is not configured.
bool Configure(const sasl::Options& options, const sasl_utils_t* utils, bool is_server,
               VouchConfig* config, Failure* failure) {
  if (const auto path = options.Get(kStatementOption)) {
    std::optional<std::string> statement = ReadStatementFile(*path, failure);
    if (!statement) {
      return false;
    }
    config->statement = std::move(*statement);
  }
  if (const auto path = options.Get(kDeviceKeyOption)) {
    if (!(config->device_key = ReadDeviceKeyFile(*path, failure))) {
      return false;
    }
  }
  if (const auto dir = options.Get(kTrustDirOption)) {
    if (!(config->trust = ReadTrustDirectory(*dir, failure))) {
      return false;
    }
  }
  config->now = static_cast<int64_t>(std::time(nullptr));
  config->max_skew =
      static_cast<int64_t>(options.GetUint(kMaxSkewOption, kDefaultMaxSkew, 0, 3600));
  config->continuity.store_path = options.Get(kContinuityOption).value_or("");
  config->continuity.evidence_dir = options.Get(kEvidenceOption).value_or("");
  const std::string policy = options.Get(kKeyChangeOption).value_or("refuse");
  if (policy != "refuse" && policy != "warn") {
    options.Warn(kKeyChangeOption, "must be refuse or warn; using refuse");
  }
  config->continuity.policy =
      policy == "warn" ? ChangedKeyPolicy::kAcceptAndWarn : ChangedKeyPolicy::kRefuse;
  const std::string cache = options.Get(kStatementCacheOption).value_or("on");
  if (cache != "on" && cache != "off") {
    options.Warn(kStatementCacheOption, "must be on or off; using on");
  }
  config->use_statement_cache = cache != "off";
  config->report = Reporter(utils, is_server);
  return true;
}

bool ConfigureClient(const sasl::MechanismSpec&, const sasl::ClientSetup& setup,
                     ClientConfig* config, Failure* failure) {
  config->peer = setup.options->Get(kPeerOption).value_or(setup.server_fqdn);
  return Configure(*setup.options, setup.utils, /*is_server=*/false, &config->vouch, failure);
}

bool ConfigureServer(const sasl::MechanismSpec&, const sasl::ServerSetup& setup,
                     ServerConfig* config, Failure* failure) {
  sasl::Identity* identity = setup.identity;
  config->accept_identity = [identity](std::string_view sub, Failure* refused) {
    if (identity->CanonAuthcid(sub) != SASL_OK) {
      return Fail(refused, Status::kAuthFailed, "the authentication identity was refused");
    }
    return Status::kOk;
  };
  return Configure(*setup.options, setup.utils, /*is_server=*/true, &config->vouch, failure);
}

// Security flags (argued in docs/mechanisms/vouch.md): no secret to sniff or guess
// (NOPLAINTEXT, NODICTIONARY, NOACTIVE: a man in the middle's two channels make every signature
// fail), not anonymous, both ends prove their vouched key (MUTUAL_AUTH). Not FORWARD_SECRECY:
// the mechanism derives no key.
constexpr unsigned kSecurityFlags = SASL_SEC_NOPLAINTEXT | SASL_SEC_NOANONYMOUS |
                                    SASL_SEC_NODICTIONARY | SASL_SEC_NOACTIVE |
                                    SASL_SEC_MUTUAL_AUTH;

const sasl::MechanismSpec kMechanisms[] = {
    sasl::MechanismSpec{"VOUCH-ES256", kSecurityFlags, sasl::kFeatures,
                        /*client_needs_password=*/false,
                        /*requires_binding=*/true,
                        /*variant=*/0, &sasl::NewClient<ClientSession, &ConfigureClient>,
                        &sasl::NewServer<ServerSession, sasl::NoSource, &ConfigureServer>,
                        /*encode_secret=*/nullptr,
                        /*needs_person=*/false, kRequiredOptions},
};

const sasl::Family kFamily{kPluginName, kMechanisms};

}  // namespace
}  // namespace e2esasl::vouch

E2ESASL_PLUGIN_ENTRY_POINTS(e2esasl::vouch::kFamily)
