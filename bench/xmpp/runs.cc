// runs.cc: see runs.h.
#include "runs.h"

#include <time.h>

#include <stdexcept>

namespace e2esasl::bench::xmpp {
namespace {

constexpr auto kAuthDeadline = std::chrono::seconds(120);
constexpr auto kCloseDeadline = std::chrono::seconds(30);

int64_t ProcessCpuNanos() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Snapshot: the clocks at one instant.
struct Snapshot {
  Clock::time_point wall = Clock::now();
  int64_t cpu = ProcessCpuNanos();
  int64_t server = 0;
  explicit Snapshot(const Meters& m) : server(m.server ? m.server() : 0) {}
};

void CheckAlive(const Endpoint& e) {
  if (e.failed_code) {
    throw std::runtime_error(e.name() + " failed (" + e2e_xmpp_code_name(*e.failed_code) +
                             "): " + e.failed_reason);
  }
}

// Pump until done() holds; throws when a side failed or the deadline passed.
template <typename Done>
void PumpUntil(Link& link, Endpoint& alice, Endpoint& bob, const Meters& m, Done done,
               Clock::duration limit, const char* what) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    CheckAlive(alice);
    CheckAlive(bob);
    if (Clock::now() > deadline) {
      throw std::runtime_error(std::string("no ") + what + " within the deadline");
    }
    link.Pump(m.poll_ms);
  }
}

void Start(Link& link, Endpoint& alice, Endpoint& bob, const Credentials& c) {
  alice.Reset();
  bob.Reset();
  e2e_xmpp_start_options options{};
  options.mechanism = c.mechanism.c_str();
  options.user = c.user.c_str();
  options.password = c.password.empty() ? nullptr : c.password.c_str();
  const std::string peer = link.bob_jid();
  alice.session = e2e_xmpp_start(link.alice(), peer.c_str(), &options);
  if (alice.session == nullptr) {
    throw std::runtime_error("e2e_xmpp_start refused " + peer);
  }
}

// Finish: closes alice's session and serves the link until both sides have ended it.
void Finish(Link& link, Endpoint& alice, Endpoint& bob, const Meters& m) {
  if (alice.session != nullptr) {
    e2e_xmpp_close(alice.session);
  }
  PumpUntil(
      link, alice, bob, m, [&] { return alice.ended() && bob.ended(); }, kCloseDeadline,
      "session end");
}

}  // namespace

AuthSample RunAuth(Link& link, Endpoint& alice, Endpoint& bob, const Credentials& credentials,
                   const Meters& meters) {
  const Snapshot before(meters);
  Start(link, alice, bob, credentials);
  PumpUntil(
      link, alice, bob, meters, [&] { return alice.authenticated() && bob.authenticated(); },
      kAuthDeadline, "authentication");
  const Snapshot after(meters);
  alice.counting = false;
  bob.counting = false;
  AuthSample s;
  s.alice_ms = Ms(*alice.authenticated_at - before.wall);
  s.bob_ms = Ms(*bob.authenticated_at - before.wall);
  s.both_ms = std::max(s.alice_ms, s.bob_ms);
  s.cpu_ms = static_cast<double>(after.cpu - before.cpu) / 1e6;
  s.server_cpu_ms = static_cast<double>(after.server - before.server) / 1e6;
  s.alice = alice.tally;
  s.bob = bob.tally;
  s.mechanism = alice.mechanism;
  s.binding = alice.binding;
  Finish(link, alice, bob, meters);
  return s;
}

FlowSample RunFlow(Link& link, Endpoint& alice, Endpoint& bob, const Credentials& credentials,
                   size_t total, size_t line_bytes, const Meters& meters) {
  Start(link, alice, bob, credentials);
  PumpUntil(
      link, alice, bob, meters, [&] { return alice.authenticated() && bob.authenticated(); },
      kAuthDeadline, "authentication");
  alice.tally = StanzaTally{};
  bob.tally = StanzaTally{};
  bob.expect = total;
  // Chat lines of printable text (the inner protocol is line-based: no newline inside).
  std::string line(line_bytes, ' ');
  for (size_t i = 0; i < line.size(); ++i) {
    line[i] = static_cast<char>('a' + i % 26);
  }
  const Snapshot before(meters);
  for (size_t sent = 0; sent < total;) {
    const size_t n = std::min(line_bytes, total - sent);
    if (e2e_xmpp_send(alice.session, line.data(), n) != 0) {
      throw std::runtime_error("e2e_xmpp_send refused a line");
    }
    sent += n;
  }
  // 1 KB/s at the very least: a rate-limited server gives ~7 KB/s.
  const auto limit = std::chrono::seconds(60 + total / 1000);
  PumpUntil(
      link, alice, bob, meters, [&] { return bob.all_received_at.has_value(); }, limit,
      "complete transfer");
  const Snapshot after(meters);
  FlowSample s;
  s.seconds = std::chrono::duration<double>(*bob.all_received_at - before.wall).count();
  s.cpu_ms = static_cast<double>(after.cpu - before.cpu) / 1e6;
  s.server_cpu_ms = static_cast<double>(after.server - before.server) / 1e6;
  s.alice = alice.tally;
  Finish(link, alice, bob, meters);
  return s;
}

void Idle(Link& link, unsigned ms, unsigned poll_ms) {
  const auto end = Clock::now() + std::chrono::milliseconds(ms);
  while (Clock::now() < end) {
    link.Pump(poll_ms);
  }
}

}  // namespace e2esasl::bench::xmpp
