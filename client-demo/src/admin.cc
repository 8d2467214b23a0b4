// admin.cc: see admin.h.
#include "admin.h"

#include <algorithm>
#include <iostream>

#include "options.h"
#include "wire.h"

namespace e2esasl::demo {

void SetPassword(const SaslLibrary& lib, const std::string& user, const std::string& password) {
  sasl_conn_t* raw = nullptr;
  const std::string& realm = lib.config().realm;
  int rc = sasl_server_new(kService, nullptr, realm.empty() ? nullptr : realm.c_str(), nullptr,
                           nullptr, lib.callbacks().data(), 0, &raw);
  SaslConnPtr conn(raw);
  if (rc != SASL_OK) {
    throw DemoError(ExitCode::kSetup, "sasl_server_new: " + SaslCodeName(rc));
  }
  rc = sasl_setpass(conn.get(), user.c_str(), password.c_str(),
                    static_cast<unsigned>(password.size()), nullptr, 0, SASL_SET_CREATE);
  if (rc != SASL_OK) {
    const char* detail = sasl_errdetail(conn.get());
    throw DemoError(ExitCode::kSetup, "sasl_setpass(" + user + "): " + SaslCodeName(rc) + ": " +
                                          (detail ? detail : ""));
  }
}

std::vector<std::string> OfferedMechanisms(const SaslLibrary& lib) {
  // A dummy non-critical binding makes the glue list the -PLUS names too; a (rejecting) SAS
  // person makes SAS-R255-PLUS available (it is offered only when the server can ask someone).
  auto binding = channelbind::SaslChannelBinding::Standard(channelbind::Type::kTlsExporter,
                                                           Bytes(32, 0), /*critical=*/false)
                     .value();  // 32 bytes: cannot fail
  SasCallbacks sas{[](const std::string&) { return false; }, [](const std::string&) {}, {}, {}};
  SaslServerSession server(lib, &binding, &sas);
  std::vector<std::string> offered = SplitMechs(server.Mechanisms());
  // Base names listed only because a binding is set (SAS-R255: it runs only as -PLUS) are not
  // usable without a binding: keep a base name only when the unbound server lists it too.
  SaslServerSession unbound(lib, nullptr, &sas);
  std::vector<std::string> unbound_names = SplitMechs(unbound.Mechanisms());
  std::erase_if(offered, [&](const std::string& m) {
    return !m.ends_with("-PLUS") &&
           std::find(unbound_names.begin(), unbound_names.end(), m) == unbound_names.end();
  });
  SaslClientSession client(
      lib, "probe", [] { return std::string(); }, nullptr, "localhost");
  std::vector<std::string> client_mechs = SplitMechs(client.Mechanisms());
  std::vector<std::string> out;
  for (const std::string& m : offered) {
    std::string base = m.ends_with("-PLUS") ? m.substr(0, m.size() - 5) : m;
    if (std::find(client_mechs.begin(), client_mechs.end(), base) != client_mechs.end()) {
      out.push_back(m);
    }
  }
  return out;
}

int RunPasswd(const std::vector<std::string>& argv) {
  try {
    Args args(argv, {{"sasldb", true},
                     {"user", true},
                     {"password", true},
                     {"plugin-dir", true},
                     {"realm", true},
                     {"verbose", false}});
    if (!args.Has("sasldb") || !args.Has("user")) {
      throw DemoError(ExitCode::kUsage, "passwd needs --sasldb FILE and --user NAME");
    }
    std::string user = args.Get("user");
    std::string password = args.Has("password") ? args.Get("password") : PromptPassword(user);
    SaslConfig config{args.Get("plugin-dir", DefaultPluginPath()),
                      args.Get("sasldb"),
                      args.Get("realm"),
                      args.Has("verbose"),
                      "passwd",
                      "",
                      "",
                      {}};
    SaslLibrary lib(config, /*server=*/true, /*client=*/false);
    SetPassword(lib, user, password);
    std::cerr << "passwd: stored the secrets of " << user << " in " << config.sasldb_path
              << " (every loaded plugin's setpass)\n";
    return 0;
  } catch (const DemoError& e) {
    std::cerr << "passwd: error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  }
}

int RunMechs(const std::vector<std::string>& argv) {
  try {
    Args args(argv, {{"plugin-dir", true}, {"verbose", false}});
    SaslConfig config{args.Get("plugin-dir", DefaultPluginPath()),
                      "",
                      "",
                      args.Has("verbose"),
                      "mechs",
                      "",
                      "",
                      {}};
    SaslLibrary lib(config, /*server=*/true, /*client=*/true);
    for (const std::string& m : OfferedMechanisms(lib)) {
      std::cout << m << "\n";
    }
    return 0;
  } catch (const DemoError& e) {
    std::cerr << "mechs: error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  }
}

}  // namespace e2esasl::demo
