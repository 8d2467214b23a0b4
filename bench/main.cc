// main.cc: e2esasl-bench — N complete authentications per mechanism through libsasl2, client and
// server in separate processes, with our plugins and with the system's Cyrus plugins; prints the
// CPU per authentication per side, each side's floor measured interleaved with its
// authentications, and the ratios.
//
//   e2esasl-bench [-n N] [--warmup W] [--mech LIST] [--impl LIST] [--iterations I]
//                 [--opaque-ksf M:T:P] [--ksf-runs K] [--plugin-dir DIR] [--cyrus-dir DIR]
//                 [--vouch-cache on|off] [--json] [--verbose]
//
// Exit status: 0 when every authentication succeeded (whatever the timings), 1 when one failed,
// 2 on a usage or setup error. It is a benchmark, not a timed test.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core.h"
#include "floors.h"
#include "mechanisms.h"
#include "pair.h"
#include "peer.h"
#include "report.h"
#include "stats.h"
#include "vouch_files.h"

#ifndef E2ESASL_BENCH_DEFAULT_PLUGIN_DIR
#define E2ESASL_BENCH_DEFAULT_PLUGIN_DIR ""
#endif

namespace e2esasl::bench {
namespace {

namespace fs = std::filesystem;

constexpr char kDefaultMechs[] =
    "SCRAM-SHA-1,SCRAM-SHA-256,SCRAM-SHA-512,SCRAM-SHA-256-PLUS,CPACE-R255,CPACE-R255-PLUS,"
    "OPAQUE-R255,OPAQUE-R255-PLUS,VOUCH-ES256-PLUS,PLAIN,ANONYMOUS";
constexpr char kDefaultImpls[] = "e2esasl,e2esasl-mem,core,cyrus,cyrus-stored";
constexpr char kDefaultCyrusDir[] = "/usr/lib/x86_64-linux-gnu/sasl2";
constexpr uint32_t kMinIterations = 4096;  // our server's e2esasl_scram_iterations minimum
constexpr uint32_t kMaxIterations = 1u << 24;

struct Args {
  int count = 200;
  int warmup = 2;
  std::vector<Mechanism> mechs;
  std::vector<Implementation> impls;
  uint32_t iterations = 4096;
  OpaqueKsf opaque_ksf;
  int ksf_runs = 5;  // runs of OPAQUE's KSF at the plugin's defaults (0: not measured)
  std::string plugin_dir;
  std::string cyrus_dir = kDefaultCyrusDir;
  bool json = false;
  bool verbose = false;
  // vouch_cache: the modules' e2esasl_vouch_statement_cache ("on": a peer's statement is
  // verified at its first exchange only; "off": at every exchange, the first-contact cost).
  std::string vouch_cache = "on";
};

void Usage(std::FILE* out) {
  std::fprintf(
      out,
      "usage: e2esasl-bench [options]\n"
      "  -n N              timed authentications per row (default 200)\n"
      "  --warmup W        untimed authentications first (default 2)\n"
      "  --mech LIST       comma-separated mechanisms, -PLUS for a synthetic channel binding\n"
      "                    (default %s; known: %s)\n"
      "  --impl LIST       comma-separated of e2esasl (our modules through libsasl2), e2esasl-mem\n"
      "                    (the same with an in-memory auxprop instead of sasldb), core (our\n"
      "                    protocol core in-process: SCRAM, CPace, OPAQUE), cyrus (default "
      "config:\n"
      "                    userPassword), cyrus-stored (scram_secret_generate: authPassword)\n"
      "                    (default all)\n"
      "  --iterations I    SCRAM iteration count, %u..%u (default 4096)\n"
      "  --opaque-ksf M:T:P  OPAQUE's Argon2id for the bench user, m KiB : t : p (default 8:1:1,\n"
      "                    the cheapest; its cost is measured and left out of the client ratio)\n"
      "  --ksf-runs K      runs of OPAQUE's KSF at the plugin's defaults, 0..100 (default 5)\n"
      "  --plugin-dir DIR  our modules (default $E2ESASL_PLUGIN_DIR, else the build's: %s)\n"
      "  --cyrus-dir DIR   the system's Cyrus modules (default %s)\n"
      "  --vouch-cache on|off  VOUCH-ES256-PLUS's e2esasl_vouch_statement_cache (default on; off:\n"
      "                    the peer's statement is verified at every exchange, as at first contact)\n"
      "  --json            print JSON instead of the table\n"
      "  --verbose         print libsasl2's warnings and errors\n",
      kDefaultMechs, KnownMechanismNames().c_str(), kMinIterations, kMaxIterations,
      E2ESASL_BENCH_DEFAULT_PLUGIN_DIR, kDefaultCyrusDir);
}

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const size_t comma = s.find(',');
    const std::string_view item = s.substr(0, comma);
    if (!item.empty()) {
      out.emplace_back(item);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<long> ParseLong(const std::string& s, long min, long max) {
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno != 0 || v < min || v > max) {
    return std::nullopt;
  }
  return v;
}

// ParseKsf reads M:T:P into *out; false unless all three are decimal and within Argon2's rules.
bool ParseKsf(const std::string& text, OpaqueKsf* out) {
  const std::vector<std::string> parts = [&] {
    std::vector<std::string> v;
    size_t start = 0;
    for (size_t colon; (colon = text.find(':', start)) != std::string::npos; start = colon + 1) {
      v.push_back(text.substr(start, colon - start));
    }
    v.push_back(text.substr(start));
    return v;
  }();
  if (parts.size() != 3) {
    return false;
  }
  const std::optional<long> m = ParseLong(parts[0], 8, 1L << 24);
  const std::optional<long> t = ParseLong(parts[1], 1, 1L << 16);
  const std::optional<long> p = ParseLong(parts[2], 1, 255);
  if (!m || !t || !p || *m < 8 * *p) {
    return false;
  }
  *out = OpaqueKsf{static_cast<uint32_t>(*m), static_cast<uint32_t>(*t), static_cast<uint32_t>(*p)};
  return true;
}

bool SetMechs(Args* args, const std::string& list) {
  args->mechs.clear();
  for (const std::string& name : SplitComma(list)) {
    std::optional<Mechanism> mech = FindMechanism(name);
    if (!mech) {
      std::fprintf(stderr, "e2esasl-bench: unknown mechanism %s (known: %s)\n", name.c_str(),
                   KnownMechanismNames().c_str());
      return false;
    }
    if (mech->info->plus_only && !mech->plus) {
      std::fprintf(stderr, "e2esasl-bench: %s exists only as %s-PLUS\n", name.c_str(),
                   mech->BaseName().c_str());
      return false;
    }
    args->mechs.push_back(*mech);
  }
  return !args->mechs.empty();
}

bool SetImpls(Args* args, const std::string& list) {
  args->impls.clear();
  for (const std::string& name : SplitComma(list)) {
    bool found = false;
    for (Implementation impl :
         {Implementation::kE2esasl, Implementation::kE2esaslMemory, Implementation::kCore,
          Implementation::kCyrus, Implementation::kCyrusStored}) {
      if (name == ImplementationName(impl)) {
        args->impls.push_back(impl);
        found = true;
      }
    }
    if (!found) {
      std::fprintf(stderr, "e2esasl-bench: unknown implementation %s\n", name.c_str());
      return false;
    }
  }
  return !args->impls.empty();
}

// ParseArgs: false on a usage error (already reported).
bool ParseArgs(int argc, char** argv, Args* args) {
  if (!SetMechs(args, kDefaultMechs) || !SetImpls(args, kDefaultImpls)) {
    return false;
  }
  if (const char* env = getenv("E2ESASL_PLUGIN_DIR"); env != nullptr && *env != '\0') {
    args->plugin_dir = env;
  } else {
    args->plugin_dir = E2ESASL_BENCH_DEFAULT_PLUGIN_DIR;
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (const size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg.resize(eq);
    }
    auto value = [&]() -> std::optional<std::string> {
      if (inline_value) {
        return inline_value;
      }
      if (i + 1 < argc) {
        return std::string(argv[++i]);
      }
      std::fprintf(stderr, "e2esasl-bench: %s needs a value\n", arg.c_str());
      return std::nullopt;
    };
    if (arg == "-h" || arg == "--help") {
      Usage(stdout);
      std::exit(0);
    } else if (arg == "--json") {
      args->json = true;
    } else if (arg == "--vouch-cache") {
      const std::optional<std::string> v = value();
      if (!v || (*v != "on" && *v != "off")) {
        std::fprintf(stderr, "e2esasl-bench: --vouch-cache wants on or off\n");
        return false;
      }
      args->vouch_cache = *v;
    } else if (arg == "--verbose") {
      args->verbose = true;
    } else if (arg == "--opaque-ksf") {
      const std::optional<std::string> v = value();
      if (!v || !ParseKsf(*v, &args->opaque_ksf)) {
        std::fprintf(stderr, "e2esasl-bench: --opaque-ksf wants M:T:P (Argon2id, m >= 8 p)\n");
        return false;
      }
    } else if (arg == "--ksf-runs") {
      const std::optional<std::string> v = value();
      const std::optional<long> n = v ? ParseLong(*v, 0, 100) : std::nullopt;
      if (!n) {
        std::fprintf(stderr, "e2esasl-bench: bad value for --ksf-runs\n");
        return false;
      }
      args->ksf_runs = static_cast<int>(*n);
    } else if (arg == "-n" || arg == "--count" || arg == "--warmup" || arg == "--iterations") {
      const std::optional<std::string> v = value();
      const bool iterations = arg == "--iterations";
      const std::optional<long> n =
          v ? ParseLong(*v, iterations ? kMinIterations : (arg == "--warmup" ? 0 : 1),
                        iterations ? kMaxIterations : 1000000)
            : std::nullopt;
      if (!n) {
        std::fprintf(stderr, "e2esasl-bench: bad value for %s\n", arg.c_str());
        return false;
      }
      if (iterations) {
        args->iterations = static_cast<uint32_t>(*n);
      } else if (arg == "--warmup") {
        args->warmup = static_cast<int>(*n);
      } else {
        args->count = static_cast<int>(*n);
      }
    } else if (arg == "--mech" || arg == "--impl" || arg == "--plugin-dir" ||
               arg == "--cyrus-dir") {
      const std::optional<std::string> v = value();
      if (!v) {
        return false;
      }
      if (arg == "--mech" && !SetMechs(args, *v)) {
        return false;
      }
      if (arg == "--impl" && !SetImpls(args, *v)) {
        return false;
      }
      if (arg == "--plugin-dir") {
        args->plugin_dir = *v;
      }
      if (arg == "--cyrus-dir") {
        args->cyrus_dir = *v;
      }
    } else {
      std::fprintf(stderr, "e2esasl-bench: unknown option %s\n", arg.c_str());
      Usage(stderr);
      return false;
    }
  }
  return true;
}

// Workspace: a private temporary directory for the run — the sasldb-only plugin directory, one
// directory per Cyrus module, and one fresh sasldb file per row. Removed on destruction.
class Workspace {
 public:
  Workspace() {
    const char* base = getenv("TMPDIR");
    std::string templ =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/e2esasl-bench-XXXXXX";
    if (mkdtemp(templ.data()) != nullptr) {
      root_ = templ;
    }
  }
  ~Workspace() {
    if (!root_.empty()) {
      std::error_code ec;
      fs::remove_all(root_, ec);
    }
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  bool ok() const { return !root_.empty(); }

  // LinkOnly makes <root>/<name> holding only a symlink to <source_dir>/<module>; "" on error.
  std::string LinkOnly(const std::string& name, const std::string& source_dir,
                       const std::string& module) {
    const fs::path dir = root_ / name;
    const fs::path target = fs::path(source_dir) / module;
    std::error_code ec;
    if (!fs::exists(target, ec)) {
      return "";
    }
    fs::create_directories(dir, ec);
    if (!fs::exists(dir / module, ec)) {
      fs::create_symlink(target, dir / module, ec);
    }
    return ec ? "" : dir.string();
  }

  std::string NewDatabase() {
    return (root_ / ("sasldb-" + std::to_string(++databases_))).string();
  }

  // Vouch: VOUCH-ES256-PLUS's keys, trust store and statements in <root>/vouch, made on first
  // use (vouch_files.h); std::nullopt with *error when they cannot be made.
  const std::optional<VouchOptions>& Vouch(std::string* error) {
    if (!vouch_tried_) {
      vouch_tried_ = true;
      const fs::path dir = root_ / "vouch";
      std::error_code ec;
      if (!fs::create_directory(dir, ec)) {
        vouch_error_ = dir.string() + ": cannot create";
      } else {
        vouch_ = ProvisionVouch(dir.string(), &vouch_error_);
      }
    }
    *error = vouch_error_;
    return vouch_;
  }

 private:
  fs::path root_;
  int databases_ = 0;
  bool vouch_tried_ = false;
  std::optional<VouchOptions> vouch_;
  std::string vouch_error_;
};

std::string ReadLoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return in ? a + " " + b + " " + c : "unknown";
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("model name")) {
      const size_t colon = line.find(':');
      return colon == std::string::npos ? line
                                        : line.substr(line.find_first_not_of(" ", colon + 1));
    }
  }
  return "unknown CPU";
}

// Record copies a pair's (or a core run's) figures into its row and says on stderr how it went.
void Record(const PairResult& result, const Args& args, Row* row) {
  row->ran = true;
  row->ok = result.ok;
  row->detail = result.detail;
  row->client_us = result.client_us;
  row->server_us = result.server_us;
  row->client_mean_us = result.client_mean_us;
  row->server_mean_us = result.server_mean_us;
  // Each row carries the floors its own sides measured, interleaved with its authentications.
  row->client_floor_us = result.client_floor_us;
  row->server_floor_us = result.server_floor_us;
  row->client_floor_mean_us = result.client_floor_mean_us;
  row->server_floor_mean_us = result.server_floor_mean_us;
  row->client_limit_us = result.client_limit_us;
  row->client_limit_mean_us = result.client_limit_mean_us;
  row->client_chain_us = result.client_chain_us;
  row->client_chain_mean_us = result.client_chain_mean_us;
  if (!args.json) {
    std::fprintf(stderr, "e2esasl-bench: %-19s %-13s %s\n", row->mechanism.c_str(),
                 std::string(ImplementationName(row->impl)).c_str(),
                 result.ok ? "done" : ("FAILED: " + result.detail).c_str());
  }
}

int Run(const Args& args) {
  Workspace ws;
  if (!ws.ok()) {
    std::fprintf(stderr, "e2esasl-bench: mkdtemp failed\n");
    return 2;
  }
  std::error_code ec;
  if (args.plugin_dir.empty() || !fs::is_directory(args.plugin_dir, ec)) {
    std::fprintf(stderr, "e2esasl-bench: our plugin directory '%s' does not exist (--plugin-dir)\n",
                 args.plugin_dir.c_str());
    return 2;
  }
  // Every process needs an auxprop plugin for sasldb, and nothing else from the system's
  // directory: its libscram.so registers the same SCRAM names as ours.
  const std::string sasldb_dir = ws.LinkOnly("sasldb", args.cyrus_dir, "libsasldb.so");
  if (sasldb_dir.empty()) {
    std::fprintf(stderr, "e2esasl-bench: %s/libsasldb.so not found (libsasl2-modules-db)\n",
                 args.cyrus_dir.c_str());
    return 2;
  }

  RunInfo info;
  info.count = args.count;
  info.warmup = args.warmup;
  info.iterations = args.iterations;
  info.nproc = sysconf(_SC_NPROCESSORS_ONLN);
  info.cpu_model = CpuModel();
  info.load_before = ReadLoadAverage();
  info.plugin_dir = args.plugin_dir;
  info.cyrus_dir = args.cyrus_dir;

  std::vector<Row> rows;
  bool all_ok = true;
  for (const Mechanism& mech : args.mechs) {
    // OPAQUE's KSF: at the bench's parameters (left out of the client ratio) and, once per run,
    // at the plugin's defaults (reported).
    std::optional<KsfFigures> ksf;
    if (mech.info->core == &RunOpaqueCore) {
      ksf = MeasureOpaqueKsf(args.opaque_ksf, std::max(args.count, 5));
      info.ksf_bench = ksf;
      if (!info.ksf_default && args.ksf_runs > 0) {
        info.ksf_default = MeasureOpaqueKsf(OpaqueKsf{65536, 3, 4}, args.ksf_runs);
      }
    }
    for (const Implementation impl : args.impls) {
      if (impl == Implementation::kCore && mech.info->core == nullptr) {
        continue;  // no in-process core for this mechanism (the baselines)
      }
      if (mech.info->baseline && impl != Implementation::kCyrus) {
        continue;  // a baseline is Cyrus's module in its default configuration only
      }
      Row row;
      row.mechanism = mech.name;
      row.impl = impl;
      row.floor_text = std::string(mech.info->floor_text);
      row.limit_text = std::string(mech.info->limit_text);
      row.baseline = mech.info->baseline;
      if (ksf) {
        row.client_excluded_us = ksf->cpu_us;
        row.excluded_text = "the KSF (" + ksf->params + ")";
      }
      if (impl == Implementation::kCore) {
        CoreSpec core_spec;
        core_spec.plus = mech.plus;
        core_spec.warmup = args.warmup;
        core_spec.count = args.count;
        core_spec.iterations = args.iterations;
        core_spec.opaque_ksf = args.opaque_ksf;
        core_spec.client_floor = mech.info->client_floor;
        core_spec.server_floor = mech.info->server_floor;
        core_spec.client_limit = mech.info->client_limit;
        core_spec.client_chain = mech.info->client_chain;
        Record(mech.info->core(core_spec), args, &row);
        all_ok = all_ok && row.ok;
        rows.push_back(row);
        continue;
      }
      PeerSpec spec;
      spec.impl = impl;
      spec.mech = mech;
      spec.sasldb_path = ws.NewDatabase();
      spec.iterations = args.iterations;
      spec.opaque_ksf = args.opaque_ksf;
      spec.warmup = args.warmup;
      spec.count = args.count;
      spec.verbose = args.verbose;
      if (impl == Implementation::kE2esasl || impl == Implementation::kE2esaslMemory) {
        spec.plugin_path = args.plugin_dir + ":" + sasldb_dir;
        if (mech.info->client_floor == &FloorVouchEs256) {
          std::string error;
          const std::optional<VouchOptions>& vouch = ws.Vouch(&error);
          if (!vouch) {
            row.ran = true;
            row.detail = "provisioning: " + error;
            all_ok = false;
            rows.push_back(row);
            continue;
          }
          spec.client_options = vouch->client;
          spec.server_options = vouch->server;
          spec.client_options["e2esasl_vouch_statement_cache"] = args.vouch_cache;
          spec.server_options["e2esasl_vouch_statement_cache"] = args.vouch_cache;
          spec.authname = kVouchClient;
        }
      } else if (mech.info->cyrus_module.empty()) {
        row.detail = "Cyrus has no such mechanism";
        rows.push_back(row);
        continue;
      } else {
        const std::string module(mech.info->cyrus_module);
        const std::string dir = ws.LinkOnly("cyrus-" + module, args.cyrus_dir, module);
        if (dir.empty()) {
          row.detail = args.cyrus_dir + "/" + module + " is not installed";
          rows.push_back(row);
          continue;
        }
        spec.plugin_path = dir + ":" + sasldb_dir;
      }
      Record(RunPair(spec), args, &row);
      all_ok = all_ok && row.ok;
      rows.push_back(row);
    }
  }
  info.load_after = ReadLoadAverage();
  if (args.json) {
    PrintJson(stdout, info, rows);
  } else {
    PrintTable(stdout, info, rows);
  }
  return all_ok ? 0 : 1;
}

}  // namespace
}  // namespace e2esasl::bench

int main(int argc, char** argv) {
  e2esasl::bench::Args args;
  if (!e2esasl::bench::ParseArgs(argc, argv, &args)) {
    return 2;
  }
  return e2esasl::bench::Run(args);
}
