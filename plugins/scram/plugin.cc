// plugin.cc: SCRAM-SHA-1, SCRAM-SHA-256 and SCRAM-SHA-512 (and, through libsasl2, their -PLUS
// forms) as a Cyrus SASL plugin module: the thin table that connects the SCRAM core to the
// shared glue in plugins/sasl.
//
// Options (sasl.conf or the application's getopt callback):
//   e2esasl_scram_iterations      iteration count of verifiers made by setpass, and the count
//                                 announced for unknown users (default 4096, 4096..16777216)
//   e2esasl_scram_min_iterations  client: refuse servers announcing fewer (default 4096)
//   e2esasl_scram_max_iterations  client: refuse servers announcing more (default 1048576)
//   e2esasl_scram_send_errors     server: send RFC 5802 server errors (e=...) to the client
//                                 before failing (default yes)
//   e2esasl_scram_secret          server: secret keying unknown users' fake salts and the
//                                 fallback's salts (default: drawn at random once per process,
//                                 with a SASL_LOG_WARN; set it so that restarts and several
//                                 servers answer alike)
//   e2esasl_scram_password_fallback  server: use userPassword when a user has no verifier
//                                 (default yes). Then every login runs one PBKDF2 (a dummy one
//                                 for verifier and unknown users) so timing does not tell users
//                                 apart; "no" when every user has a verifier: no PBKDF2 at login.
// Stored credentials (auxprop, authentication identity), first match wins:
//   e2esasl-SCRAM-SHA-1 / -256 / -512   RFC 5803 text "SCRAM-SHA-256$4096:<salt>$<StoredKey>:
//                                       <ServerKey>", written by setpass (saslpasswd2)
//   authPassword                        the same format as Cyrus's scram plugin stores it (used
//                                       when its mechanism prefix matches)
//   userPassword                        plaintext fallback: PBKDF2 runs at every login (the
//                                       core derives the verifier, see ServerConfig)
#include <array>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "common/random.h"
#include "sasl/auxprop.h"
#include "sasl/errors.h"
#include "sasl/mechanism.h"
#include "scram/client.h"
#include "scram/key_schedule.h"
#include "scram/server.h"

namespace e2esasl::scram {
namespace {

constexpr const char* kPluginName = "e2esasl-scram";
constexpr const char* kSecretOption = "e2esasl_scram_secret";
constexpr uint64_t kMaxIterationsOption = 1u << 24;

HashAlg AlgOf(const sasl::MechanismSpec& spec) {
  return static_cast<HashAlg>(spec.variant);
}

// LookupProperty: our own auxprop property per hash (sasl::PropertyName of its mechanism), so
// provisioning one never overwrites another.
const char* LookupProperty(HashAlg alg) {
  // Indexed by HashAlg.
  constexpr const char* kProperties[] = {"*e2esasl-SCRAM-SHA-1", "*e2esasl-SCRAM-SHA-256",
                                         "*e2esasl-SCRAM-SHA-512"};
  const auto index = static_cast<size_t>(alg);
  return index < std::size(kProperties) ? kProperties[index] : "";
}

uint32_t Iterations(const sasl::Options& options) {
  return static_cast<uint32_t>(options.GetUint("e2esasl_scram_iterations", kDefaultIterations,
                                               kDefaultIterations, kMaxIterationsOption));
}

// FakeSecret: the key for unknown users' fake salts and for the salt of the plaintext fallback.
// Without e2esasl_scram_secret the key is drawn once per process, and a warning says that
// unknown users' salts then change when the server restarts while real users' do not.
SecretBytes FakeSecret(const sasl::Options& options) {
  if (const std::optional<std::string> configured = options.Get(kSecretOption)) {
    if (std::optional<SecretBytes> secret = FakeSecretFromText(*configured)) {
      return std::move(*secret);
    }
  }
  static std::once_flag once;
  static std::array<uint8_t, 32> process_secret{};
  std::call_once(once, [&options] {
    if (!SystemRandom().Fill(process_secret)) {
      throw std::runtime_error("the system random generator failed");  // -> SASL_FAIL
    }
    options.Warn(kSecretOption,
                 "not set: unknown users' fake salts are keyed by a secret drawn for this "
                 "process, so they change when the server restarts (real users' salts do not) "
                 "and differ between servers; set it to the same secret everywhere");
  });
  return ToSecretBytes(process_secret);
}

// AuxpropCredentials reads a user's SCRAM verifier (or plaintext password) through the glue's
// Identity.
class AuxpropCredentials final : public CredentialSource {
 public:
  explicit AuxpropCredentials(sasl::Identity& identity) : identity_(identity) {}

  std::optional<StoredSecret> Lookup(HashAlg alg, std::string_view authcid,
                                     std::string_view) override {
    const std::array<const char*, 3> properties = {LookupProperty(alg), "*authPassword",
                                                   sasl::kUserPasswordProperty};
    sasl::AuthcidLookup found;
    if (identity_.LookupAuthcid(authcid, properties, &found) != SASL_OK || !found.user_found) {
      return std::nullopt;
    }
    for (size_t i = 0; i < 2; ++i) {
      if (found.values[i]) {
        if (std::optional<StoredCredentials> parsed =
                StoredCredentials::Parse(alg, found.values[i]->view())) {
          return StoredSecret(std::move(*parsed));
        }
        if (i == 0) {
          // Our own property must parse (authPassword may hold another hash's verifier).
          identity_.ReportMalformed(properties[0]);
        }
      }
    }
    if (!found.values[2]) {
      return std::nullopt;
    }
    return StoredSecret(std::move(*found.values[2]));
  }

 private:
  sasl::Identity& identity_;
};

// ConfigureClient / ConfigureServer: SCRAM's own options (the glue copies the rest).
bool ConfigureClient(const sasl::MechanismSpec& spec, const sasl::Options& options,
                     ClientConfig* config, Failure*) {
  config->alg = AlgOf(spec);
  config->min_iterations = static_cast<uint32_t>(options.GetUint(
      "e2esasl_scram_min_iterations", kDefaultIterations, 1, kMaxIterationsOption));
  config->max_iterations = static_cast<uint32_t>(
      options.GetUint("e2esasl_scram_max_iterations", 1u << 20, 1, kMaxIterationsOption));
  return true;
}

bool ConfigureServer(const sasl::MechanismSpec& spec, const sasl::ServerSetup& setup,
                     ServerConfig* config, Failure* failure) {
  const sasl::Options& options = *setup.options;
  if (options.Cluster() && !options.Get(kSecretOption)) {
    // One of several servers on one store: a per-process key would make this server's answers
    // for unknown users differ from the others' (an oracle for which users exist).
    const char* why =
        "not set, but e2esasl_cluster says this server shares its credential store: every "
        "server must have the same e2esasl_scram_secret (docs/stores.md); refusing to serve";
    options.Error(kSecretOption, why);
    Fail(failure, Status::kUnavailable, std::string("option ") + kSecretOption + ": " + why);
    return false;
  }
  config->alg = AlgOf(spec);
  config->fake_secret = FakeSecret(options);
  config->fake_iterations = Iterations(options);
  config->password_fallback = options.GetBool("e2esasl_scram_password_fallback", true);
  config->send_errors = options.GetBool("e2esasl_scram_send_errors", true);
  return true;
}

// EncodeSecret: the RFC 5803 verifier of the password for the mechanism's hash.
Status EncodeSecret(const sasl::MechanismSpec& spec, const sasl::Options& options,
                    std::string_view, std::string_view password, SecretString* out,
                    Failure* failure) {
  std::optional<StoredCredentials> creds =
      StoredCredentials::Generate(AlgOf(spec), SystemRandom(), password, Iterations(options));
  std::optional<SecretString> text = creds ? creds->Serialize() : std::nullopt;
  if (!text) {
    return Fail(failure, Status::kMalformed,
                "the password is not valid for SCRAM (SASLprep rejected it)");
  }
  *out = std::move(*text);
  return Status::kOk;
}

constexpr unsigned kSecurityFlags =
    SASL_SEC_NOPLAINTEXT | SASL_SEC_NOANONYMOUS | SASL_SEC_NOACTIVE | SASL_SEC_MUTUAL_AUTH;

constexpr sasl::MechanismSpec Spec(const char* name, HashAlg alg, unsigned bits) {
  return sasl::MechanismSpec{name,
                             kSecurityFlags | SASL_SET_HASH_STRENGTH_BITS(bits),
                             sasl::kFeatures,
                             /*client_needs_password=*/true,
                             /*requires_binding=*/false,
                             static_cast<int>(alg),
                             &sasl::NewClient<ClientSession, &ConfigureClient>,
                             &sasl::NewServer<ServerSession, AuxpropCredentials, &ConfigureServer>,
                             &EncodeSecret};
}

// Strongest first: libsasl2 keeps this order when the client negotiates.
const sasl::MechanismSpec kMechanisms[] = {
    Spec("SCRAM-SHA-512", HashAlg::kSha512, 512),
    Spec("SCRAM-SHA-256", HashAlg::kSha256, 256),
    Spec("SCRAM-SHA-1", HashAlg::kSha1, 160),
};

const sasl::Family kFamily{kPluginName, kMechanisms};

}  // namespace
}  // namespace e2esasl::scram

E2ESASL_PLUGIN_ENTRY_POINTS(e2esasl::scram::kFamily)
