// server_plugin.cc: the generic server side of every family: sasl_server_plug_t table,
// mechanism availability, sessions' steps, identities, the channel-binding disposition that
// libsasl2 enforces after success, and setpass.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sasl/errors.h"
#include "sasl/guard.h"
#include "sasl/mechanism.h"
#include "sasl/person.h"
#include "sasl/plug_table.h"

namespace e2esasl::sasl {
namespace {

using Entry = PlugEntry;

// ServerConnection: one connection's state, owned by libsasl2 through conn_context.
struct ServerConnection {
  ServerConnection(const Entry& e, const sasl_utils_t* utils)
      : entry(e), options(utils, e.family->plugin_name) {}
  const Entry& entry;
  Options options;
  std::optional<Identity> identity;
  std::unique_ptr<ServerSession> session;
  Bytes out;
  bool finished = false;
};

unsigned ToCyrusDisposition(cb::Disposition d) {
  switch (d) {
    case cb::Disposition::kNone:
      return SASL_CB_DISP_NONE;
    case cb::Disposition::kWant:
      return SASL_CB_DISP_WANT;
    case cb::Disposition::kUsed:
      return SASL_CB_DISP_USED;
  }
  return SASL_CB_DISP_NONE;
}

int MechNew(void* glob_context, sasl_server_params_t* params, const char*, unsigned,
            void** conn_context) {
  const auto* entry = static_cast<const Entry*>(glob_context);
  return Guarded(params->utils, entry->spec->name, [&] {
    *conn_context = new ServerConnection(*entry, params->utils);
    return SASL_OK;
  });
}

int Finish(ServerConnection& conn, sasl_server_params_t* params, sasl_out_params_t* oparams) {
  const int r = conn.identity->SetAuthzid(conn.session->authzid());
  if (r != SASL_OK) {
    return r;
  }
  oparams->doneflag = 1;
  oparams->mech_ssf = 0;
  oparams->maxoutbuf = params->props.maxbufsize;
  oparams->encode_context = nullptr;
  oparams->encode = nullptr;
  oparams->decode_context = nullptr;
  oparams->decode = nullptr;
  oparams->param_version = 0;
  // libsasl2 re-checks the disposition after success (a second, independent enforcement):
  // USED must name the server's own binding.
  oparams->cbindingdisp = ToCyrusDisposition(conn.session->disposition());
  oparams->cbindingname =
      (conn.session->disposition() == cb::Disposition::kUsed && params->cbinding != nullptr)
          ? params->cbinding->name
          : nullptr;
  return SASL_OK;
}

int MechStep(void* conn_context, sasl_server_params_t* params, const char* clientin,
             unsigned clientinlen, const char** serverout, unsigned* serveroutlen,
             sasl_out_params_t* oparams) {
  auto* conn = static_cast<ServerConnection*>(conn_context);
  const MechanismSpec& spec = *conn->entry.spec;
  return Guarded(params->utils, spec.name, [&] {
    const int begun = BeginStep(params->utils, spec.name, "client", clientinlen, kMaxMessageBytes,
                                &conn->finished, serverout, serveroutlen);
    if (begun != SASL_OK) {
      return begun;
    }
    Failure failure;
    if (!conn->session) {
      conn->identity.emplace(params, oparams, spec.name);
      ServerSetup setup;
      setup.binding = BindingRef(params->cbinding);
      setup.plus_advertised = setup.binding.has_value();
      setup.identity = &*conn->identity;
      setup.options = &conn->options;
      setup.rng = &SystemRandom();
      setup.utils = params->utils;
      conn->session = spec.new_server(spec, std::move(setup), &failure);
      if (!conn->session) {
        conn->finished = true;
        SetError(params->utils, spec.name, failure.detail);
        return ToSaslCode(failure.status);
      }
    }
    const ByteView in(reinterpret_cast<const uint8_t*>(clientin), clientinlen);
    conn->out.clear();
    Status status = conn->session->Step(in, &conn->out, &failure);
    if (status == Status::kContinue) {
      if (const std::optional<std::string> notice = conn->session->Announcement()) {
        // Shown to the person at the server before the challenge leaves, so that they see the
        // string before the client's person is asked (mechanism.h); no answer is awaited.
        const PersonCallback show = FindPersonCallback(params->utils, E2ESASL_CB_SAS_SHOW);
        if (!show) {
          conn->finished = true;
          SetError(params->utils, spec.name,
                   "the server's person must see the string before the client's person is "
                   "asked, but the server application registered no E2ESASL_CB_SAS_SHOW callback");
          return SASL_UNAVAIL;
        }
        if (!show.Ask(*notice, /*is_server=*/true)) {
          conn->finished = true;
          SetError(params->utils, spec.name,
                   "the server application's show callback aborted the exchange");
          return SASL_BADAUTH;
        }
      }
      if (const std::optional<std::string> question = conn->session->PendingConfirmation()) {
        // A person at the server must accept (mechanism.h); never accepted automatically.
        const PersonCallback confirm = FindPersonCallback(params->utils, E2ESASL_CB_SAS_CONFIRM);
        if (!confirm) {
          conn->finished = true;
          SetError(params->utils, spec.name,
                   "a person must confirm, but the server application registered no "
                   "E2ESASL_CB_SAS_CONFIRM callback");
          return SASL_UNAVAIL;
        }
        status = conn->session->Confirm(confirm.Ask(*question, /*is_server=*/true), &conn->out,
                                        &failure);
      }
    }
    if (const std::optional<std::string>& store = conn->identity->StoreFailure()) {
      // The family answered as for an unknown user; the truth is that the store is down.
      conn->finished = true;
      SetError(params->utils, spec.name, *store);
      return SASL_UNAVAIL;
    }
    if (status == Status::kContinue) {
      // A challenge, even an empty one, is always sent: "" and not NULL.
      *serverout = conn->out.empty() ? "" : reinterpret_cast<const char*>(conn->out.data());
      *serveroutlen = static_cast<unsigned>(conn->out.size());
      return SASL_CONTINUE;
    }
    conn->finished = true;
    if (status != Status::kOk) {
      SetError(params->utils, spec.name, failure.detail);
      return ToSaslCode(status);
    }
    // Success data only when there is some. libsasl2 tests the pointer, not the length: a
    // non-NULL "" without SASL_SUCCESS_DATA becomes SASL_CONTINUE with an empty challenge, an
    // extra round trip for nothing. NULL is "success, no additional data".
    if (!conn->out.empty()) {
      *serverout = reinterpret_cast<const char*>(conn->out.data());
      *serveroutlen = static_cast<unsigned>(conn->out.size());
    }
    return Finish(*conn, params, oparams);
  });
}

void MechDispose(void* conn_context, const sasl_utils_t*) {
  delete static_cast<ServerConnection*>(conn_context);
}

int MechAvail(void* glob_context, sasl_server_params_t* params, void**) {
  const auto* entry = static_cast<const Entry*>(glob_context);
  if (entry->spec->requires_binding && params->cbinding == nullptr) {
    return SASL_NOMECH;  // e.g. SAS-R255-PLUS without a binding: hidden for this connection
  }
  if (entry->spec->needs_person && (!FindPersonCallback(params->utils, E2ESASL_CB_SAS_CONFIRM) ||
                                    !FindPersonCallback(params->utils, E2ESASL_CB_SAS_SHOW))) {
    // Nobody at the server to ask (never accept automatically), or no way to show the string
    // before the client's person is asked (the server's person would answer blind).
    return SASL_NOMECH;
  }
  if (entry->spec->required_options != nullptr) {
    const Options options(params->utils, entry->family->plugin_name);
    for (const char* const* name = entry->spec->required_options; *name != nullptr; ++name) {
      if (!options.Get(*name)) {
        return SASL_NOMECH;  // not configured here (e.g. VOUCH without its statement)
      }
    }
  }
  return SASL_OK;
}

int Setpass(void* glob_context, sasl_server_params_t* params, const char* user, const char* pass,
            unsigned passlen, const char*, unsigned, unsigned flags) {
  const auto* entry = static_cast<const Entry*>(glob_context);
  const MechanismSpec& spec = *entry->spec;
  return Guarded(params->utils, spec.name, [&] {
    if (spec.encode_secret == nullptr) {
      return SASL_OK;
    }
    const Options options(params->utils, entry->family->plugin_name);
    std::optional<SecretString> value;  // nullopt: disable / remove the user's secret
    if (pass != nullptr && !(flags & SASL_SET_DISABLE)) {
      SecretString encoded;
      Failure failure;
      const Status status = spec.encode_secret(spec, options, user, std::string_view(pass, passlen),
                                               &encoded, &failure);
      if (status == Status::kUnavailable) {
        // Not configured here: leave the other mechanisms' provisioning alone.
        Log(params->utils, SASL_LOG_NOTE, spec.name, failure.detail);
        return SASL_NOCHANGE;
      }
      if (status != Status::kOk) {
        SetError(params->utils, spec.name, failure.detail);
        return SASL_BADPARAM;
      }
      value = std::move(encoded);
    }
    const std::string property = PropertyName(spec, false);
    return StoreProperty(params, spec.name, user, property.c_str(), std::move(value));
  });
}

// CompleteServerPlug: the server plug's own fields (PlugTable).
void CompleteServerPlug(PlugEntry& /*entry*/, sasl_server_plug_t* plug) {
  plug->mech_new = &MechNew;
  plug->mech_step = &MechStep;
  plug->mech_dispose = &MechDispose;
  plug->setpass = &Setpass;
  plug->mech_avail = &MechAvail;
}

// ServerTable: the module's server plug table, built on the first call.
PlugTable<sasl_server_plug_t>& ServerTable(const Family& family) {
  static PlugTable<sasl_server_plug_t> table(family, &CompleteServerPlug);
  return table;
}

}  // namespace

int ServerPlugInit(const Family& family, const sasl_utils_t* utils, int max_version,
                   int* out_version, sasl_server_plug_t** pluglist, int* plugcount) noexcept {
  return PlugInit(family, utils, max_version, SASL_SERVER_PLUG_VERSION,
                  "libsasl2 is too old (server plug version)", &ServerTable, out_version, pluglist,
                  plugcount);
}

std::string PropertyName(const MechanismSpec& spec, bool for_lookup) {
  return std::string(for_lookup ? "*" : "") + "e2esasl-" + spec.name;
}

}  // namespace e2esasl::sasl
