// sasl_harness.cc: libsasl2 client and server connections in one process.
#include "support/sasl_harness.h"

#include <glob.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include <sasl/prop.h>

#include "e2esasl/confirm.h"

namespace e2esasl::test {
namespace {

std::string g_plugin_path;

// SasldbOnlyDir makes a private directory holding only symlinks to the system's libsasldb.so*.
std::string SasldbOnlyDir() {
  static TempDir dir;  // removed at exit, after sasl_done (registered later, so run earlier)
  static std::once_flag once;
  std::call_once(once, [] {
    for (const char* pattern : {"/usr/lib/*-linux-gnu/sasl2/libsasldb.so*",
                                "/usr/lib/sasl2/libsasldb.so*", "/usr/lib64/sasl2/libsasldb.so*"}) {
      glob_t g{};
      if (glob(pattern, 0, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) {
          const std::filesystem::path target(g.gl_pathv[i]);
          std::filesystem::create_symlink(target,
                                          std::filesystem::path(dir.path()) / target.filename());
        }
        globfree(&g);
        return;
      }
      globfree(&g);
    }
    throw std::runtime_error(
        "the system's libsasldb.so was not found (package libsasl2-modules-db)");
  });
  return dir.path();
}

// Callback contexts of one connection; must outlive the sasl_conn_t.
struct ConnContext {
  bool allow_proxy = false;
  OptionMap options;
  ClientIdentity identity;
  std::vector<unsigned char> secret;  // sasl_secret_t storage for SASL_CB_PASS
  std::vector<sasl_callback_t> callbacks;
  std::vector<sasl_callback_t> extra_callbacks;  // the test's own, before SASL_CB_LIST_END
  // The scripted people (unset: callback not registered) and where their texts are recorded.
  Person confirm;
  Person show;
  std::vector<std::string>* confirm_log = nullptr;
  std::vector<std::string>* show_log = nullptr;
  std::vector<std::string>* events = nullptr;             // shared by both ends of an exchange
  std::vector<std::string>* continuity_events = nullptr;  // shared too
  std::string side;                                       // "client" or "server", for events
};

int PersonAnswer(ConnContext* ctx, const Person& person, std::vector<std::string>* log,
                 const char* what, const char* text, unsigned len) {
  const std::string value(text, len);
  if (log != nullptr) {
    log->push_back(value);
  }
  if (ctx->events != nullptr) {
    ctx->events->push_back(ctx->side + " " + what);
  }
  return person(value) ? SASL_OK : SASL_NOAUTHZ;
}

int ConfirmCallback(void* context, const char* text, unsigned len, int) {
  auto* ctx = static_cast<ConnContext*>(context);
  return PersonAnswer(ctx, ctx->confirm, ctx->confirm_log, "confirm", text, len);
}

int ShowCallback(void* context, const char* text, unsigned len, int) {
  auto* ctx = static_cast<ConnContext*>(context);
  return PersonAnswer(ctx, ctx->show, ctx->show_log, "show", text, len);
}

int ContinuityCallback(void* context, int event, const char* peer, unsigned peer_len, int) {
  auto* ctx = static_cast<ConnContext*>(context);
  static const char* const kNames[] = {"?", "remembered", "first", "not-matched", "stored"};
  const char* name = event >= 1 && event <= 4 ? kNames[event] : kNames[0];
  if (ctx->continuity_events != nullptr) {
    ctx->continuity_events->push_back(ctx->side + " " + name + " " + std::string(peer, peer_len));
  }
  return SASL_OK;
}

int GetOpt(void* context, const char*, const char* option, const char** result, unsigned* len) {
  const auto* ctx = static_cast<const ConnContext*>(context);
  const auto it = ctx->options.find(option);
  if (it == ctx->options.end()) {
    return SASL_FAIL;
  }
  *result = it->second.c_str();
  if (len != nullptr) {
    *len = static_cast<unsigned>(it->second.size());
  }
  return SASL_OK;
}

int AllowProxy(sasl_conn_t*, void*, const char*, unsigned, const char*, unsigned, const char*,
               unsigned, struct propctx*) {
  return SASL_OK;
}

int GetSimple(void* context, int id, const char** result, unsigned* len) {
  const auto* ctx = static_cast<const ConnContext*>(context);
  const std::optional<std::string>& value =
      id == SASL_CB_AUTHNAME ? ctx->identity.authcid : ctx->identity.authzid;
  if (!value) {
    return SASL_FAIL;
  }
  *result = value->c_str();
  if (len != nullptr) {
    *len = static_cast<unsigned>(value->size());
  }
  return SASL_OK;
}

int GetSecret(sasl_conn_t*, void* context, int, sasl_secret_t** psecret) {
  auto* ctx = static_cast<ConnContext*>(context);
  const std::string& pass = *ctx->identity.password;
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
  // Cyrus's callback table stores every callback as int (*)(void); the cast goes through
  // void (*)() which GCC accepts as the generic function pointer type.
  return reinterpret_cast<Fn>(reinterpret_cast<void (*)()>(f));
}

void BuildCallbacks(ConnContext& ctx, bool client) {
  ctx.callbacks.push_back({SASL_CB_GETOPT, AsFn(&GetOpt), &ctx});
  if (!client && ctx.allow_proxy) {
    ctx.callbacks.push_back({SASL_CB_PROXY_POLICY, AsFn(&AllowProxy), &ctx});
  }
  if (client && ctx.identity.via_prompts) {
    // An entry with no procedure tells libsasl2 the application answers SASL_INTERACT prompts.
    for (unsigned long id : {SASL_CB_AUTHNAME, SASL_CB_USER, SASL_CB_PASS}) {
      ctx.callbacks.push_back({id, nullptr, nullptr});
    }
  }
  if (client && !ctx.identity.via_prompts) {
    if (ctx.identity.authcid) {
      ctx.callbacks.push_back({SASL_CB_AUTHNAME, AsFn(&GetSimple), &ctx});
    }
    if (ctx.identity.authzid) {
      ctx.callbacks.push_back({SASL_CB_USER, AsFn(&GetSimple), &ctx});
    }
    if (ctx.identity.password) {
      ctx.callbacks.push_back({SASL_CB_PASS, AsFn(&GetSecret), &ctx});
    }
  }
  if (ctx.confirm) {
    ctx.callbacks.push_back({E2ESASL_CB_SAS_CONFIRM, AsFn(&ConfirmCallback), &ctx});
  }
  if (ctx.show) {
    ctx.callbacks.push_back({E2ESASL_CB_SAS_SHOW, AsFn(&ShowCallback), &ctx});
  }
  ctx.callbacks.push_back({E2ESASL_CB_SAS_CONTINUITY, AsFn(&ContinuityCallback), &ctx});
  ctx.callbacks.insert(ctx.callbacks.end(), ctx.extra_callbacks.begin(), ctx.extra_callbacks.end());
  ctx.callbacks.push_back({SASL_CB_LIST_END, nullptr, nullptr});
}

// Conn owns a sasl_conn_t and its callback context.
struct Conn {
  std::unique_ptr<ConnContext> ctx = std::make_unique<ConnContext>();
  sasl_conn_t* conn = nullptr;
  sasl_channel_binding_t cb{};
  std::optional<Binding> binding;
  ~Conn() {
    if (conn != nullptr) {
      sasl_dispose(&conn);
    }
  }
  void SetBinding(const std::optional<Binding>& b) {
    if (!b) {
      return;
    }
    binding = b;
    cb.name = binding->name.c_str();
    cb.critical = binding->critical ? 1 : 0;
    cb.data = binding->data.data();
    cb.len = static_cast<unsigned>(binding->data.size());
    if (sasl_setprop(conn, SASL_CHANNEL_BINDING, &cb) != SASL_OK) {
      throw std::runtime_error("sasl_setprop(SASL_CHANNEL_BINDING) failed");
    }
  }
};

std::unique_ptr<Conn> NewServer(const std::string& sasldb, OptionMap options, unsigned flags,
                                bool allow_proxy = false, const Person& confirm = {},
                                const Person& show = {}, const std::string& fqdn = "server.example",
                                std::vector<sasl_callback_t> extra_callbacks = {}) {
  auto c = std::make_unique<Conn>();
  c->ctx->extra_callbacks = std::move(extra_callbacks);
  c->ctx->side = "server";
  c->ctx->confirm = confirm;
  c->ctx->show = show;
  c->ctx->allow_proxy = allow_proxy;
  c->ctx->options = std::move(options);
  c->ctx->options["sasldb_path"] = sasldb;
  c->ctx->options.emplace("auxprop_plugin", "sasldb");
  BuildCallbacks(*c->ctx, false);
  const int r = sasl_server_new("e2esasl-test", fqdn.c_str(), nullptr, nullptr, nullptr,
                                c->ctx->callbacks.data(), flags, &c->conn);
  if (r != SASL_OK) {
    throw std::runtime_error(std::string("sasl_server_new: ") +
                             sasl_errstring(r, nullptr, nullptr));
  }
  return c;
}

std::unique_ptr<Conn> NewClient(const ClientIdentity& identity, OptionMap options,
                                const Person& confirm = {}, const Person& show = {},
                                const std::string& fqdn = "server.example",
                                std::vector<sasl_callback_t> extra_callbacks = {}) {
  auto c = std::make_unique<Conn>();
  c->ctx->extra_callbacks = std::move(extra_callbacks);
  c->ctx->side = "client";
  c->ctx->confirm = confirm;
  c->ctx->show = show;
  c->ctx->options = std::move(options);
  c->ctx->identity = identity;
  BuildCallbacks(*c->ctx, true);
  const int r = sasl_client_new("e2esasl-test", fqdn.empty() ? nullptr : fqdn.c_str(), nullptr,
                                nullptr, c->ctx->callbacks.data(), 0, &c->conn);
  if (r != SASL_OK) {
    throw std::runtime_error(std::string("sasl_client_new: ") +
                             sasl_errstring(r, nullptr, nullptr));
  }
  return c;
}

// AnswerPrompts fills the prompts from the identity; returns how many it answered.
// echo_answer / echo_log: the answer to SASL_CB_ECHOPROMPT prompts (null: leave them NULL)
// and where their challenges are recorded.
int AnswerPrompts(sasl_interact_t* prompts, const ClientIdentity& identity,
                  const std::optional<std::string>* echo_answer = nullptr,
                  std::vector<std::string>* echo_log = nullptr,
                  std::vector<std::string>* events = nullptr) {
  int n = 0;
  for (sasl_interact_t* p = prompts; p != nullptr && p->id != SASL_CB_LIST_END; ++p) {
    const std::optional<std::string>* value = nullptr;
    switch (p->id) {
      case SASL_CB_AUTHNAME:
        value = &identity.authcid;
        break;
      case SASL_CB_USER:
        value = &identity.authzid;
        break;
      case SASL_CB_PASS:
        value = &identity.password;
        break;
      case SASL_CB_ECHOPROMPT:
        if (echo_answer != nullptr && echo_answer->has_value()) {
          value = echo_answer;
          if (echo_log != nullptr) {
            echo_log->push_back(p->challenge != nullptr ? p->challenge : "");
          }
          if (events != nullptr) {
            events->push_back("client prompt");
          }
        }
        break;
      default:
        break;
    }
    if (value != nullptr && value->has_value()) {
      p->result = (*value)->c_str();
      p->len = static_cast<unsigned>((*value)->size());
    } else {
      p->result = nullptr;
      p->len = 0;
    }
    ++n;
  }
  return n;
}

std::string Detail(sasl_conn_t* conn) {
  const char* d = sasl_errdetail(conn);
  return d != nullptr ? d : "";
}

}  // namespace

Binding MakeBinding(const std::string& name, unsigned char seed, bool critical) {
  Binding b;
  b.name = name;
  for (int i = 0; i < 32; ++i) {
    b.data.push_back(static_cast<unsigned char>(seed + i * 7));
  }
  b.critical = critical;
  return b;
}

Binding OpenLdapBinding(unsigned char seed) {
  Binding b = MakeBinding("ldap", seed);
  const std::string prefix = "tls-unique:";
  b.data.insert(b.data.begin(), prefix.begin(), prefix.end());
  return b;
}

std::vector<std::optional<Binding>> EveryBinding() {
  return {std::nullopt, MakeBinding("tls-unique", 3), MakeBinding("tls-exporter", 5),
          MakeBinding("tls-server-end-point", 9), OpenLdapBinding(11)};
}

bool HasToken(const std::string& list, const std::string& token) {
  size_t start = 0;
  while (start <= list.size()) {
    const size_t end = std::min(list.find(' ', start), list.size());
    if (list.compare(start, end - start, token) == 0 && end - start == token.size()) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string templ = std::string(base != nullptr ? base : "/tmp") + "/e2esasl-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void SaslLibrary::Init(const std::string& plugin_dir) {
  static std::once_flag once;
  std::call_once(once, [&] {
    std::string ours = plugin_dir;
    if (ours.empty()) {
      const char* env = getenv("E2ESASL_PLUGIN_DIR");
      if (env == nullptr) {
        throw std::runtime_error("E2ESASL_PLUGIN_DIR is not set");
      }
      ours = env;
    }
    g_plugin_path = ours + ":" + SasldbOnlyDir();
    if (sasl_set_path(SASL_PATH_TYPE_PLUGIN, g_plugin_path.data()) != SASL_OK) {
      throw std::runtime_error("sasl_set_path failed");
    }
    int r = sasl_server_init(nullptr, "e2esasl-test");
    if (r != SASL_OK) {
      throw std::runtime_error(std::string("sasl_server_init: ") +
                               sasl_errstring(r, nullptr, nullptr));
    }
    r = sasl_client_init(nullptr);
    if (r != SASL_OK) {
      throw std::runtime_error(std::string("sasl_client_init: ") +
                               sasl_errstring(r, nullptr, nullptr));
    }
    atexit([] { sasl_done(); });
  });
}

const std::string& SaslLibrary::PluginPath() {
  return g_plugin_path;
}

Exchange RunExchange(const ExchangeSpec& spec) {
  SaslLibrary::Init();
  Exchange ex;
  auto server = NewServer(spec.sasldb_path, spec.server_options, spec.server_flags,
                          spec.allow_proxy, spec.server_confirm, spec.server_show,
                          spec.server_fqdn.empty() ? "server.example" : spec.server_fqdn,
                          spec.server_callbacks);
  auto client = NewClient(spec.identity, spec.client_options, spec.client_confirm, spec.client_show,
                          spec.server_fqdn, spec.client_callbacks);
  server->ctx->continuity_events = &ex.continuity_events;
  client->ctx->continuity_events = &ex.continuity_events;
  server->ctx->confirm_log = &ex.server_confirm_texts;
  client->ctx->confirm_log = &ex.client_confirm_texts;
  client->ctx->show_log = &ex.client_show_texts;
  server->ctx->show_log = &ex.server_show_texts;
  server->ctx->events = &ex.person_events;
  client->ctx->events = &ex.person_events;
  server->SetBinding(spec.server_binding);
  client->SetBinding(spec.client_binding);

  sasl_interact_t* prompts = nullptr;
  const char* out = nullptr;
  unsigned outlen = 0;
  const char* mech = nullptr;
  int c =
      sasl_client_start(client->conn, spec.client_mechlist.c_str(), &prompts, &out, &outlen, &mech);
  while (c == SASL_INTERACT) {
    ex.prompts_answered += AnswerPrompts(prompts, spec.identity);
    c = sasl_client_start(client->conn, spec.client_mechlist.c_str(), &prompts, &out, &outlen,
                          &mech);
  }
  ex.client_result = c;
  if (c != SASL_OK && c != SASL_CONTINUE) {
    ex.client_detail = Detail(client->conn);
    return ex;
  }
  ex.mechanism = mech != nullptr ? mech : "";
  std::string msg(out != nullptr ? out : "", outlen);
  int index = 0;
  if (spec.tamper) {
    msg = spec.tamper(true, index, msg);
  }
  ex.client_messages.push_back(msg);
  const std::string server_mech =
      spec.server_mechanism.empty() ? ex.mechanism : spec.server_mechanism;
  const char* sout = nullptr;
  unsigned soutlen = 0;
  int s = sasl_server_start(server->conn, server_mech.c_str(), msg.data(),
                            static_cast<unsigned>(msg.size()), &sout, &soutlen);
  for (int step = 0; step < spec.max_steps; ++step) {
    ex.server_result = s;
    if (s != SASL_OK && s != SASL_CONTINUE) {
      ex.server_detail = Detail(server->conn);
      return ex;
    }
    if (s == SASL_OK && c == SASL_OK) {
      break;
    }
    // The server has a challenge (CONTINUE) or success data (OK) for the client. A SASL_OK
    // without data (NULL) is an outcome with no additional data: the client application hands
    // the client an empty message, as libldap and the e2e demo do. Tamper sees that empty
    // outcome too (a man in the middle may add success data); what it adds counts as a message.
    std::string smsg(sout != nullptr ? sout : "", soutlen);
    if (s == SASL_OK) {
      ex.success_data = sout != nullptr;
    }
    if (spec.tamper) {
      smsg = spec.tamper(false, index, smsg);
    }
    if (s == SASL_CONTINUE || sout != nullptr || !smsg.empty()) {
      ex.server_messages.push_back(smsg);
    }
    c = sasl_client_step(client->conn, smsg.data(), static_cast<unsigned>(smsg.size()), &prompts,
                         &out, &outlen);
    while (c == SASL_INTERACT) {
      ex.prompts_answered += AnswerPrompts(prompts, spec.identity, &spec.client_echo_answer,
                                           &ex.echo_challenges, &ex.person_events);
      c = sasl_client_step(client->conn, smsg.data(), static_cast<unsigned>(smsg.size()), &prompts,
                           &out, &outlen);
    }
    ex.client_result = c;
    if (c != SASL_OK && c != SASL_CONTINUE) {
      ex.client_detail = Detail(client->conn);
      if (s == SASL_CONTINUE) {
        // The client gave up on the server's challenge (e.g. a SCRAM "e=" error). Like an
        // application handling the client's abort, finish the server side to get its verdict.
        s = sasl_server_step(server->conn, "", 0, &sout, &soutlen);
        ex.server_result = s;
        if (s != SASL_OK && s != SASL_CONTINUE) {
          ex.server_detail = Detail(server->conn);
        }
      }
      return ex;
    }
    if (s == SASL_OK) {
      break;  // success data processed
    }
    ++index;
    msg.assign(out != nullptr ? out : "", outlen);
    if (spec.tamper) {
      msg = spec.tamper(true, index, msg);
    }
    ex.client_messages.push_back(msg);
    s = sasl_server_step(server->conn, msg.data(), static_cast<unsigned>(msg.size()), &sout,
                         &soutlen);
  }
  ex.server_result = s;
  if (ex.ok()) {
    const void* v = nullptr;
    if (sasl_getprop(server->conn, SASL_AUTHUSER, &v) == SASL_OK && v != nullptr) {
      ex.server_authid = static_cast<const char*>(v);
    }
    if (sasl_getprop(server->conn, SASL_USERNAME, &v) == SASL_OK && v != nullptr) {
      ex.server_user = static_cast<const char*>(v);
    }
  }
  return ex;
}

int SetPassword(const std::string& sasldb_path, const std::string& user,
                const std::string& password, const OptionMap& options) {
  SaslLibrary::Init();
  auto server = NewServer(sasldb_path, options, 0);
  return sasl_setpass(server->conn, user.c_str(), password.c_str(),
                      static_cast<unsigned>(password.size()), nullptr, 0, SASL_SET_CREATE);
}

int StoreProperty(const std::string& sasldb_path, const std::string& user, const std::string& name,
                  const std::optional<std::string>& value) {
  SaslLibrary::Init();
  auto server = NewServer(sasldb_path, {}, 0);
  propctx* ctx = prop_new(0);
  const char* names[] = {name.c_str(), nullptr};
  int r = prop_request(ctx, names);
  if (r == SASL_OK) {
    r = prop_set(ctx, name.c_str(), value ? value->c_str() : nullptr,
                 value ? static_cast<int>(value->size()) : 0);
  }
  if (r == SASL_OK) {
    r = sasl_auxprop_store(server->conn, ctx, user.c_str());
  }
  prop_dispose(&ctx);
  return r;
}

std::string ServerMechanisms(const std::string& sasldb_path, const std::optional<Binding>& binding,
                             bool person_callbacks, bool show_callback, const OptionMap& options) {
  SaslLibrary::Init();
  const Person reject = [](const std::string&) { return false; };
  const Person show = [](const std::string&) { return true; };
  auto server = NewServer(sasldb_path, options, 0, false, person_callbacks ? reject : Person(),
                          person_callbacks && show_callback ? show : Person());
  server->SetBinding(binding);
  const char* list = nullptr;
  if (sasl_listmech(server->conn, nullptr, "", " ", "", &list, nullptr, nullptr) != SASL_OK ||
      list == nullptr) {
    return "";
  }
  return list;
}

}  // namespace e2esasl::test
