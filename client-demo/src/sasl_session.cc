// sasl_session.cc: see sasl_session.h.
#include "sasl_session.h"

#include <cstring>
#include <iostream>
#include <sstream>

#include <openssl/crypto.h>

#include "e2esasl/confirm.h"
#include "e2esasl/vouch.h"

namespace e2esasl::demo {
namespace {

// Callback casts a typed callback to Cyrus's generic int (*)(void) (through void (*)(void) so
// -Wcast-function-type stays quiet, as Cyrus's own API requires this cast).
template <typename F>
int (*Callback(F* fn))(void) {
  return reinterpret_cast<int (*)(void)>(reinterpret_cast<void (*)(void)>(fn));
}

int GetOpt(void* context, const char* /*plugin_name*/, const char* option, const char** result,
           unsigned* len) {
  const auto* config = static_cast<const SaslConfig*>(context);
  if (option == nullptr || result == nullptr) {
    return SASL_BADPARAM;
  }
  const char* value = nullptr;
  if (std::strcmp(option, "sasldb_path") == 0 && !config->sasldb_path.empty()) {
    value = config->sasldb_path.c_str();
  } else if (std::strcmp(option, "e2esasl_opaque_key_file") == 0 &&
             !config->opaque_key_file.empty()) {
    value = config->opaque_key_file.c_str();
  } else if (std::strcmp(option, "e2esasl_sas_store") == 0 && !config->sas_store.empty()) {
    value = config->sas_store.c_str();
  } else if (std::strcmp(option, "auxprop_plugin") == 0) {
    value = "sasldb";
  } else if (std::strcmp(option, "log_level") == 0 && config->verbose) {
    value = "5";
  } else {
    for (const auto& [name, text] : config->sasl_options) {  // --sasl-option (the last wins)
      if (name == option) {
        value = text.c_str();
      }
    }
  }
  if (value == nullptr) {
    return SASL_FAIL;
  }
  *result = value;
  if (len != nullptr) {
    *len = static_cast<unsigned>(std::strlen(value));
  }
  return SASL_OK;
}

int GetPath(void* context, const char** path) {
  const auto* config = static_cast<const SaslConfig*>(context);
  if (path == nullptr) {
    return SASL_BADPARAM;
  }
  *path = config->plugin_path.c_str();
  return SASL_OK;
}

int Log(void* context, int level, const char* message) {
  const auto* config = static_cast<const SaslConfig*>(context);
  if (config->verbose || level <= SASL_LOG_ERR) {
    std::cerr << config->log_prefix << ": libsasl2: " << (message ? message : "") << "\n";
  }
  return SASL_OK;
}

int SasConfirm(void* context, const char* sas, unsigned sas_len, int /*is_server*/) {
  const auto* cbs = static_cast<const SasCallbacks*>(context);
  try {
    return cbs->confirm && cbs->confirm(std::string(sas, sas_len)) ? SASL_OK : SASL_NOAUTHZ;
  } catch (...) {
    return SASL_NOAUTHZ;  // never let an exception cross into libsasl2
  }
}

int SasShow(void* context, const char* sas, unsigned sas_len, int /*is_server*/) {
  const auto* cbs = static_cast<const SasCallbacks*>(context);
  try {
    cbs->show(std::string(sas, sas_len));
    return SASL_OK;
  } catch (...) {
    return SASL_FAIL;
  }
}

int SasContinuity(void* context, int event, const char* peer, unsigned peer_len,
                  int /*is_server*/) {
  const auto* cbs = static_cast<const SasCallbacks*>(context);
  try {
    cbs->continuity(event, std::string(peer, peer_len));
    return SASL_OK;
  } catch (...) {
    return SASL_FAIL;
  }
}

int VouchKey(void* context, const e2esasl_vouch_key_report_t* report) {
  const auto* cbs = static_cast<const SasCallbacks*>(context);
  try {
    cbs->vouch_key(report->verdict, report->identity != nullptr ? report->identity : "",
                   report->evidence_path != nullptr ? report->evidence_path : "");
    return SASL_OK;
  } catch (...) {
    return SASL_FAIL;
  }
}

void CheckNew(int rc, const char* what) {
  if (rc != SASL_OK) {
    throw DemoError(ExitCode::kSetup, std::string(what) + ": " + SaslCodeName(rc) + " (" +
                                          sasl_errstring(rc, nullptr, nullptr) + ")");
  }
}

void SetCommonProps(sasl_conn_t* conn, const channelbind::SaslChannelBinding* binding) {
  sasl_security_properties_t props{};
  props.min_ssf = 0;
  props.max_ssf = 0;  // TLS protects the channel; no SASL security layer
  props.maxbufsize = 0;
  props.security_flags = 0;
  CheckNew(sasl_setprop(conn, SASL_SEC_PROPS, &props), "sasl_setprop(SASL_SEC_PROPS)");
  if (binding != nullptr) {
    // libsasl2 keeps only the pointer: binding outlives the session (caller's contract).
    CheckNew(sasl_setprop(conn, SASL_CHANNEL_BINDING, binding->get()),
             "sasl_setprop(SASL_CHANNEL_BINDING)");
  }
}

SaslStep MakeStep(int rc, const char* out, unsigned len) {
  SaslStep step;
  step.rc = rc;
  if ((rc == SASL_OK || rc == SASL_CONTINUE) && out != nullptr) {
    step.out = Bytes(out, out + len);
  }
  return step;
}

// Terminated returns data with a NUL sentinel after it (libsasl2 wants one, not counted).
std::string Terminated(const Bytes& data) {
  return std::string(data.begin(), data.end());
}

}  // namespace

std::string SaslCodeName(int rc) {
  switch (rc) {
    case SASL_OK:
      return "SASL_OK";
    case SASL_CONTINUE:
      return "SASL_CONTINUE";
    case SASL_FAIL:
      return "SASL_FAIL";
    case SASL_NOMEM:
      return "SASL_NOMEM";
    case SASL_BUFOVER:
      return "SASL_BUFOVER";
    case SASL_NOMECH:
      return "SASL_NOMECH";
    case SASL_BADPROT:
      return "SASL_BADPROT";
    case SASL_NOTDONE:
      return "SASL_NOTDONE";
    case SASL_BADPARAM:
      return "SASL_BADPARAM";
    case SASL_TRYAGAIN:
      return "SASL_TRYAGAIN";
    case SASL_BADMAC:
      return "SASL_BADMAC";
    case SASL_BADBINDING:
      return "SASL_BADBINDING";
    case SASL_INTERACT:
      return "SASL_INTERACT";
    case SASL_NOTINIT:
      return "SASL_NOTINIT";
    case SASL_BADSERV:
      return "SASL_BADSERV";
    case SASL_WRONGMECH:
      return "SASL_WRONGMECH";
    case SASL_BADAUTH:
      return "SASL_BADAUTH";
    case SASL_NOAUTHZ:
      return "SASL_NOAUTHZ";
    case SASL_TOOWEAK:
      return "SASL_TOOWEAK";
    case SASL_ENCRYPT:
      return "SASL_ENCRYPT";
    case SASL_TRANS:
      return "SASL_TRANS";
    case SASL_EXPIRED:
      return "SASL_EXPIRED";
    case SASL_DISABLED:
      return "SASL_DISABLED";
    case SASL_NOUSER:
      return "SASL_NOUSER";
    case SASL_BADVERS:
      return "SASL_BADVERS";
    case SASL_UNAVAIL:
      return "SASL_UNAVAIL";
    case SASL_NOVERIFY:
      return "SASL_NOVERIFY";
    default:
      return "SASL_" + std::to_string(rc);
  }
}

SaslLibrary::SaslLibrary(SaslConfig config, bool server, bool client)
    : config_(std::move(config)), server_(server), client_(client) {
  if (config_.opaque_key_file.empty() && !config_.sasldb_path.empty()) {
    config_.opaque_key_file = config_.sasldb_path + ".opaque-key";
  }
  void* ctx = &config_;
  callbacks_ = {
      {SASL_CB_GETOPT, Callback(&GetOpt), ctx},
      {SASL_CB_GETPATH, Callback(&GetPath), ctx},
      {SASL_CB_LOG, Callback(&Log), ctx},
      {SASL_CB_LIST_END, nullptr, nullptr},
  };
  if (server_) {
    CheckNew(sasl_server_init(callbacks_.data(), kService), "sasl_server_init");
  }
  if (client_) {
    int rc = sasl_client_init(callbacks_.data());
    if (rc != SASL_OK && server_) {
      sasl_server_done();
    }
    CheckNew(rc, "sasl_client_init");
  }
}

SaslLibrary::~SaslLibrary() {
  if (client_) {
    sasl_client_done();
  }
  if (server_) {
    sasl_server_done();
  }
}

SaslServerSession::SaslServerSession(const SaslLibrary& lib,
                                     const channelbind::SaslChannelBinding* binding,
                                     const SasCallbacks* sas)
    : callbacks_(lib.callbacks()) {
  if (sas != nullptr && sas->confirm) {
    // Per-connection callbacks: the library's, plus the SAS person (before LIST_END). The glue
    // offers SAS-R255-PLUS only with both: the person sees the string before alice's is asked.
    void* ctx = const_cast<SasCallbacks*>(sas);
    callbacks_.insert(callbacks_.end() - 1,
                      sasl_callback_t{E2ESASL_CB_SAS_CONFIRM, Callback(&SasConfirm), ctx});
    if (sas->show) {
      callbacks_.insert(callbacks_.end() - 1,
                        sasl_callback_t{E2ESASL_CB_SAS_SHOW, Callback(&SasShow), ctx});
    }
    if (sas->continuity) {
      callbacks_.insert(callbacks_.end() - 1,
                        sasl_callback_t{E2ESASL_CB_SAS_CONTINUITY, Callback(&SasContinuity), ctx});
    }
  }
  if (sas != nullptr && sas->vouch_key) {
    callbacks_.insert(
        callbacks_.end() - 1,
        sasl_callback_t{E2ESASL_CB_VOUCH_KEY, Callback(&VouchKey), const_cast<SasCallbacks*>(sas)});
  }
  sasl_conn_t* raw = nullptr;
  const std::string& realm = lib.config().realm;
  int rc = sasl_server_new(kService, nullptr, realm.empty() ? nullptr : realm.c_str(), nullptr,
                           nullptr, callbacks_.data(), SASL_SUCCESS_DATA, &raw);
  conn_.reset(raw);
  CheckNew(rc, "sasl_server_new");
  SetCommonProps(conn_.get(), binding);
}

std::string SaslServerSession::Mechanisms() {
  const char* list = nullptr;
  unsigned len = 0;
  int count = 0;
  int rc = sasl_listmech(conn_.get(), nullptr, "", " ", "", &list, &len, &count);
  if (rc != SASL_OK || list == nullptr) {
    return "";
  }
  return std::string(list, len);
}

SaslStep SaslServerSession::Start(const std::string& mech, const std::optional<Bytes>& initial) {
  const char* out = nullptr;
  unsigned out_len = 0;
  std::string in = initial ? Terminated(*initial) : std::string();
  int rc = sasl_server_start(conn_.get(), mech.c_str(), initial ? in.c_str() : nullptr,
                             static_cast<unsigned>(in.size()), &out, &out_len);
  return MakeStep(rc, out, out_len);
}

SaslStep SaslServerSession::Step(const Bytes& in_bytes) {
  const char* out = nullptr;
  unsigned out_len = 0;
  std::string in = Terminated(in_bytes);
  int rc =
      sasl_server_step(conn_.get(), in.c_str(), static_cast<unsigned>(in.size()), &out, &out_len);
  return MakeStep(rc, out, out_len);
}

std::string SaslServerSession::ErrorText(int rc) {
  const char* detail = sasl_errdetail(conn_.get());
  return SaslCodeName(rc) + ": " + (detail ? detail : sasl_errstring(rc, nullptr, nullptr));
}

std::string SaslServerSession::Username() {
  const void* value = nullptr;
  if (sasl_getprop(conn_.get(), SASL_USERNAME, &value) != SASL_OK || value == nullptr) {
    return "";
  }
  return static_cast<const char*>(value);
}

int SaslClientSession::GetSimple(void* context, int id, const char** result, unsigned* len) {
  auto* self = static_cast<SaslClientSession*>(context);
  if (result == nullptr) {
    return SASL_BADPARAM;
  }
  if (id == SASL_CB_AUTHNAME) {
    *result = self->user_.c_str();
  } else if (id == SASL_CB_USER) {
    *result = "";  // no separate authorization identity
  } else {
    return SASL_BADPARAM;
  }
  if (len != nullptr) {
    *len = static_cast<unsigned>(std::strlen(*result));
  }
  return SASL_OK;
}

int SaslClientSession::GetSecret(sasl_conn_t* /*conn*/, void* context, int id,
                                 sasl_secret_t** out) {
  auto* self = static_cast<SaslClientSession*>(context);
  if (id != SASL_CB_PASS || out == nullptr) {
    return SASL_BADPARAM;
  }
  if (self->secret_.empty()) {
    std::string password = self->password_source_();
    self->secret_.assign(sizeof(sasl_secret_t) + password.size() + 1, 0);
    auto* secret = reinterpret_cast<sasl_secret_t*>(self->secret_.data());
    secret->len = password.size();
    std::memcpy(secret->data, password.data(), password.size());
    OPENSSL_cleanse(password.data(), password.size());
  }
  *out = reinterpret_cast<sasl_secret_t*>(self->secret_.data());
  return SASL_OK;
}

SaslClientSession::SaslClientSession(const SaslLibrary& /*lib*/, std::string user,
                                     std::function<std::string()> password_source,
                                     const channelbind::SaslChannelBinding* binding,
                                     const std::string& server, const SasCallbacks* sas)
    : user_(std::move(user)), password_source_(std::move(password_source)) {
  callbacks_ = {
      {SASL_CB_AUTHNAME, Callback(&GetSimple), this},
      {SASL_CB_USER, Callback(&GetSimple), this},
      {SASL_CB_PASS, Callback(&GetSecret), this},
  };
  if (sas != nullptr) {
    void* ctx = const_cast<SasCallbacks*>(sas);
    if (sas->confirm) {
      callbacks_.push_back(sasl_callback_t{E2ESASL_CB_SAS_CONFIRM, Callback(&SasConfirm), ctx});
    }
    if (sas->show) {
      callbacks_.push_back(sasl_callback_t{E2ESASL_CB_SAS_SHOW, Callback(&SasShow), ctx});
    }
    if (sas->continuity) {
      callbacks_.push_back(
          sasl_callback_t{E2ESASL_CB_SAS_CONTINUITY, Callback(&SasContinuity), ctx});
    }
    if (sas->vouch_key) {
      callbacks_.push_back(sasl_callback_t{E2ESASL_CB_VOUCH_KEY, Callback(&VouchKey), ctx});
    }
  }
  callbacks_.push_back({SASL_CB_LIST_END, nullptr, nullptr});
  sasl_conn_t* raw = nullptr;
  int rc = sasl_client_new(kService, server.c_str(), nullptr, nullptr, callbacks_.data(),
                           SASL_SUCCESS_DATA, &raw);
  conn_.reset(raw);
  CheckNew(rc, "sasl_client_new");
  SetCommonProps(conn_.get(), binding);
}

SaslClientSession::~SaslClientSession() {
  conn_.reset();
  OPENSSL_cleanse(secret_.data(), secret_.size());
}

std::string SaslClientSession::Mechanisms() {
  const char* list = nullptr;
  unsigned len = 0;
  int count = 0;
  int rc = sasl_listmech(conn_.get(), nullptr, "", " ", "", &list, &len, &count);
  if (rc != SASL_OK || list == nullptr) {
    return "";
  }
  return std::string(list, len);
}

SaslStep SaslClientSession::Start(const std::string& mechlist, std::string* mech) {
  const char* out = nullptr;
  unsigned out_len = 0;
  const char* chosen = nullptr;
  int rc = sasl_client_start(conn_.get(), mechlist.c_str(), nullptr, &out, &out_len, &chosen);
  if (chosen != nullptr && mech != nullptr) {
    *mech = chosen;
  }
  return MakeStep(rc, out, out_len);
}

SaslStep SaslClientSession::Step(const std::optional<Bytes>& in) {
  const char* out = nullptr;
  unsigned out_len = 0;
  std::string data = in ? Terminated(*in) : std::string();
  int rc = sasl_client_step(conn_.get(), in ? data.c_str() : nullptr,
                            static_cast<unsigned>(data.size()), nullptr, &out, &out_len);
  return MakeStep(rc, out, out_len);
}

std::string SaslClientSession::ErrorText(int rc) {
  const char* detail = sasl_errdetail(conn_.get());
  return SaslCodeName(rc) + ": " + (detail ? detail : sasl_errstring(rc, nullptr, nullptr));
}

std::vector<std::string> SplitMechs(const std::string& list) {
  std::vector<std::string> out;
  std::istringstream in(list);
  std::string word;
  while (in >> word) {
    out.push_back(word);
  }
  return out;
}

}  // namespace e2esasl::demo
