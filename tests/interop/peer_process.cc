// peer_process.cc: two child processes and the relay between them (see peer_process.h).
#include "interop/peer_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace e2esasl::interop {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kGsaslPrompt[] = "Enter base64 encoded ";
constexpr char kGsaslPromptEnd[] = "channel binding: ";

// Child: one started process and the parent's ends of its pipes.
struct Child {
  pid_t pid = -1;
  int in = -1;
  int out = -1;
  int err = -1;
  std::string out_buf;
  std::string err_buf;
  bool out_eof = false;
  bool err_eof = false;
  std::vector<std::string> pending;  // lines written before it was started
  // gsasl's stdout conventions
  bool echo_seen = false;        // its first line echoes the mechanism name
  bool initial_skipped = false;  // a server's first output is an empty line (client-first)
  bool finished = false;         // its outcome is known
};

void CloseFd(int* fd) {
  if (*fd >= 0) {
    close(*fd);
    *fd = -1;
  }
}

std::vector<std::string> MergedEnvironment(const std::vector<std::string>& extra) {
  std::map<std::string, std::string> vars;
  std::vector<std::string> order;
  auto add = [&](const std::string& entry) {
    const std::string key = entry.substr(0, entry.find('='));
    if (vars.find(key) == vars.end()) {
      order.push_back(key);
    }
    vars[key] = entry;
  };
  for (char** e = environ; *e != nullptr; ++e) {
    add(*e);
  }
  for (const std::string& entry : extra) {
    add(entry);
  }
  std::vector<std::string> merged;
  for (const std::string& key : order) {
    merged.push_back(vars[key]);
  }
  return merged;
}

void Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
           Child* child) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);  // the relay ignores SIGPIPE, children not
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  for (const std::string& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  const std::vector<std::string> merged = MergedEnvironment(env);
  std::vector<char*> envp;
  for (const std::string& e : merged) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);
  const int r =
      posix_spawn(&child->pid, argv.at(0).c_str(), &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  child->in = in[1];
  child->out = out[0];
  child->err = err[0];
  if (r != 0) {
    child->pid = -1;
    CloseFd(&child->in);
    CloseFd(&child->out);
    CloseFd(&child->err);
    throw std::runtime_error("posix_spawn " + argv.at(0) + ": " + std::strerror(r));
  }
}

void WriteLine(Child& child, const std::string& line) {
  if (child.pid < 0) {
    child.pending.push_back(line);
    return;
  }
  if (child.in < 0) {
    return;
  }
  const std::string data = line + "\n";
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(child.in, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      CloseFd(&child.in);  // it exited (EPIPE): its outcome shows why
      return;
    }
    done += static_cast<size_t>(n);
  }
}

// Drain reads what is available on fd into buf; sets eof at end of file.
void Drain(int* fd, std::string* buf, bool* eof) {
  char chunk[4096];
  const ssize_t n = read(*fd, chunk, sizeof(chunk));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
    return;
  }
  if (n <= 0) {
    *eof = true;
    CloseFd(fd);
    return;
  }
  buf->append(chunk, static_cast<size_t>(n));
}

int ExitStatus(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Reap waits for the child until the deadline, then kills it. Returns its exit status.
int Reap(Child& child, Clock::time_point deadline) {
  if (child.pid < 0) {
    return -1;
  }
  int status = 0;
  for (;;) {
    const pid_t r = waitpid(child.pid, &status, WNOHANG);
    if (r == child.pid) {
      return ExitStatus(status);
    }
    if (r < 0 && errno != EINTR) {
      return -1;
    }
    if (Clock::now() >= deadline) {
      kill(child.pid, SIGKILL);
      waitpid(child.pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::string LastLine(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') {
    t.pop_back();
  }
  const size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

// Relay holds both ends and the rules of the conversation.
class Relay {
 public:
  Relay(const Side& client, const Side& server) : spec_{client, server} {}

  ExchangeResult Run(int timeout_ms) {
    const Clock::time_point start = Clock::now();
    const Clock::time_point deadline = start + std::chrono::milliseconds(timeout_ms);
    Spawn(spec_[0].argv, spec_[0].env, &child_[0]);
    if (!spec_[1].mech_from_client) {
      StartServer(spec_[1].argv);
    }
    while (!(Done(0) && Done(1))) {
      if (child_[1].pid < 0 && !result_.client.mech.empty()) {
        std::vector<std::string> argv = spec_[1].argv;
        argv.push_back("--mech");
        argv.push_back(result_.client.mech);
        StartServer(argv);
      }
      std::vector<pollfd> fds;
      std::vector<std::pair<int, bool>> who;  // (side, is_stdout)
      for (int side = 0; side < 2; ++side) {
        if (child_[side].out >= 0) {
          fds.push_back({child_[side].out, POLLIN, 0});
          who.emplace_back(side, true);
        }
        if (child_[side].err >= 0) {
          fds.push_back({child_[side].err, POLLIN, 0});
          who.emplace_back(side, false);
        }
      }
      if (fds.empty()) {
        break;  // the server was never started: the client failed before choosing
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        result_.timed_out = true;
        break;
      }
      const int n = poll(fds.data(), fds.size(), static_cast<int>(left));
      if (n < 0 && errno != EINTR) {
        throw std::runtime_error("poll failed");
      }
      for (size_t i = 0; n > 0 && i < fds.size(); ++i) {
        if (fds[i].revents == 0) {
          continue;
        }
        Child& c = child_[who[i].first];
        if (who[i].second) {
          Drain(&c.out, &c.out_buf, &c.out_eof);
        } else {
          Drain(&c.err, &c.err_buf, &c.err_eof);
        }
      }
      for (int side = 0; side < 2; ++side) {
        Process(side);
      }
    }
    for (int side = 0; side < 2; ++side) {
      // After a timeout, kill at once; otherwise give them until the deadline to exit.
      const int status = Reap(child_[side], result_.timed_out ? Clock::now() : deadline);
      SideOutcome& o = Outcome(side);
      o.exit_status = status;
      o.stderr_text = child_[side].err_buf;
      if (spec_[side].kind == SideKind::kGsasl) {
        o.ok = status == 0 && !result_.timed_out;
        o.detail = LastLine(child_[side].err_buf);
      }
      CloseFd(&child_[side].in);
      CloseFd(&child_[side].out);
      CloseFd(&child_[side].err);
    }
    result_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result_;
  }

 private:
  SideOutcome& Outcome(int side) { return side == 0 ? result_.client : result_.server; }
  bool Done(int side) const {
    return child_[side].pid >= 0 && child_[side].out_eof && child_[side].err_eof;
  }

  void StartServer(const std::vector<std::string>& argv) {
    Spawn(argv, spec_[1].env, &child_[1]);
    std::vector<std::string> pending;
    pending.swap(child_[1].pending);
    for (const std::string& line : pending) {
      WriteLine(child_[1], line);
    }
  }

  // Finish records that side's outcome is known and tells the other side.
  void Finish(int side, bool ok) {
    Child& me = child_[side];
    if (me.finished) {
      return;
    }
    me.finished = true;
    Outcome(side).order = ++finished_count_;
    const int other = 1 - side;
    Child& peer = child_[other];
    if (peer.finished) {
      return;
    }
    if (ok && spec_[side].kind == SideKind::kPeer && spec_[other].kind == SideKind::kGsasl) {
      // gsasl's loop reads one more line after its last output (the client's empty final
      // response, or an empty line after the server's v=): give it that line.
      WriteLine(peer, "");
    } else if (peer.pid >= 0) {
      if (ok && side == 1 && spec_[other].kind == SideKind::kPeer) {
        // The server succeeded without success data (libsasl2 returns NULL then): like an
        // application's "success" with nothing attached, the client takes one empty message.
        WriteLine(peer, "");
      }
      if (!ok && side == 0 && spec_[other].kind == SideKind::kPeer) {
        // The client gave up (e.g. on a SCRAM "e=" error sent as a challenge): like an
        // application handling the client's abort, let the server finish with an empty response
        // so it reports its own verdict.
        WriteLine(peer, "");
      }
      CloseFd(&peer.in);  // it sees end of input if it still waits
    }
  }

  void Forward(int side, const std::string& line) {
    std::string decoded;
    if (FromBase64(line, &decoded)) {
      Outcome(side).messages.push_back(decoded);
    } else {
      Outcome(side).messages.push_back("<not base64: " + line + ">");
    }
    if (!child_[1 - side].finished) {
      WriteLine(child_[1 - side], line);
    }
  }

  void Process(int side) {
    Child& c = child_[side];
    SideOutcome& o = Outcome(side);
    for (;;) {
      if (spec_[side].kind == SideKind::kGsasl && c.out_buf.rfind(kGsaslPrompt, 0) == 0) {
        const size_t end = c.out_buf.find(kGsaslPromptEnd);
        if (end == std::string::npos) {
          break;  // the rest of the prompt is still on its way
        }
        c.out_buf.erase(0, end + std::strlen(kGsaslPromptEnd));
        WriteLine(c, spec_[side].binding_b64);
        ++o.binding_prompts;
        continue;
      }
      const size_t nl = c.out_buf.find('\n');
      if (nl == std::string::npos) {
        break;
      }
      const std::string line = c.out_buf.substr(0, nl);
      c.out_buf.erase(0, nl + 1);
      if (spec_[side].kind == SideKind::kPeer) {
        ProcessPeerLine(side, line);
      } else {
        ProcessGsaslLine(side, line);
      }
    }
    if (c.out_eof && !c.finished) {
      // gsasl: its outcome is its exit status, known after Reap; a peer that exits without a
      // result line crashed.
      if (spec_[side].kind == SideKind::kPeer) {
        o.detail = "exited without a result line";
      }
      Finish(side, false);
    }
  }

  void ProcessPeerLine(int side, const std::string& line) {
    SideOutcome& o = Outcome(side);
    if (line.rfind("@mech ", 0) == 0) {
      o.mech = line.substr(6);
    } else if (line == "@result ok") {
      o.ok = true;
      Finish(side, true);
    } else if (line.rfind("@result fail ", 0) == 0) {
      // "@result fail CODE NAME DETAIL"
      const std::string rest = line.substr(13);
      const size_t sp1 = rest.find(' ');
      const size_t sp2 = rest.find(' ', sp1 == std::string::npos ? rest.size() : sp1 + 1);
      o.sasl_code = std::atoi(rest.substr(0, sp1).c_str());
      if (sp1 != std::string::npos) {
        o.code_name =
            rest.substr(sp1 + 1, sp2 == std::string::npos ? std::string::npos : sp2 - sp1 - 1);
      }
      o.detail = sp2 == std::string::npos ? "" : rest.substr(sp2 + 1);
      Finish(side, false);
    } else {
      Forward(side, line);
    }
  }

  void ProcessGsaslLine(int side, const std::string& line) {
    Child& c = child_[side];
    if (!c.echo_seen) {
      c.echo_seen = true;  // the mechanism name
      if (side == 0) {
        Outcome(side).mech = line;
      }
      return;
    }
    if (side == 1 && !c.initial_skipped) {
      c.initial_skipped = true;
      if (line.empty()) {
        return;  // no initial challenge: the client speaks first
      }
    }
    Forward(side, line);
  }

  Side spec_[2];
  Child child_[2];
  ExchangeResult result_;
  int finished_count_ = 0;
};

}  // namespace

char ExchangeResult::Gs2Flag() const {
  if (client.messages.empty() || client.messages[0].empty()) {
    return '?';
  }
  return client.messages[0][0];
}

std::string ExchangeResult::Gs2Header() const {
  if (client.messages.empty()) {
    return "";
  }
  const std::string& m = client.messages[0];
  const size_t first = m.find(',');
  const size_t second = first == std::string::npos ? first : m.find(',', first + 1);
  return second == std::string::npos ? m : m.substr(0, second + 1);
}

std::string ExchangeResult::Describe() const {
  auto side = [](const char* name, const SideOutcome& o) {
    std::string s = std::string(name) + ": " + (o.ok ? "ok" : "FAILED") +
                    " exit=" + std::to_string(o.exit_status) + " order=" + std::to_string(o.order);
    if (!o.code_name.empty()) {
      s += " " + o.code_name + "(" + std::to_string(o.sasl_code) + ")";
    }
    if (!o.detail.empty()) {
      s += " detail=\"" + o.detail + "\"";
    }
    s += " sent=" + std::to_string(o.messages.size());
    if (!o.mech.empty()) {
      s += " mech=" + o.mech;
    }
    std::string err = o.stderr_text;
    if (err.size() > 600) {
      err = "..." + err.substr(err.size() - 600);
    }
    if (!err.empty()) {
      s += "\n  stderr: " + err;
    }
    return s;
  };
  return side("client", client) + "\n" + side("server", server) + "\ngs2 header \"" + Gs2Header() +
         "\"" + (timed_out ? " TIMED OUT" : "") + " in " + std::to_string(seconds) + " s";
}

ExchangeResult RunExchange(const Side& client, const Side& server, int timeout_ms) {
  signal(SIGPIPE, SIG_IGN);  // a side that exits early must not kill the relay
  Relay relay(client, server);
  return relay.Run(timeout_ms);
}

int RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env,
               int timeout_ms, std::string* out, const std::string& input) {
  signal(SIGPIPE, SIG_IGN);
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  Child c;
  Spawn(argv, env, &c);
  // The input is small (a few lines): it fits the pipe, so writing it all first cannot block
  // on a child that is itself blocked writing output.
  for (size_t done = 0; done < input.size() && c.in >= 0;) {
    const ssize_t n = write(c.in, input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    done += static_cast<size_t>(n);
  }
  CloseFd(&c.in);
  while (c.out >= 0 || c.err >= 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      break;
    }
    std::vector<pollfd> fds;
    for (int fd : {c.out, c.err}) {
      if (fd >= 0) {
        fds.push_back({fd, POLLIN, 0});
      }
    }
    if (poll(fds.data(), fds.size(), static_cast<int>(left)) < 0 && errno != EINTR) {
      break;
    }
    for (const pollfd& p : fds) {
      if (p.revents != 0) {
        if (p.fd == c.out) {
          Drain(&c.out, &c.out_buf, &c.out_eof);
        } else {
          Drain(&c.err, &c.err_buf, &c.err_eof);
        }
      }
    }
  }
  const int status = Reap(c, deadline);
  CloseFd(&c.out);
  CloseFd(&c.err);
  if (out != nullptr) {
    *out = c.out_buf + c.err_buf;
  }
  return status;
}

std::string ToBase64(const std::string& data) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                       (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (i + 1 == data.size()) {
    const unsigned v = static_cast<unsigned char>(data[i]) << 16;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == data.size()) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                       (static_cast<unsigned char>(data[i + 1]) << 8);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

bool FromBase64(const std::string& text, std::string* out) {
  if (text.size() % 4 != 0) {
    return false;
  }
  out->clear();
  unsigned acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '=') {
      if (i + 2 < text.size()) {
        return false;
      }
      ++pad;
      continue;
    }
    if (pad != 0) {
      return false;
    }
    const char* p = std::strchr(kAlphabet, ch);
    if (p == nullptr || ch == '\0') {
      return false;
    }
    acc = (acc << 6) | static_cast<unsigned>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

}  // namespace e2esasl::interop
