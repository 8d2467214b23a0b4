// e2e-demo: Alice and Bob authenticate each other end to end with SASL inside TLS, bound to the
// TLS channel, through a relay that is honest or a man in the middle. See docs/demo.md.
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "admin.h"
#include "options.h"
#include "peer.h"
#include "relay.h"
#include "showcase.h"
#include "util.h"

int main(int argc, char** argv) {
  using e2esasl::demo::ExitCode;
  // A peer that vanishes must give an error, not kill us with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0) {
    std::cout << e2esasl::demo::Usage();
    return argc < 2 ? static_cast<int>(ExitCode::kUsage) : 0;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (command == "alice") {
      return e2esasl::demo::RunAlice(args);
    }
    if (command == "bob") {
      return e2esasl::demo::RunBob(args);
    }
    if (command == "relay") {
      return e2esasl::demo::RunRelay(args);
    }
    if (command == "passwd") {
      return e2esasl::demo::RunPasswd(args);
    }
    if (command == "mechs") {
      return e2esasl::demo::RunMechs(args);
    }
    if (command == "showcase") {
      return e2esasl::demo::RunShowcase(argv[0], args);
    }
  } catch (const e2esasl::demo::DemoError& e) {
    std::cerr << "e2e-demo " << command << ": " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "e2e-demo " << command << ": " << e.what() << "\n";
    return static_cast<int>(ExitCode::kSetup);
  }
  std::cerr << "e2e-demo: unknown command '" << command << "'\n\n" << e2esasl::demo::Usage();
  return static_cast<int>(ExitCode::kUsage);
}
