// plugin.cc: SAS-R255 as a Cyrus SASL plugin module. Only SAS-R255-PLUS is ever usable: the base
// name is registered with SASL_FEAT_CHANNEL_BINDING and requires_binding, so the server hides it
// without a binding and the client refuses any flag but "p=" (docs/mechanisms/sas.md).
//
// People: the application registers E2ESASL_CB_SAS_CONFIRM and E2ESASL_CB_SAS_SHOW from
// <e2esasl/confirm.h>. The server offers the mechanism only with both (it shows the string
// before the client's person is asked, and its person answers last); the client without the
// confirm callback asks through a SASL_INTERACT echo prompt, and needs no show callback.
//
// Options (sasl.conf or the application's getopt callback):
//   e2esasl_sas_digits   client: the number of decimal digits to ask for (10..18, default 10);
//                        server: the fewest it accepts (default 10). 10 digits = 33.2 bits.
//   e2esasl_sas_store    both sides: the store of remembered peers (docs/mechanisms/sas.md,
//                        "Remembered peers"; created 0600 at the first use). Unset: every
//                        exchange asks the people. The client names the server in it by the
//                        serverFQDN given to sasl_client_new, the server the client by its
//                        authentication identity. Events reach E2ESASL_CB_SAS_CONTINUITY and the
//                        log.
// No stored secret in the user database: setpass stores nothing.
#include <memory>
#include <utility>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "common/text_record.h"
#include "sas/client.h"
#include "sas/server.h"
#include "sasl/auxprop.h"
#include "sasl/errors.h"
#include "sasl/mechanism.h"
#include "sasl/person.h"

namespace e2esasl::sas {
namespace {

constexpr const char* kPluginName = "e2esasl-sas";
constexpr const char* kDigitsOption = "e2esasl_sas_digits";
constexpr const char* kStoreOption = "e2esasl_sas_store";

unsigned Digits(const sasl::Options& options) {
  return static_cast<unsigned>(
      options.GetUint(kDigitsOption, kDefaultDigits, kMinDigits, kMaxDigits));
}

// Continuity sets up the store of remembered peers from the option, and the report: the log
// (the peer's identity and the event; never a secret) and the application's callback.
ContinuityConfig Continuity(const sasl::Options& options, const sasl_utils_t* utils,
                            bool is_server) {
  ContinuityConfig continuity;
  continuity.store_path = options.Get(kStoreOption).value_or("");
  const sasl::ContinuityCallback callback = sasl::FindContinuityCallback(utils);
  continuity.report = [utils, callback, is_server](ContinuityEvent event, std::string_view peer,
                                                   Failure* failure) {
    const std::string who =
        std::string(is_server ? "the client " : "the server ") + "\"" + std::string(peer) + "\"";
    int level = SASL_LOG_NOTE;
    std::string what;
    switch (event) {
      case ContinuityEvent::kRemembered:
        what = who +
               " proved the secret remembered from an earlier verified exchange: no "
               "comparison needed";
        break;
      case ContinuityEvent::kFirst:
        what = "nothing is remembered for " + who + ": the people compare the string";
        break;
      case ContinuityEvent::kNotMatched:
        level = SASL_LOG_WARN;
        what = who +
               " is remembered but did NOT prove the remembered secret (a new or changed "
               "device, a lost store, or a man in the middle): the people compare the "
               "string";
        break;
      case ContinuityEvent::kStored:
        what = who + " is remembered for the next exchange";
        break;
    }
    sasl::Log(utils, level, "SAS-R255-PLUS", what);
    if (!callback.Tell(static_cast<int>(event), peer, is_server)) {
      return Fail(failure, Status::kAuthFailed,
                  "the application's continuity callback aborted the exchange");
    }
    return Status::kOk;
  };
  return continuity;
}

// ConfigureClient / ConfigureServer: SAS's own options (the glue copies the rest). No stored
// secret: the server session has no Source; it asks canon_user about the claimed authcid (no
// stored credential is read: a person checks the claim).
bool ConfigureClient(const sasl::MechanismSpec&, const sasl::ClientSetup& setup,
                     ClientConfig* config, Failure* failure) {
  config->digits = Digits(*setup.options);
  config->continuity = Continuity(*setup.options, setup.utils, /*is_server=*/false);
  if (config->continuity.enabled()) {
    if (setup.server_fqdn.empty() || setup.server_fqdn.size() > kMaxStoreIdentitySize) {
      Fail(failure, Status::kUnavailable,
           std::string(kStoreOption) +
               " is set, but the server has no name to remember it by (the serverFQDN given to "
               "sasl_client_new is empty or longer than 1024 bytes)");
      return false;
    }
    config->continuity.peer = setup.server_fqdn;
  }
  return true;
}

bool ConfigureServer(const sasl::MechanismSpec&, const sasl::ServerSetup& setup,
                     ServerConfig* config, Failure*) {
  config->min_digits = Digits(*setup.options);
  config->continuity = Continuity(*setup.options, setup.utils, /*is_server=*/true);
  sasl::Identity* identity = setup.identity;
  config->accept_authcid = [identity](std::string_view authcid, Failure* failure) {
    if (identity->CanonAuthcid(authcid) != SASL_OK) {
      return Fail(failure, Status::kAuthFailed, "the authentication identity was refused");
    }
    return Status::kOk;
  };
  return true;
}

// Security flags (argued in docs/mechanisms/sas.md): no secret to sniff (NOPLAINTEXT) or to
// guess offline (NODICTIONARY); not anonymous: a person at each end vouches for the peer
// (NOANONYMOUS); ephemeral keys only (FORWARD_SECRECY); both people and both key confirmations
// (MUTUAL_AUTH). Not NOACTIVE: against an active man in the middle the protection is the
// people's comparison, which the mechanism cannot enforce.
constexpr unsigned kSecurityFlags = SASL_SEC_NOPLAINTEXT | SASL_SEC_NOANONYMOUS |
                                    SASL_SEC_NODICTIONARY | SASL_SEC_FORWARD_SECRECY |
                                    SASL_SEC_MUTUAL_AUTH;

const sasl::MechanismSpec kMechanisms[] = {
    sasl::MechanismSpec{"SAS-R255", kSecurityFlags, sasl::kFeatures,
                        /*client_needs_password=*/false,
                        /*requires_binding=*/true,
                        /*variant=*/0, &sasl::NewClient<ClientSession, &ConfigureClient>,
                        &sasl::NewServer<ServerSession, sasl::NoSource, &ConfigureServer>,
                        /*encode_secret=*/nullptr,
                        /*needs_person=*/true},
};

const sasl::Family kFamily{kPluginName, kMechanisms};

}  // namespace
}  // namespace e2esasl::sas

E2ESASL_PLUGIN_ENTRY_POINTS(e2esasl::sas::kFamily)
