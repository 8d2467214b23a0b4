// plugin.cc: OPAQUE-R255 (and, through libsasl2, OPAQUE-R255-PLUS) as a Cyrus SASL plugin module:
// the thin table that connects the OPAQUE core to the shared glue in plugins/sasl.
//
// Options (sasl.conf or the application's getopt callback):
//   e2esasl_opaque_key_file        server: the key file (oprf_seed and AKE key pair), created on
//                                  first use with mode 0600 (never with e2esasl_cluster: yes).
//                                  Required: without it the server side and setpass fail
//                                  (SASL_UNAVAIL / SASL_NOCHANGE). Kept in memory while the file is
//                                  unchanged (key_file.h).
//   e2esasl_opaque_server_id       both ends: RFC 9807 server_identity, bound at registration and
//                                  at every login. Default: none (the server's public key, the
//                                  RFC's default). Set it on both ends or on neither.
//   e2esasl_opaque_ksf_memory      server: Argon2id m (KiB) of new records, and announced to
//   e2esasl_opaque_ksf_time          unknown users; t; p. Defaults 65536, 3, 4 (RFC 9106 s4,
//   e2esasl_opaque_ksf_parallelism   second recommended option).
//   e2esasl_opaque_max_memory      client: refuse servers asking for more (default 131072 KiB,
//   e2esasl_opaque_max_time          8 passes, 8 lanes, m * t at most 393216 KiB-passes: twice
//   e2esasl_opaque_max_parallelism   the default memory and work; ksf.h).
//   e2esasl_opaque_max_work
// Stored credentials (auxprop, authentication identity):
//   e2esasl-OPAQUE-R255   the registration record (records.h), written by setpass (saslpasswd2)
//                         or uploaded after a client-side registration. No userPassword fallback.
#include <sys/stat.h>

#include <array>
#include <memory>
#include <utility>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "common/saslprep.h"
#include "opaque/client.h"
#include "opaque/key_file.h"
#include "opaque/records.h"
#include "opaque/server.h"
#include "sasl/auxprop.h"
#include "sasl/errors.h"
#include "sasl/mechanism.h"

namespace e2esasl::opaque {
namespace {

constexpr const char* kPluginName = "e2esasl-opaque";
constexpr const char* kPropertyLookup = "*e2esasl-OPAQUE-R255";
constexpr const char* kKeyFileOption = "e2esasl_opaque_key_file";

std::optional<Bytes> ServerIdentity(const sasl::Options& options) {
  std::optional<std::string> id = options.Get("e2esasl_opaque_server_id");
  if (!id || id->empty()) {
    return std::nullopt;
  }
  return ToBytes(*id);
}

// ClientCap reads the client's cap, each missing or bad option giving its default.
KsfCap ClientCap(const sasl::Options& options) {
  KsfCap cap;
  cap.memory_kib = static_cast<uint32_t>(
      options.GetUint("e2esasl_opaque_max_memory", cap.memory_kib, 8, kMaxMemoryKib));
  cap.iterations = static_cast<uint32_t>(
      options.GetUint("e2esasl_opaque_max_time", cap.iterations, 1, kMaxIterations));
  cap.parallelism = static_cast<uint32_t>(
      options.GetUint("e2esasl_opaque_max_parallelism", cap.parallelism, 1, kMaxParallelism));
  cap.work_kib = options.GetUint("e2esasl_opaque_max_work", cap.work_kib, 8,
                                 static_cast<uint64_t>(kMaxMemoryKib) * kMaxIterations);
  return cap;
}

// ServerKsf reads the KSF of new records; an invalid combination gives the defaults.
KsfParams ServerKsf(const sasl::Options& options) {
  const KsfParams fallback;
  KsfParams p;
  p.memory_kib = static_cast<uint32_t>(
      options.GetUint("e2esasl_opaque_ksf_memory", fallback.memory_kib, 8, kMaxMemoryKib));
  p.iterations = static_cast<uint32_t>(
      options.GetUint("e2esasl_opaque_ksf_time", fallback.iterations, 1, kMaxIterations));
  p.parallelism = static_cast<uint32_t>(
      options.GetUint("e2esasl_opaque_ksf_parallelism", fallback.parallelism, 1, kMaxParallelism));
  return p.Valid() ? p : fallback;
}

std::optional<ServerKeyMaterial> LoadKeys(const sasl::Options& options, Failure* failure) {
  const std::optional<std::string> path = options.Get(kKeyFileOption);
  if (!path || path->empty()) {
    Fail(failure, Status::kUnavailable, "e2esasl_opaque_key_file is not set");
    return std::nullopt;
  }
  struct stat st {};
  if (options.Cluster() && lstat(path->c_str(), &st) != 0) {
    // One of several servers on one store: a key file made here would hold another OPRF seed
    // and server key than the others', so this server could not log in anybody they registered
    // and would answer unknown users differently.
    const std::string why = "the key file " + *path +
                            " does not exist, and e2esasl_cluster says this server shares its "
                            "credential store: a cluster member never creates it; make it once "
                            "(e2esasl-opaque keygen) and copy it to every server (docs/stores.md)";
    options.Error(kKeyFileOption, why);
    Fail(failure, Status::kUnavailable, std::string("option ") + kKeyFileOption + ": " + why);
    return std::nullopt;
  }
  return LoadOrCreateKeyFileCached(*path, SystemRandom(), failure);
}

// AuxpropRecords reads the user's record through the glue's Identity.
class AuxpropRecords final : public RecordSource {
 public:
  explicit AuxpropRecords(sasl::Identity& identity) : identity_(identity) {}

  std::optional<StoredRecord> Lookup(std::string_view authcid) override {
    const std::array<const char*, 1> properties = {kPropertyLookup};
    sasl::AuthcidLookup found;
    if (identity_.LookupAuthcid(authcid, properties, &found) != SASL_OK || !found.user_found ||
        !found.values[0]) {
      return std::nullopt;
    }
    // A corrupted record is answered like an unknown user (the fake path): the login fails.
    std::optional<StoredRecord> record = StoredRecord::Parse(found.values[0]->view());
    if (!record) {
      identity_.ReportMalformed(kPropertyLookup);
    }
    return record;
  }

 private:
  sasl::Identity& identity_;
};

// ConfigureClient / ConfigureServer: OPAQUE's own options and the server's key file (the glue
// copies the rest). Without a key file the server cannot start (kUnavailable).
bool ConfigureClient(const sasl::MechanismSpec&, const sasl::Options& options, ClientConfig* config,
                     Failure*) {
  config->server_identity = ServerIdentity(options);
  config->ksf_cap = ClientCap(options);
  return true;
}

bool ConfigureServer(const sasl::MechanismSpec&, const sasl::ServerSetup& setup,
                     ServerConfig* config, Failure* failure) {
  std::optional<ServerKeyMaterial> keys = LoadKeys(*setup.options, failure);
  if (!keys) {
    return false;
  }
  config->keys = std::move(*keys);
  config->server_identity = ServerIdentity(*setup.options);
  config->fake_ksf = ServerKsf(*setup.options);
  return true;
}

// Register runs RFC 9807 registration entirely on the server (the server sees the password
// once, as with SCRAM provisioning) and returns the stored text.
std::optional<SecretString> Register(const ServerKeyMaterial& keys, std::string_view user,
                                     std::string_view password, const sasl::Options& options) {
  std::optional<SecretString> prepared = SaslPrep(password, SaslPrepMode::kStored);
  if (!prepared || prepared->empty()) {
    return std::nullopt;
  }
  StoredRecord stored;
  stored.ksf = ServerKsf(options);
  stored.credential_identifier = ToBytes(user);
  Identities identities;
  identities.server = ServerIdentity(options);
  RegistrationClient client;
  RegistrationRequest request;
  RegistrationResponse response;
  SecretBytes export_key;
  if (!client.Start(SystemRandom(), prepared->bytes(), &request) ||
      !CreateRegistrationResponse(request, keys.public_key, stored.credential_identifier,
                                  keys.oprf_seed.view(), &response) ||
      !client.Finish(SystemRandom(), response, identities, stored.ksf, &stored.record,
                     &export_key)) {
    return std::nullopt;
  }
  return stored.Serialize();
}

// EncodeSecret: the user's registration record; kUnavailable when this server has no key file
// (the other mechanisms' provisioning goes on).
Status EncodeSecret(const sasl::MechanismSpec&, const sasl::Options& options,
                    std::string_view user, std::string_view password, SecretString* out,
                    Failure* failure) {
  Failure key_failure;
  std::optional<ServerKeyMaterial> keys = LoadKeys(options, &key_failure);
  if (!keys) {
    return Fail(failure, Status::kUnavailable, "no OPAQUE record made: " + key_failure.detail);
  }
  std::optional<SecretString> text = Register(*keys, user, password, options);
  if (!text) {
    return Fail(failure, Status::kMalformed,
                "the password is not valid for OPAQUE (SASLprep rejected it), or registration "
                "failed");
  }
  *out = std::move(*text);
  return Status::kOk;
}

const sasl::MechanismSpec kMechanisms[] = {
    sasl::MechanismSpec{"OPAQUE-R255", sasl::kPakeSecurityFlags, sasl::kFeatures,
                        /*client_needs_password=*/true,
                        /*requires_binding=*/false,
                        /*variant=*/0, &sasl::NewClient<ClientSession, &ConfigureClient>,
                        &sasl::NewServer<ServerSession, AuxpropRecords, &ConfigureServer>,
                        &EncodeSecret},
};

const sasl::Family kFamily{kPluginName, kMechanisms};

}  // namespace
}  // namespace e2esasl::opaque

E2ESASL_PLUGIN_ENTRY_POINTS(e2esasl::opaque::kFamily)
