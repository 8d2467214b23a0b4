// bench_sasl.cc: see bench_sasl.h.
#include "bench_sasl.h"

#include <array>
#include <cstdio>
#include <cstring>

#include "e2esasl/confirm.h"

namespace e2esasl::bench {
namespace {

constexpr std::array<unsigned char, 32> kBindingData = {
    'e', '2', 'e', 's', 'a', 's', 'l', '-', 'b', 'e', 'n', 'c', 'h', '-', 'b', 'i',
    'n', 'd', 'i', 'n', 'g', '-', 'o', 'f', '-', '3', '2', '-', 'b', 'y', 't', 'e'};

bool g_log_errors = false;

int GetOpt(void*, const char*, const char* option, const char** result, unsigned* len) {
  const auto it = BenchOptions().find(option);
  if (it == BenchOptions().end()) {
    return SASL_FAIL;
  }
  *result = it->second.c_str();
  if (len != nullptr) {
    *len = static_cast<unsigned>(it->second.size());
  }
  return SASL_OK;
}
int Log(void*, int level, const char* message) {
  if (g_log_errors && level <= SASL_LOG_ERR && message != nullptr) {
    std::fprintf(stderr, "e2esasl bench: sasl: %s\n", message);
  }
  return SASL_OK;
}
int GetAuthname(void*, int id, const char** result, unsigned* len) {
  if (id != SASL_CB_AUTHNAME && id != SASL_CB_USER) {
    return SASL_FAIL;
  }
  *result = kBenchUser;
  if (len != nullptr) {
    *len = sizeof(kBenchUser) - 1;
  }
  return SASL_OK;
}
int GetSecret(sasl_conn_t*, void*, int, sasl_secret_t** psecret) {
  static std::vector<unsigned char> storage;
  constexpr size_t kLen = sizeof(kBenchPassword) - 1;
  storage.assign(sizeof(sasl_secret_t) + kLen, 0);
  auto* secret = reinterpret_cast<sasl_secret_t*>(storage.data());
  secret->len = kLen;
  std::memcpy(secret->data, kBenchPassword, kLen);
  *psecret = secret;
  return SASL_OK;
}
int Person(void*, const char*, unsigned, int) {
  return SASL_OK;
}

using CallbackFn = int (*)();
template <typename F>
CallbackFn AsCallback(F* f) {
  // libsasl2's callback table stores every procedure as int (*)(void).
  return reinterpret_cast<CallbackFn>(reinterpret_cast<void (*)()>(f));
}

}  // namespace

std::map<std::string, std::string>& BenchOptions() {
  static std::map<std::string, std::string> options;
  return options;
}

void SetBenchLogErrors(bool log_errors) {
  g_log_errors = log_errors;
}

const sasl_callback_t* BenchCallbacks() {
  static const std::vector<sasl_callback_t> callbacks = {
      {SASL_CB_GETOPT, AsCallback(&GetOpt), nullptr},
      {SASL_CB_LOG, AsCallback(&Log), nullptr},
      {SASL_CB_AUTHNAME, AsCallback(&GetAuthname), nullptr},
      {SASL_CB_USER, AsCallback(&GetAuthname), nullptr},
      {SASL_CB_PASS, AsCallback(&GetSecret), nullptr},
      {E2ESASL_CB_SAS_CONFIRM, AsCallback(&Person), nullptr},
      {E2ESASL_CB_SAS_SHOW, AsCallback(&Person), nullptr},
      {SASL_CB_LIST_END, nullptr, nullptr}};
  return callbacks.data();
}

const sasl_channel_binding_t* BenchBinding() {
  static const sasl_channel_binding_t binding = {"tls-exporter", 0, kBindingData.size(),
                                                 kBindingData.data()};
  return &binding;
}

bool IsPlus(std::string_view mech) {
  return mech.size() > 5 && mech.substr(mech.size() - 5) == "-PLUS";
}

std::string SaslError(const char* call, int result, sasl_conn_t* conn) {
  std::string out = std::string(call) + ": " + sasl_errstring(result, nullptr, nullptr);
  if (const char* d = conn != nullptr ? sasl_errdetail(conn) : nullptr; d != nullptr && *d) {
    out += std::string(" (") + d + ")";
  }
  return out;
}

}  // namespace e2esasl::bench
