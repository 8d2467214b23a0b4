// store_checks.h: the checks every shared store must pass, written once and run by the
// PostgreSQL and the OpenLDAP suites (CppUnit assertions; call them from a test method).
#ifndef E2ESASL_TESTS_STORES_STORE_CHECKS_H_
#define E2ESASL_TESTS_STORES_STORE_CHECKS_H_

#include <string>

#include "stores/store_env.h"

namespace e2esasl::stores {

// ScramFromSalt: a SCRAM server-first-message from ",s=" on (salt and count; the nonce before it
// is fresh in every exchange).
std::string ScramFromSalt(const std::string& server_first);

// OpaqueEvaluated: from an OPAQUE-R255 server-first "k=<KE2>,f=<ksf>": the evaluated element
// (KE2's first 32 bytes) and the KSF; masking_nonce and everything after it are fresh.
std::string OpaqueEvaluated(const std::string& server_first);

// CheckOpaqueSameOnBoth: one KE1 (captured from a real client against `a`) for `user` given to
// a and b (one cluster: same key file) evaluates alike and announces the same KSF; `other` (its
// own key file) evaluates it differently; the masked rest is fresh each time.
void CheckOpaqueSameOnBoth(const StoreSasl& a, const StoreSasl& b, const StoreSasl& other,
                           const std::string& user);

// CheckSetpassRacingLogins: saslpasswd2 rewrites `user`'s secrets (alternating two passwords,
// ending on the first) while logins with the first password run: each login is accepted or
// refused as a wrong password (SASL_BADAUTH), never a malformed or mixed record; afterwards the
// first password logs in. `user` must be provisionable in the store (an LDAP entry must exist).
void CheckSetpassRacingLogins(const StoreSasl& sasl, const std::string& user);

}  // namespace e2esasl::stores

#endif  // E2ESASL_TESTS_STORES_STORE_CHECKS_H_
