// cli_util.cc: see cli_util.h.
#include "cli_util.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>

namespace e2e_xmpp_cli {

std::string ReadSecret(const std::string& file, const std::string& prompt) {
  std::string line;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in || !std::getline(in, line)) {
      throw Error{E2E_XMPP_ERR_SETUP, "cannot read a secret from " + file};
    }
    return line;
  }
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) {
    throw Error{E2E_XMPP_ERR_USAGE, prompt + ": no terminal; give it with a --*-file option"};
  }
  std::fprintf(tty, "%s: ", prompt.c_str());
  std::fflush(tty);
  termios old{};
  bool have = tcgetattr(fileno(tty), &old) == 0;
  if (have) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fileno(tty), TCSANOW, &quiet);
  }
  char buf[1024];
  bool ok = std::fgets(buf, sizeof(buf), tty) != nullptr;
  if (have) {
    tcsetattr(fileno(tty), TCSANOW, &old);
  }
  std::fprintf(tty, "\n");
  std::fclose(tty);
  if (!ok) {
    throw Error{E2E_XMPP_ERR_USAGE, prompt + ": nothing typed"};
  }
  line = buf;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.pop_back();
  }
  std::memset(buf, 0, sizeof(buf));
  return line;
}

void Report::Write(const std::string& path) const {
  if (path.empty()) {
    return;
  }
  std::ofstream out(path, std::ios::trunc);
  for (const auto& [k, v] : lines) {
    out << k << " " << v << "\n";
  }
}

}  // namespace e2e_xmpp_cli
