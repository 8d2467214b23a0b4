// c_api.cc: the C entry points of <e2esasl/xmpp.h>. Every one is noexcept: exceptions (only
// std::bad_alloc and broken invariants) become error returns here.
#include <cstdlib>
#include <cstring>
#include <new>

#include "core.h"
#include "e2esasl/xmpp.h"
#include "session.h"

struct e2e_xmpp {
  std::unique_ptr<e2esasl::xmpp::Core> core;
};

namespace {

using e2esasl::xmpp::Core;
using e2esasl::xmpp::Session;

char* Dup(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out != nullptr) {
    std::memcpy(out, s.c_str(), s.size() + 1);
  }
  return out;
}

template <typename R, typename F>
R Guard(R fallback, F body) noexcept {
  try {
    return body();
  } catch (...) {
    return fallback;
  }
}

Session* AsSession(e2e_xmpp_session* s) {
  return static_cast<Session*>(s);
}
const Session* AsSession(const e2e_xmpp_session* s) {
  return static_cast<const Session*>(s);
}

}  // namespace

extern "C" {

e2e_xmpp* e2e_xmpp_new(const e2e_xmpp_config* config, const e2e_xmpp_io* io,
                       const e2e_xmpp_callbacks* callbacks, char** error) {
  auto fail = [&](const std::string& why) -> e2e_xmpp* {
    if (error != nullptr) {
      *error = Dup(why);
    }
    return nullptr;
  };
  try {
    if (config == nullptr || io == nullptr || io->send_stanza == nullptr) {
      return fail("e2e_xmpp_new: config and io.send_stanza are required");
    }
    std::string why;
    auto settings = e2esasl::xmpp::ParseSettings(*config, &why);
    if (!settings) {
      return fail(why);
    }
    why = e2esasl::xmpp::EnsureSaslInit(settings->plugin_path);
    if (!why.empty()) {
      return fail(why);
    }
    e2e_xmpp_callbacks cbs{};
    if (callbacks != nullptr) {
      cbs = *callbacks;
    }
    auto out = std::make_unique<e2e_xmpp>();
    out->core = std::make_unique<Core>(std::move(*settings), *io, cbs);
    return out.release();
  } catch (const std::exception& e) {
    return fail(std::string("e2e_xmpp_new: ") + e.what());
  } catch (...) {
    return fail("e2e_xmpp_new: unknown failure");
  }
}

void e2e_xmpp_free(e2e_xmpp* xmpp) {
  Guard(0, [&] {
    delete xmpp;
    return 0;
  });
}

void e2e_xmpp_free_string(char* s) {
  std::free(s);
}

int e2e_xmpp_handle_stanza(e2e_xmpp* xmpp, const char* xml) {
  if (xmpp == nullptr || xml == nullptr) {
    return -1;
  }
  return Guard(-1, [&] { return xmpp->core->HandleStanza(xml); });
}

void e2e_xmpp_tick(e2e_xmpp* xmpp) {
  if (xmpp != nullptr) {
    Guard(0, [&] {
      xmpp->core->Tick();
      return 0;
    });
  }
}

void e2e_xmpp_disconnected(e2e_xmpp* xmpp) {
  if (xmpp != nullptr) {
    Guard(0, [&] {
      xmpp->core->Disconnected();
      return 0;
    });
  }
}

size_t e2e_xmpp_session_count(const e2e_xmpp* xmpp) {
  return xmpp != nullptr ? xmpp->core->SessionCount() : 0;
}

e2e_xmpp_session* e2e_xmpp_start(e2e_xmpp* xmpp, const char* peer_jid,
                                 const e2e_xmpp_start_options* options) {
  if (xmpp == nullptr || peer_jid == nullptr) {
    return nullptr;
  }
  e2e_xmpp_start_options empty{};
  return Guard<e2e_xmpp_session*>(nullptr, [&]() -> e2e_xmpp_session* {
    return xmpp->core->Start(peer_jid, options != nullptr ? *options : empty);
  });
}

int e2e_xmpp_accept(e2e_xmpp_session* session) {
  if (session == nullptr) {
    return -1;
  }
  return Guard(-1, [&] { return AsSession(session)->Accept(); });
}

int e2e_xmpp_set_sasl_option(e2e_xmpp* xmpp, const char* name, const char* value) {
  if (xmpp == nullptr || name == nullptr || value == nullptr ||
      std::strncmp(name, "e2esasl_", 8) != 0 || std::strlen(name) > 64 || std::strlen(value) > 256) {
    return -1;
  }
  return Guard(-1, [&] {
    xmpp->core->SetSaslOption(name, value);
    return 0;
  });
}

int e2e_xmpp_sas_answer(e2e_xmpp_session* session, int same) {
  if (session == nullptr) {
    return -1;
  }
  return Guard(-1, [&] { return AsSession(session)->SasAnswer(same == 1); });
}

int e2e_xmpp_decline(e2e_xmpp_session* session) {
  if (session == nullptr) {
    return -1;
  }
  return Guard(-1, [&] { return AsSession(session)->Decline(); });
}

int e2e_xmpp_send(e2e_xmpp_session* session, const char* text, size_t len) {
  if (session == nullptr || text == nullptr) {
    return -1;
  }
  return Guard(-1, [&] { return AsSession(session)->SendLine(std::string_view(text, len)); });
}

void e2e_xmpp_close(e2e_xmpp_session* session) {
  if (session != nullptr) {
    Guard(0, [&] {
      AsSession(session)->Close();
      return 0;
    });
  }
}

const char* e2e_xmpp_session_peer(const e2e_xmpp_session* session) {
  return session != nullptr ? AsSession(session)->peer().c_str() : "";
}

const char* e2e_xmpp_session_sid(const e2e_xmpp_session* session) {
  return session != nullptr ? AsSession(session)->sid().c_str() : "";
}

int e2e_xmpp_session_is_initiator(const e2e_xmpp_session* session) {
  return session != nullptr && AsSession(session)->initiator() ? 1 : 0;
}

void e2e_xmpp_session_set_user(e2e_xmpp_session* session, void* user) {
  if (session != nullptr) {
    AsSession(session)->user = user;
  }
}

void* e2e_xmpp_session_get_user(const e2e_xmpp_session* session) {
  return session != nullptr ? AsSession(session)->user : nullptr;
}

int e2e_xmpp_set_password(const e2e_xmpp_config* config, const char* user, const char* password,
                          char** error) {
  auto fail = [&](int code, const std::string& why) {
    if (error != nullptr) {
      *error = Dup(why);
    }
    return code;
  };
  try {
    if (config == nullptr || user == nullptr || password == nullptr || *user == '\0') {
      return fail(E2E_XMPP_ERR_USAGE, "e2e_xmpp_set_password: config, user and password needed");
    }
    std::string why;
    e2e_xmpp_config copy = *config;
    if (copy.jid == nullptr) {
      copy.jid = "provisioning@e2e-xmpp.invalid/setpass";  // not used by provisioning
    }
    auto settings = e2esasl::xmpp::ParseSettings(copy, &why);
    if (!settings) {
      return fail(E2E_XMPP_ERR_USAGE, why);
    }
    why = e2esasl::xmpp::EnsureSaslInit(settings->plugin_path);
    if (why.empty()) {
      why = e2esasl::xmpp::SetPassword(settings->sasl, user, password);
    }
    return why.empty() ? 0 : fail(E2E_XMPP_ERR_SETUP, why);
  } catch (...) {
    return fail(E2E_XMPP_ERR_SETUP, "e2e_xmpp_set_password: out of memory");
  }
}

int e2e_xmpp_fetch_statement(e2e_xmpp* xmpp, const char* device_key_jwk, const char* device_id,
                             e2e_xmpp_statement_done done, void* user) {
  if (xmpp == nullptr || device_key_jwk == nullptr || device_id == nullptr || done == nullptr) {
    return E2E_XMPP_ERR_USAGE;
  }
  return Guard<int>(E2E_XMPP_ERR_SETUP, [&] {
    return xmpp->core->FetchStatement(device_key_jwk, device_id, done, user);
  });
}

const char* e2e_xmpp_code_name(int code) {
  switch (code) {
    case E2E_XMPP_OK:
      return "ok";
    case E2E_XMPP_ERR_USAGE:
      return "usage";
    case E2E_XMPP_ERR_SETUP:
      return "setup";
    case E2E_XMPP_ERR_TLS:
      return "tls";
    case E2E_XMPP_ERR_REFUSED:
      return "refused";
    case E2E_XMPP_ERR_PROTOCOL:
      return "protocol";
    case E2E_XMPP_ERR_CLOSED:
      return "closed";
    case E2E_XMPP_ERR_TIMEOUT:
      return "timeout";
    case E2E_XMPP_ERR_UNAVAILABLE:
      return "unavailable";
    case E2E_XMPP_ERR_DECLINED:
      return "declined";
    case E2E_XMPP_ERR_LIMIT:
      return "limit";
    default:
      return "unknown";
  }
}

}  // extern "C"
