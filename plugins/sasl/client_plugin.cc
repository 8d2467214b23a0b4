// client_plugin.cc: the generic client side of every family: sasl_client_plug_t table,
// credentials, canon_user, the gs2 channel-binding flag, and the session's steps.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/cb_negotiation.h"
#include "sasl/client_credentials.h"
#include "sasl/errors.h"
#include "sasl/guard.h"
#include "sasl/mechanism.h"
#include "sasl/person.h"
#include "sasl/plug_table.h"

namespace e2esasl::sasl {
namespace {

using Entry = PlugEntry;

// ClientConnection: one connection's state, owned by libsasl2 through conn_context.
struct ClientConnection {
  ClientConnection(const Entry& e, const sasl_utils_t* utils)
      : entry(e),
        options(utils, e.family->plugin_name),
        credentials(e.spec->client_needs_password) {}
  const Entry& entry;
  Options options;
  ClientCredentials credentials;
  std::unique_ptr<ClientSession> session;
  Bytes out;
  bool finished = false;
  // awaiting_answer: we returned SASL_INTERACT with a confirmation prompt; the next mech_step
  // carries the person's answer. confirm_text is that prompt's challenge (kept alive here).
  bool awaiting_answer = false;
  std::string confirm_text;
};

int CanonClient(sasl_client_params_t* params, const ClientCredentials& credentials,
                sasl_out_params_t* oparams, const char* mechanism) {
  const std::string& authcid = credentials.authcid();
  const std::string& authzid = credentials.authzid();
  int r;
  if (authzid.empty()) {
    r = params->canon_user(params->utils->conn, authcid.c_str(),
                           static_cast<unsigned>(authcid.size()), SASL_CU_AUTHID | SASL_CU_AUTHZID,
                           oparams);
  } else {
    r = params->canon_user(params->utils->conn, authcid.c_str(),
                           static_cast<unsigned>(authcid.size()), SASL_CU_AUTHID, oparams);
    if (r == SASL_OK) {
      r = params->canon_user(params->utils->conn, authzid.c_str(),
                             static_cast<unsigned>(authzid.size()), SASL_CU_AUTHZID, oparams);
    }
  }
  if (r != SASL_OK) {
    SetError(params->utils, mechanism, "the identity was refused by canon_user");
  }
  return r;
}

// Start collects credentials and creates the session (SASL_INTERACT while prompts are open).
int Start(ClientConnection& conn, sasl_client_params_t* params, sasl_interact_t** prompt_need,
          sasl_out_params_t* oparams) {
  const MechanismSpec& spec = *conn.entry.spec;
  const sasl_utils_t* utils = params->utils;
  if (params->props.min_ssf > params->external_ssf) {
    SetError(utils, spec.name, "a security layer was required; this mechanism provides none");
    return SASL_TOOWEAK;
  }
  int r = conn.credentials.Collect(utils, spec.name, prompt_need);
  if (r != SASL_OK) {
    return r;
  }
  r = CanonClient(params, conn.credentials, oparams, spec.name);
  if (r != SASL_OK) {
    return r;
  }
  const std::optional<cb::ChannelBindingRef> binding = BindingRef(params->cbinding);
  // libsasl2 sets SASL_CB_DISP_USED when the client chose the -PLUS name (or was given a
  // critical binding with one explicit mechanism).
  const bool plus = params->cbindingdisp == SASL_CB_DISP_USED;
  cb::ClientChoice choice;
  Failure failure;
  if (cb::ChooseClientFlag(&choice, &failure, plus, binding) != Status::kOk) {
    SetError(utils, spec.name, failure.detail);
    return ToSaslCode(failure.status);
  }
  if (spec.requires_binding && choice.flag != gs2::CbFlag::kUsed) {
    SetError(utils, spec.name, "this mechanism works only with a channel binding");
    return SASL_BADBINDING;
  }
  ClientSetup setup;
  setup.authcid = conn.credentials.authcid();
  setup.authzid = conn.credentials.authzid();
  setup.password = conn.credentials.TakePassword();
  setup.gs2.flag = choice.flag;
  setup.gs2.cb_name = std::string(choice.cb_name);
  setup.gs2.authzid = setup.authzid;
  if (choice.flag == gs2::CbFlag::kUsed) {
    setup.cb_data.assign(binding->data.begin(), binding->data.end());
  }
  setup.options = &conn.options;
  setup.rng = &SystemRandom();
  setup.utils = utils;
  if (params->serverFQDN != nullptr) {
    setup.server_fqdn = params->serverFQDN;
  }
  if (spec.needs_person && !FindPersonCallback(utils, E2ESASL_CB_SAS_CONFIRM) &&
      prompt_need == nullptr) {
    SetError(utils, spec.name,
             "this mechanism must ask a person: register E2ESASL_CB_SAS_CONFIRM or answer "
             "SASL_INTERACT prompts");
    return SASL_BADPARAM;
  }
  conn.session = spec.new_client(spec, std::move(setup), &failure);
  if (!conn.session) {
    SetError(utils, spec.name, failure.detail);
    return ToSaslCode(failure.status);
  }
  return SASL_OK;
}

// AskPerson handles what a kContinue step wants shown or asked (mechanism.h): SASL_OK to go
// on with *status (replaced by Confirm's result when a person answered through the callback),
// SASL_INTERACT when the application must answer the confirmation prompt, or an error code.
int AskPerson(ClientConnection& conn, const sasl_utils_t* utils, sasl_interact_t** prompt_need,
              Status* status, Failure* failure) {
  const char* mechanism = conn.entry.spec->name;
  if (*status != Status::kContinue) {
    return SASL_OK;
  }
  if (const std::optional<std::string> notice = conn.session->Announcement()) {
    const PersonCallback show = FindPersonCallback(utils, E2ESASL_CB_SAS_SHOW);
    if (show && !show.Ask(*notice, /*is_server=*/false)) {
      SetError(utils, mechanism, "the application's show callback aborted the exchange");
      return SASL_BADAUTH;
    }
  }
  std::optional<std::string> question = conn.session->PendingConfirmation();
  if (!question) {
    return SASL_OK;
  }
  if (const PersonCallback confirm = FindPersonCallback(utils, E2ESASL_CB_SAS_CONFIRM)) {
    const bool accepted = confirm.Ask(*question, /*is_server=*/false);
    *status = conn.session->Confirm(accepted, &conn.out, failure);
    return SASL_OK;
  }
  if (prompt_need == nullptr) {
    SetError(utils, mechanism,
             "a person must confirm, but the application has neither E2ESASL_CB_SAS_CONFIRM nor "
             "SASL_INTERACT prompts");
    return SASL_BADPARAM;
  }
  conn.confirm_text = std::move(*question);
  const int r = MakeConfirmPrompt(utils, mechanism, conn.confirm_text, prompt_need);
  conn.awaiting_answer = r == SASL_INTERACT;
  return r;
}

int MechNew(void* glob_context, sasl_client_params_t* params, void** conn_context) {
  const auto* entry = static_cast<const Entry*>(glob_context);
  return Guarded(params->utils, entry->spec->name, [&] {
    *conn_context = new ClientConnection(*entry, params->utils);
    return SASL_OK;
  });
}

int MechStep(void* conn_context, sasl_client_params_t* params, const char* serverin,
             unsigned serverinlen, sasl_interact_t** prompt_need, const char** clientout,
             unsigned* clientoutlen, sasl_out_params_t* oparams) {
  auto* conn = static_cast<ClientConnection*>(conn_context);
  const MechanismSpec& spec = *conn->entry.spec;
  return Guarded(params->utils, spec.name, [&] {
    const int begun = BeginStep(params->utils, spec.name, "server", serverinlen, kMaxMessageBytes,
                                &conn->finished, clientout, clientoutlen);
    if (begun != SASL_OK) {
      return begun;
    }
    if (!conn->session) {
      const int r = Start(*conn, params, prompt_need, oparams);
      if (r != SASL_OK) {
        conn->finished = r != SASL_INTERACT;
        return r;
      }
    }
    const ByteView in(reinterpret_cast<const uint8_t*>(serverin), serverinlen);
    Failure failure;
    conn->out.clear();
    Status status;
    if (conn->awaiting_answer) {
      // Re-entry after our confirmation prompt: serverin repeats the message already handled.
      conn->awaiting_answer = false;
      const bool accepted = TakeConfirmAnswer(params->utils, prompt_need);
      status = conn->session->Confirm(accepted, &conn->out, &failure);
    } else {
      status = conn->session->Step(in, &conn->out, &failure);
      const int r = AskPerson(*conn, params->utils, prompt_need, &status, &failure);
      if (r != SASL_OK) {
        conn->finished = r != SASL_INTERACT;
        return r;
      }
    }
    if (status == Status::kContinue || status == Status::kOk) {
      *clientout = conn->out.empty() ? "" : reinterpret_cast<const char*>(conn->out.data());
      *clientoutlen = static_cast<unsigned>(conn->out.size());
    }
    if (status == Status::kContinue) {
      return SASL_CONTINUE;
    }
    conn->finished = true;
    if (status != Status::kOk) {
      SetError(params->utils, spec.name, failure.detail);
      return ToSaslCode(status);
    }
    oparams->doneflag = 1;
    oparams->mech_ssf = 0;
    oparams->maxoutbuf = params->props.maxbufsize;
    oparams->encode_context = nullptr;
    oparams->encode = nullptr;
    oparams->decode_context = nullptr;
    oparams->decode = nullptr;
    oparams->param_version = 0;
    return SASL_OK;
  });
}

void MechDispose(void* conn_context, const sasl_utils_t*) {
  delete static_cast<ClientConnection*>(conn_context);
}

// CompleteClientPlug: the client plug's own fields (PlugTable).
void CompleteClientPlug(PlugEntry& entry, sasl_client_plug_t* plug) {
  // libsasl2 skips a mechanism whose required prompts the application cannot answer; with none
  // given it assumes AUTHNAME and PASS, so a mechanism without a password (SAS) would need a
  // password callback to be chosen at all.
  static constexpr unsigned long kAuthnameOnly[] = {SASL_CB_AUTHNAME, SASL_CB_LIST_END};
  plug->required_prompts = entry.spec->client_needs_password ? nullptr : kAuthnameOnly;
  plug->mech_new = &MechNew;
  plug->mech_step = &MechStep;
  plug->mech_dispose = &MechDispose;
}

// ClientTable: the module's client plug table, built on the first call.
PlugTable<sasl_client_plug_t>& ClientTable(const Family& family) {
  static PlugTable<sasl_client_plug_t> table(family, &CompleteClientPlug);
  return table;
}

}  // namespace

std::optional<cb::ChannelBindingRef> BindingRef(const sasl_channel_binding_t* binding) {
  if (binding == nullptr || binding->name == nullptr) {
    return std::nullopt;
  }
  cb::ChannelBindingRef ref;
  ref.name = binding->name;
  ref.critical = binding->critical != 0;
  ref.data = ByteView(binding->data, binding->len);
  return ref;
}

int ClientPlugInit(const Family& family, const sasl_utils_t* utils, int max_version,
                   int* out_version, sasl_client_plug_t** pluglist, int* plugcount) noexcept {
  return PlugInit(family, utils, max_version, SASL_CLIENT_PLUG_VERSION,
                  "libsasl2 is too old (client plug version)", &ClientTable, out_version, pluglist,
                  plugcount);
}

}  // namespace e2esasl::sasl
