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
// No stored secret: setpass stores nothing.
#include <memory>
#include <utility>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "sas/client.h"
#include "sas/server.h"
#include "sasl/auxprop.h"
#include "sasl/errors.h"
#include "sasl/mechanism.h"

namespace e2esasl::sas {
namespace {

constexpr const char* kPluginName = "e2esasl-sas";
constexpr const char* kDigitsOption = "e2esasl_sas_digits";

unsigned Digits(const sasl::Options& options) {
  return static_cast<unsigned>(
      options.GetUint(kDigitsOption, kDefaultDigits, kMinDigits, kMaxDigits));
}

// ConfigureClient / ConfigureServer: SAS's own options (the glue copies the rest). No stored
// secret: the server session has no Source; it asks canon_user about the claimed authcid (no
// stored credential is read: a person checks the claim).
bool ConfigureClient(const sasl::MechanismSpec&, const sasl::Options& options, ClientConfig* config,
                     Failure*) {
  config->digits = Digits(options);
  return true;
}

bool ConfigureServer(const sasl::MechanismSpec&, const sasl::ServerSetup& setup,
                     ServerConfig* config, Failure*) {
  config->min_digits = Digits(*setup.options);
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
