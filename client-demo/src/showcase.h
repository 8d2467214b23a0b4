// showcase.h: `e2e-demo showcase`: temporary certificates and sasldb, then every available
// mechanism x {honest relay, man-in-the-middle relay} on loopback, as child processes of this
// program, with a table a person reads at a glance (or --json).
#ifndef E2ESASL_CLIENT_DEMO_SHOWCASE_H_
#define E2ESASL_CLIENT_DEMO_SHOWCASE_H_

#include <string>
#include <vector>

namespace e2esasl::demo {

int RunShowcase(const char* argv0, const std::vector<std::string>& argv);

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_SHOWCASE_H_
