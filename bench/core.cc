// core.cc: the in-process core runs and the KSF measurement named in core.h.
#include "core.h"

#include <time.h>

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/secret.h"
#include "cpace/client.h"
#include "cpace/server.h"
#include "cpu_timer.h"
#include "opaque/client.h"
#include "opaque/credentials.h"
#include "opaque/key_file.h"
#include "opaque/ksf.h"
#include "opaque/records.h"
#include "opaque/server.h"
#include "pair.h"
#include "peer.h"
#include "scram/client.h"
#include "scram/key_schedule.h"
#include "scram/server.h"
#include "stats.h"

namespace e2esasl::bench {
namespace {

// The same user, password and synthetic binding as the libsasl2 rows (peer.cc).
constexpr std::string_view kUser = "bench";
constexpr std::string_view kPassword = "pencil-for-the-bench";
constexpr std::string_view kBindingName = "tls-exporter";
constexpr std::array<uint8_t, 32> kBindingData = {
    0x65, 0x32, 0x65, 0x73, 0x61, 0x73, 0x6c, 0x2d, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x2d, 0x63, 0x62,
    0x2d, 0x64, 0x61, 0x74, 0x61, 0x2d, 0x33, 0x32, 0x2d, 0x62, 0x79, 0x74, 0x65, 0x73, 0x2e, 0x2e};

gs2::Gs2Header Header(bool plus) {
  gs2::Gs2Header h;
  if (plus) {
    h.flag = gs2::CbFlag::kUsed;
    h.cb_name = std::string(kBindingName);
  }
  return h;
}

Bytes BindingData(bool plus) {
  return plus ? Bytes(kBindingData.begin(), kBindingData.end()) : Bytes();
}

// Sides accumulates each side's CPU per timed authentication into the batches of peer.h, and
// runs each side's floor after every authentication (FloorRunner), as the libsasl2 rows do.
class Sides {
 public:
  explicit Sides(const CoreSpec& spec)
      : spec_(spec),
        batches_(BatchesFor(spec.count)),
        client_(batches_),
        server_(batches_),
        client_floor_(spec.client_floor, FloorParams{spec.iterations}, spec.warmup, spec.count),
        server_floor_(spec.server_floor, FloorParams{spec.iterations}, spec.warmup, spec.count),
        client_limit_(spec.client_limit, FloorParams{spec.iterations}, spec.warmup, spec.count),
        client_chain_(spec.client_chain, FloorParams{spec.iterations}, spec.warmup, spec.count) {}

  // For authentication i (warmup first): the timers to use, or null while warming up.
  CpuTimer* client(int i) { return Timer(client_, i); }
  CpuTimer* server(int i) { return Timer(server_, i); }
  // After authentication i: each side's floor (and the client's limit and chain) once.
  void RunFloors(int i) {
    client_floor_.Run(i);
    server_floor_.Run(i);
    client_limit_.Run(i);
    client_chain_.Run(i);
  }

  PairResult Result() const {
    PairResult r;
    r.ok = true;
    Fill(client_, &r.client_us, &r.client_mean_us);
    Fill(server_, &r.server_us, &r.server_mean_us);
    Floor(spec_.client_floor, client_floor_, &r.client_floor_us, &r.client_floor_mean_us);
    Floor(spec_.server_floor, server_floor_, &r.server_floor_us, &r.server_floor_mean_us);
    Floor(spec_.client_limit, client_limit_, &r.client_limit_us, &r.client_limit_mean_us);
    Floor(spec_.client_chain, client_chain_, &r.client_chain_us, &r.client_chain_mean_us);
    return r;
  }

 private:
  CpuTimer* Timer(std::vector<CpuTimer>& timers, int i) {
    const int timed = i - spec_.warmup;
    return timed < 0 ? nullptr : &timers[BatchOf(timed, spec_.count, batches_)];
  }
  void Fill(const std::vector<CpuTimer>& timers, double* median, double* mean) const {
    std::vector<int64_t> ns;
    int64_t total = 0;
    for (const CpuTimer& t : timers) {
      ns.push_back(t.Nanos());
      total += t.Nanos();
    }
    *median = MedianPerRun(ns.data(), spec_.count);
    *mean = static_cast<double>(total) / 1000.0 / spec_.count;
  }
  void Floor(FloorFn fn, const FloorRunner& runner, std::optional<double>* median,
             std::optional<double>* mean) const {
    std::vector<int64_t> ns;
    for (int b = 0; b < batches_; ++b) {
      ns.push_back(runner.BatchNanos(b));
    }
    FloorFigures(fn == nullptr ? 0 : (runner.ok() ? 1 : 2), ns.data(), spec_.count, median, mean);
  }

  const CoreSpec& spec_;
  int batches_;
  std::vector<CpuTimer> client_;
  std::vector<CpuTimer> server_;
  FloorRunner client_floor_;
  FloorRunner server_floor_;
  FloorRunner client_limit_;
  FloorRunner client_chain_;
};

PairResult Failed(const std::string& detail) {
  PairResult r;
  r.detail = detail;
  return r;
}

// Exchange drives one authentication between a client and a server session of one family:
// client-first, server-first, client-final, server-final (success data), each Step timed on
// its own side. Session construction and destruction are timed too, as sasl_*_new and
// sasl_dispose are in the libsasl2 rows.
template <typename Client, typename Server, typename MakeClient, typename MakeServer>
bool Exchange(MakeClient make_client, MakeServer make_server, CpuTimer* client_timer,
              CpuTimer* server_timer, std::string* error) {
  std::optional<Client> client;
  std::optional<Server> server;
  Bytes to_server, to_client, sink;
  Failure failure;
  Status status = Status::kOk;
  {
    Timed t(client_timer);
    make_client(&client);
    status = client ? client->Step({}, &to_server, &failure) : Status::kInternal;
  }
  if (status != Status::kContinue) {
    *error = "client-first: " + failure.detail;
    return false;
  }
  {
    Timed t(server_timer);
    make_server(&server);
    failure.detail = server ? failure.detail : "the session could not be set up";
    status = server ? server->Step(to_server, &to_client, &failure) : Status::kInternal;
  }
  if (status != Status::kContinue) {
    *error = "server-first: " + failure.detail;
    return false;
  }
  {
    Timed t(client_timer);
    status = client->Step(to_client, &to_server, &failure);
  }
  if (status != Status::kContinue) {
    *error = "client-final: " + failure.detail;
    return false;
  }
  {
    Timed t(server_timer);
    status = server->Step(to_server, &to_client, &failure);
  }
  if (status != Status::kOk) {
    *error = "server-final: " + failure.detail;
    return false;
  }
  {
    Timed t(client_timer);
    status = client->Step(to_client, &sink, &failure);
    client.reset();
  }
  {
    Timed t(server_timer);
    server.reset();
  }
  if (status != Status::kOk) {
    *error = "client outcome: " + failure.detail;
    return false;
  }
  return true;
}

// CpaceSecret hands the server the shared password (what the plugin reads from auxprop).
class CpaceSecret final : public cpace::SecretSource {
 public:
  std::optional<SecretString> Lookup(std::string_view) override { return SecretString(kPassword); }
};

// OpaqueRecords hands the server the bench user's registration record.
class OpaqueRecords final : public opaque::RecordSource {
 public:
  explicit OpaqueRecords(const opaque::StoredRecord& record) : record_(record) {}
  std::optional<opaque::StoredRecord> Lookup(std::string_view) override { return record_; }

 private:
  const opaque::StoredRecord& record_;
};

opaque::KsfParams Params(const OpaqueKsf& ksf) {
  return opaque::KsfParams{opaque::KsfKind::kArgon2id, ksf.memory_kib, ksf.iterations,
                           ksf.parallelism};
}

// RegisterOpaque makes the bench user's record as a client-side registration would (RFC 9807
// s5), untimed.
std::optional<opaque::StoredRecord> RegisterOpaque(Rng& rng, const opaque::ServerKeyMaterial& keys,
                                                   const opaque::KsfParams& ksf) {
  opaque::RegistrationClient client;
  opaque::RegistrationRequest request;
  opaque::RegistrationResponse response;
  opaque::StoredRecord stored;
  stored.ksf = ksf;
  stored.credential_identifier = ToBytes(kUser);
  SecretBytes export_key;
  if (!client.Start(rng, AsBytes(kPassword), &request) ||
      !opaque::CreateRegistrationResponse(request, keys.public_key, stored.credential_identifier,
                                          keys.oprf_seed.view(), &response) ||
      !client.Finish(rng, response, opaque::Identities{}, ksf, &stored.record, &export_key)) {
    return std::nullopt;
  }
  return stored;
}

// ScramVerifiers hands the server a copy of the bench user's stored verifier per lookup (what
// the plugin reads from auxprop).
class ScramVerifiers final : public scram::CredentialSource {
 public:
  explicit ScramVerifiers(const scram::StoredCredentials& stored) : stored_(stored) {}
  std::optional<scram::StoredSecret> Lookup(HashAlg, std::string_view, std::string_view) override {
    return scram::StoredSecret(stored_);
  }

 private:
  const scram::StoredCredentials& stored_;
};

PairResult RunScramCore(HashAlg alg, const CoreSpec& spec) {
  Rng& rng = SystemRandom();
  // What setpass stores (a fresh salt, spec.iterations), and the server's fake-salt key.
  const std::optional<scram::StoredCredentials> stored =
      scram::StoredCredentials::Generate(alg, rng, kPassword, spec.iterations);
  SecretBytes fake_secret(32);
  if (!stored || !rng.Fill(fake_secret)) {
    return Failed("provisioning failed");
  }
  ScramVerifiers verifiers(*stored);
  Sides sides(spec);
  for (int i = 0; i < spec.warmup + spec.count; ++i) {
    std::string error;
    const bool ok = Exchange<scram::ClientSession, scram::ServerSession>(
        [&](std::optional<scram::ClientSession>* out) {
          scram::ClientConfig config;
          config.alg = alg;
          config.authcid = std::string(kUser);
          config.password = SecretString(kPassword);
          config.gs2 = Header(spec.plus);
          config.cb_data = BindingData(spec.plus);
          out->emplace(rng, std::move(config));
        },
        [&](std::optional<scram::ServerSession>* out) {
          scram::ServerConfig config;
          config.alg = alg;
          if (spec.plus) {
            config.binding = e2esasl::ServerBinding{std::string(kBindingName), BindingData(true)};
            config.plus_advertised = true;
          }
          config.fake_secret = fake_secret;
          config.fake_iterations = spec.iterations;
          config.password_fallback = false;
          out->emplace(rng, verifiers, std::move(config));
        },
        sides.client(i), sides.server(i), &error);
    if (!ok) {
      return Failed("authentication " + std::to_string(i + 1) + ": " + error);
    }
    sides.RunFloors(i);
  }
  return sides.Result();
}

int64_t WallNanos() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

std::string OpaqueKsf::Text() const {
  return Params(*this).Serialize();
}

PairResult RunCpaceCore(const CoreSpec& spec) {
  Rng& rng = SystemRandom();
  CpaceSecret secrets;
  Sides sides(spec);
  for (int i = 0; i < spec.warmup + spec.count; ++i) {
    std::string error;
    const bool ok = Exchange<cpace::ClientSession, cpace::ServerSession>(
        [&](std::optional<cpace::ClientSession>* out) {
          cpace::ClientConfig config;
          config.authcid = std::string(kUser);
          config.password = SecretString(kPassword);
          config.gs2 = Header(spec.plus);
          config.cb_data = BindingData(spec.plus);
          out->emplace(rng, std::move(config));
        },
        [&](std::optional<cpace::ServerSession>* out) {
          cpace::ServerConfig config;
          if (spec.plus) {
            config.binding = e2esasl::ServerBinding{std::string(kBindingName), BindingData(true)};
            config.plus_advertised = true;
          }
          out->emplace(rng, secrets, std::move(config));
        },
        sides.client(i), sides.server(i), &error);
    if (!ok) {
      return Failed("authentication " + std::to_string(i + 1) + ": " + error);
    }
    sides.RunFloors(i);
  }
  return sides.Result();
}

PairResult RunOpaqueCore(const CoreSpec& spec) {
  Rng& rng = SystemRandom();
  const opaque::KsfParams ksf = Params(spec.opaque_ksf);
  const std::optional<opaque::ServerKeyMaterial> keys = opaque::GenerateKeyMaterial(rng);
  if (!keys) {
    return Failed("server key generation failed");
  }
  const std::optional<opaque::StoredRecord> record = RegisterOpaque(rng, *keys, ksf);
  if (!record) {
    return Failed("registration failed");
  }
  OpaqueRecords records(*record);
  Sides sides(spec);
  for (int i = 0; i < spec.warmup + spec.count; ++i) {
    std::string error;
    const bool ok = Exchange<opaque::ClientSession, opaque::ServerSession>(
        [&](std::optional<opaque::ClientSession>* out) {
          opaque::ClientConfig config;
          config.authcid = std::string(kUser);
          config.password = SecretString(kPassword);
          config.gs2 = Header(spec.plus);
          config.cb_data = BindingData(spec.plus);
          out->emplace(rng, std::move(config));
        },
        [&](std::optional<opaque::ServerSession>* out) {
          opaque::ServerConfig config;
          config.keys = opaque::CopyKeyMaterial(*keys);
          if (spec.plus) {
            config.binding = e2esasl::ServerBinding{std::string(kBindingName), BindingData(true)};
            config.plus_advertised = true;
          }
          config.fake_ksf = ksf;
          out->emplace(rng, records, std::move(config));
        },
        sides.client(i), sides.server(i), &error);
    if (!ok) {
      return Failed("authentication " + std::to_string(i + 1) + ": " + error);
    }
    sides.RunFloors(i);
  }
  return sides.Result();
}

PairResult RunScramSha1Core(const CoreSpec& spec) {
  return RunScramCore(HashAlg::kSha1, spec);
}
PairResult RunScramSha256Core(const CoreSpec& spec) {
  return RunScramCore(HashAlg::kSha256, spec);
}
PairResult RunScramSha512Core(const CoreSpec& spec) {
  return RunScramCore(HashAlg::kSha512, spec);
}

std::optional<KsfFigures> MeasureOpaqueKsf(const OpaqueKsf& ksf, int runs) {
  const opaque::KsfParams params = Params(ksf);
  if (!params.Valid() || runs < 1) {
    return std::nullopt;
  }
  // Stretch's input is the OPRF output (Nh = 64 bytes); its value does not change the cost.
  const SecretBytes input(64, 0x5a);
  if (!opaque::Stretch(params, input)) {
    return std::nullopt;
  }
  std::vector<double> cpu, wall;
  for (int i = 0; i < runs; ++i) {
    CpuTimer timer;
    const int64_t start = WallNanos();
    timer.Start();
    const bool ok = opaque::Stretch(params, input).has_value();
    timer.Stop();
    wall.push_back(static_cast<double>(WallNanos() - start) / 1000.0);
    cpu.push_back(timer.Micros());
    if (!ok) {
      return std::nullopt;
    }
  }
  return KsfFigures{params.Serialize(), Median(cpu), Median(wall), runs};
}

}  // namespace e2esasl::bench
