// prosody_test.cc: the sandbox Prosody (xmpp/prosody/e2e-prosody) and the compromised server
// (mod_e2e_compromise) with real libstrophe clients over TLS verified against the sandbox CA.
//   XmppProsodyTest: two clients log in and an IQ goes from alice/a to bob/b and back; a client
//     that does not trust the test CA cannot connect; --no-limits leaves out mod_limits.
//   XmppCompromiseTest: with --compromise, alice's IQ to bob reaches mallory, mallory's stanzas
//     reach alice and bob as if from the other one, Jingle initiator included.
#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "prosody_fixture.h"
#include "strophe_client.h"

using namespace e2esasl::xmpp_test;  // NOLINT(google-build-using-namespace)
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kConnectTimeout(10000);
constexpr milliseconds kStanzaTimeout(5000);
// kQuiet: how long a client is watched for a stanza that must not come.
constexpr milliseconds kQuiet(500);

const char kAlice[] = "alice@localhost/a";
const char kBob[] = "bob@localhost/b";
const char kMallory[] = "mallory@localhost/m";
const char kPassword[] = "sandbox password";

ClientOptions Client(const ProsodyServer& server, const std::string& jid) {
  ClientOptions options;
  options.jid = jid;
  options.password = kPassword;
  options.port = server.port();
  options.ca_file = server.ca_path();
  return options;
}

void ConnectOrFail(StropheClient& client, const ProsodyServer& server) {
  CPPUNIT_ASSERT_MESSAGE("connect failed: " + client.error() + "\n" + server.LogTail(),
                         client.Connect(kConnectTimeout));
}

std::string Describe(const Received& iq) {
  return iq.text;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

// LiveMembers: how many processes of process group pgid are alive (zombies do not count), from
// /proc/<pid>/stat ("pid (comm) state ppid pgrp ...").
int LiveMembers(pid_t pgid) {
  int live = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) {
      continue;
    }
    std::istringstream fields(stat.substr(close + 1));
    char state = 0;
    long ppid = 0;
    long pgrp = 0;
    if (fields >> state >> ppid >> pgrp && pgrp == pgid && state != 'Z') {
      ++live;
    }
  }
  return live;
}

class XmppProsodyTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XmppProsodyTest);
  CPPUNIT_TEST(testIqRoundTrip);
  CPPUNIT_TEST(testUntrustedCaRefused);
  CPPUNIT_TEST(testScriptExitCodes);
  CPPUNIT_TEST(testLimitsOnlyByDefault);
  CPPUNIT_TEST(testWatchdogWithoutLeader);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testIqRoundTrip() {
    ProsodyServer server;
    server.Register("alice", kPassword);
    server.Register("bob", kPassword);
    StropheContext context;
    StropheClient alice(context, Client(server, kAlice));
    StropheClient bob(context, Client(server, kBob));
    ConnectOrFail(alice, server);
    ConnectOrFail(bob, server);
    CPPUNIT_ASSERT_EQUAL(std::string(kAlice), alice.bound_jid());
    CPPUNIT_ASSERT_EQUAL(std::string(kBob), bob.bound_jid());

    alice.Send(
        "<iq type='set' id='rt1' to='bob@localhost/b'><ping xmlns='urn:e2esasl:test'/></iq>");
    auto at_bob = bob.WaitForIq("rt1", kStanzaTimeout);
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(), at_bob.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*at_bob), std::string(kAlice), at_bob->from);
    CPPUNIT_ASSERT_EQUAL(std::string("set"), at_bob->type);
    CPPUNIT_ASSERT_EQUAL(std::string("urn:e2esasl:test"), at_bob->child_ns);

    auto at_alice = alice.WaitForIq("rt1", kStanzaTimeout);  // bob's automatic result
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(), at_alice.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*at_alice), std::string("result"), at_alice->type);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*at_alice), std::string(kBob), at_alice->from);
  }

  void testUntrustedCaRefused() {
    ProsodyServer server;
    server.Register("alice", kPassword);
    StropheContext context;
    ClientOptions options = Client(server, kAlice);
    options.ca_file.clear();  // the system's trust store only: it does not hold the test CA
    StropheClient alice(context, options);
    CPPUNIT_ASSERT_MESSAGE("connected without trusting the test CA",
                           !alice.Connect(kConnectTimeout));
    CPPUNIT_ASSERT(alice.failed());
    // libstrophe's OpenSSL verify callback logs the verification result (tls_openssl.c).
    CPPUNIT_ASSERT_MESSAGE("failed, but not in certificate verification: " + alice.error(),
                           context.LogContains("Certificate verification FAILED"));

    // The same server with its CA trusted: the refusal above was the CA, nothing else.
    StropheContext trusting_context;
    StropheClient trusting(trusting_context, Client(server, kAlice));
    ConnectOrFail(trusting, server);
    CPPUNIT_ASSERT(!trusting_context.LogContains("Certificate verification FAILED"));
  }

  void testScriptExitCodes() {
    ProsodyServer server;
    const std::string script = ScriptPath();
    std::string out;
    const auto timeout = std::chrono::seconds(30);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        out, 0, RunProgram({"/bin/bash", script, "status", server.dir()}, &out, timeout));
    CPPUNIT_ASSERT_MESSAGE(out, Contains(out, "running pid"));
    // The same directory again: 6; the same port in another directory: 5.
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        out, 6, RunProgram({"/bin/bash", script, "start", server.dir()}, &out, timeout));
    const std::string other = server.dir() + "-other";
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        out, 5,
        RunProgram({"/bin/bash", script, "start", other, "--port", std::to_string(server.port())},
                   &out, timeout));
    CPPUNIT_ASSERT_MESSAGE(out, Contains(out, "is taken"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 2, RunProgram({"/bin/bash", script, "start"}, &out, timeout));
    // An option where DIR belongs is a usage error, not a directory named "--no-limits".
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        out, 2, RunProgram({"/bin/bash", script, "start", "--no-limits"}, &out, timeout));
    CPPUNIT_ASSERT_MESSAGE(out, Contains(out, "DIR missing before the option --no-limits"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        out, 6, RunProgram({"/bin/bash", script, "register", other, "u", "p"}, &out, timeout));
    CPPUNIT_ASSERT_EQUAL(0, server.Stop());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        out, 1, RunProgram({"/bin/bash", script, "status", server.dir()}, &out, timeout));
    CPPUNIT_ASSERT_MESSAGE(out, Contains(out, "not running"));
  }

  void testLimitsOnlyByDefault() {
    const std::string kLimits = "limits = { c2s = { rate = \"10kb/s\" } }";
    {
      ProsodyServer server;
      const std::string config = server.ReadFile("prosody.cfg.lua");
      CPPUNIT_ASSERT_MESSAGE(config, Contains(config, kLimits));
      CPPUNIT_ASSERT_MESSAGE(config, Contains(config, "\"limits\";"));
      CPPUNIT_ASSERT_MESSAGE(config, !Contains(config, "e2e_compromise"));
      CPPUNIT_ASSERT_MESSAGE(config, !Contains(config, "c2s_stanza_size_limit"));
      CPPUNIT_ASSERT_MESSAGE(config, Contains(config, "c2s_require_encryption = true"));
    }
    ProsodyOptions options;
    options.limits = false;
    ProsodyServer server(options);
    const std::string config = server.ReadFile("prosody.cfg.lua");
    CPPUNIT_ASSERT_MESSAGE(config, !Contains(config, "limits"));
    CPPUNIT_ASSERT_EQUAL(0, server.Stop());
    CPPUNIT_ASSERT_EQUAL(0, server.Stop());  // idempotent
  }
  // A server whose process-group leader (runuser) died while Prosody kept running in the group:
  // `status` and `stop` still find it, and the watchdog still stops it once the process it
  // watches is gone (it once checked only the leader's command line, and a killed test left
  // such a Prosody running for good).
  void testWatchdogWithoutLeader() {
    const std::string script = ScriptPath();
    std::string dir = "/tmp/e2esasl-prosody-XXXXXX";
    CPPUNIT_ASSERT(mkdtemp(dir.data()) != nullptr);
    const pid_t owner = fork();
    CPPUNIT_ASSERT(owner >= 0);
    if (owner == 0) {
      pause();
      _exit(0);
    }
    std::string out;
    const auto timeout = std::chrono::seconds(60);
    const int started = RunProgram(
        {"/bin/bash", script, "start", dir, "--no-limits", "--watch", std::to_string(owner)}, &out,
        timeout);
    pid_t group = 0;
    const auto cleanup = [&] {
      kill(owner, SIGKILL);
      waitpid(owner, nullptr, 0);
      if (group > 1 && LiveMembers(group) > 0) {
        kill(-group, SIGKILL);
      }
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    };
    try {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, started);
      std::ifstream pid_file(dir + "/pid");
      CPPUNIT_ASSERT(pid_file >> group);
      CPPUNIT_ASSERT(group > 1);
      CPPUNIT_ASSERT_EQUAL(0, kill(group, SIGKILL));  // the leader only
      const auto settle = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (LiveMembers(group) > 1 && std::chrono::steady_clock::now() < settle) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      CPPUNIT_ASSERT_EQUAL_MESSAGE("Prosody itself should outlive its leader", 1,
                                   LiveMembers(group));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0,
                                   RunProgram({"/bin/bash", script, "status", dir}, &out, timeout));
      CPPUNIT_ASSERT_MESSAGE(out, Contains(out, "running pid " + std::to_string(group)));
      // The watched process goes: the watchdog (0.5 s polls, 10 s stop) must stop Prosody.
      CPPUNIT_ASSERT_EQUAL(0, kill(owner, SIGKILL));
      CPPUNIT_ASSERT_EQUAL(owner, waitpid(owner, nullptr, 0));
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (LiveMembers(group) > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      CPPUNIT_ASSERT_EQUAL_MESSAGE("the watchdog left Prosody running", 0, LiveMembers(group));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 1,
                                   RunProgram({"/bin/bash", script, "status", dir}, &out, timeout));
    } catch (...) {
      cleanup();
      throw;
    }
    cleanup();
  }
};

class XmppCompromiseTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XmppCompromiseTest);
  CPPUNIT_TEST(testRedirectAndForge);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRedirectAndForge() {
    ProsodyOptions options;
    options.log_level = "debug";
    options.compromise = {kMallory, "alice@localhost", "bob@localhost"};
    ProsodyServer server(options);
    for (const char* user : {"alice", "bob", "mallory"}) {
      server.Register(user, kPassword);
    }
    StropheContext context;
    StropheClient alice(context, Client(server, kAlice));
    StropheClient bob(context, Client(server, kBob));
    ClientOptions mallory_options = Client(server, kMallory);
    mallory_options.answer_iqs = false;  // mallory answers by hand, as bob
    StropheClient mallory(context, mallory_options);
    ConnectOrFail(alice, server);
    ConnectOrFail(bob, server);

    // mallory offline: alice's IQ to bob vanishes as if bob were unreachable (the error comes
    // from bob/b, never from mallory's JID).
    alice.Send("<iq type='set' id='c0' to='bob@localhost/b'><ping xmlns='urn:e2esasl:test'/></iq>");
    auto unreachable = alice.WaitForIq("c0", kStanzaTimeout);
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(), unreachable.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*unreachable), std::string("error"), unreachable->type);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*unreachable), std::string(kBob), unreachable->from);
    CPPUNIT_ASSERT_MESSAGE(Describe(*unreachable), !Contains(unreachable->text, "mallory"));

    ConnectOrFail(mallory, server);

    // (a) alice -> bob/b is delivered to mallory, from alice.
    alice.Send("<iq type='set' id='c1' to='bob@localhost/b'><ping xmlns='urn:e2esasl:test'/></iq>");
    auto at_mallory = mallory.WaitForIq("c1", kStanzaTimeout);
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(), at_mallory.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*at_mallory), std::string(kAlice), at_mallory->from);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*at_mallory), std::string(kMallory), at_mallory->to);

    // (b) mallory's result to alice/a arrives from bob/b (alice last addressed bob/b).
    mallory.Send("<iq type='result' id='c1' to='alice@localhost/a'/>");
    auto at_alice = alice.WaitForIq("c1", kStanzaTimeout);
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(), at_alice.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*at_alice), std::string("result"), at_alice->type);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*at_alice), std::string(kBob), at_alice->from);

    // (b) mallory's Jingle session-initiate to bob/b arrives from alice/a, and so does its
    // initiator attribute; bob's answer to alice/a goes to mallory again.
    mallory.Send(
        "<iq type='set' id='c2' to='bob@localhost/b'>"
        "<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s1' "
        "initiator='mallory@localhost/m'/></iq>");
    auto at_bob = bob.WaitForIq("c2", kStanzaTimeout);
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(), at_bob.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*at_bob), std::string(kAlice), at_bob->from);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*at_bob), std::string(kAlice), at_bob->initiator);
    auto answer = mallory.WaitForIq("c2", kStanzaTimeout);
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(), answer.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*answer), std::string("result"), answer->type);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*answer), std::string(kBob), answer->from);

    // (a) to bob's bare JID: redirected as well (re-posted: iq/bare becomes iq/full).
    alice.Send("<iq type='get' id='c3' to='bob@localhost'><ping xmlns='urn:e2esasl:test'/></iq>");
    auto bare_at_mallory = mallory.WaitForIq("c3", kStanzaTimeout);
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(), bare_at_mallory.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*bare_at_mallory), std::string(kAlice),
                                 bare_at_mallory->from);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*bare_at_mallory), std::string("get"),
                                 bare_at_mallory->type);

    // (a) a message to bob's bare JID: redirected too.
    alice.Send("<message type='chat' id='c4' to='bob@localhost'><body>hi bob</body></message>");
    auto message_at_mallory = mallory.WaitFor("message", "c4", kStanzaTimeout);
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(), message_at_mallory.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*message_at_mallory), std::string(kAlice),
                                 message_at_mallory->from);

    // alice addressed bob's bare JID since: mallory still speaks to her as bob/b.
    mallory.Send(
        "<iq type='set' id='c5' to='alice@localhost/a'><ping xmlns='urn:e2esasl:test'/></iq>");
    auto still_bob = alice.WaitForIq("c5", kStanzaTimeout);
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(), still_bob.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(*still_bob), std::string(kBob), still_bob->from);

    // Nothing of this reached bob from alice directly, nor alice from bob.
    context.Run(kQuiet);
    for (const auto& iq : bob.received()) {
      CPPUNIT_ASSERT_MESSAGE(Describe(iq),
                             iq.id != "c0" && iq.id != "c1" && iq.id != "c3" && iq.id != "c4");
    }
    for (const auto& iq : alice.received()) {
      CPPUNIT_ASSERT_MESSAGE(Describe(iq), iq.id != "c2");
    }
    const std::string log = server.ReadFile("prosody.log");
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(),
                           Contains(log, "redirecting iq set from " + std::string(kAlice)));
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(), Contains(log, "forging jingle initiator"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(XmppProsodyTest);
CPPUNIT_TEST_SUITE_REGISTRATION(XmppCompromiseTest);
