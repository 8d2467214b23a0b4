// store_bench.cc: e2esasl-store-bench — authentications per second against a credential store
// (sasldb, PostgreSQL through Cyrus's sql auxprop, OpenLDAP through ldapdb), C concurrent
// clients in threads of one process, each running complete exchanges through libsasl2 against
// server connections of the same process, configured by <conf-dir>/<app>.conf as an installed
// server is. Reports where the time goes: the server side's CPU per authentication (our plugins
// and the auxprop client library), the clients' CPU, and the CPU of everything else on the
// machine during the run (the database or directory server: PostgreSQL forks a backend for
// every connection the sql plugin opens, one per lookup). docs/stores.md shows measurements;
// bench/store-bench.sh sets up the stores and runs it.
//
//   e2esasl-store-bench --plugin-path PATH --conf-dir DIR --app NAME --mech MECH
//                       --user USER --password PASS [-n N] [--clients C]
// Exit status: 0 all authentications succeeded, 1 one failed, 2 usage or setup error.
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sasl/sasl.h>

namespace {

struct Args {
  std::string plugin_path, conf_dir, app, mech, user, password;
  int count = 200;
  int clients = 2;
};

double ThreadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// MachineCpu: seconds of CPU the whole machine spent (all processes), from /proc/stat.
double MachineCpu() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  unsigned long long v[8] = {};
  in >> cpu >> v[0] >> v[1] >> v[2] >> v[3] >> v[4] >> v[5] >> v[6] >> v[7];
  const double busy = static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);
  return busy / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double ProcessCpu() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

struct ClientCtx {
  const Args* args;
  std::vector<unsigned char> secret;
};

int GetAuthname(void* context, int id, const char** result, unsigned* len) {
  const auto* ctx = static_cast<const ClientCtx*>(context);
  if (id != SASL_CB_AUTHNAME && id != SASL_CB_USER) {
    return SASL_FAIL;
  }
  *result = id == SASL_CB_AUTHNAME ? ctx->args->user.c_str() : "";
  if (len != nullptr) {
    *len = static_cast<unsigned>(std::strlen(*result));
  }
  return SASL_OK;
}

int GetSecret(sasl_conn_t*, void* context, int, sasl_secret_t** psecret) {
  auto* ctx = static_cast<ClientCtx*>(context);
  const std::string& pass = ctx->args->password;
  ctx->secret.assign(sizeof(sasl_secret_t) + pass.size(), 0);
  auto* secret = reinterpret_cast<sasl_secret_t*>(ctx->secret.data());
  secret->len = pass.size();
  std::memcpy(secret->data, pass.data(), pass.size());
  *psecret = secret;
  return SASL_OK;
}

using Fn = int (*)();
template <typename F>
Fn AsFn(F* f) {
  return reinterpret_cast<Fn>(reinterpret_cast<void (*)()>(f));
}

// Real mutexes for libsasl2 (its defaults are no-ops), as threaded servers install them.
void* MutexAlloc() {
  auto* m = new pthread_mutex_t;
  pthread_mutex_init(m, nullptr);
  return m;
}
int MutexLock(void* m) {
  return pthread_mutex_lock(static_cast<pthread_mutex_t*>(m));
}
int MutexUnlock(void* m) {
  return pthread_mutex_unlock(static_cast<pthread_mutex_t*>(m));
}
void MutexFree(void* m) {
  pthread_mutex_destroy(static_cast<pthread_mutex_t*>(m));
  delete static_cast<pthread_mutex_t*>(m);
}

struct Totals {
  double server_cpu = 0, server_wall = 0, client_cpu = 0;
  int ok = 0, failed = 0;
  std::string first_error;
};

// Authenticate runs one exchange; adds its costs to *t.
void Authenticate(const Args& a, Totals* t) {
  ClientCtx cctx{&a, {}};
  sasl_callback_t ccb[] = {{SASL_CB_AUTHNAME, AsFn(&GetAuthname), &cctx},
                           {SASL_CB_USER, AsFn(&GetAuthname), &cctx},
                           {SASL_CB_PASS, AsFn(&GetSecret), &cctx},
                           {SASL_CB_LIST_END, nullptr, nullptr}};
  sasl_conn_t* server = nullptr;
  sasl_conn_t* client = nullptr;
  double c0 = ThreadCpu(), w0 = Now();
  int s = sasl_server_new(a.app.c_str(), "server.example", nullptr, nullptr, nullptr, nullptr,
                          SASL_SUCCESS_DATA, &server);
  t->server_cpu += ThreadCpu() - c0;
  t->server_wall += Now() - w0;
  c0 = ThreadCpu();
  int c = sasl_client_new(a.app.c_str(), "server.example", nullptr, nullptr, ccb, 0, &client);
  const char* out = nullptr;
  unsigned outlen = 0;
  const char* chosen = nullptr;
  if (c == SASL_OK) {
    c = sasl_client_start(client, a.mech.c_str(), nullptr, &out, &outlen, &chosen);
  }
  t->client_cpu += ThreadCpu() - c0;
  std::string error;
  if (s != SASL_OK || (c != SASL_OK && c != SASL_CONTINUE)) {
    error = "setup/start failed";
  }
  const char* sout = nullptr;
  unsigned soutlen = 0;
  for (bool first = true; error.empty(); first = false) {
    c0 = ThreadCpu();
    w0 = Now();
    s = first ? sasl_server_start(server, a.mech.c_str(), out, outlen, &sout, &soutlen)
              : sasl_server_step(server, out, outlen, &sout, &soutlen);
    t->server_cpu += ThreadCpu() - c0;
    t->server_wall += Now() - w0;
    if (s != SASL_OK && s != SASL_CONTINUE) {
      error = sasl_errdetail(server);
      break;
    }
    if (s == SASL_OK && c == SASL_OK) {
      break;
    }
    c0 = ThreadCpu();
    c = sasl_client_step(client, sout, soutlen, nullptr, &out, &outlen);
    t->client_cpu += ThreadCpu() - c0;
    if (c != SASL_OK && c != SASL_CONTINUE) {
      error = sasl_errdetail(client);
      break;
    }
    if (s == SASL_OK) {
      break;
    }
  }
  if (error.empty()) {
    ++t->ok;
  } else {
    if (t->failed++ == 0) {
      t->first_error = error;
    }
  }
  sasl_dispose(&client);
  sasl_dispose(&server);
}

bool Parse(int argc, char** argv, Args* a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--plugin-path") {
      a->plugin_path = v;
    } else if (k == "--conf-dir") {
      a->conf_dir = v;
    } else if (k == "--app") {
      a->app = v;
    } else if (k == "--mech") {
      a->mech = v;
    } else if (k == "--user") {
      a->user = v;
    } else if (k == "--password") {
      a->password = v;
    } else if (k == "-n") {
      a->count = std::atoi(v.c_str());
    } else if (k == "--clients") {
      a->clients = std::atoi(v.c_str());
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && !a->plugin_path.empty() && !a->conf_dir.empty() && !a->app.empty() &&
         !a->mech.empty() && !a->user.empty() && a->count > 0 && a->clients > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!Parse(argc, argv, &a)) {
    std::fprintf(stderr, "usage: see the top of bench/store_bench.cc\n");
    return 2;
  }
  sasl_set_mutex(&MutexAlloc, &MutexLock, &MutexUnlock, &MutexFree);
  if (sasl_set_path(SASL_PATH_TYPE_PLUGIN, a.plugin_path.data()) != SASL_OK ||
      sasl_set_path(SASL_PATH_TYPE_CONFIG, a.conf_dir.data()) != SASL_OK ||
      sasl_server_init(nullptr, a.app.c_str()) != SASL_OK || sasl_client_init(nullptr) != SASL_OK) {
    std::fprintf(stderr, "store-bench: libsasl2 initialisation failed\n");
    return 2;
  }
  // Warm-up (OPAQUE's key file cache, the first connections).
  Totals warm;
  Authenticate(a, &warm);
  if (warm.ok != 1) {
    std::fprintf(stderr, "store-bench: the first authentication failed: %s\n",
                 warm.first_error.c_str());
    return 1;
  }
  std::vector<Totals> totals(static_cast<size_t>(a.clients));
  std::vector<std::thread> threads;
  std::atomic<int> next{0};
  const double machine0 = MachineCpu(), process0 = ProcessCpu(), wall0 = Now();
  for (int i = 0; i < a.clients; ++i) {
    threads.emplace_back([&, i] {
      while (next.fetch_add(1) < a.count) {
        Authenticate(a, &totals[static_cast<size_t>(i)]);
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  const double wall = Now() - wall0;
  const double machine = MachineCpu() - machine0, process = ProcessCpu() - process0;
  Totals sum;
  for (const Totals& t : totals) {
    sum.server_cpu += t.server_cpu;
    sum.server_wall += t.server_wall;
    sum.client_cpu += t.client_cpu;
    sum.ok += t.ok;
    sum.failed += t.failed;
    if (sum.first_error.empty()) {
      sum.first_error = t.first_error;
    }
  }
  const double n = a.count;
  std::printf(
      "%-16s %-14s clients %d  n %d  auth/s %7.1f | per auth (ms): server cpu %6.2f  server wall "
      "%6.2f  client cpu %6.2f  other processes cpu %6.2f%s%s\n",
      a.app.c_str(), a.mech.c_str(), a.clients, a.count, n / wall, 1000 * sum.server_cpu / n,
      1000 * sum.server_wall / n, 1000 * sum.client_cpu / n,
      1000 * std::max(0.0, machine - process) / n, sum.failed ? "  FAILED: " : "",
      sum.failed ? sum.first_error.c_str() : "");
  sasl_done();
  return sum.failed == 0 ? 0 : 1;
}
