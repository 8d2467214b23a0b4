// admin.h: the passwd and mechs subcommands, and the helpers the showcase shares with them.
#ifndef E2ESASL_CLIENT_DEMO_ADMIN_H_
#define E2ESASL_CLIENT_DEMO_ADMIN_H_

#include <string>
#include <vector>

#include "sasl_session.h"

namespace e2esasl::demo {

// SetPassword provisions user's secrets in the sasldb of lib's config: sasl_setpass calls every
// loaded server plugin's setpass, so each family stores its own verifier. Throws kSetup.
void SetPassword(const SaslLibrary& lib, const std::string& user, const std::string& password);

// OfferedMechanisms is what a server offers with a (non-critical) binding set, so both "X" and
// "X-PLUS" names appear, restricted to mechanisms the client side also has.
std::vector<std::string> OfferedMechanisms(const SaslLibrary& lib);

int RunPasswd(const std::vector<std::string>& argv);
int RunMechs(const std::vector<std::string>& argv);

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_ADMIN_H_
