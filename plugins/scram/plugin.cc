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
//   e2esasl_scram_secret          server: secret keying unknown users' fake salts (default: drawn
//                                 at random once per process; set it so that restarts and
//                                 several servers answer alike)
// Stored credentials (auxprop, authentication identity), first match wins:
//   e2esasl-SCRAM-SHA-1 / -256 / -512   RFC 5803 text "SCRAM-SHA-256$4096:<salt>$<StoredKey>:
//                                       <ServerKey>", written by setpass (saslpasswd2)
//   authPassword                        the same format as Cyrus's scram plugin stores it (used
//                                       when its mechanism prefix matches)
//   userPassword                        plaintext fallback: PBKDF2 runs at every login
#include <array>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "common/hash.h"
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
constexpr uint64_t kMaxIterationsOption = 1u << 24;

HashAlg AlgOf(const sasl::MechanismSpec& spec) {
  return static_cast<HashAlg>(spec.variant);
}

// PropertyName: our own auxprop property per hash, so provisioning one never overwrites another.
const char* PropertyName(HashAlg alg, bool for_lookup) {
  switch (alg) {
    case HashAlg::kSha1:
      return for_lookup ? "*e2esasl-SCRAM-SHA-1" : "e2esasl-SCRAM-SHA-1";
    case HashAlg::kSha256:
      return for_lookup ? "*e2esasl-SCRAM-SHA-256" : "e2esasl-SCRAM-SHA-256";
    case HashAlg::kSha512:
      return for_lookup ? "*e2esasl-SCRAM-SHA-512" : "e2esasl-SCRAM-SHA-512";
  }
  return "";
}

uint32_t Iterations(const sasl::Options& options) {
  return static_cast<uint32_t>(options.GetUint("e2esasl_scram_iterations", kDefaultIterations,
                                               kDefaultIterations, kMaxIterationsOption));
}

// FakeSecret: the key for unknown users' fake salts and for the salt of the plaintext fallback.
SecretBytes FakeSecret(const sasl::Options& options) {
  if (const std::optional<std::string> configured = options.Get("e2esasl_scram_secret")) {
    if (auto digest = Digest(HashAlg::kSha256, AsBytes(*configured))) {
      return ToSecretBytes(*digest);
    }
  }
  static std::once_flag once;
  static std::array<uint8_t, 32> process_secret{};
  std::call_once(once, [] {
    if (!SystemRandom().Fill(process_secret)) {
      throw std::runtime_error("the system random generator failed");  // -> SASL_FAIL
    }
  });
  return ToSecretBytes(process_secret);
}

// ScramClient adapts ClientSession to the glue's interface.
class ScramClient final : public sasl::ClientSession {
 public:
  ScramClient(HashAlg alg, sasl::ClientSetup setup, const ClientOptions& options)
      : session_(alg, *setup.rng, options, setup.authcid, setup.authzid, std::move(setup.password),
                 ClientBinding{setup.gs2.flag, setup.gs2.cb_name, std::move(setup.cb_data)}) {}

  Status Step(ByteView in, Bytes* out, Failure* failure) override {
    const Status status = session_.Step(in, out);
    if (status != Status::kOk && status != Status::kContinue) {
      Fail(failure, status, std::string(session_.ErrorDetail()));
    }
    return status;
  }

 private:
  scram::ClientSession session_;
};

// AuxpropCredentials reads a user's SCRAM verifier through the glue's Identity.
class AuxpropCredentials final : public CredentialSource {
 public:
  AuxpropCredentials(HashAlg alg, sasl::Identity& identity, const sasl::Options& options,
                     ByteView fallback_key)
      : alg_(alg), identity_(identity), options_(options), fallback_key_(fallback_key) {}

  std::optional<StoredCredentials> Lookup(std::string_view authcid, std::string_view) override {
    const std::array<const char*, 3> properties = {PropertyName(alg_, true), "*authPassword",
                                                   sasl::kUserPasswordProperty};
    sasl::AuthcidLookup found;
    if (identity_.LookupAuthcid(authcid, properties, &found) != SASL_OK || !found.user_found) {
      return std::nullopt;
    }
    for (size_t i = 0; i < 2; ++i) {
      if (found.values[i]) {
        if (auto parsed = StoredCredentials::Parse(alg_, found.values[i]->view())) {
          return parsed;
        }
      }
    }
    if (!found.values[2]) {
      return std::nullopt;
    }
    // Plaintext fallback: a salt that is stable per user (keyed, so it tells nothing), so a
    // fallback user looks like any provisioned one.
    Bytes label = ToBytes("e2esasl-scram-fallback-salt:");
    label.insert(label.end(), authcid.begin(), authcid.end());
    const std::optional<SecretBytes> mac = Hmac(alg_, fallback_key_, label);
    if (!mac) {
      return std::nullopt;
    }
    const Bytes salt(mac->begin(), mac->begin() + kDefaultSaltSize);
    return StoredCredentials::Derive(alg_, found.values[2]->view(), salt, Iterations(options_));
  }

 private:
  HashAlg alg_;
  sasl::Identity& identity_;
  const sasl::Options& options_;
  ByteView fallback_key_;
};

// ScramServer adapts ServerSession to the glue's interface.
class ScramServer final : public sasl::ServerSession {
 public:
  ScramServer(HashAlg alg, const sasl::ServerSetup& setup)
      : fake_secret_(FakeSecret(*setup.options)),
        credentials_(alg, *setup.identity, *setup.options, fake_secret_),
        session_(alg, *setup.rng, credentials_, cb::CopyBinding(setup.binding), MakeOptions(setup)),
        send_errors_(setup.options->GetBool("e2esasl_scram_send_errors", true)) {}

  // Step: on a failure for which RFC 5802 has a server-error-value, the server-final-message
  // "e=..." (s7) goes to the client. libsasl2 cannot carry data with a failed step, so it is
  // sent as a challenge and the failure is returned at the next step, whatever the client
  // answers (an application typically aborts; the exchange has failed either way).
  Status Step(ByteView in, Bytes* out, Failure* failure) override {
    if (pending_) {
      out->clear();
      return Fail(failure, pending_->status, pending_->detail);
    }
    const Status status = session_.Step(in, out);
    if (status == Status::kOk || status == Status::kContinue) {
      return status;
    }
    if (send_errors_ && !out->empty()) {
      pending_ = Failure{status, std::string(session_.ErrorDetail())};
      return Status::kContinue;
    }
    out->clear();
    return Fail(failure, status, std::string(session_.ErrorDetail()));
  }
  std::string_view authzid() const override { return session_.Authzid(); }
  cb::Disposition disposition() const override { return session_.CbDisposition(); }

 private:
  ServerOptions MakeOptions(const sasl::ServerSetup& setup) const {
    ServerOptions o;
    o.fake_secret = fake_secret_;
    o.fake_iterations = Iterations(*setup.options);
    return o;
  }

  SecretBytes fake_secret_;
  AuxpropCredentials credentials_;
  scram::ServerSession session_;
  bool send_errors_;
  std::optional<Failure> pending_;  // the failure behind an e= message already sent
};

std::unique_ptr<sasl::ClientSession> NewClient(const sasl::MechanismSpec& spec,
                                               sasl::ClientSetup setup, Failure*) {
  ClientOptions options;
  options.min_iterations = static_cast<uint32_t>(setup.options->GetUint(
      "e2esasl_scram_min_iterations", kDefaultIterations, 1, kMaxIterationsOption));
  options.max_iterations = static_cast<uint32_t>(
      setup.options->GetUint("e2esasl_scram_max_iterations", 1u << 20, 1, kMaxIterationsOption));
  return std::make_unique<ScramClient>(AlgOf(spec), std::move(setup), options);
}

std::unique_ptr<sasl::ServerSession> NewServer(const sasl::MechanismSpec& spec,
                                               sasl::ServerSetup setup, Failure*) {
  return std::make_unique<ScramServer>(AlgOf(spec), setup);
}

int Setpass(const sasl::MechanismSpec& spec, const sasl::SetpassRequest& request) {
  const HashAlg alg = AlgOf(spec);
  std::optional<SecretString> value;
  if (request.password) {
    std::optional<StoredCredentials> creds = StoredCredentials::Generate(
        alg, SystemRandom(), *request.password, Iterations(*request.options));
    std::optional<SecretString> text = creds ? creds->Serialize() : std::nullopt;
    if (!text) {
      sasl::SetError(request.params->utils, spec.name,
                     "the password is not valid for SCRAM (SASLprep rejected it)");
      return SASL_BADPARAM;
    }
    value = std::move(*text);
  }
  return sasl::StoreProperty(request.params, spec.name, request.user, PropertyName(alg, false),
                             std::move(value));
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
                             &NewClient,
                             &NewServer,
                             &Setpass};
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
