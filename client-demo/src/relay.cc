// relay.cc: see relay.h.
#include "relay.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <iostream>
#include <optional>

#include "options.h"
#include "peer.h"
#include "sasl_session.h"
#include "tls.h"
#include "wire.h"

namespace e2esasl::demo {
namespace {

struct Fault {
  std::string kind;  // "" = none
  long count = 0;
};

struct RelayOptions {
  std::optional<HostPort> listen;
  int listen_fd = -1;
  HostPort connect;
  bool mitm = false;
  bool keep_plus = false;
  TlsLib tls = TlsLib::kOpenssl;
  TlsVersionPin version = TlsVersionPin::kAny;
  int timeout_s = -1;  // idle timeout; -1 = none
  int accept_timeout_s = -1;
  std::string report_file;
  std::string cert_file;
  std::string key_file;
  Fault fault;
  bool verbose = false;
};

Fault ParseFault(const std::string& text) {
  Fault f;
  if (text.empty()) {
    return f;
  }
  size_t colon = text.find(':');
  f.kind = text.substr(0, colon);
  static const char* kKinds[] = {"garbage-tls",       "garbage-line",    "cut-after-bytes",
                                 "stall-after-bytes", "cut-after-lines", "stall-after-lines"};
  bool known = false;
  for (const char* k : kKinds) {
    known = known || f.kind == k;
  }
  bool counted = f.kind.find("-after-") != std::string::npos;
  if (!known || counted != (colon != std::string::npos)) {
    throw DemoError(ExitCode::kUsage, "unknown --fault '" + text + "'");
  }
  if (counted) {
    std::string n = text.substr(colon + 1);
    auto [ptr, ec] = std::from_chars(n.data(), n.data() + n.size(), f.count);
    if (ec != std::errc() || ptr != n.data() + n.size() || f.count < 0) {
      throw DemoError(ExitCode::kUsage, "bad count in --fault '" + text + "'");
    }
  }
  return f;
}

RelayOptions ParseRelayOptions(const std::vector<std::string>& argv) {
  Args args(argv, {{"listen", true},
                   {"listen-fd", true},
                   {"connect", true},
                   {"mitm", false},
                   {"keep-plus", false},
                   {"tls", true},
                   {"tls-version", true},
                   {"timeout", true},
                   {"accept-timeout", true},
                   {"report", true},
                   {"cert", true},
                   {"key", true},
                   {"fault", true},
                   {"verbose", false}});
  RelayOptions o;
  if (args.Has("listen")) {
    o.listen = ParseHostPort(args.Get("listen"));
  }
  o.listen_fd = args.GetInt("listen-fd", -1);
  if ((!o.listen && o.listen_fd < 0) || !args.Has("connect")) {
    throw DemoError(ExitCode::kUsage, "relay needs --listen HOST:PORT and --connect HOST:PORT");
  }
  o.connect = ParseHostPort(args.Get("connect"));
  o.mitm = args.Has("mitm");
  o.keep_plus = args.Has("keep-plus");
  if (args.Has("tls")) {
    auto lib = ParseTlsLib(args.Get("tls"));
    if (!lib) {
      throw DemoError(ExitCode::kUsage, "--tls must be openssl or gnutls");
    }
    o.tls = *lib;
  }
  if (args.Has("tls-version")) {
    auto pin = ParseTlsVersionPin(args.Get("tls-version"));
    if (!pin) {
      throw DemoError(ExitCode::kUsage, "--tls-version must be 1.2 or 1.3");
    }
    o.version = *pin;
  }
  o.timeout_s = args.GetInt("timeout", -1);
  o.accept_timeout_s = args.GetInt("accept-timeout", -1);
  o.report_file = args.Get("report");
  o.cert_file = args.Get("cert");
  o.key_file = args.Get("key");
  o.fault = ParseFault(args.Get("fault"));
  o.verbose = args.Has("verbose");
  bool mitm_fault = o.fault.kind == "garbage-line" || o.fault.kind.ends_with("-lines");
  if (!o.fault.kind.empty() && mitm_fault != o.mitm) {
    throw DemoError(ExitCode::kUsage, "--fault " + o.fault.kind +
                                          (o.mitm ? " needs an honest relay" : " needs --mitm"));
  }
  return o;
}

Deadline Idle(const RelayOptions& o) {
  return o.timeout_s < 0 ? Deadline::Never() : Deadline::After(std::chrono::seconds(o.timeout_s));
}

void Say(const RelayOptions& o, const std::string& message) {
  std::cerr << (o.mitm ? "relay(mitm): " : "relay: ") << message << std::endl;
}

// Honest forwards bytes both ways until either side closes.
void Honest(const RelayOptions& o, int a, int b, Report& report) {
  long a2b = 0;
  long b2a = 0;
  bool stalled = false;
  const std::string garbage = "this is not TLS: the relay sends garbage\r\n\x01\x02\x03\xff";
  if (o.fault.kind == "garbage-tls") {
    WriteAllFd(a, garbage, Idle(o));
    Say(o, "fault: sent garbage instead of TLS to alice");
    stalled = true;
  }
  for (;;) {
    pollfd fds[2] = {{a, POLLIN, 0}, {b, static_cast<short>(stalled ? 0 : POLLIN), 0}};
    int r = poll(fds, 2, Idle(o).RemainingMs());
    if (r == 0) {
      throw DemoError(ExitCode::kTimeout, "no traffic within --timeout");
    }
    if (r < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw DemoError(ExitCode::kConnectionLost, std::string("poll: ") + std::strerror(errno));
    }
    for (int i = 0; i < 2; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      char buf[16384];
      ssize_t n = recv(fds[i].fd, buf, sizeof(buf), 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        continue;
      }
      if (n <= 0) {
        Say(o, std::string(i == 0 ? "alice" : "bob") + " closed the connection");
        report.Set("bytes_alice_to_bob", std::to_string(a2b));
        report.Set("bytes_bob_to_alice", std::to_string(b2a));
        return;
      }
      if (i == 0 && a2b == 0) {
        report.Set("alice_first_byte", Hex(std::span(reinterpret_cast<uint8_t*>(buf), 1)));
      }
      if (i == 0) {
        if (!stalled) {
          WriteAllFd(b, std::string_view(buf, static_cast<size_t>(n)), Idle(o));
        }
        a2b += n;
        continue;
      }
      size_t take = static_cast<size_t>(n);
      bool cut = false;
      if (o.fault.kind.ends_with("-after-bytes") && b2a + n >= o.fault.count) {
        take = static_cast<size_t>(o.fault.count - b2a);
        cut = true;
      }
      WriteAllFd(a, std::string_view(buf, take), Idle(o));
      b2a += static_cast<long>(take);
      if (cut && o.fault.kind == "cut-after-bytes") {
        Say(o, "fault: cut both connections after " + std::to_string(b2a) + " bytes from bob");
        throw DemoError(ExitCode::kOk, "cut");
      }
      if (cut) {
        Say(o, "fault: stopped forwarding after " + std::to_string(b2a) + " bytes from bob");
        stalled = true;
      }
    }
  }
}

std::string StripPlus(const std::string& list) {
  std::string out;
  for (const std::string& m : SplitMechs(list)) {
    if (m.ends_with("-PLUS")) {
      continue;
    }
    out += (out.empty() ? "" : " ") + m;
  }
  return out;
}

// Mitm relays protocol lines between the two TLS legs, reading (and rewriting) what it can.
void Mitm(const RelayOptions& o, LineChannel& alice, LineChannel& bob, Report& report) {
  long lines = 0;
  bool stalled = false;
  for (;;) {
    bool from_alice = alice.Ready();
    bool from_bob = !stalled && bob.Ready();
    if (!from_alice && !from_bob) {
      pollfd fds[2] = {{alice.tls().fd(), POLLIN, 0},
                       {bob.tls().fd(), static_cast<short>(stalled ? 0 : POLLIN), 0}};
      int r = poll(fds, 2, Idle(o).RemainingMs());
      if (r == 0) {
        throw DemoError(ExitCode::kTimeout, "no traffic within --timeout");
      }
      if (r < 0) {
        continue;
      }
      from_alice = fds[0].revents != 0;
      from_bob = fds[1].revents != 0;
    }
    LineChannel& in = from_alice ? alice : bob;
    LineChannel& out = from_alice ? bob : alice;
    std::string who = from_alice ? "alice" : "bob";
    std::string other = from_alice ? "bob" : "alice";
    auto line = in.ReadLine(Idle(o));
    if (!line) {
      Say(o, who + " closed the connection");
      out.tls().Close(Deadline::After(std::chrono::seconds(1)));
      return;
    }
    auto [command, rest] = SplitCommand(*line);
    if (o.verbose) {
      Say(o, who + " -> " + other + ": " + line->substr(0, 100));
    }
    if (o.fault.kind == "garbage-line" && !from_alice && lines == 0) {
      Say(o, "fault: replaced bob's first line with garbage");
      *line = "\x01\x02 GARBAGE \xff\xfe from the relay";
    } else if (command == "MECHS") {
      report.Set("offered", rest);
      Say(o, "bob offers: " + rest);
      if (!o.keep_plus) {
        std::string stripped = StripPlus(rest);
        if (stripped != rest) {
          Say(o, "downgrade attempt: told alice only: " + stripped);
        }
        *line = "MECHS " + stripped;
        report.Set("forwarded", stripped);
      }
    } else if (command == "AUTH") {
      report.Set("mech", SplitCommand(rest).first);
      Say(o, "alice chose " + SplitCommand(rest).first);
    } else if (command == "OK") {
      report.Set("auth", "ok");
      Say(o, "bob accepted alice: the MITM is in the middle of an authenticated session");
    } else if (command == "FAIL") {
      report.Set("auth", "failed " + who + ": " + rest);
      Say(o, who + " refused: " + rest);
    } else if (command == "MSG") {
      report.Add("chat", who + "->" + other + ": " + rest);
      Say(o, "READ CHAT IN CLEAR " + who + "->" + other + ": " + rest);
    }
    out.WriteLine(*line, Idle(o));
    ++lines;
    if (o.fault.kind == "cut-after-lines" && lines >= o.fault.count) {
      Say(o, "fault: cut both connections after " + std::to_string(lines) + " lines");
      throw DemoError(ExitCode::kOk, "cut");
    }
    if (o.fault.kind == "stall-after-lines" && lines >= o.fault.count && !stalled) {
      Say(o, "fault: stopped forwarding after " + std::to_string(lines) + " lines");
      stalled = true;
    }
  }
}

void RelayOnce(const RelayOptions& o, int listener, const Credentials* creds, Report& report) {
  Deadline accept_deadline = o.accept_timeout_s < 0
                                 ? Deadline::Never()
                                 : Deadline::After(std::chrono::seconds(o.accept_timeout_s));
  UniqueFd a = Accept(listener, accept_deadline);
  Deadline handshake = Deadline::After(std::chrono::seconds(o.timeout_s < 0 ? 30 : o.timeout_s));
  if (!o.mitm) {
    UniqueFd b = Connect(o.connect, handshake);
    Honest(o, a.get(), b.get(), report);
    return;
  }
  TlsConfig to_alice{o.tls, o.version, /*server=*/true, creds};
  LineChannel alice(TlsChannel::Handshake(std::move(a), to_alice, handshake));
  report.Set("alice_tls", std::string(TlsLibName(o.tls)) + " " + alice.tls().VersionName());
  Say(o, "terminated alice's TLS (" + alice.tls().VersionName() +
             ") with the relay's own "
             "certificate");
  TlsConfig to_bob{o.tls, o.version, /*server=*/false, nullptr};
  LineChannel bob(TlsChannel::Handshake(Connect(o.connect, handshake), to_bob, handshake));
  report.Set("bob_tls", std::string(TlsLibName(o.tls)) + " " + bob.tls().VersionName());
  Say(o, "opened its own TLS to bob (" + bob.tls().VersionName() + ")");
  Mitm(o, alice, bob, report);
}

}  // namespace

int RunRelay(const std::vector<std::string>& argv) {
  RelayOptions o;
  Report report;
  std::string report_file;
  ExitCode code = ExitCode::kOk;
  std::string reason;
  try {
    o = ParseRelayOptions(argv);
    report_file = o.report_file;
    report.Set("mode", o.mitm ? "mitm" : "honest");
    std::optional<Credentials> creds;
    if (o.mitm) {
      creds = o.cert_file.empty() ? MakeSelfSigned("mitm.e2e-demo.invalid")
                                  : LoadCredentials(o.cert_file, o.key_file);
    }
    UniqueFd listener = o.listen_fd >= 0 ? UniqueFd(o.listen_fd) : Listen(*o.listen);
    if (o.listen) {
      Say(o, "listening on " + o.listen->host + ":" + std::to_string(LocalPort(listener.get())) +
                 ", forwarding to " + o.connect.host + ":" + std::to_string(o.connect.port));
    }
    RelayOnce(o, listener.get(), creds ? &*creds : nullptr, report);
  } catch (const DemoError& e) {
    code = e.code();
    reason = e.what();
  } catch (const std::exception& e) {
    code = ExitCode::kSetup;
    reason = e.what();
  }
  if (code != ExitCode::kOk) {
    Say(o, "error: " + reason);
  }
  if (o.mitm) {
    auto chat = report.GetAll("chat");
    Say(o, "summary: offered [" + report.Get("offered") + "], mechanism " +
               (report.Get("mech").empty() ? "-" : report.Get("mech")) + ", auth " +
               (report.Get("auth").empty() ? "-" : report.Get("auth")) +
               ", chat lines read: " + std::to_string(chat.size()));
  } else if (!report.Get("alice_first_byte").empty()) {
    Say(o, "summary: forwarded only TLS records (first byte 0x" + report.Get("alice_first_byte") +
               "): nothing readable");
  }
  report.Set("exit", std::to_string(static_cast<int>(code)));
  report.WriteTo(report_file);
  return static_cast<int>(code);
}

}  // namespace e2esasl::demo
