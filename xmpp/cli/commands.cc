// commands.cc: see commands.h.
#include "commands.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "e2esasl/xmpp.h"

namespace e2e_xmpp_cli {

const char* const kUsage =
    "usage:\n"
    "  e2e-xmpp bob     --jid JID --xmpp-password-file F --sasldb F [common] [--mechs LIST]\n"
    "                   [--sessions N] [--say TEXT]...\n"
    "  e2e-xmpp alice   --jid JID --xmpp-password-file F --peer FULLJID [common] [--mech M]\n"
    "                   [--user NAME] [--secret-file F] [--say TEXT]... [--expect N]\n"
    "  e2e-xmpp mallory --jid JID --xmpp-password-file F --target FULLJID [common]\n"
    "  e2e-xmpp passwd  --sasldb F --user NAME [--secret-file F] [--plugin-dir D]\n"
    "  e2e-xmpp statement --jid JID --xmpp-password-file F --device-key F --device-id ID\n"
    "                   --out F [common]\n"
    "common: --server HOST[:PORT] --cafile PEM --plugin-dir D --tls openssl|gnutls\n"
    "        --tls-version any|1.2|1.3 --cb default|none|TYPE --block-size N --timeout S\n"
    "        --sas-answer ask|yes|no|compare:PATH --sas-store F --status-file F --trace\n"
    "        --sasl-option NAME=VALUE (repeatable: a mechanism option e2esasl_*)\n"
    "Secrets are read from files (or the terminal), never from the command line.\n";

std::optional<Args> ParseCommandLine(const std::string& role, int argc, char** argv) {
  if (role == "passwd") {
    return Args(argc, argv, 2, {"sasldb", "user", "secret-file", "plugin-dir"}, {});
  }
  std::set<std::string> values = {
      "jid",        "xmpp-password-file", "server",    "cafile",     "plugin-dir",
      "tls",        "tls-version",        "cb",        "block-size", "timeout",
      "sas-answer", "status-file",        "sas-store", "sasl-option"};
  if (role == "bob") {
    values.insert({"sasldb", "mechs", "sessions", "say"});
  } else if (role == "alice") {
    values.insert({"peer", "mech", "user", "secret-file", "say", "expect"});
  } else if (role == "mallory") {
    values.insert({"target"});
  } else if (role == "statement") {
    values.insert({"device-key", "device-id", "out"});
  } else {
    return std::nullopt;
  }
  return Args(argc, argv, 2, values, {"trace", "xmpp-debug"});
}

int Passwd(const Args& args) {
  std::string sasldb = args.Need("sasldb");
  std::string user = args.Need("user");
  std::string plugin_dir = args.Get("plugin-dir");
  std::string secret = ReadSecret(args.Get("secret-file"), "secret for " + user);
  e2e_xmpp_config config{};
  config.plugin_path = plugin_dir.empty() ? nullptr : plugin_dir.c_str();
  config.sasldb_path = sasldb.c_str();
  char* error = nullptr;
  int rc = e2e_xmpp_set_password(&config, user.c_str(), secret.c_str(), &error);
  std::fill(secret.begin(), secret.end(), '\0');
  if (rc != 0) {
    std::cerr << "passwd: " << (error != nullptr ? error : "failed") << "\n";
    e2e_xmpp_free_string(error);
    return rc;
  }
  std::cerr << "passwd: stored " << user << "'s secrets in " << sasldb << "\n";
  return 0;
}

std::string ReadDeviceKey(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) {
    throw Error{E2E_XMPP_ERR_SETUP, "cannot read the device key file " + path};
  }
  std::string key = text.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) {
    key.pop_back();
  }
  return key;
}

std::optional<Error> SaveStatement(const std::string& path, const std::string& statement) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << statement << "\n";
    if (!out.flush()) {
      return Error{E2E_XMPP_ERR_SETUP, "cannot write " + temporary};
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return Error{E2E_XMPP_ERR_SETUP, "cannot write " + path};
  }
  return std::nullopt;
}

namespace {

// AskTerminal: a question on /dev/tty and the line typed (echoed), without its line end; "no"
// when there is no terminal.
std::string AskTerminal(const std::string& question) {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) {
    return "no";
  }
  std::fprintf(tty, "%s ", question.c_str());
  std::fflush(tty);
  char buf[64] = {0};
  bool ok = std::fgets(buf, sizeof(buf), tty) != nullptr;
  std::fclose(tty);
  std::string s = ok ? buf : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

}  // namespace

int SasPrompt::Confirm(const std::string& sas) const {
  if (answer == "yes" || answer == "no") {
    std::cout << "short authentication string: " << sas << " (answering " << answer << ")"
              << std::endl;
    return answer == "yes" ? 1 : 0;
  }
  if (answer.rfind("compare:", 0) == 0) {
    Write(sas);
    std::string other_role = role == "alice" ? "bob" : "alice";
    std::string path = answer.substr(8) + "." + other_role;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < until) {
      std::ifstream in(path);
      std::string theirs;
      if (in && std::getline(in, theirs) && !theirs.empty()) {
        bool same = theirs == sas;
        std::cout << "short authentication string: " << sas << ", the other end reads " << theirs
                  << (same ? ": same" : ": DIFFERENT") << std::endl;
        return same ? 1 : 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return 0;
  }
  std::string typed = AskTerminal("Does the other end show " + sas + "? [yes/no]");
  return typed == "yes" || typed == "y" ? 1 : 0;
}

void SasPrompt::Write(const std::string& sas) const {
  if (answer.rfind("compare:", 0) == 0) {
    std::ofstream(answer.substr(8) + "." + role) << sas << "\n";
  }
}

void ReportContinuity(Report* report, int event, const std::string& peer) {
  switch (event) {
    case E2E_XMPP_SAS_REMEMBERED:
      report->Set("continuity", "remembered");
      std::cout << peer << " is remembered: no comparison needed" << std::endl;
      break;
    case E2E_XMPP_SAS_FIRST:
      report->Set("continuity", "first");
      std::cout << "first contact with " << peer << ": compare the strings" << std::endl;
      break;
    case E2E_XMPP_SAS_NOT_MATCHED:
      report->Set("continuity", "not-matched");
      std::cout << "WARNING: " << peer
                << " is remembered but did NOT prove it (a new device, a lost store, or a man "
                   "in the middle): compare the strings!"
                << std::endl;
      break;
    case E2E_XMPP_SAS_STORED:
      report->Set("continuity_stored", "yes");
      break;
    default:
      break;
  }
}

}  // namespace e2e_xmpp_cli
