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

// ConfigureClient / ConfigureServer: CPace's own option (the glue copies the rest).
bool ConfigureClient(const sasl::MechanismSpec&, const sasl::Options& options, ClientConfig* config,
                     Failure*) {
  config->server_id = ServerId(options);
  return true;
}
bool ConfigureServer(const sasl::MechanismSpec&, const sasl::ServerSetup& setup,
                     ServerConfig* config, Failure*) {
  config->server_id = ServerId(*setup.options);
  return true;
}

// EncodeSecret: the SASLprep'd password (stored-string rules: unassigned code points refused).
Status EncodeSecret(const sasl::MechanismSpec&, const sasl::Options&, std::string_view,
                    std::string_view password, SecretString* out, Failure* failure) {
  std::optional<SecretString> prepared = SaslPrep(password, SaslPrepMode::kStored);
  if (!prepared || prepared->empty()) {
    return Fail(failure, Status::kMalformed,
                "the password is not valid for CPace (SASLprep rejected it)");
  }
  *out = std::move(*prepared);
  return Status::kOk;
}

const sasl::MechanismSpec kMechanisms[] = {
    sasl::MechanismSpec{"CPACE-R255", sasl::kPakeSecurityFlags, sasl::kFeatures,
                        /*client_needs_password=*/true,
                        /*requires_binding=*/false,
                        /*variant=*/0, &sasl::NewClient<ClientSession, &ConfigureClient>,
                        &sasl::NewServer<ServerSession, AuxpropSecrets, &ConfigureServer>,
                        &EncodeSecret},
};

const sasl::Family kFamily{kPluginName, kMechanisms};

}  // namespace
}  // namespace e2esasl::cpace

E2ESASL_PLUGIN_ENTRY_POINTS(e2esasl::cpace::kFamily)
