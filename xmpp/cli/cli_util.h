// cli_util.h: the command line, secrets and status file of the e2e-xmpp program.
#ifndef E2ESASL_XMPP_CLI_CLI_UTIL_H_
#define E2ESASL_XMPP_CLI_CLI_UTIL_H_

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "e2esasl/xmpp.h"

namespace e2e_xmpp_cli {

// Error ends the program with `code` (an e2e_xmpp_code) and a message for people.
struct Error {
  int code;
  std::string message;
};

// Args: --name VALUE options (repeatable), --flag options.
class Args {
 public:
  Args(int argc, char** argv, int first, const std::set<std::string>& values,
       const std::set<std::string>& flags) {
    for (int i = first; i < argc; ++i) {
      std::string a = argv[i];
      if (!a.starts_with("--")) {
        throw Error{E2E_XMPP_ERR_USAGE, "unexpected argument '" + a + "'"};
      }
      std::string name = a.substr(2), value;
      size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      if (flags.count(name) != 0 && eq == std::string::npos) {
        v_[name].push_back("1");
        continue;
      }
      if (values.count(name) == 0) {
        throw Error{E2E_XMPP_ERR_USAGE, "unknown option --" + name};
      }
      if (eq == std::string::npos) {
        if (i + 1 >= argc) {
          throw Error{E2E_XMPP_ERR_USAGE, "--" + name + " needs a value"};
        }
        value = argv[++i];
      }
      v_[name].push_back(value);
    }
  }
  bool Has(const std::string& n) const { return v_.count(n) != 0; }
  std::string Get(const std::string& n, const std::string& fallback = "") const {
    auto it = v_.find(n);
    return it == v_.end() ? fallback : it->second.back();
  }
  std::vector<std::string> All(const std::string& n) const {
    auto it = v_.find(n);
    return it == v_.end() ? std::vector<std::string>{} : it->second;
  }
  std::string Need(const std::string& n) const {
    if (!Has(n)) {
      throw Error{E2E_XMPP_ERR_USAGE, "--" + n + " is required"};
    }
    return Get(n);
  }
  unsigned Number(const std::string& n, unsigned fallback) const {
    if (!Has(n)) {
      return fallback;
    }
    try {
      size_t used = 0;
      unsigned long v = std::stoul(Get(n), &used);
      if (used != Get(n).size() || v > 100000000) {
        throw std::invalid_argument(n);
      }
      return static_cast<unsigned>(v);
    } catch (const std::exception&) {
      throw Error{E2E_XMPP_ERR_USAGE, "--" + n + " needs a number"};
    }
  }

 private:
  std::map<std::string, std::vector<std::string>> v_;
};

// ReadSecret: the first line of a file, or a line typed on the terminal without echo. Throws
// Error (setup when the file is unreadable, usage when there is no terminal).
std::string ReadSecret(const std::string& file, const std::string& prompt);

// Report: the --status-file ("key value" lines).
struct Report {
  std::vector<std::pair<std::string, std::string>> lines;
  void Set(const std::string& k, const std::string& v) {
    for (auto& [key, value] : lines) {
      if (key == k) {
        value = v;
        return;
      }
    }
    lines.emplace_back(k, v);
  }
  void Add(const std::string& k, const std::string& v) { lines.emplace_back(k, v); }
  void Write(const std::string& path) const;
};

}  // namespace e2e_xmpp_cli

#endif  // E2ESASL_XMPP_CLI_CLI_UTIL_H_
