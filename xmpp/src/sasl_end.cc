// sasl_end.cc: see sasl_end.h.
#include "sasl_end.h"

#include <cstring>
#include <mutex>
#include <sstream>

#include <openssl/crypto.h>

#include "e2esasl/confirm.h"

namespace e2esasl::xmpp {
namespace {

// Callback casts a typed callback to Cyrus's generic int (*)(void).
template <typename F>
int (*Callback(F* fn))(void) {
  return reinterpret_cast<int (*)(void)>(reinterpret_cast<void (*)(void)>(fn));
}

std::string& PluginPath() {
  static std::string path;
  return path;
}

int GetPath(void* /*context*/, const char** path) {
  if (path == nullptr) {
    return SASL_BADPARAM;
  }
  *path = PluginPath().c_str();
  return SASL_OK;
}

int QuietLog(void* /*context*/, int /*level*/, const char* /*message*/) {
  return SASL_OK;  // a library does not write to the application's stderr
}

int GetOpt(void* context, const char* /*plugin_name*/, const char* option, const char** result,
           unsigned* len) {
  const auto* s = static_cast<const SaslSettings*>(context);
  if (option == nullptr || result == nullptr) {
    return SASL_BADPARAM;
  }
  const char* value = nullptr;
  if (std::strcmp(option, "sasldb_path") == 0 && !s->sasldb_path.empty()) {
    value = s->sasldb_path.c_str();
  } else if (std::strcmp(option, "e2esasl_opaque_key_file") == 0 && !s->opaque_key_file.empty()) {
    value = s->opaque_key_file.c_str();
  } else if (std::strcmp(option, "auxprop_plugin") == 0) {
    value = "sasldb";
  } else {
    for (const auto& [name, v] : s->options) {
      if (name == option) {
        value = v.c_str();
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

int SasConfirm(void* context, const char* sas, unsigned sas_len, int is_server) {
  const auto* hooks = static_cast<const PersonHooks*>(context);
  try {
    return hooks->confirm && hooks->confirm(std::string(sas, sas_len), is_server != 0)
               ? SASL_OK
               : SASL_NOAUTHZ;
  } catch (...) {
    return SASL_NOAUTHZ;
  }
}

int SasContinuity(void* context, int event, const char* peer, unsigned peer_len,
                  int /*is_server*/) {
  const auto* hooks = static_cast<const PersonHooks*>(context);
  try {
    hooks->continuity(event, std::string(peer, peer_len));
  } catch (...) {
    return SASL_FAIL;  // never let an exception cross into libsasl2
  }
  return SASL_OK;
}

int SasShow(void* context, const char* sas, unsigned sas_len, int /*is_server*/) {
  const auto* hooks = static_cast<const PersonHooks*>(context);
  try {
    hooks->show(std::string(sas, sas_len));
    return SASL_OK;
  } catch (...) {
    return SASL_FAIL;
  }
}

bool SetCommonProps(sasl_conn_t* conn, const channelbind::SaslChannelBinding* binding) {
  sasl_security_properties_t props{};
  props.max_ssf = 0;  // the inner TLS protects the channel: no SASL security layer
  if (sasl_setprop(conn, SASL_SEC_PROPS, &props) != SASL_OK) {
    return false;
  }
  return binding == nullptr || sasl_setprop(conn, SASL_CHANNEL_BINDING, binding->get()) == SASL_OK;
}

SaslStep MakeStep(int rc, const char* out, unsigned len) {
  SaslStep step;
  step.rc = rc;
  if ((rc == SASL_OK || rc == SASL_CONTINUE) && out != nullptr) {
    step.out = Bytes(out, out + len);
  }
  return step;
}

std::string ListMech(sasl_conn_t* conn) {
  const char* list = nullptr;
  unsigned len = 0;
  int count = 0;
  if (sasl_listmech(conn, nullptr, "", " ", "", &list, &len, &count) != SASL_OK ||
      list == nullptr) {
    return "";
  }
  return std::string(list, len);
}

std::string ErrorTextOf(sasl_conn_t* conn, int rc) {
  const char* detail = conn != nullptr ? sasl_errdetail(conn) : nullptr;
  return SaslCodeName(rc) + ": " + (detail ? detail : sasl_errstring(rc, nullptr, nullptr));
}

}  // namespace

std::string SaslCodeName(int rc) {
  static const std::pair<int, const char*> kNames[] = {
      {SASL_OK, "SASL_OK"},
      {SASL_CONTINUE, "SASL_CONTINUE"},
      {SASL_FAIL, "SASL_FAIL"},
      {SASL_NOMEM, "SASL_NOMEM"},
      {SASL_BUFOVER, "SASL_BUFOVER"},
      {SASL_NOMECH, "SASL_NOMECH"},
      {SASL_BADPROT, "SASL_BADPROT"},
      {SASL_NOTDONE, "SASL_NOTDONE"},
      {SASL_BADPARAM, "SASL_BADPARAM"},
      {SASL_BADBINDING, "SASL_BADBINDING"},
      {SASL_INTERACT, "SASL_INTERACT"},
      {SASL_NOTINIT, "SASL_NOTINIT"},
      {SASL_BADAUTH, "SASL_BADAUTH"},
      {SASL_NOAUTHZ, "SASL_NOAUTHZ"},
      {SASL_TOOWEAK, "SASL_TOOWEAK"},
      {SASL_NOUSER, "SASL_NOUSER"},
      {SASL_UNAVAIL, "SASL_UNAVAIL"},
      {SASL_WRONGMECH, "SASL_WRONGMECH"},
  };
  for (const auto& [code, name] : kNames) {
    if (code == rc) {
      return name;
    }
  }
  return "SASL_" + std::to_string(rc);
}

std::vector<std::string> SplitWords(const std::string& list) {
  std::vector<std::string> out;
  std::istringstream in(list);
  std::string word;
  while (in >> word) {
    out.push_back(word);
  }
  return out;
}

std::string EnsureSaslInit(const std::string& plugin_path) {
  static std::once_flag once;
  static std::string result;
  std::call_once(once, [&] {
    const char* env = std::getenv("SASL_PATH");
    PluginPath() = !plugin_path.empty() ? plugin_path : (env != nullptr ? env : "");
    static sasl_callback_t callbacks[] = {
        {SASL_CB_GETPATH, Callback(&GetPath), nullptr},
        {SASL_CB_LOG, Callback(&QuietLog), nullptr},
        {SASL_CB_LIST_END, nullptr, nullptr},
    };
    if (PluginPath().empty()) {
      callbacks[0] = {SASL_CB_LOG, Callback(&QuietLog), nullptr};
      callbacks[1] = {SASL_CB_LIST_END, nullptr, nullptr};
    }
    int rc = sasl_server_init(callbacks, kSaslService);
    if (rc == SASL_OK) {
      rc = sasl_client_init(callbacks);
    }
    if (rc != SASL_OK) {
      result = "libsasl2 initialisation failed: " + SaslCodeName(rc) + " (" +
               sasl_errstring(rc, nullptr, nullptr) + ")";
    }
  });
  return result;
}

std::string SetPassword(const SaslSettings& settings, const std::string& user,
                        std::string password) {
  SaslSettings copy = settings;
  sasl_callback_t callbacks[] = {{SASL_CB_GETOPT, Callback(&GetOpt), &copy},
                                 {SASL_CB_LOG, Callback(&QuietLog), nullptr},
                                 {SASL_CB_LIST_END, nullptr, nullptr}};
  sasl_conn_t* raw = nullptr;
  const char* realm = settings.realm.empty() ? nullptr : settings.realm.c_str();
  int rc = sasl_server_new(kSaslService, nullptr, realm, nullptr, nullptr, callbacks, 0, &raw);
  SaslConnPtr conn(raw);
  if (rc != SASL_OK) {
    OPENSSL_cleanse(password.data(), password.size());
    return "sasl_server_new: " + SaslCodeName(rc);
  }
  rc = sasl_setpass(conn.get(), user.c_str(), password.c_str(),
                    static_cast<unsigned>(password.size()), nullptr, 0, SASL_SET_CREATE);
  OPENSSL_cleanse(password.data(), password.size());
  if (rc != SASL_OK) {
    return "sasl_setpass: " + ErrorTextOf(conn.get(), rc);
  }
  return "";
}

std::unique_ptr<SaslServerEnd> SaslServerEnd::New(const SaslSettings& settings,
                                                  const channelbind::SaslChannelBinding* binding,
                                                  const PersonHooks* hooks, std::string* error) {
  std::unique_ptr<SaslServerEnd> end(new SaslServerEnd());
  end->settings_ = settings;
  end->hooks_ = hooks;
  void* ctx = &end->settings_;
  end->callbacks_ = {{SASL_CB_GETOPT, Callback(&GetOpt), ctx},
                     {SASL_CB_LOG, Callback(&QuietLog), nullptr}};
  // SAS-R255-PLUS is offered only when this end can both show the string to its person and ask
  // them (the server shows it before either person answers: docs/mechanisms/sas.md).
  if (hooks != nullptr && hooks->confirm && hooks->show) {
    end->callbacks_.push_back(sasl_callback_t{E2ESASL_CB_SAS_CONFIRM, Callback(&SasConfirm),
                                              const_cast<PersonHooks*>(hooks)});
    end->callbacks_.push_back(
        sasl_callback_t{E2ESASL_CB_SAS_SHOW, Callback(&SasShow), const_cast<PersonHooks*>(hooks)});
  }
  if (hooks != nullptr && hooks->continuity) {
    end->callbacks_.push_back(sasl_callback_t{E2ESASL_CB_SAS_CONTINUITY, Callback(&SasContinuity),
                                              const_cast<PersonHooks*>(hooks)});
  }
  end->callbacks_.push_back({SASL_CB_LIST_END, nullptr, nullptr});
  sasl_conn_t* raw = nullptr;
  const char* realm = settings.realm.empty() ? nullptr : settings.realm.c_str();
  int rc = sasl_server_new(kSaslService, nullptr, realm, nullptr, nullptr, end->callbacks_.data(),
                           SASL_SUCCESS_DATA, &raw);
  end->conn_.reset(raw);
  if (rc != SASL_OK || !SetCommonProps(raw, binding)) {
    *error = "sasl_server_new: " + SaslCodeName(rc);
    return nullptr;
  }
  return end;
}

std::string SaslServerEnd::Mechanisms() {
  return ListMech(conn_.get());
}

SaslStep SaslServerEnd::Start(const std::string& mech, const std::optional<Bytes>& initial) {
  const char* out = nullptr;
  unsigned out_len = 0;
  std::string in = initial ? std::string(initial->begin(), initial->end()) : std::string();
  int rc = sasl_server_start(conn_.get(), mech.c_str(), initial ? in.c_str() : nullptr,
                             static_cast<unsigned>(in.size()), &out, &out_len);
  OPENSSL_cleanse(in.data(), in.size());
  return MakeStep(rc, out, out_len);
}

SaslStep SaslServerEnd::Step(const Bytes& in_bytes) {
  const char* out = nullptr;
  unsigned out_len = 0;
  std::string in(in_bytes.begin(), in_bytes.end());
  int rc =
      sasl_server_step(conn_.get(), in.c_str(), static_cast<unsigned>(in.size()), &out, &out_len);
  OPENSSL_cleanse(in.data(), in.size());
  return MakeStep(rc, out, out_len);
}

std::string SaslServerEnd::ErrorText(int rc) {
  return ErrorTextOf(conn_.get(), rc);
}

std::string SaslServerEnd::Username() {
  const void* value = nullptr;
  if (sasl_getprop(conn_.get(), SASL_USERNAME, &value) != SASL_OK || value == nullptr) {
    return "";
  }
  return static_cast<const char*>(value);
}

int SaslClientEnd::GetSimple(void* context, int id, const char** result, unsigned* len) {
  auto* self = static_cast<SaslClientEnd*>(context);
  if (result == nullptr) {
    return SASL_BADPARAM;
  }
  if (id == SASL_CB_AUTHNAME) {
    *result = self->user_.c_str();
  } else if (id == SASL_CB_USER) {
    *result = self->authzid_.c_str();
  } else {
    return SASL_BADPARAM;
  }
  if (len != nullptr) {
    *len = static_cast<unsigned>(std::strlen(*result));
  }
  return SASL_OK;
}

int SaslClientEnd::GetSecret(sasl_conn_t* /*conn*/, void* context, int id, sasl_secret_t** out) {
  auto* self = static_cast<SaslClientEnd*>(context);
  if (id != SASL_CB_PASS || out == nullptr) {
    return SASL_BADPARAM;
  }
  *out = reinterpret_cast<sasl_secret_t*>(self->secret_.data());
  return SASL_OK;
}

std::unique_ptr<SaslClientEnd> SaslClientEnd::New(const SaslSettings& settings,
                                                  std::string user, std::string password,
                                                  std::string authzid,
                                                  const channelbind::SaslChannelBinding* binding,
                                                  const PersonHooks* hooks,
                                                  const std::string& peer_name,
                                                  std::string* error) {
  std::unique_ptr<SaslClientEnd> end(new SaslClientEnd());
  end->settings_ = settings;
  end->user_ = std::move(user);
  end->authzid_ = std::move(authzid);
  end->hooks_ = hooks;
  end->secret_.assign(sizeof(sasl_secret_t) + password.size() + 1, 0);
  auto* secret = reinterpret_cast<sasl_secret_t*>(end->secret_.data());
  secret->len = password.size();
  std::memcpy(secret->data, password.data(), password.size());
  OPENSSL_cleanse(password.data(), password.size());
  void* self = end.get();
  end->callbacks_ = {
      {SASL_CB_AUTHNAME, Callback(&GetSimple), self},
      {SASL_CB_USER, Callback(&GetSimple), self},
      {SASL_CB_PASS, Callback(&GetSecret), self},
      {SASL_CB_GETOPT, Callback(&GetOpt), &end->settings_},
      {SASL_CB_LOG, Callback(&QuietLog), nullptr},
  };
  if (hooks != nullptr && hooks->confirm) {
    end->callbacks_.push_back(sasl_callback_t{E2ESASL_CB_SAS_CONFIRM, Callback(&SasConfirm),
                                              const_cast<PersonHooks*>(hooks)});
  }
  if (hooks != nullptr && hooks->show) {
    end->callbacks_.push_back(
        sasl_callback_t{E2ESASL_CB_SAS_SHOW, Callback(&SasShow), const_cast<PersonHooks*>(hooks)});
  }
  if (hooks != nullptr && hooks->continuity) {
    end->callbacks_.push_back(sasl_callback_t{E2ESASL_CB_SAS_CONTINUITY, Callback(&SasContinuity),
                                              const_cast<PersonHooks*>(hooks)});
  }
  end->callbacks_.push_back({SASL_CB_LIST_END, nullptr, nullptr});
  sasl_conn_t* raw = nullptr;
  int rc = sasl_client_new(kSaslService, peer_name.c_str(), nullptr, nullptr,
                           end->callbacks_.data(), SASL_SUCCESS_DATA, &raw);
  end->conn_.reset(raw);
  if (rc != SASL_OK || !SetCommonProps(raw, binding)) {
    *error = "sasl_client_new: " + SaslCodeName(rc);
    return nullptr;
  }
  return end;
}

SaslClientEnd::~SaslClientEnd() {
  conn_.reset();
  OPENSSL_cleanse(secret_.data(), secret_.size());
}

SaslStep SaslClientEnd::Start(const std::string& mechlist, std::string* mech) {
  const char* out = nullptr;
  unsigned out_len = 0;
  const char* chosen = nullptr;
  int rc = sasl_client_start(conn_.get(), mechlist.c_str(), nullptr, &out, &out_len, &chosen);
  if (chosen != nullptr && mech != nullptr) {
    *mech = chosen;
  }
  return MakeStep(rc, out, out_len);
}

SaslStep SaslClientEnd::Step(const std::optional<Bytes>& in) {
  const char* out = nullptr;
  unsigned out_len = 0;
  std::string data = in ? std::string(in->begin(), in->end()) : std::string();
  int rc = sasl_client_step(conn_.get(), in ? data.c_str() : nullptr,
                            static_cast<unsigned>(data.size()), nullptr, &out, &out_len);
  return MakeStep(rc, out, out_len);
}

std::string SaslClientEnd::ErrorText(int rc) {
  return ErrorTextOf(conn_.get(), rc);
}

}  // namespace e2esasl::xmpp
