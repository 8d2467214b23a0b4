// e2esasl-xmpp-bench: what an end-to-end session costs over XMPP (docs/performance.md, "XMPP").
//
// One process, two libstrophe connections (alice, bob) in one event loop, logged in to a sandbox
// Prosody on 127.0.0.1 that the bench starts itself (xmpp/prosody/e2e-prosody), once with
// Debian's default mod_limits (10 kb/s per client connection) and once without. It measures
//   1. per family, the wall time from e2e_xmpp_start to "authenticated" on both sides, the
//      stanzas each way and the round trips (from the core's trace callback);
//   2. the IBB throughput of chat lines after authentication, per block size.
// The floors are measured in the same run: the same two cores joined by an in-memory router (no
// server, no sockets), and the inner TLS alone in memory. It prints Markdown tables. It is a
// benchmark, not a test: the exit status says only whether every session succeeded.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../stats.h"
#include "e2esasl/xmpp.h"
#include "endpoint.h"
#include "links.h"
#include "runs.h"
#include "sandbox.h"
#include "tls_floor.h"

namespace e2esasl::bench::xmpp {
namespace {

constexpr const char* kUser = "alice@localhost";
constexpr const char* kSecret = "bench secret shared by alice and bob";  // bench only

const char* kUsage =
    "usage: e2esasl-xmpp-bench [options]\n"
    "  -n N                 timed authentications per family and server (default 10)\n"
    "  --warmup W           untimed ones first (default 1)\n"
    "  --mechs LIST         families (default SCRAM-SHA-256-PLUS,CPACE-R255-PLUS,\n"
    "                       OPAQUE-R255-PLUS,SAS-R255-PLUS)\n"
    "  --servers LIST       memory,limits,no-limits,nodelay,nodelay-all (default all):\n"
    "                       memory: the floor (no server); limits: Debian's mod_limits;\n"
    "                       nodelay: no limits, TCP_NODELAY on the client sockets;\n"
    "                       nodelay-all: the same and on Prosody's (--no-nagle);\n"
    "                       also limits-nodelay: mod_limits, TCP_NODELAY everywhere\n"
    "  --auth-block N       IBB block size of the authentication runs (default 4096)\n"
    "  --blocks LIST        block sizes of the transfers (default 4096,8192,16384,32768,65535)\n"
    "  --flow-reps R        transfers per block size and server (default 3)\n"
    "  --flow-bytes B       chat bytes per transfer without limits (default 1048576)\n"
    "  --flow-bytes-limited B  the same with mod_limits (default 65536: 10 kb/s is slow)\n"
    "  --line-bytes L       bytes per chat line (default 60000, e2e_xmpp_send's cap)\n"
    "  --poll-ms P          xmpp_run_once's longest wait (default 1)\n"
    "  --gap-ms G           idle time between runs through Prosody (default 300)\n"
    "  --plugin-dir D       our SASL modules (default $E2ESASL_PLUGIN_DIR, else the build's)\n"
    "  --cyrus-dir D        the system's SASL modules, for libsasldb.so\n"
    "  --prosody-script F   e2e-prosody (default: the source tree's)\n"
    "  --keep               keep the work directory (Prosody logs) under /tmp\n"
    "  --verbose            libstrophe's warnings\n"
    "  --trace              print the stanzas of the first timed authentication of each row\n";

struct Options {
  unsigned n = 10;
  unsigned warmup = 1;
  std::vector<std::string> mechs = {"SCRAM-SHA-256-PLUS", "CPACE-R255-PLUS", "OPAQUE-R255-PLUS",
                                    "SAS-R255-PLUS"};
  std::vector<std::string> servers = {"memory", "limits", "no-limits", "nodelay", "nodelay-all"};
  unsigned auth_block = 4096;
  std::vector<unsigned> blocks = {4096, 8192, 16384, 32768, 65535};
  unsigned flow_reps = 3;
  size_t flow_bytes = 1048576;
  size_t flow_bytes_limited = 65536;
  size_t line_bytes = 60000;
  unsigned poll_ms = 1;
  unsigned gap_ms = 300;
  std::string plugin_dir;
  std::string cyrus_dir = "/usr/lib/x86_64-linux-gnu/sasl2";
  std::string prosody_script = E2ESASL_XMPP_BENCH_PROSODY_SCRIPT;
  bool keep = false;
  bool verbose = false;
  bool trace = false;
};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) {
      out.push_back(item);
    }
  }
  return out;
}

unsigned long Number(const std::string& text, unsigned long min, unsigned long max) {
  size_t used = 0;
  unsigned long v = 0;
  try {
    v = std::stoul(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || v < min || v > max) {
    throw std::invalid_argument("bad number: " + text);
  }
  return v;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  const char* env = std::getenv("E2ESASL_PLUGIN_DIR");
  o.plugin_dir = env != nullptr ? env : E2ESASL_XMPP_BENCH_DEFAULT_PLUGIN_DIR;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        throw std::invalid_argument(a + " needs a value");
      }
      return argv[++i];
    };
    if (a == "-n") {
      o.n = static_cast<unsigned>(Number(value(), 1, 100000));
    } else if (a == "--warmup") {
      o.warmup = static_cast<unsigned>(Number(value(), 0, 1000));
    } else if (a == "--mechs") {
      o.mechs = SplitList(value());
    } else if (a == "--servers") {
      o.servers = SplitList(value());
      for (const std::string& s : o.servers) {
        if (s != "memory" && s != "limits" && s != "no-limits" && s != "nodelay" &&
            s != "nodelay-all" && s != "limits-nodelay") {
          throw std::invalid_argument("unknown server " + s);
        }
      }
    } else if (a == "--auth-block") {
      o.auth_block = static_cast<unsigned>(Number(value(), 1, 65535));
    } else if (a == "--blocks") {
      o.blocks.clear();
      for (const std::string& b : SplitList(value())) {
        o.blocks.push_back(static_cast<unsigned>(Number(b, 1, 65535)));
      }
    } else if (a == "--flow-reps") {
      o.flow_reps = static_cast<unsigned>(Number(value(), 0, 1000));
    } else if (a == "--flow-bytes") {
      o.flow_bytes = Number(value(), 1, 4000000);
    } else if (a == "--flow-bytes-limited") {
      o.flow_bytes_limited = Number(value(), 1, 4000000);
    } else if (a == "--line-bytes") {
      o.line_bytes = Number(value(), 1, 60000);
    } else if (a == "--poll-ms") {
      o.poll_ms = static_cast<unsigned>(Number(value(), 0, 1000));
    } else if (a == "--gap-ms") {
      o.gap_ms = static_cast<unsigned>(Number(value(), 0, 60000));
    } else if (a == "--plugin-dir") {
      o.plugin_dir = value();
    } else if (a == "--cyrus-dir") {
      o.cyrus_dir = value();
    } else if (a == "--prosody-script") {
      o.prosody_script = value();
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--verbose") {
      o.verbose = true;
    } else if (a == "--trace") {
      o.trace = true;
    } else {
      throw std::invalid_argument("unknown option " + a);
    }
  }
  return o;
}

// --- results -------------------------------------------------------------------------------

struct AuthRow {
  std::string mech, server;
  std::vector<AuthSample> samples;
  std::string error;
};

struct FlowRow {
  unsigned block = 0;
  std::string server;
  size_t bytes = 0;
  std::vector<FlowSample> samples;
  std::string error;
};

template <typename T, typename F>
std::vector<double> Column(const std::vector<T>& samples, F f) {
  std::vector<double> out;
  for (const T& s : samples) {
    out.push_back(f(s));
  }
  return out;
}

double Min(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::min_element(v.begin(), v.end());
}
double Max(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

// Range: "m" when every value is m, else "lo-hi".
std::string Range(const std::vector<double>& v, const char* format = "%.0f") {
  char lo[32], hi[32];
  std::snprintf(lo, sizeof(lo), format, Min(v));
  std::snprintf(hi, sizeof(hi), format, Max(v));
  return std::string(lo) == hi ? lo : std::string(lo) + "-" + hi;
}

std::string ServerName(const std::string& server) {
  if (server == "memory") {
    return "in-memory (floor)";
  }
  if (server == "nodelay") {
    return "Prosody, no limits, NODELAY clients";
  }
  if (server == "nodelay-all") {
    return "Prosody, no limits, NODELAY all";
  }
  if (server == "limits-nodelay") {
    return "Prosody, mod_limits, NODELAY all";
  }
  return server == "limits" ? "Prosody, mod_limits" : "Prosody, no limits";
}

std::string ReadLoad() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      return line.substr(line.find(':') + 2);
    }
  }
  return "?";
}

// --- the bench -----------------------------------------------------------------------------

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)) {
    if (o_.keep) {
      work_.Keep();
      std::fprintf(stderr, "work directory (kept): %s\n", work_.path().c_str());
    }
    plugin_path_ = o_.plugin_dir + ":" + work_.SasldbOnly(o_.cyrus_dir);
    sasldb_ = work_.path() + "/bob.sasldb";
    e2e_xmpp_config config{};
    config.plugin_path = plugin_path_.c_str();
    config.sasldb_path = sasldb_.c_str();
    char* error = nullptr;
    if (e2e_xmpp_set_password(&config, kUser, kSecret, &error) != 0) {
      std::string why = error != nullptr ? error : "?";
      e2e_xmpp_free_string(error);
      throw std::runtime_error("provisioning bob's sasldb: " + why);
    }
  }

  int Run() {
    load_before_ = ReadLoad();
    for (const std::string& server : o_.servers) {
      RunServer(server);
    }
    RunTlsFloor();
    load_after_ = ReadLoad();
    Print();
    return failures_ == 0 ? 0 : 1;
  }

 private:
  void RunServer(const std::string& server) {
    std::fprintf(stderr, "== %s\n", ServerName(server).c_str());
    std::unique_ptr<Prosody> prosody;
    std::unique_ptr<Link> link;
    Meters meters;
    meters.poll_ms = o_.poll_ms;
    unsigned gap = 0;
    if (server == "memory") {
      link = NewMemoryLink();
    } else {
      const std::string dir = work_.path() + "/" + server;
      prosody = std::make_unique<Prosody>(
          o_.prosody_script, dir, server.starts_with("limits"),
          /*nagle=*/server != "nodelay-all" && server != "limits-nodelay");
      prosody->Register("alice", "alice xmpp password");
      prosody->Register("bob", "bob xmpp password");
      StropheOptions so;
      so.port = prosody->port();
      so.ca_file = prosody->ca_file();
      so.alice_password = "alice xmpp password";
      so.bob_password = "bob xmpp password";
      so.verbose = o_.verbose;
      so.nodelay = server.starts_with("nodelay") || server == "limits-nodelay";
      link = NewStropheLink(so);
      Prosody* p = prosody.get();
      meters.server = [p] { return p->CpuNanos(); };
      gap = o_.gap_ms;
    }
    // Authentication.
    link->Attach(CoreOptions{plugin_path_, sasldb_, o_.auth_block}, &alice_, &bob_);
    for (const std::string& mech : o_.mechs) {
      AuthRow row{mech, server, {}, {}};
      const Credentials c{mech, kUser, mech.starts_with("SAS-") ? "" : kSecret};
      try {
        for (unsigned i = 0; i < o_.warmup + o_.n; ++i) {
          Idle(*link, gap, o_.poll_ms);
          alice_.echo = bob_.echo = o_.trace && i == o_.warmup;
          AuthSample s = RunAuth(*link, alice_, bob_, c, meters);
          alice_.echo = bob_.echo = false;
          if (i >= o_.warmup) {
            row.samples.push_back(s);
          }
        }
      } catch (const std::exception& e) {
        row.error = e.what();
        ++failures_;
      }
      std::fprintf(stderr, "  %-20s %s\n", mech.c_str(),
                   row.error.empty() ? "ok" : row.error.c_str());
      auth_.push_back(std::move(row));
      if (!auth_.back().error.empty()) {
        link->Attach(CoreOptions{plugin_path_, sasldb_, o_.auth_block}, &alice_, &bob_);
      }
    }
    // Throughput.
    const size_t bytes = server.starts_with("limits") ? o_.flow_bytes_limited : o_.flow_bytes;
    const Credentials c{"CPACE-R255-PLUS", kUser, kSecret};
    for (unsigned block : o_.blocks) {
      if (o_.flow_reps == 0) {
        break;
      }
      FlowRow row{block, server, bytes, {}, {}};
      try {
        link->Attach(CoreOptions{plugin_path_, sasldb_, block}, &alice_, &bob_);
        for (unsigned i = 0; i < o_.flow_reps; ++i) {
          Idle(*link, gap, o_.poll_ms);
          row.samples.push_back(RunFlow(*link, alice_, bob_, c, bytes, o_.line_bytes, meters));
        }
      } catch (const std::exception& e) {
        row.error = e.what();
        ++failures_;
      }
      std::fprintf(stderr, "  block %-6u %s\n", block,
                   row.error.empty() ? "ok" : row.error.c_str());
      flows_.push_back(std::move(row));
    }
  }

  void RunTlsFloor() {
    TlsFloor floor;
    for (unsigned i = 0; i < o_.warmup; ++i) {
      floor.HandshakeSeconds();
    }
    for (unsigned i = 0; i < o_.n; ++i) {
      handshake_ms_.push_back(floor.HandshakeSeconds() * 1000);
    }
    for (unsigned i = 0; i < std::max(1u, o_.flow_reps); ++i) {
      const double s = floor.TransferSeconds(o_.flow_bytes, o_.line_bytes);
      tls_kib_s_.push_back(static_cast<double>(o_.flow_bytes) / 1024 / s);
    }
  }

  const AuthRow* FloorAuth(const std::string& mech) const {
    for (const AuthRow& r : auth_) {
      if (r.mech == mech && r.server == "memory" && r.error.empty()) {
        return &r;
      }
    }
    return nullptr;
  }

  const FlowRow* FloorFlow(unsigned block) const {
    for (const FlowRow& r : flows_) {
      if (r.block == block && r.server == "memory" && r.error.empty()) {
        return &r;
      }
    }
    return nullptr;
  }

  void PrintAuth() const {
    std::printf(
        "\n### Authentication: e2e_xmpp_start to \"authenticated\" on both sides "
        "(IBB block %u)\n\n",
        o_.auth_block);
    std::printf(
        "| family | server | runs | both: median ms | min ms | bob: median ms | CPU here ms | "
        "Prosody CPU ms | a->b sets (data) + acks | b->a sets (data) + acks | XML bytes a->b / "
        "b->a | round trips | x floor |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const AuthRow& r : auth_) {
      if (!r.error.empty()) {
        std::printf("| %s | %s | failed: %s |\n", r.mech.c_str(), ServerName(r.server).c_str(),
                    r.error.c_str());
        continue;
      }
      const auto& v = r.samples;
      const double both = Median(Column(v, [](const AuthSample& s) { return s.both_ms; }));
      const AuthRow* floor = FloorAuth(r.mech);
      std::string ratio = "-";
      if (floor != nullptr && r.server != "memory") {
        const double f =
            Median(Column(floor->samples, [](const AuthSample& s) { return s.both_ms; }));
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.1f", both / f);
        ratio = buf;
      }
      std::printf(
          "| %s | %s | %zu | %.1f | %.1f | %.1f | %.1f | %s | %s (%s) + %s | %s (%s) + %s | %s / "
          "%s | "
          "%s | %s |\n",
          r.mech.c_str(), ServerName(r.server).c_str(), v.size(), both,
          Min(Column(v, [](const AuthSample& s) { return s.both_ms; })),
          Median(Column(v, [](const AuthSample& s) { return s.bob_ms; })),
          Median(Column(v, [](const AuthSample& s) { return s.cpu_ms; })),
          r.server == "memory"
              ? "-"
              : Range(Column(v, [](const AuthSample& s) { return s.server_cpu_ms; }), "%.1f")
                    .c_str(),
          Range(Column(v, [](const AuthSample& s) { return double(s.alice.sets); })).c_str(),
          Range(Column(v, [](const AuthSample& s) { return double(s.alice.data); })).c_str(),
          Range(Column(v, [](const AuthSample& s) { return double(s.alice.results); })).c_str(),
          Range(Column(v, [](const AuthSample& s) { return double(s.bob.sets); })).c_str(),
          Range(Column(v, [](const AuthSample& s) { return double(s.bob.data); })).c_str(),
          Range(Column(v, [](const AuthSample& s) { return double(s.bob.results); })).c_str(),
          Range(Column(v, [](const AuthSample& s) { return double(s.alice.bytes); })).c_str(),
          Range(Column(v, [](const AuthSample& s) { return double(s.bob.bytes); })).c_str(),
          Range(Column(v, [](const AuthSample& s) { return double(s.alice.flights); })).c_str(),
          ratio.c_str());
    }
    std::printf(
        "\nInner TLS handshake alone, in memory (OpenSSL, P-256, contexts reused): "
        "median %.2f ms, min %.2f ms over %zu.\n",
        Median(handshake_ms_), Min(handshake_ms_), handshake_ms_.size());
  }

  void PrintFlows() const {
    std::printf(
        "\n### IBB throughput of chat lines after authentication (alice -> bob, lines of "
        "%zu bytes)\n\n",
        o_.line_bytes);
    std::printf(
        "| block | server | KiB sent | runs | median s | KiB/s median | KiB/s range | data IQs | "
        "XML bytes / chat byte | CPU here ms/MiB | Prosody CPU ms/MiB | floor / this |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const FlowRow& r : flows_) {
      if (!r.error.empty()) {
        std::printf("| %u | %s | failed: %s |\n", r.block, ServerName(r.server).c_str(),
                    r.error.c_str());
        continue;
      }
      const double kib = static_cast<double>(r.bytes) / 1024;
      const double mib = kib / 1024;
      const auto& v = r.samples;
      const std::vector<double> rate =
          Column(v, [&](const FlowSample& s) { return kib / s.seconds; });
      std::string ratio = "-";
      if (const FlowRow* floor = FloorFlow(r.block); floor != nullptr && r.server != "memory") {
        const double fk = static_cast<double>(floor->bytes) / 1024;
        const double f =
            Median(Column(floor->samples, [&](const FlowSample& s) { return fk / s.seconds; }));
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.0f", f / Median(rate));
        ratio = buf;
      }
      std::printf(
          "| %u | %s | %.0f | %zu | %.3f | %.0f | %s | %s | %.3f | %.0f | %s | %s |\n", r.block,
          ServerName(r.server).c_str(), kib, v.size(),
          Median(Column(v, [](const FlowSample& s) { return s.seconds; })), Median(rate),
          Range(rate).c_str(),
          Range(Column(v, [](const FlowSample& s) { return double(s.alice.data); })).c_str(),
          Median(Column(v,
                        [&](const FlowSample& s) {
                          return static_cast<double>(s.alice.bytes) / static_cast<double>(r.bytes);
                        })),
          Median(Column(v, [&](const FlowSample& s) { return s.cpu_ms / mib; })),
          r.server == "memory"
              ? "-"
              : Range(Column(v, [&](const FlowSample& s) { return s.server_cpu_ms / mib; }))
                    .c_str(),
          ratio.c_str());
    }
    std::printf(
        "\nInner TLS alone, in memory (the same %zu bytes in writes of %zu): median %.0f "
        "KiB/s (%s) over %zu.\n",
        o_.flow_bytes, o_.line_bytes, Median(tls_kib_s_), Range(tls_kib_s_).c_str(),
        tls_kib_s_.size());
  }

  void Print() const {
    char host[256] = "?";
    gethostname(host, sizeof(host) - 1);
    std::printf("## e2esasl-xmpp-bench\n\n");
    std::printf(
        "%ld CPUs, %s; load average %s before, %s after; poll %u ms, gap %u ms, "
        "%u timed authentications (+%u warmup) per row, %u transfers per block size.\n",
        sysconf(_SC_NPROCESSORS_ONLN), CpuModel().c_str(), load_before_.c_str(),
        load_after_.c_str(), o_.poll_ms, o_.gap_ms, o_.n, o_.warmup, o_.flow_reps);
    PrintAuth();
    if (o_.flow_reps > 0) {
      PrintFlows();
    }
  }

  Options o_;
  WorkDir work_;
  std::string plugin_path_;
  std::string sasldb_;
  Endpoint alice_{"alice"};
  Endpoint bob_{"bob"};
  std::vector<AuthRow> auth_;
  std::vector<FlowRow> flows_;
  std::vector<double> handshake_ms_;
  std::vector<double> tls_kib_s_;
  std::string load_before_, load_after_;
  unsigned failures_ = 0;
};

}  // namespace
}  // namespace e2esasl::bench::xmpp

int main(int argc, char** argv) {
  using namespace e2esasl::bench::xmpp;
  Options options;
  try {
    for (int i = 1; i < argc; ++i) {
      if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
      }
    }
    options = ParseOptions(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "e2esasl-xmpp-bench: %s\n%s", e.what(), kUsage);
    return 2;
  }
  try {
    Bench bench(std::move(options));
    return bench.Run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "e2esasl-xmpp-bench: %s\n", e.what());
    return 2;
  }
}
