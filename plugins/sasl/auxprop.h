// auxprop.h: the server side's stored credentials, through Cyrus's auxiliary properties
// (sasldb by default; any auxprop backend works) and canon_user.
//
// Each family uses its own property names, so provisioning one family never overwrites
// another's (sasldb stores only one value per property).
#ifndef E2ESASL_SASL_AUXPROP_H_
#define E2ESASL_SASL_AUXPROP_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "common/secret.h"

namespace e2esasl::sasl {

// kUserPasswordProperty is Cyrus's plaintext password property of the authentication identity.
inline constexpr const char* kUserPasswordProperty = "*userPassword";

// AuthcidLookup is what LookupAuthcid found.
struct AuthcidLookup {
  // user_found is false when no auxprop backend knows the user (SASL_NOUSER from the lookup).
  // The mechanism must then go on with fake data and fail like a wrong password.
  bool user_found = false;
  // values[i] is the first value of properties[i], or nullopt when the user has none.
  std::vector<std::optional<SecretString>> values;
};

// Identity binds one server connection's params: it canonicalizes identities (canon_user fills
// oparams->authid / oparams->user, which the glue requires) and reads stored credentials. The
// pointers are borrowed from libsasl2 and live as long as the connection.
class Identity {
 public:
  Identity(sasl_server_params_t* sparams, sasl_out_params_t* oparams, std::string mechanism)
      : sparams_(sparams), oparams_(oparams), mechanism_(std::move(mechanism)) {}

  // LookupAuthcid canonicalizes authcid (canon_user with SASL_CU_AUTHID, which makes libsasl2
  // run the auxprop lookup) and returns the values of properties (names as requested, with the
  // leading '*' that selects the authentication identity's entry). The values are copied into
  // wiped buffers and erased from libsasl2's property context. Returns SASL_OK (also for an
  // unknown user: see AuthcidLookup::user_found) or the error of canon_user / prop_request with
  // the error detail set. When the auxprop backends themselves failed (a database or directory
  // that is down, see StoreFailure) it returns SASL_UNAVAIL and remembers why.
  int LookupAuthcid(std::string_view authcid, std::span<const char* const> properties,
                    AuthcidLookup* out);

  // CanonAuthcid canonicalizes authcid (canon_user with SASL_CU_AUTHID) for a mechanism that
  // reads no stored credential (SAS: the authcid is a claim a person checks). Returns the
  // canon_user code with the error detail set on failure.
  int CanonAuthcid(std::string_view authcid);

  // SetAuthzid canonicalizes the authorization identity; empty means "same as the
  // authentication identity". Call it only after the client proved its identity, so a proxy
  // authorization check cannot be used to probe accounts. Libsasl2 then checks the application's
  // authorization policy (SASL_CB_PROXY_POLICY) itself.
  int SetAuthzid(std::string_view authzid);

  // StoreFailure: after LookupAuthcid, the sasl_errdetail text when the credential store could
  // not be read (canon_user's auxprop lookup returned SASL_FAIL, SASL_UNAVAIL, SASL_TRYAGAIN or
  // SASL_NOMECH: a backend that is down, misconfigured or not loaded), else nullopt. The
  // server glue then ends the exchange with SASL_UNAVAIL instead of the family's answer for
  // an unknown user: a store outage is not a wrong password.
  const std::optional<std::string>& StoreFailure() const { return store_failure_; }

  // ReportMalformed logs (SASL_LOG_ERR, for the operator) that the authentication identity's
  // stored property (its name as requested, e.g. "*e2esasl-OPAQUE-R255") does not parse. The
  // client is told nothing more than for a wrong password: the family goes on as it does for an
  // unknown user.
  void ReportMalformed(std::string_view property) const;

 private:
  sasl_server_params_t* sparams_;
  sasl_out_params_t* oparams_;
  std::string mechanism_;
  std::string authcid_;
  std::optional<std::string> store_failure_;
};

// PropertyUpdate is one property to store for setpass: value nullopt deletes it.
struct PropertyUpdate {
  const char* name;                   // without '*'
  std::optional<SecretString> value;  // a secret or a verifier: wiped with the update
};

// StoreProperties writes updates for user through the auxprop backends (auxprop_store).
// Returns SASL_OK, SASL_NOMECH when no backend can store, or the backend's error with the error
// detail set. Never logs the values.
int StoreProperties(sasl_server_params_t* sparams, std::string_view mechanism, const char* user,
                    std::span<const PropertyUpdate> updates);

// StoreProperty is StoreProperties for a family's one property (value nullopt deletes it).
inline int StoreProperty(sasl_server_params_t* sparams, std::string_view mechanism,
                         const char* user, const char* name, std::optional<SecretString> value) {
  const PropertyUpdate update{name, std::move(value)};
  return StoreProperties(sparams, mechanism, user, {&update, 1});
}

}  // namespace e2esasl::sasl

#endif  // E2ESASL_SASL_AUXPROP_H_
