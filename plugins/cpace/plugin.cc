// plugin.cc: CPACE-R255 (and, through libsasl2, CPACE-R255-PLUS) as a Cyrus SASL plugin module:
// the thin table that connects the CPace core to the shared glue in plugins/sasl.
//
// Options (sasl.conf or the application's getopt callback):
//   e2esasl_cpace_server_id   the responder identity bound into CI, on BOTH ends (default empty).
//                             Set it only when client and server are configured with the same
//                             explicit value: a server's host name as the client dialled it and as
//                             the server knows itself often differ (docs/architecture.md).
// Stored secrets (auxprop, authentication identity), first match wins:
//   e2esasl-CPACE-R255   the password shared with that user, SASLprep'd, in PLAINTEXT: CPace is a
//                        balanced PAKE, the server needs the same secret as the client (an
//                        augmented PAKE, OPAQUE, avoids that). Written by setpass (saslpasswd2).
//   userPassword         plaintext fallback (slapd's auxprop offers only this), equally sensitive.
#include <array>
#include <memory>
#include <utility>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "common/saslprep.h"
#include "cpace/client.h"
#include "cpace/server.h"
#include "sasl/auxprop.h"
#include "sasl/errors.h"
#include "sasl/mechanism.h"

namespace e2esasl::cpace {
namespace {

constexpr const char* kPluginName = "e2esasl-cpace";
constexpr const char* kProperty = "e2esasl-CPACE-R255";
constexpr const char* kPropertyLookup = "*e2esasl-CPACE-R255";
constexpr const char* kServerIdOption = "e2esasl_cpace_server_id";

std::string ServerId(const sasl::Options& options) {
  return options.Get(kServerIdOption).value_or(std::string());
}

// AuxpropSecrets reads the shared password through the glue's Identity.
class AuxpropSecrets final : public SecretSource {
 public:
  explicit AuxpropSecrets(sasl::Identity& identity) : identity_(identity) {}

  std::optional<SecretString> Lookup(std::string_view authcid) override {
    const std::array<const char*, 2> properties = {kPropertyLookup, sasl::kUserPasswordProperty};
    sasl::AuthcidLookup found;
    if (identity_.LookupAuthcid(authcid, properties, &found) != SASL_OK || !found.user_found) {
      return std::nullopt;
    }
    for (std::optional<SecretString>& value : found.values) {
      if (value && !value->empty()) {
        return std::move(*value);
      }
    }
    return std::nullopt;
  }

 private:
  sasl::Identity& identity_;
};

// CpaceClient / CpaceServer adapt the sessions to the glue's interface; the server adapter owns
// the AuxpropSecrets its session reads.
using CpaceClient = sasl::ClientAdapter<cpace::ClientSession>;
using CpaceServer = sasl::ServerAdapter<cpace::ServerSession, AuxpropSecrets>;

std::unique_ptr<sasl::ClientSession> NewClient(const sasl::MechanismSpec&, sasl::ClientSetup setup,
                                               Failure*) {
  ClientConfig config;
  config.authcid = std::move(setup.authcid);
  config.password = std::move(setup.password);
  config.gs2 = std::move(setup.gs2);
  config.cb_data = std::move(setup.cb_data);
  config.server_id = ServerId(*setup.options);
  return std::make_unique<CpaceClient>(*setup.rng, std::move(config));
}

std::unique_ptr<sasl::ServerSession> NewServer(const sasl::MechanismSpec&, sasl::ServerSetup setup,
                                               Failure*) {
  ServerConfig config;
  config.binding = cb::CopyBinding(setup.binding);
  config.plus_advertised = setup.plus_advertised;
  config.server_id = ServerId(*setup.options);
  return std::make_unique<CpaceServer>(setup, std::move(config));
}

// Setpass stores the SASLprep'd password (stored-string rules: unassigned code points refused).
int Setpass(const sasl::MechanismSpec& spec, const sasl::SetpassRequest& request) {
  std::optional<SecretString> value;
  if (request.password) {
    std::optional<SecretString> prepared = SaslPrep(*request.password, SaslPrepMode::kStored);
    if (!prepared || prepared->empty()) {
      sasl::SetError(request.params->utils, spec.name,
                     "the password is not valid for CPace (SASLprep rejected it)");
      return SASL_BADPARAM;
    }
    value = std::move(*prepared);
  }
  return sasl::StoreProperty(request.params, spec.name, request.user, kProperty, std::move(value));
}

const sasl::MechanismSpec kMechanisms[] = {
    sasl::MechanismSpec{"CPACE-R255", sasl::kPakeSecurityFlags, sasl::kFeatures,
                        /*client_needs_password=*/true,
                        /*requires_binding=*/false,
                        /*variant=*/0, &NewClient, &NewServer, &Setpass},
};

const sasl::Family kFamily{kPluginName, kMechanisms};

}  // namespace
}  // namespace e2esasl::cpace

E2ESASL_PLUGIN_ENTRY_POINTS(e2esasl::cpace::kFamily)
