// sasl_peer.cc: ONE side of a SASL exchange through the real libsasl2, over stdin/stdout, for
// the interoperability tests (tests/interop). Not installed.
//
// Usage:
//   e2esasl-sasl-peer --role client|server --plugin-dir DIR [--plugin-dir DIR ...]
//       [--sasldb FILE] --mech NAME [--user NAME] [--password PASS]
//       [--binding-name NAME --binding-hex HEX [--critical]] [--option KEY=VALUE ...]
//       [--timeout SECONDS] [--setpass] [--conf-dir DIR] [--app NAME]
//
// --plugin-dir gives exactly the directories libsasl2 loads plugins from (SASL_PATH is
// replaced, never extended). --setpass provisions --user/--password in --sasldb through
// sasl_setpass on a server connection (libsasl2 stores userPassword, then every loaded
// mechanism's setpass runs) and exits.
// --conf-dir makes libsasl2 read its configuration file <DIR>/<NAME>.conf (--app, default
// e2esasl-interop), as an installed server reads /etc/sasl2/<app>.conf: auxprop plugins such as
// sql read their settings there, once, at sasl_server_init. A server then needs no --sasldb;
// --option answers still come first (the connection's getopt), the file answers the rest.
//
// Wire format on stdin/stdout, one line each:
//   <base64>            one SASL message (an empty line is an empty message)
//   @mech NAME          client only, first: the name sasl_client_start returned
//   @result ok          the exchange succeeded on this side (last line)
//   @result fail CODE NAME DETAIL
//                       it failed: the SASL code, its name and sasl_errdetail (last line)
// Log messages (SASL_CB_LOG) go to stderr as "sasl_peer log <level>: <message>".
// '@' is not in the base64 alphabet, so status lines never look like messages. The server
// prints its success data (SCRAM's v=) as a message line, then "@result ok". The client
// reports "@result ok" once sasl_client_step returned SASL_OK. A read that sees end of input
// reports "fail ... EOF"; one that waits longer than --timeout (default 10 s) reports "fail ...
// TIMEOUT". Exit status: 0 success, 1 authentication failed, 2 usage, 3 setup failed.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sasl/sasl.h>
#include <sasl/saslutil.h>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSetup = 3;

struct PeerOptions {
  std::string role;
  std::vector<std::string> plugin_dirs;
  std::string sasldb;
  std::string mech;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::string> binding_name;
  std::vector<unsigned char> binding_data;
  bool critical = false;
  bool setpass = false;
  int timeout_s = 10;
  std::string conf_dir;
  std::string app = "e2esasl-interop";
  std::map<std::string, std::string> getopt_answers;
};

// Context of the callbacks; outlives every connection.
struct CallbackContext {
  const PeerOptions* options = nullptr;
  std::vector<unsigned char> secret;  // sasl_secret_t storage for SASL_CB_PASS
};

const char* CodeName(int code) {
  switch (code) {
    case SASL_OK:
      return "SASL_OK";
    case SASL_CONTINUE:
      return "SASL_CONTINUE";
    case SASL_FAIL:
      return "SASL_FAIL";
    case SASL_NOMEM:
      return "SASL_NOMEM";
    case SASL_BUFOVER:
      return "SASL_BUFOVER";
    case SASL_NOMECH:
      return "SASL_NOMECH";
    case SASL_BADPROT:
      return "SASL_BADPROT";
    case SASL_NOTDONE:
      return "SASL_NOTDONE";
    case SASL_BADPARAM:
      return "SASL_BADPARAM";
    case SASL_TRYAGAIN:
      return "SASL_TRYAGAIN";
    case SASL_BADMAC:
      return "SASL_BADMAC";
    case SASL_BADSERV:
      return "SASL_BADSERV";
    case SASL_BADAUTH:
      return "SASL_BADAUTH";
    case SASL_NOAUTHZ:
      return "SASL_NOAUTHZ";
    case SASL_TOOWEAK:
      return "SASL_TOOWEAK";
    case SASL_ENCRYPT:
      return "SASL_ENCRYPT";
    case SASL_EXPIRED:
      return "SASL_EXPIRED";
    case SASL_NOUSER:
      return "SASL_NOUSER";
    case SASL_NOVERIFY:
      return "SASL_NOVERIFY";
    case SASL_UNAVAIL:
      return "SASL_UNAVAIL";
    case SASL_BADBINDING:
      return "SASL_BADBINDING";
    case SASL_WRONGMECH:
      return "SASL_WRONGMECH";
    default:
      return "SASL_OTHER";
  }
}

bool ParseHex(const std::string& hex, std::vector<unsigned char>* out) {
  if (hex.size() % 2 != 0) {
    return false;
  }
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    if (std::sscanf(hex.substr(i, 2).c_str(), "%2x", &value) != 1) {
      return false;
    }
    out->push_back(static_cast<unsigned char>(value));
  }
  return true;
}

std::optional<PeerOptions> ParseArgs(int argc, char** argv) {
  PeerOptions o;
  std::optional<std::string> binding_hex;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) {
        return std::nullopt;
      }
      return std::string(argv[++i]);
    };
    std::optional<std::string> v;
    if (arg == "--critical") {
      o.critical = true;
      continue;
    }
    if (arg == "--setpass") {
      o.setpass = true;
      continue;
    }
    if (!(v = value())) {
      std::fprintf(stderr, "sasl_peer: %s needs a value\n", arg.c_str());
      return std::nullopt;
    }
    if (arg == "--role") {
      o.role = *v;
    } else if (arg == "--plugin-dir") {
      o.plugin_dirs.push_back(*v);
    } else if (arg == "--sasldb") {
      o.sasldb = *v;
    } else if (arg == "--mech") {
      o.mech = *v;
    } else if (arg == "--user") {
      o.user = *v;
    } else if (arg == "--password") {
      o.password = *v;
    } else if (arg == "--binding-name") {
      o.binding_name = *v;
    } else if (arg == "--binding-hex") {
      binding_hex = *v;
    } else if (arg == "--timeout") {
      o.timeout_s = std::atoi(v->c_str());
    } else if (arg == "--conf-dir") {
      o.conf_dir = *v;
    } else if (arg == "--app") {
      o.app = *v;
    } else if (arg == "--option") {
      const size_t eq = v->find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "sasl_peer: --option wants KEY=VALUE\n");
        return std::nullopt;
      }
      o.getopt_answers[v->substr(0, eq)] = v->substr(eq + 1);
    } else {
      std::fprintf(stderr, "sasl_peer: unknown argument %s\n", arg.c_str());
      return std::nullopt;
    }
  }
  const bool roles_ok =
      o.role == "client" || (o.role == "server" && (!o.sasldb.empty() || !o.conf_dir.empty()));
  const bool binding_ok = o.binding_name.has_value() == binding_hex.has_value() &&
                          (!binding_hex || ParseHex(*binding_hex, &o.binding_data));
  if (!roles_ok || !binding_ok || o.plugin_dirs.empty() || (o.mech.empty() && !o.setpass) ||
      o.timeout_s <= 0 || (o.setpass && (o.role != "server" || !o.user || !o.password))) {
    std::fprintf(stderr, "sasl_peer: bad or missing arguments (see the top of sasl_peer.cc)\n");
    return std::nullopt;
  }
  if (!o.sasldb.empty()) {
    o.getopt_answers["sasldb_path"] = o.sasldb;
    o.getopt_answers.emplace("auxprop_plugin", "sasldb");
  }
  return o;
}

int GetOpt(void* context, const char*, const char* option, const char** result, unsigned* len) {
  const auto* ctx = static_cast<const CallbackContext*>(context);
  const auto it = ctx->options->getopt_answers.find(option);
  if (it == ctx->options->getopt_answers.end()) {
    return SASL_FAIL;
  }
  *result = it->second.c_str();
  if (len != nullptr) {
    *len = static_cast<unsigned>(it->second.size());
  }
  return SASL_OK;
}

// LogToStderr prints libsasl2's and the plugins' log messages to stderr, one line each:
// "sasl_peer log <level>: <message>" (the interop tests read warnings from there).
int LogToStderr(void*, int level, const char* message) {
  std::fprintf(stderr, "sasl_peer log %d: %s\n", level, message != nullptr ? message : "");
  return SASL_OK;
}

int GetAuthname(void* context, int id, const char** result, unsigned* len) {
  const auto* ctx = static_cast<const CallbackContext*>(context);
  if (id != SASL_CB_AUTHNAME || !ctx->options->user) {
    return SASL_FAIL;
  }
  *result = ctx->options->user->c_str();
  if (len != nullptr) {
    *len = static_cast<unsigned>(ctx->options->user->size());
  }
  return SASL_OK;
}

int GetSecret(sasl_conn_t*, void* context, int, sasl_secret_t** psecret) {
  auto* ctx = static_cast<CallbackContext*>(context);
  if (!ctx->options->password) {
    return SASL_FAIL;
  }
  const std::string& pass = *ctx->options->password;
  ctx->secret.assign(sizeof(sasl_secret_t) + pass.size(), 0);
  auto* secret = reinterpret_cast<sasl_secret_t*>(ctx->secret.data());
  secret->len = pass.size();
  std::memcpy(secret->data, pass.data(), pass.size());
  *psecret = secret;
  return SASL_OK;
}

using Fn = int (*)();
template <typename F>
Fn AsFn(F* f) {
  return reinterpret_cast<Fn>(reinterpret_cast<void (*)()>(f));
}

// AnswerPrompts answers SASL_INTERACT prompts: no authorization identity (empty), the rest
// from the options.
void AnswerPrompts(sasl_interact_t* prompts, const PeerOptions& o) {
  static const std::string empty;
  for (sasl_interact_t* p = prompts; p != nullptr && p->id != SASL_CB_LIST_END; ++p) {
    const std::string* value = &empty;
    if (p->id == SASL_CB_AUTHNAME && o.user) {
      value = &*o.user;
    } else if (p->id == SASL_CB_PASS && o.password) {
      value = &*o.password;
    }
    p->result = value->c_str();
    p->len = static_cast<unsigned>(value->size());
  }
}

// LineReader reads '\n'-terminated lines from a file descriptor with a timeout.
class LineReader {
 public:
  enum class Result { kLine, kEof, kTimeout };
  LineReader(int fd, int timeout_s) : fd_(fd), timeout_s_(timeout_s) {}
  Result Read(std::string* line) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s_);
    for (;;) {
      const size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        *line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        if (!line->empty() && line->back() == '\r') {
          line->pop_back();
        }
        return Result::kLine;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        return Result::kTimeout;
      }
      pollfd pfd{fd_, POLLIN, 0};
      const int r = poll(&pfd, 1, static_cast<int>(left.count()));
      if (r < 0 && errno == EINTR) {
        continue;
      }
      if (r <= 0) {
        return r == 0 ? Result::kTimeout : Result::kEof;
      }
      char chunk[4096];
      const ssize_t n = read(fd_, chunk, sizeof(chunk));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return Result::kEof;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  int timeout_s_;
  std::string buffer_;
};

void PrintLine(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

bool PrintMessage(const char* data, unsigned len) {
  std::vector<char> out(len * 4 / 3 + 8);
  unsigned outlen = 0;
  if (sasl_encode64(data, len, out.data(), static_cast<unsigned>(out.size()), &outlen) != SASL_OK) {
    return false;
  }
  PrintLine(std::string(out.data(), outlen));
  return true;
}

std::optional<std::string> DecodeMessage(const std::string& line) {
  std::vector<char> out(line.size() + 4);
  unsigned outlen = 0;
  if (sasl_decode64(line.data(), static_cast<unsigned>(line.size()), out.data(),
                    static_cast<unsigned>(out.size()), &outlen) != SASL_OK) {
    return std::nullopt;
  }
  return std::string(out.data(), outlen);
}

int Fail(sasl_conn_t* conn, int code, const std::string& why = "") {
  std::string detail = why;
  if (detail.empty() && conn != nullptr) {
    const char* d = sasl_errdetail(conn);
    detail = d != nullptr ? d : "";
  }
  for (char& c : detail) {
    if (c == '\n') {
      c = ' ';
    }
  }
  PrintLine("@result fail " + std::to_string(code) + " " + CodeName(code) + " " + detail);
  return kExitFailed;
}

// ReadMessage reads the next message; on EOF, timeout or bad base64 it reports the failure
// and returns nullopt.
std::optional<std::string> ReadMessage(LineReader& reader, sasl_conn_t* conn, int* exit_code) {
  std::string line;
  switch (reader.Read(&line)) {
    case LineReader::Result::kEof:
      *exit_code = Fail(conn, SASL_FAIL, "EOF: the peer closed the connection");
      return std::nullopt;
    case LineReader::Result::kTimeout:
      *exit_code = Fail(conn, SASL_FAIL, "TIMEOUT: no message from the peer");
      return std::nullopt;
    case LineReader::Result::kLine:
      break;
  }
  std::optional<std::string> message = DecodeMessage(line);
  if (!message) {
    *exit_code = Fail(conn, SASL_BADPROT, "the peer sent a line that is not base64: " + line);
  }
  return message;
}

int RunClient(sasl_conn_t* conn, const PeerOptions& o, LineReader& reader) {
  sasl_interact_t* prompts = nullptr;
  const char* out = nullptr;
  unsigned outlen = 0;
  const char* chosen = nullptr;
  int r = sasl_client_start(conn, o.mech.c_str(), &prompts, &out, &outlen, &chosen);
  while (r == SASL_INTERACT) {
    AnswerPrompts(prompts, o);
    r = sasl_client_start(conn, o.mech.c_str(), &prompts, &out, &outlen, &chosen);
  }
  if (r != SASL_OK && r != SASL_CONTINUE) {
    return Fail(conn, r);
  }
  PrintLine(std::string("@mech ") + (chosen != nullptr ? chosen : ""));
  if (!PrintMessage(out != nullptr ? out : "", outlen)) {
    return Fail(conn, SASL_BUFOVER, "base64 encoding failed");
  }
  while (r == SASL_CONTINUE) {
    int exit_code = kExitFailed;
    const std::optional<std::string> in = ReadMessage(reader, conn, &exit_code);
    if (!in) {
      return exit_code;
    }
    r = sasl_client_step(conn, in->data(), static_cast<unsigned>(in->size()), &prompts, &out,
                         &outlen);
    while (r == SASL_INTERACT) {
      AnswerPrompts(prompts, o);
      r = sasl_client_step(conn, in->data(), static_cast<unsigned>(in->size()), &prompts, &out,
                           &outlen);
    }
    if (r != SASL_OK && r != SASL_CONTINUE) {
      return Fail(conn, r);
    }
    if (r == SASL_CONTINUE || outlen > 0) {
      if (!PrintMessage(out != nullptr ? out : "", outlen)) {
        return Fail(conn, SASL_BUFOVER, "base64 encoding failed");
      }
    }
  }
  PrintLine("@result ok");
  return kExitOk;
}

int RunServer(sasl_conn_t* conn, const PeerOptions& o, LineReader& reader) {
  int exit_code = kExitFailed;
  std::optional<std::string> in = ReadMessage(reader, conn, &exit_code);
  if (!in) {
    return exit_code;
  }
  const char* out = nullptr;
  unsigned outlen = 0;
  int r = sasl_server_start(conn, o.mech.c_str(), in->data(), static_cast<unsigned>(in->size()),
                            &out, &outlen);
  for (;;) {
    if (r != SASL_OK && r != SASL_CONTINUE) {
      return Fail(conn, r);
    }
    if (r == SASL_CONTINUE || out != nullptr) {
      if (!PrintMessage(out != nullptr ? out : "", outlen)) {
        return Fail(conn, SASL_BUFOVER, "base64 encoding failed");
      }
    }
    if (r == SASL_OK) {
      break;
    }
    in = ReadMessage(reader, conn, &exit_code);
    if (!in) {
      return exit_code;
    }
    r = sasl_server_step(conn, in->data(), static_cast<unsigned>(in->size()), &out, &outlen);
  }
  PrintLine("@result ok");
  return kExitOk;
}

int Run(const PeerOptions& o) {
  std::string path;
  for (const std::string& dir : o.plugin_dirs) {
    path += (path.empty() ? "" : ":") + dir;
  }
  if (sasl_set_path(SASL_PATH_TYPE_PLUGIN, path.data()) != SASL_OK) {
    std::fprintf(stderr, "sasl_peer: sasl_set_path failed\n");
    return kExitSetup;
  }
  if (!o.conf_dir.empty() &&
      sasl_set_path(SASL_PATH_TYPE_CONFIG, const_cast<char*>(o.conf_dir.c_str())) != SASL_OK) {
    std::fprintf(stderr, "sasl_peer: sasl_set_path(CONFIG) failed\n");
    return kExitSetup;
  }
  CallbackContext ctx{&o, {}};
  std::vector<sasl_callback_t> callbacks = {{SASL_CB_GETOPT, AsFn(&GetOpt), &ctx},
                                            {SASL_CB_LOG, AsFn(&LogToStderr), nullptr}};
  if (o.role == "client") {
    callbacks.push_back({SASL_CB_AUTHNAME, AsFn(&GetAuthname), &ctx});
    callbacks.push_back({SASL_CB_PASS, AsFn(&GetSecret), &ctx});
  }
  callbacks.push_back({SASL_CB_LIST_END, nullptr, nullptr});

  const bool client = o.role == "client";
  int r = client ? sasl_client_init(nullptr) : sasl_server_init(nullptr, o.app.c_str());
  if (r != SASL_OK) {
    std::fprintf(stderr, "sasl_peer: sasl_*_init: %s\n", sasl_errstring(r, nullptr, nullptr));
    return kExitSetup;
  }
  sasl_conn_t* conn = nullptr;
  r = client ? sasl_client_new(o.app.c_str(), "server.example", nullptr, nullptr, callbacks.data(),
                               0, &conn)
             : sasl_server_new(o.app.c_str(), "server.example", nullptr, nullptr, nullptr,
                               callbacks.data(), SASL_SUCCESS_DATA, &conn);
  if (r != SASL_OK) {
    std::fprintf(stderr, "sasl_peer: sasl_*_new: %s\n", sasl_errstring(r, nullptr, nullptr));
    client ? sasl_client_done() : sasl_server_done();
    return kExitSetup;
  }
  sasl_channel_binding_t cb{};
  if (o.binding_name) {
    cb.name = o.binding_name->c_str();
    cb.critical = o.critical ? 1 : 0;
    cb.data = o.binding_data.data();
    cb.len = static_cast<unsigned>(o.binding_data.size());
    r = sasl_setprop(conn, SASL_CHANNEL_BINDING, &cb);
  }
  int exit_code = kExitSetup;
  if (r != SASL_OK) {
    std::fprintf(stderr, "sasl_peer: sasl_setprop(SASL_CHANNEL_BINDING) failed\n");
  } else if (o.setpass) {
    r = sasl_setpass(conn, o.user->c_str(), o.password->c_str(),
                     static_cast<unsigned>(o.password->size()), nullptr, 0, SASL_SET_CREATE);
    exit_code = r == SASL_OK ? kExitOk : Fail(conn, r);
    if (r == SASL_OK) {
      PrintLine("@result ok");
    }
  } else {
    LineReader reader(STDIN_FILENO, o.timeout_s);
    exit_code = client ? RunClient(conn, o, reader) : RunServer(conn, o, reader);
  }
  sasl_dispose(&conn);
  client ? sasl_client_done() : sasl_server_done();
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<PeerOptions> options = ParseArgs(argc, argv);
  if (!options) {
    return kExitUsage;
  }
  return Run(*options);
}
