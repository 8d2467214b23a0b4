// memory_bench.cc: e2esasl-memory-bench, the heap one in-flight exchange holds on the server
// (issue 15 section 3, docs/performance.md "Memory per exchange").
//
// One process, libsasl2's client and server: for each mechanism it starts N client connections
// (their first messages made before anything is measured), then opens N server connections
// (sasl_server_new: libsasl2's own connection) and gives each its client's first message
// (sasl_server_start, which answers with the server's first message and leaves the exchange in
// flight). Three meters, read before and after each phase and divided by N:
//   - glibc's mallinfo2() uordblks: every live heap byte of the process (chunk sizes);
//   - ours, C++: the global operator new/delete of this program, which the dlopen'ed plugin
//     modules use (the program exports them): live usable bytes of every C++ allocation, i.e. our
//     plugins' state (libsasl2 is C and never calls them);
//   - ours, OpenSSL: CRYPTO_set_mem_functions counters (hash contexts and other OpenSSL objects
//     our state holds; libsasl2 itself does not use OpenSSL).
// libsasl2's share of the start phase is the total minus ours. Users' secrets come from the
// bench's in-memory auxprop (no database file is opened). Not a timed test: it prints a table.
#include <malloc.h>
#include <sasl/sasl.h>

#include <openssl/crypto.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "bench_sasl.h"
#include "memory_auxprop.h"

namespace {

std::atomic<long long> g_cxx_live{0};
std::atomic<long long> g_ssl_live{0};

void* CountedAlloc(size_t size, std::atomic<long long>* live) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p != nullptr) {
    *live += static_cast<long long>(malloc_usable_size(p));
  }
  return p;
}
void CountedFree(void* p, std::atomic<long long>* live) {
  if (p != nullptr) {
    *live -= static_cast<long long>(malloc_usable_size(p));
    std::free(p);
  }
}

void* SslMalloc(size_t n, const char*, int) {
  return CountedAlloc(n, &g_ssl_live);
}
void* SslRealloc(void* p, size_t n, const char*, int) {
  const long long before = p != nullptr ? static_cast<long long>(malloc_usable_size(p)) : 0;
  void* q = std::realloc(p, n == 0 ? 1 : n);
  if (q != nullptr) {
    g_ssl_live += static_cast<long long>(malloc_usable_size(q)) - before;
  }
  return q;
}
void SslFree(void* p, const char*, int) {
  CountedFree(p, &g_ssl_live);
}

}  // namespace

// The program's global allocation functions (exported, so the plugin modules bind to them).
void* operator new(size_t size) {
  void* p = CountedAlloc(size, &g_cxx_live);
  if (p == nullptr) {
    throw std::bad_alloc();
  }
  return p;
}
void* operator new[](size_t size) {
  return operator new(size);
}
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size, &g_cxx_live);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size, &g_cxx_live);
}
void operator delete(void* p) noexcept {
  CountedFree(p, &g_cxx_live);
}
void operator delete[](void* p) noexcept {
  CountedFree(p, &g_cxx_live);
}
void operator delete(void* p, size_t) noexcept {
  CountedFree(p, &g_cxx_live);
}
void operator delete[](void* p, size_t) noexcept {
  CountedFree(p, &g_cxx_live);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  CountedFree(p, &g_cxx_live);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  CountedFree(p, &g_cxx_live);
}

namespace {

using e2esasl::bench::BenchBinding;
using e2esasl::bench::BenchCallbacks;
using e2esasl::bench::BenchOptions;
using e2esasl::bench::IsPlus;
using e2esasl::bench::kBenchPassword;
using e2esasl::bench::kBenchServerFqdn;
using e2esasl::bench::kBenchService;
using e2esasl::bench::kBenchUser;
using e2esasl::bench::SaslError;

struct Meter {
  long long heap, cxx, ssl;
  static Meter Read() {
    const struct mallinfo2 info = mallinfo2();
    return Meter{static_cast<long long>(info.uordblks), g_cxx_live.load(), g_ssl_live.load()};
  }
};

struct Row {
  std::string mech;
  double sasl_conn = 0;  // libsasl2's connection (sasl_server_new)
  double start_total = 0;
  double ours_cxx = 0, ours_ssl = 0;
  double after_dispose = 0;  // what is left per exchange once every connection is disposed
  std::string error;
};

Row Measure(const std::string& mech, int n) {
  Row row;
  row.mech = mech;
  const bool plus = IsPlus(mech);
  std::vector<sasl_conn_t*> clients(n, nullptr), servers(n, nullptr);
  std::vector<std::string> firsts(n);
  auto dispose = [&] {
    for (auto* c : clients) {
      if (c != nullptr) {
        sasl_dispose(&c);
      }
    }
    for (auto* s : servers) {
      if (s != nullptr) {
        sasl_dispose(&s);
      }
    }
  };
  for (int i = 0; i < n && row.error.empty(); ++i) {
    int r = sasl_client_new(kBenchService, kBenchServerFqdn, nullptr, nullptr, BenchCallbacks(), 0,
                            &clients[i]);
    if (r == SASL_OK && plus) {
      r = sasl_setprop(clients[i], SASL_CHANNEL_BINDING, BenchBinding());
    }
    const char* out = nullptr;
    unsigned len = 0;
    const char* chosen = nullptr;
    sasl_interact_t* prompts = nullptr;
    if (r == SASL_OK) {
      r = sasl_client_start(clients[i], mech.c_str(), &prompts, &out, &len, &chosen);
    }
    if (r != SASL_CONTINUE && r != SASL_OK) {
      row.error = SaslError("sasl_client_start", r, clients[i]);
    } else {
      firsts[i].assign(out != nullptr ? out : "", len);
    }
  }
  const Meter m0 = Meter::Read();
  for (int i = 0; i < n && row.error.empty(); ++i) {
    int r = sasl_server_new(kBenchService, kBenchServerFqdn, nullptr, nullptr, nullptr,
                            BenchCallbacks(), 0, &servers[i]);
    if (r == SASL_OK && plus) {
      r = sasl_setprop(servers[i], SASL_CHANNEL_BINDING, BenchBinding());
    }
    if (r != SASL_OK) {
      row.error = SaslError("sasl_server_new", r, servers[i]);
    }
  }
  const Meter m1 = Meter::Read();
  for (int i = 0; i < n && row.error.empty(); ++i) {
    const char* out = nullptr;
    unsigned len = 0;
    const int r = sasl_server_start(servers[i], mech.c_str(), firsts[i].data(),
                                    static_cast<unsigned>(firsts[i].size()), &out, &len);
    if (r != SASL_CONTINUE) {
      row.error = SaslError("sasl_server_start", r, servers[i]);
    }
  }
  const Meter m2 = Meter::Read();
  row.sasl_conn = static_cast<double>(m1.heap - m0.heap) / n;
  row.start_total = static_cast<double>(m2.heap - m1.heap) / n;
  row.ours_cxx = static_cast<double>(m2.cxx - m1.cxx) / n;
  row.ours_ssl = static_cast<double>(m2.ssl - m1.ssl) / n;
  for (auto*& s : servers) {
    if (s != nullptr) {
      sasl_dispose(&s);
    }
  }
  const Meter m3 = Meter::Read();
  row.after_dispose = static_cast<double>(m3.heap - m0.heap) / n;
  dispose();
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything allocates through OpenSSL.
  CRYPTO_set_mem_functions(&SslMalloc, &SslRealloc, &SslFree);
  int n = 1000;
  std::string plugin_dir;
  std::vector<std::string> mechs = {"SCRAM-SHA-256",   "SCRAM-SHA-256-PLUS", "CPACE-R255",
                                    "CPACE-R255-PLUS", "OPAQUE-R255",        "OPAQUE-R255-PLUS",
                                    "SAS-R255-PLUS"};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-n" && i + 1 < argc) {
      n = std::atoi(argv[++i]);
    } else if (a == "--plugin-dir" && i + 1 < argc) {
      plugin_dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: e2esasl-memory-bench [-n CONNECTIONS] [--plugin-dir DIR]\n");
      return 2;
    }
  }
  if (n < 1) {
    std::fprintf(stderr, "e2esasl-memory-bench: -n must be at least 1\n");
    return 2;
  }
  if (plugin_dir.empty()) {
    plugin_dir = E2ESASL_BENCH_DEFAULT_PLUGIN_DIR;
  }
  BenchOptions() = {{"auxprop_plugin", e2esasl::bench::kMemoryAuxpropName},
                    {"mech_list", "SCRAM-SHA-256 CPACE-R255 OPAQUE-R255 SAS-R255"},
                    {"e2esasl_scram_iterations", "4096"},
                    {"e2esasl_scram_password_fallback", "no"},
                    {"e2esasl_opaque_key_file", "/dev/null"},
                    {"e2esasl_opaque_ksf_memory", "1024"},
                    {"e2esasl_opaque_ksf_time", "1"},
                    {"e2esasl_opaque_ksf_parallelism", "1"}};
  // OPAQUE's key file: a fresh one in a private directory (setpass creates it).
  char dir[] = "/tmp/e2esasl-memory-bench-XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string key_file = std::string(dir) + "/opaque.key";
  BenchOptions()["e2esasl_opaque_key_file"] = key_file;
  if (sasl_set_path(SASL_PATH_TYPE_PLUGIN, plugin_dir.data()) != SASL_OK ||
      sasl_server_init(BenchCallbacks(), kBenchService) != SASL_OK ||
      e2esasl::bench::AddMemoryAuxprop() != SASL_OK ||
      sasl_client_init(BenchCallbacks()) != SASL_OK) {
    std::fprintf(stderr, "e2esasl-memory-bench: libsasl2 initialisation failed\n");
    return 1;
  }
  sasl_conn_t* conn = nullptr;
  int r = sasl_server_new(kBenchService, kBenchServerFqdn, nullptr, nullptr, nullptr,
                          BenchCallbacks(), 0, &conn);
  if (r == SASL_OK) {
    r = sasl_setpass(conn, kBenchUser, kBenchPassword, sizeof(kBenchPassword) - 1, nullptr, 0,
                     SASL_SET_CREATE);
  }
  if (r != SASL_OK) {
    std::fprintf(stderr, "e2esasl-memory-bench: %s\n", SaslError("sasl_setpass", r, conn).c_str());
    return 1;
  }
  sasl_dispose(&conn);
  // One warm-up exchange per mechanism so that one-time allocations (plugin caches, OpenSSL's
  // method tables) are not counted against the first mechanism.
  for (const std::string& mech : mechs) {
    Measure(mech, 1);
  }
  std::printf("Heap per in-flight server exchange after the server's first message, %d at once\n",
              n);
  std::printf(
      "| mechanism | libsasl2 connection | libsasl2 in start | ours (C++) | ours (OpenSSL) "
      "| ours total | left after dispose |\n|---|---|---|---|---|---|---|\n");
  int status = 0;
  for (const std::string& mech : mechs) {
    const Row row = Measure(mech, n);
    if (!row.error.empty()) {
      std::printf("| %s | error: %s |\n", mech.c_str(), row.error.c_str());
      status = 1;
      continue;
    }
    const double ours = row.ours_cxx + row.ours_ssl;
    std::printf("| %s | %.0f B | %.0f B | %.0f B | %.0f B | %.0f B | %.0f B |\n", row.mech.c_str(),
                row.sasl_conn, row.start_total - ours, row.ours_cxx, row.ours_ssl, ours,
                row.after_dispose);
  }
  sasl_done();
  std::remove(key_file.c_str());
  std::remove((key_file + ".lock").c_str());
  rmdir(dir);
  return status;
}
