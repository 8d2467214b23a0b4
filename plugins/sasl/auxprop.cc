// auxprop.cc: canon_user + auxprop reads and writes.
#include "sasl/auxprop.h"

#include <cstring>

#include "sasl/errors.h"

namespace e2esasl::sasl {
namespace {

// StoreFailureCode names the canon_user results that mean the auxprop backends failed (rather
// than the name or the user): sql returns SASL_FAIL when it reaches no database, ldapdb
// SASL_UNAVAIL or SASL_FAIL when the directory is down; SASL_NOMECH means no backend answered.
const char* StoreFailureCode(int r) {
  switch (r) {
    case SASL_FAIL:
      return "SASL_FAIL";
    case SASL_UNAVAIL:
      return "SASL_UNAVAIL";
    case SASL_TRYAGAIN:
      return "SASL_TRYAGAIN";
    case SASL_NOMECH:
      return "SASL_NOMECH";
    default:
      return nullptr;
  }
}

}  // namespace

int Identity::LookupAuthcid(std::string_view authcid, std::span<const char* const> properties,
                            AuthcidLookup* out) {
  const sasl_utils_t* utils = sparams_->utils;
  out->user_found = false;
  out->values.assign(properties.size(), std::nullopt);

  // The NULL-terminated request list libsasl2 wants.
  std::vector<const char*> names(properties.begin(), properties.end());
  names.push_back(nullptr);
  int r = utils->prop_request(sparams_->propctx, names.data());
  if (r != SASL_OK) {
    SetError(utils, mechanism_, "cannot request stored credentials");
    return r;
  }
  // canon_user for the authentication identity also runs the auxprop lookup.
  authcid_.assign(authcid);
  r = sparams_->canon_user(utils->conn, authcid_.data(), static_cast<unsigned>(authcid_.size()),
                           SASL_CU_AUTHID, oparams_);
  if (r == SASL_NOUSER) {
    return SASL_OK;  // unknown user: the mechanism continues with fake data
  }
  if (const char* code = StoreFailureCode(r)) {
    store_failure_ = std::string("the credential store could not be read (auxprop lookup: ") +
                     code + "); the server's log has the backend's own error";
    SetError(utils, mechanism_, *store_failure_);
    return SASL_UNAVAIL;
  }
  if (r != SASL_OK) {
    SetError(utils, mechanism_, "cannot canonicalize the authentication identity");
    return r;
  }
  std::vector<propval> vals(names.size());
  utils->prop_getnames(sparams_->propctx, names.data(), vals.data());
  bool any = false;
  for (size_t i = 0; i < properties.size(); ++i) {
    if (vals[i].name != nullptr && vals[i].values != nullptr && vals[i].values[0] != nullptr) {
      const char* v = vals[i].values[0];
      out->values[i] = SecretString(std::string_view(v, std::strlen(v)));
      any = true;
    }
    utils->prop_erase(sparams_->propctx, properties[i]);
  }
  // With no value at all the backends know nothing of this user: treat like an unknown user.
  out->user_found = any;
  return SASL_OK;
}

void Identity::ReportMalformed(std::string_view property) const {
  if (!property.empty() && property.front() == '*') {
    property.remove_prefix(1);
  }
  Log(sparams_->utils, SASL_LOG_ERR, mechanism_,
      "the stored " + std::string(property) + " of user \"" + authcid_ +
          "\" is malformed (corrupted or written by something else); the login fails as for "
          "a wrong password: provision the user again");
}

int Identity::CanonAuthcid(std::string_view authcid) {
  const sasl_utils_t* utils = sparams_->utils;
  authcid_.assign(authcid);
  const int r =
      sparams_->canon_user(utils->conn, authcid_.data(), static_cast<unsigned>(authcid_.size()),
                           SASL_CU_AUTHID, oparams_);
  if (r != SASL_OK) {
    SetError(utils, mechanism_, "cannot canonicalize the authentication identity");
  }
  return r;
}

int Identity::SetAuthzid(std::string_view authzid) {
  const sasl_utils_t* utils = sparams_->utils;
  const std::string user(authzid.empty() ? std::string_view(authcid_) : authzid);
  const int r = sparams_->canon_user(utils->conn, user.data(), static_cast<unsigned>(user.size()),
                                     SASL_CU_AUTHZID, oparams_);
  if (r != SASL_OK) {
    SetError(utils, mechanism_, "the authorization identity was refused");
  }
  return r;
}

int StoreProperties(sasl_server_params_t* sparams, std::string_view mechanism, const char* user,
                    std::span<const PropertyUpdate> updates) {
  const sasl_utils_t* utils = sparams->utils;
  if (utils->auxprop_store == nullptr ||
      utils->auxprop_store(nullptr, nullptr, nullptr) != SASL_OK) {
    SetError(utils, mechanism, "no auxprop backend can store credentials");
    return SASL_NOMECH;
  }
  propctx* ctx = utils->prop_new(0);
  if (ctx == nullptr) {
    SetError(utils, mechanism, "out of memory");
    return SASL_NOMEM;
  }
  std::vector<const char*> names;
  for (const PropertyUpdate& u : updates) {
    names.push_back(u.name);
  }
  names.push_back(nullptr);
  int r = utils->prop_request(ctx, names.data());
  for (size_t i = 0; r == SASL_OK && i < updates.size(); ++i) {
    const PropertyUpdate& u = updates[i];
    r = utils->prop_set(ctx, u.name, u.value ? u.value->view().data() : nullptr,
                        u.value ? static_cast<int>(u.value->size()) : 0);
  }
  if (r == SASL_OK) {
    r = utils->auxprop_store(utils->conn, ctx, user);
  }
  for (const PropertyUpdate& u : updates) {
    utils->prop_erase(ctx, u.name);
  }
  utils->prop_dispose(&ctx);
  if (r != SASL_OK) {
    SetError(utils, mechanism, "storing the credentials failed");
  }
  return r;
}

}  // namespace e2esasl::sasl
