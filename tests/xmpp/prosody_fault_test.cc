// prosody_fault_test.cc: faults that need a real XMPP server, with the e2e-xmpp program (alice,
// bob) through a sandbox Prosody (Debian's mod_limits on). Each test checks exit codes (the
// e2e_xmpp_code values), the status files' reasons, and that nothing hangs:
//   the peer is offline / unknown (9); the server is killed while alice waits for bob's answer
//   (7, at once), stopped after authentication (7), frozen during authentication (8, after
//   --timeout); a wrong shared secret for each password family (5 on both ends); a wrong XMPP
//   account password and a server certificate from another CA (3, the server saw the failed
//   login / the TLS alert); two alices in a row on one bob connection (--sessions 2).
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "prosody_fixture.h"
#include "xmpp_programs.h"

using namespace e2esasl::xmpp_test;  // NOLINT(google-build-using-namespace)
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

namespace {

// A program's own deadline is --timeout + 30 s (no answer at all); every test waits less.
constexpr seconds kRun(40);
constexpr milliseconds kOnline(15000);  // until bob says he waits for sessions
constexpr char kBobWaits[] = "waiting for end-to-end sessions";
constexpr char kLost[] = "the XMPP connection was lost";
constexpr char kLoginFailed[] = "XMPP login failed";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string Describe(const std::string& output, const StatusFile& status) {
  return "output:\n" + output + "\nstatus file:\n" + status.text();
}

// StartBob: bob in the background, once he is online and waiting for sessions.
std::unique_ptr<Child> StartBob(XmppWorld& world, const std::vector<std::string>& extra,
                                const std::string& log) {
  auto bob = std::make_unique<Child>(world.Bob(extra), world.Path(log));
  CPPUNIT_ASSERT_MESSAGE("bob did not come online:\n" + world.server().LogTail(),
                         WaitForText(world.Path(log), kBobWaits, kOnline));
  return bob;
}

}  // namespace

class XmppProsodyFaultTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XmppProsodyFaultTest);
  CPPUNIT_TEST(testPeerOffline);
  CPPUNIT_TEST(testUnknownPeer);
  CPPUNIT_TEST(testServerKilledWhileAliceWaits);
  CPPUNIT_TEST(testServerStoppedAfterAuthentication);
  CPPUNIT_TEST(testServerFrozenDuringAuthentication);
  CPPUNIT_TEST(testWrongSharedSecret);
  CPPUNIT_TEST(testWrongAccountPassword);
  CPPUNIT_TEST(testUntrustedServerCertificate);
  CPPUNIT_TEST(testTwoSessionsOnOneBobConnection);
  CPPUNIT_TEST_SUITE_END();

 public:
  // bob@localhost exists but is not online: the server answers alice's session-initiate with
  // service-unavailable at once.
  void testPeerOffline() {
    XmppWorld world;
    std::string out;
    const auto start = Clock::now();
    const int code = RunProgram(
        world.Alice({"--mech", "SCRAM-SHA-256-PLUS", "--status-file", world.Path("alice.st")}),
        &out, kRun);
    StatusFile alice(world.Path("alice.st"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(out, alice), 9, code);
    CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), alice.Get("outcome"));
    CPPUNIT_ASSERT_EQUAL(std::string(kProgramAlice), alice.Get("jid"));  // she did log in
    CPPUNIT_ASSERT_MESSAGE(
        alice.text(),
        Contains(alice.Get("reason"), "the session request to " + std::string(kProgramBob) +
                                          " failed: service-unavailable"));
    CPPUNIT_ASSERT(!alice.Has("authenticated"));
    CPPUNIT_ASSERT_MESSAGE(std::to_string(SecondsSince(start)), SecondsSince(start) < 10);
  }

  // A JID with no account on the server: the same answer.
  void testUnknownPeer() {
    XmppWorld world;
    std::string out;
    const int code =
        RunProgram(world.Alice({"--peer", "nobody@localhost/x", "--mech", "CPACE-R255-PLUS",
                                "--status-file", world.Path("alice.st")}),
                   &out, kRun);
    StatusFile alice(world.Path("alice.st"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(out, alice), 9, code);
    CPPUNIT_ASSERT_MESSAGE(alice.text(),
                           Contains(alice.Get("reason"),
                                    "the session request to nobody@localhost/x failed: "
                                    "service-unavailable"));
  }

  // The server dies (SIGKILL) while bob waits for alice, whose person is comparing the short
  // authentication string (SAS-R255-PLUS asks the client's person before the server's): bob
  // learns at once that the connection is gone; alice, whose person gives up after her
  // --timeout, refuses and ends normally (no SIGPIPE).
  void testServerKilledWhileAliceWaits() {
    XmppWorld world;
    auto bob = StartBob(world,
                        {"--timeout", "30", "--sas-answer", "compare:" + world.Path("y"),
                         "--status-file", world.Path("bob.st")},
                        "bob.log");
    // alice compares with x.bob, which nobody writes: her question blocks for --timeout.
    Child alice(
        world.Alice({"--mech", "SAS-R255-PLUS", "--sas-answer", "compare:" + world.Path("x"),
                     "--timeout", "4", "--status-file", world.Path("alice.st")}),
        world.Path("alice.log"));
    CPPUNIT_ASSERT_MESSAGE("alice's person was never asked",
                           WaitForText(world.Path("x.alice"), " ", kOnline));
    const auto killed = Clock::now();
    world.KillServer();
    const int bob_code = bob->Wait(seconds(10));
    const double bob_took = SecondsSince(killed);
    StatusFile bob_status(world.Path("bob.st"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(bob_status.text(), 7, bob_code);
    CPPUNIT_ASSERT_EQUAL(std::string("closed"), bob_status.Get("outcome"));
    CPPUNIT_ASSERT_EQUAL(std::string(kLost), bob_status.Get("reason"));
    CPPUNIT_ASSERT(!bob_status.Has("authenticated"));
    CPPUNIT_ASSERT_MESSAGE(std::to_string(bob_took), bob_took < 5);

    // alice either still waited for bob's key confirmation (the connection is gone: 7) or her
    // person was asked and gave up (5); either way she ends by herself with a status file.
    const int alice_code = alice.Wait(seconds(20));
    StatusFile alice_status(world.Path("alice.st"));
    CPPUNIT_ASSERT_MESSAGE(alice_status.text(), alice_code == 5 || alice_code == 7);
    CPPUNIT_ASSERT_MESSAGE(alice_status.text(),
                           alice_code == 5 ? Contains(alice_status.Get("reason"),
                                                      "the person at the client rejected the "
                                                      "short authentication string")
                                           : alice_status.Get("reason") == kLost);
    CPPUNIT_ASSERT(!alice_status.Has("authenticated"));
  }

  // The server shuts down (e2e-prosody stop) while alice, authenticated, waits for a second line
  // from bob: both learn that the connection is gone.
  void testServerStoppedAfterAuthentication() {
    XmppWorld world;
    auto bob = StartBob(
        world, {"--timeout", "20", "--say", "hi alice", "--status-file", world.Path("bob.st")},
        "bob.log");
    Child alice(world.Alice({"--mech", "CPACE-R255-PLUS", "--say", "meet at noon", "--expect", "2",
                             "--timeout", "20", "--status-file", world.Path("alice.st")}),
                world.Path("alice.log"));
    CPPUNIT_ASSERT_MESSAGE("alice never heard bob",
                           WaitForText(world.Path("alice.log"), "hi alice", seconds(20)));
    const auto stopped = Clock::now();
    CPPUNIT_ASSERT_EQUAL(0, world.server().Stop());
    const int alice_code = alice.Wait(seconds(15));
    const double alice_took = SecondsSince(stopped);
    const int bob_code = bob->Wait(seconds(15));
    StatusFile alice_status(world.Path("alice.st"));
    StatusFile bob_status(world.Path("bob.st"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(alice_status.text(), 7, alice_code);
    CPPUNIT_ASSERT_EQUAL(std::string(kLost), alice_status.Get("reason"));
    CPPUNIT_ASSERT_EQUAL(std::string(kProgramBob), alice_status.Get("authenticated"));
    CPPUNIT_ASSERT_EQUAL(std::string("hi alice"), alice_status.Get("heard"));
    CPPUNIT_ASSERT_MESSAGE(std::to_string(alice_took), alice_took < 12);  // stop: <= 10 s
    CPPUNIT_ASSERT_EQUAL_MESSAGE(bob_status.text(), 7, bob_code);
    CPPUNIT_ASSERT_EQUAL(std::string(kLost), bob_status.Get("reason"));
    CPPUNIT_ASSERT_EQUAL(std::string("alice@localhost"), bob_status.Get("authenticated"));
  }

  // The server stops answering without closing anything (SIGSTOP) while bob waits for alice:
  // bob gives up after his --timeout, not later; alice, whose person's question times out,
  // ends by herself.
  void testServerFrozenDuringAuthentication() {
    XmppWorld world;
    auto bob = StartBob(world,
                        {"--timeout", "3", "--sas-answer", "compare:" + world.Path("y"),
                         "--status-file", world.Path("bob.st")},
                        "bob.log");
    Child alice(
        world.Alice({"--mech", "SAS-R255-PLUS", "--sas-answer", "compare:" + world.Path("x"),
                     "--timeout", "4", "--status-file", world.Path("alice.st")}),
        world.Path("alice.log"));
    CPPUNIT_ASSERT_MESSAGE("alice's person was never asked",
                           WaitForText(world.Path("x.alice"), " ", kOnline));
    world.FreezeServer();
    const int bob_code = bob->Wait(seconds(15));
    world.ThawServer();
    StatusFile bob_status(world.Path("bob.st"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(bob_status.text(), 8, bob_code);
    CPPUNIT_ASSERT_EQUAL(std::string("timeout"), bob_status.Get("outcome"));
    CPPUNIT_ASSERT_MESSAGE(bob_status.text(),
                           Contains(bob_status.Get("reason"), "no authentication within 3 s"));
    CPPUNIT_ASSERT(!bob_status.Has("authenticated"));
    // alice ends by herself: her person gives up (5), the session is gone (7), or her own
    // --timeout passes while the frozen server holds bob's messages (8).
    const int alice_code = alice.Wait(seconds(20));
    StatusFile alice_status(world.Path("alice.st"));
    CPPUNIT_ASSERT_MESSAGE(alice_status.text(),
                           alice_code == 5 || alice_code == 7 || alice_code == 8);
    CPPUNIT_ASSERT(!alice_status.Has("authenticated"));
  }

  // alice's secret is not the one bob holds: every password family refuses on both ends, each
  // with its own reason; unbound (--cb none on both ends) as bound.
  void testWrongSharedSecret() {
    XmppWorld world;
    world.WriteFile("wrong", "not the secret bob holds");
    struct Case {
      std::string mech, cb, why;
    };
    const std::vector<Case> cases = {
        {"SCRAM-SHA-256-PLUS", "default", "server reported error: invalid-proof"},
        {"CPACE-R255-PLUS", "default", "the client's key confirmation did not verify"},
        {"OPAQUE-R255-PLUS", "default", "OPAQUE-R255: authentication failed"},
        {"SCRAM-SHA-256", "none", "server reported error: invalid-proof"}};
    for (const Case& c : cases) {
      auto bob = StartBob(
          world, {"--cb", c.cb, "--timeout", "10", "--status-file", world.Path(c.mech + ".bob")},
          c.mech + ".bob.log");
      std::string out;
      const int alice_code = RunProgram(
          world.Alice({"--mech", c.mech, "--cb", c.cb, "--secret-file", world.Path("wrong"),
                       "--timeout", "10", "--status-file", world.Path(c.mech + ".alice")}),
          &out, kRun);
      const int bob_code = bob->Wait(seconds(15));
      StatusFile alice(world.Path(c.mech + ".alice"));
      StatusFile bob_status(world.Path(c.mech + ".bob"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.mech + "\n" + Describe(out, alice), 5, alice_code);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.mech + "\n" + bob_status.text(), 5, bob_code);
      CPPUNIT_ASSERT_EQUAL(std::string("refused"), alice.Get("outcome"));
      CPPUNIT_ASSERT_EQUAL(std::string("refused"), bob_status.Get("outcome"));
      CPPUNIT_ASSERT_MESSAGE(c.mech + ": " + alice.text(), Contains(alice.Get("reason"), c.why));
      CPPUNIT_ASSERT_MESSAGE(c.mech + ": " + bob_status.text(),
                             Contains(bob_status.Get("reason"), c.why));
      CPPUNIT_ASSERT(!alice.Has("authenticated"));
      CPPUNIT_ASSERT(!bob_status.Has("authenticated"));
    }
  }

  // The XMPP account password is wrong: alice never logs in (the server saw the TLS stream but
  // no authentication); with the right one she does (and then finds bob offline).
  void testWrongAccountPassword() {
    XmppWorld world;
    world.WriteFile("bad.xpw", "not alice's account password");
    const int logins = CountText(world.ServerLog(), "Authenticated as alice@localhost");
    std::string out;
    const auto start = Clock::now();
    const int code =
        RunProgram(world.Alice({"--xmpp-password-file", world.Path("bad.xpw"), "--mech",
                                "SCRAM-SHA-256-PLUS", "--status-file", world.Path("bad.st")}),
                   &out, kRun);
    StatusFile bad(world.Path("bad.st"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(out, bad), 3, code);
    CPPUNIT_ASSERT_EQUAL(std::string("setup"), bad.Get("outcome"));
    CPPUNIT_ASSERT_MESSAGE(bad.text(), Contains(bad.Get("reason"), kLoginFailed));
    CPPUNIT_ASSERT(!bad.Has("jid"));
    CPPUNIT_ASSERT_MESSAGE(std::to_string(SecondsSince(start)), SecondsSince(start) < 10);
    CPPUNIT_ASSERT_EQUAL(logins, CountText(world.ServerLog(), "Authenticated as alice@localhost"));
    CPPUNIT_ASSERT_MESSAGE(world.server().LogTail(),
                           CountText(world.ServerLog(), "Stream encrypted") >= 1);

    const int good = RunProgram(world.Alice({"--mech", "SCRAM-SHA-256-PLUS"}), &out, kRun);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 9, good);  // logged in; bob is offline
    CPPUNIT_ASSERT_EQUAL(logins + 1,
                         CountText(world.ServerLog(), "Authenticated as alice@localhost"));
  }

  // alice trusts another CA than the one that issued the server's certificate: she refuses the
  // TLS handshake (the server logs her "unknown ca" alert) and never logs in.
  void testUntrustedServerCertificate() {
    XmppWorld world;
    std::string out;
    const int made =
        RunProgram({"/usr/bin/openssl", "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
                    "/CN=another test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-keyout", world.Path("other-ca.key"), "-out", world.Path("other-ca.pem")},
                   &out, seconds(20));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, made);
    const int code =
        RunProgram(world.Alice({"--cafile", world.Path("other-ca.pem"), "--mech", "CPACE-R255-PLUS",
                                "--status-file", world.Path("alice.st")}),
                   &out, kRun);
    StatusFile alice(world.Path("alice.st"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(out, alice), 3, code);
    CPPUNIT_ASSERT_MESSAGE(alice.text(), Contains(alice.Get("reason"), kLoginFailed));
    CPPUNIT_ASSERT(!alice.Has("jid"));
    CPPUNIT_ASSERT_MESSAGE(world.server().LogTail(),
                           WaitForText(world.ServerLog(), "alert unknown ca", seconds(5)));
    CPPUNIT_ASSERT_EQUAL(0, CountText(world.ServerLog(), "Authenticated as alice@localhost"));

    const int good = RunProgram(world.Alice({"--mech", "CPACE-R255-PLUS"}), &out, kRun);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 9, good);  // the sandbox CA: logged in; bob is offline
  }

  // bob --sessions 2 serves two alices in a row on one XMPP connection.
  void testTwoSessionsOnOneBobConnection() {
    XmppWorld world;
    auto bob = StartBob(world,
                        {"--sessions", "2", "--timeout", "20", "--say", "hi alice", "--status-file",
                         world.Path("bob.st")},
                        "bob.log");
    const std::vector<std::string> mechs = {"CPACE-R255-PLUS", "SCRAM-SHA-256-PLUS"};
    for (size_t i = 0; i < mechs.size(); ++i) {
      const std::string n = std::to_string(i + 1);
      std::string out;
      const int code = RunProgram(
          world.Alice({"--mech", mechs[i], "--say", "line " + n, "--expect", "1", "--timeout", "20",
                       "--status-file", world.Path("alice" + n + ".st")}),
          &out, kRun);
      StatusFile alice(world.Path("alice" + n + ".st"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE("alice " + n + "\n" + Describe(out, alice), 0, code);
      CPPUNIT_ASSERT_EQUAL(mechs[i], alice.Get("mech"));
      CPPUNIT_ASSERT_EQUAL(std::string("hi alice"), alice.Get("heard"));
    }
    const int bob_code = bob->Wait(seconds(15));
    StatusFile bob_status(world.Path("bob.st"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(bob_status.text(), 0, bob_code);
    CPPUNIT_ASSERT((std::vector<std::string>{"line 1", "line 2"}) == bob_status.All("heard"));
    CPPUNIT_ASSERT_EQUAL(2, CountText(world.Path("bob.log"), "session request from"));
    // One XMPP login for bob: both sessions ran on the same connection.
    CPPUNIT_ASSERT_EQUAL(1, CountText(world.ServerLog(), "Authenticated as bob@localhost"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(XmppProsodyFaultTest);
