// e2e_failure_test.cc: failure paths of e2e-demo. Each must end with a clear error and its
// documented exit code (docs/demo.md) within a bounded time, never a hang:
//   garbage instead of TLS -> 4, garbage protocol line -> 6, relay or peer dying -> 7,
//   a relay or peer that stops answering -> 8 after --timeout, wrong password -> 5,
//   a binding undefined on the connection -> 4, bad command line -> 2.
#include <cppunit/extensions/HelperMacros.h>

#include "demo_runner.h"

namespace e2esasl::e2e {
namespace {

constexpr int kShortTimeout = 3;
// Bound on wall time: the children's timeout, plus start-up and slack for sanitizer builds.
constexpr double kBound = kShortTimeout + 4.0;

std::string Msg(const RunResult& r) {
  return r.Describe();
}

}  // namespace
}  // namespace e2esasl::e2e

using namespace e2esasl::e2e;  // NOLINT(google-build-using-namespace)

class E2eFailureTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(E2eFailureTest);
  CPPUNIT_TEST(testGarbageInsteadOfTls);
  CPPUNIT_TEST(testGarbageLineFromRelay);
  CPPUNIT_TEST(testRelayDiesDuringHandshake);
  CPPUNIT_TEST(testRelayDiesDuringSasl);
  CPPUNIT_TEST(testRelayStopsAnswering);
  CPPUNIT_TEST(testPeerStopsAnswering);
  CPPUNIT_TEST(testPeerDead);
  CPPUNIT_TEST(testWrongPassword);
  CPPUNIT_TEST(testBindingUndefined);
  CPPUNIT_TEST(testUsage);
  CPPUNIT_TEST_SUITE_END();

 public:
  static RunSpec Spec(std::vector<std::string> relay_args) {
    RunSpec spec;
    spec.timeout_s = kShortTimeout;
    spec.relay_args = std::move(relay_args);
    // No binding, so a MITM relay gets as far as its fault (a binding would stop it earlier).
    spec.alice_args = {"--cb", "none"};
    spec.bob_args = {"--cb", "none"};
    return spec;
  }

  static void AssertExit(const RunResult& r, int alice, const std::string& reason_word) {
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Msg(r), alice, r.alice_exit);
    CPPUNIT_ASSERT_MESSAGE(Msg(r), r.seconds < kBound);
    CPPUNIT_ASSERT_MESSAGE(Msg(r), r.alice.Get("reason").find(reason_word) != std::string::npos);
  }

  void testGarbageInsteadOfTls() {
    RunResult r = Run(Spec({"--fault", "garbage-tls"}));
    AssertExit(r, kExitTls, "TLS");
  }

  void testGarbageLineFromRelay() {
    RunResult r = Run(Spec({"--mitm", "--fault", "garbage-line"}));
    AssertExit(r, kExitProtocol, "expected MECHS");
  }

  void testRelayDiesDuringHandshake() {
    RunResult r = Run(Spec({"--fault", "cut-after-bytes:60"}));
    AssertExit(r, kExitConnectionLost, "closed");
  }

  void testRelayDiesDuringSasl() {
    // MECHS and AUTH pass, then the relay drops both connections.
    RunResult r = Run(Spec({"--mitm", "--fault", "cut-after-lines:2"}));
    AssertExit(r, kExitConnectionLost, "closed");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Msg(r), int{kExitConnectionLost}, r.bob_exit);
  }

  void testRelayStopsAnswering() {
    // The relay's own idle timeout is longer, so alice's --timeout is what fires.
    RunResult r = Run(Spec({"--mitm", "--fault", "stall-after-lines:2", "--timeout", "60"}));
    AssertExit(r, kExitTimeout, "timeout");
    // bob times out too, or sees the relay drop him once alice gave up.
    CPPUNIT_ASSERT_MESSAGE(Msg(r), r.bob_exit == kExitTimeout || r.bob_exit == kExitConnectionLost);
  }

  void testPeerStopsAnswering() {
    // The relay's idle timeout is longer than alice's, as in testRelayStopsAnswering: with equal
    // timeouts the relay could give up first and close alice's connection (exit 7, not 8).
    RunSpec spec = Spec({"--timeout", "60"});
    spec.stop_bob = true;  // SIGSTOP: the kernel still accepts the TCP connection
    RunResult r = Run(spec);
    AssertExit(r, kExitTimeout, "timeout");
  }

  void testPeerDead() {
    RunSpec spec = Spec({});
    spec.kill_bob = true;  // nobody listens: the relay cannot connect and drops alice
    RunResult r = Run(spec);
    AssertExit(r, kExitConnectionLost, "closed");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Msg(r), int{kExitSetup}, r.relay_exit);
  }

  void testWrongPassword() {
    RunSpec spec = Spec({});
    spec.alice_args.insert(spec.alice_args.end(), {"--password", "wrong password"});
    RunResult r = Run(spec);
    // Which end notices depends on the mechanism negotiated: bob (SCRAM, CPace) or alice
    // herself (OPAQUE: the envelope does not open); both report a refusal.
    AssertExit(r, kExitRefused, "refused");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Msg(r), int{kExitRefused}, r.bob_exit);
  }

  void testBindingUndefined() {
    RunSpec spec = Spec({});
    spec.alice_args = {"--cb", "tls-unique", "--tls-version", "1.3"};
    spec.bob_args = {"--cb", "tls-unique", "--tls-version", "1.3"};
    RunResult r = Run(spec);
    AssertExit(r, kExitTls, "tls-unique unavailable");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Msg(r), int{kExitTls}, r.bob_exit);
  }

  void testUsage() {
    CPPUNIT_ASSERT_EQUAL(int{kExitUsage}, RunCommand({"alice"}, nullptr, 10));
    CPPUNIT_ASSERT_EQUAL(int{kExitUsage}, RunCommand({"bob", "--cb", "tls-bogus"}, nullptr, 10));
    CPPUNIT_ASSERT_EQUAL(int{kExitUsage}, RunCommand({"no-such-command"}, nullptr, 10));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(E2eFailureTest);
