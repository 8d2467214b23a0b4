// client_credentials.h: what a client mechanism needs from the application — authentication
// identity, optional authorization identity, password — collected through the application's
// callbacks (SASL_CB_AUTHNAME, SASL_CB_USER, SASL_CB_PASS) or, where it has none, through
// SASL_INTERACT prompts.
#ifndef E2ESASL_SASL_CLIENT_CREDENTIALS_H_
#define E2ESASL_SASL_CLIENT_CREDENTIALS_H_

#include <optional>
#include <string>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "common/secret.h"

namespace e2esasl::sasl {

// ClientCredentials accumulates the values across SASL_INTERACT round trips. A value once
// obtained is kept; only the missing ones are asked again.
class ClientCredentials {
 public:
  explicit ClientCredentials(bool needs_password) : needs_password_(needs_password) {}

  // Collect fills in what is missing, from the answers in *prompt_need (if the application
  // answered our prompts) or from callbacks. Returns SASL_OK when everything is there,
  // SASL_INTERACT with *prompt_need set to a new prompt list (allocated with utils->malloc and
  // freed by the next Collect) when the application must answer prompts, or an error code with
  // the error detail set (SASL_BADPARAM for an empty required answer).
  int Collect(const sasl_utils_t* utils, std::string_view mechanism, sasl_interact_t** prompt_need);

  const std::string& authcid() const { return *authcid_; }
  // authzid is empty when the application asked for none (authorize as the authcid).
  const std::string& authzid() const { return *authzid_; }
  const SecretString& password() const { return *password_; }
  // TakePassword moves the password out (the caller wipes it); password() is then empty.
  SecretString TakePassword() { return std::move(*password_); }

 private:
  bool needs_password_;
  std::optional<std::string> authcid_;
  std::optional<std::string> authzid_;
  std::optional<SecretString> password_;
};

}  // namespace e2esasl::sasl

#endif  // E2ESASL_SASL_CLIENT_CREDENTIALS_H_
