// profanity_test.cc: the e2esasl Profanity plugin in two real Profanity processes (tmux), logged
// in to a sandbox Prosody, typed at and read like a person would (docs/profanity.md): CPace
// with a shared password (success, chat both ways, wrong password refused), SAS (both say yes;
// one says no), and a compromised server that relays through mallory (every -PLUS refused).
// Neither password ever shows on the screen or in any file but the plugin's SASL store.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <regex>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "profanity/profanity_user.h"
#include "support/sasl_harness.h"
#include "xmpp/prosody_fixture.h"
#include "xmpp/xmpp_programs.h"

using e2esasl::profanity_test::ProfanitySpec;
using e2esasl::profanity_test::ProfanityUser;
using e2esasl::xmpp_test::Child;
using e2esasl::xmpp_test::ProsodyOptions;
using e2esasl::xmpp_test::ProsodyServer;

namespace {

constexpr auto kStep = std::chrono::seconds(30);  // one exchange through Prosody's 10 kb/s
constexpr char kXmppPassword[] = "xmpp account password";
constexpr char kSecret[] = "tiger lily 42";
constexpr char kWrongSecret[] = "tiger lily 24";
constexpr char kAliceJid[] = "alice@localhost/laptop";
constexpr char kBobJid[] = "bob@localhost/phone";
constexpr char kMallory[] = "mallory@localhost/relay";

// SaslPath: the build's SASL plugins and a directory with only the system's sasldb module.
std::string SaslPath() {
  e2esasl::test::SaslLibrary::Init();
  return e2esasl::test::SaslLibrary::PluginPath();
}

// World: a sandbox Prosody with alice, bob (and mallory), and alice's and bob's Profanity.
struct World {
  explicit World(const ProsodyOptions& options = {}) : server(options) {
    for (const char* user : {"alice", "bob", "mallory"}) {
      server.Register(user, kXmppPassword);
    }
    alice = std::make_unique<ProfanityUser>(Spec("alice", "laptop"));
    bob = std::make_unique<ProfanityUser>(Spec("bob", "phone"));
  }
  ProfanitySpec Spec(const std::string& user, const std::string& resource) {
    ProfanitySpec s;
    s.user = user;
    s.resource = resource;
    s.xmpp_password = kXmppPassword;
    s.port = server.port();
    s.ca_file = server.ca_path();
    s.plugin_file = E2ESASL_PROFANITY_PLUGIN;
    s.sasl_path = SaslPath();
    return s;
  }
  ProsodyServer server;
  std::unique_ptr<ProfanityUser> alice;
  std::unique_ptr<ProfanityUser> bob;
};

#define WAIT_FOR(who, text) \
  CPPUNIT_ASSERT_MESSAGE((who).last_screen(), (who).WaitFor((text), kStep))

// TypePassword: /e2esasl password and the secret at the hidden prompt; it is not on the screen.
void TypePassword(ProfanityUser& who, const std::string& secret) {
  who.Type("/e2esasl password");
  WAIT_FOR(who, "type the password you share");
  who.Type(secret);
  WAIT_FOR(who, "password taken for the next");
  CPPUNIT_ASSERT_MESSAGE(who.last_screen(), who.last_screen().find(secret) == std::string::npos);
}

// Sas: the string a window shows after "short authentication string: ".
std::string Sas(const std::string& screen) {
  std::smatch m;
  static const std::regex kSasLine("short authentication string: ([0-9 ]+[0-9])");
  return std::regex_search(screen, m, kSasLine) ? m[1].str() : "";
}

// SaveTranscript: with E2ESASL_PROFANITY_TRANSCRIPT=PREFIX, both screens go to PREFIX.name
// (how docs/profanity.md's transcripts were taken).
void SaveTranscript(ProfanityUser& alice, ProfanityUser& bob, const std::string& name) {
  if (const char* prefix = std::getenv("E2ESASL_PROFANITY_TRANSCRIPT"); prefix != nullptr) {
    std::ofstream(std::string(prefix) + "." + name)
        << "--- alice ---\n" << alice.Screen() << "--- bob ---\n" << bob.Screen();
  }
}

std::string Authenticated(const std::string& peer, const std::string& mech) {
  return "authenticated " + peer + " with " + mech + " (tls-exporter)";
}

}  // namespace

class ProfanityCpaceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProfanityCpaceTest);
  CPPUNIT_TEST(testSharedPasswordThenWrongPassword);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSharedPasswordThenWrongPassword() {
    World w;
    ProfanityUser& alice = *w.alice;
    ProfanityUser& bob = *w.bob;
    // Profanity's help and tab completion know the command.
    alice.Type("/help e2esasl");
    WAIT_FOR(alice, "/e2esasl sas yes|no [<jid>]");
    alice.Type("/clear");
    CPPUNIT_ASSERT_MESSAGE(alice.last_screen(), alice.WaitGone("/e2esasl", kStep));
    alice.Keys("/e2esasl passw", {"Tab"});
    WAIT_FOR(alice, "/e2esasl password");  // completed on the input line (not sent)
    alice.Keys("", {"C-u"});
    TypePassword(alice, kSecret);
    alice.Type("/e2esasl start bob@localhost/phone");
    WAIT_FOR(alice, "asking bob@localhost/phone for an end-to-end session with CPACE-R255-PLUS");
    WAIT_FOR(bob, "alice@localhost/laptop asks for an end-to-end authenticated session");
    TypePassword(bob, kSecret);
    bob.Type("/e2esasl accept");
    WAIT_FOR(bob, Authenticated(kAliceJid, "CPACE-R255-PLUS"));
    WAIT_FOR(alice, Authenticated(kBobJid, "CPACE-R255-PLUS"));

    // Chat in the session windows (the current ones), both ways.
    alice.Type("hello bob, end to end");
    WAIT_FOR(bob, "alice@localhost: hello bob, end to end");
    bob.Type("hello alice");
    WAIT_FOR(alice, "bob@localhost: hello alice");
    alice.Type("/e2esasl end");
    WAIT_FOR(alice, "session with bob@localhost/phone ended");
    WAIT_FOR(bob, "session with alice@localhost/laptop ended");
    SaveTranscript(alice, bob, "cpace");

    // A wrong password: both are told, nobody is authenticated.
    TypePassword(alice, kWrongSecret);
    alice.Type("/e2esasl start bob@localhost/phone");
    WAIT_FOR(bob, "alice@localhost/laptop asks for an end-to-end authenticated session");
    TypePassword(bob, kSecret);
    bob.Type("/e2esasl accept");
    WAIT_FOR(bob, "refused alice@localhost/laptop: refused the peer's CPACE-R255-PLUS");
    WAIT_FOR(alice, "refused bob@localhost/phone: the peer refused CPACE-R255-PLUS");

    // Nothing secret in Profanity's logs (level DEBUG: every stanza and typed command) or any
    // other file of theirs; the logs are there and were written during the sessions.
    for (ProfanityUser* who : {&alice, &bob}) {
      std::string log = who->Log();
      CPPUNIT_ASSERT(log.find("Input received: /e2esasl password") != std::string::npos);
      CPPUNIT_ASSERT(log.find("e2esasl: authenticated") != std::string::npos);
      CPPUNIT_ASSERT(!who->FilesContain(kSecret));
      CPPUNIT_ASSERT(!who->FilesContain(kWrongSecret));
    }
  }
};

class ProfanitySasTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProfanitySasTest);
  CPPUNIT_TEST(testBothSayYesThenOneSaysNo);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testBothSayYesThenOneSaysNo() {
    World w;
    ProfanityUser& alice = *w.alice;
    ProfanityUser& bob = *w.bob;
    for (bool bob_says_yes : {true, false}) {
      alice.Type("/e2esasl start bob@localhost/phone");  // no password: SAS-R255-PLUS
      WAIT_FOR(alice, "for an end-to-end session with SAS-R255-PLUS");
      WAIT_FOR(bob, "alice@localhost/laptop asks for an end-to-end authenticated session");
      bob.Type("/e2esasl accept");
      // The people compare the strings their windows show: the same.
      WAIT_FOR(alice, "Type /e2esasl sas yes or /e2esasl sas no");
      WAIT_FOR(bob, "short authentication string:");
      std::string sas = Sas(alice.last_screen());
      CPPUNIT_ASSERT_MESSAGE(alice.last_screen(), sas.size() >= 13);  // 10 digits, grouped
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bob.last_screen(), sas, Sas(bob.last_screen()));
      alice.Type("/e2esasl sas yes");
      WAIT_FOR(bob, "does alice@localhost/laptop show exactly " + sas);
      bob.Type(bob_says_yes ? "/e2esasl sas yes" : "/e2esasl sas no");
      if (bob_says_yes) {
        WAIT_FOR(bob, Authenticated(kAliceJid, "SAS-R255-PLUS"));
        WAIT_FOR(alice, Authenticated(kBobJid, "SAS-R255-PLUS"));
        alice.Type("/e2esasl end");
        WAIT_FOR(bob, "session with alice@localhost/laptop ended");
        WAIT_FOR(alice, "session with bob@localhost/phone ended");
        SaveTranscript(alice, bob, "sas");
      } else {
        WAIT_FOR(bob, "refused alice@localhost/laptop: refused the peer's SAS-R255-PLUS");
        WAIT_FOR(alice, "refused bob@localhost/phone: the peer refused SAS-R255-PLUS");
        SaveTranscript(alice, bob, "sas-no");
      }
      // The next round reads fresh windows.
      alice.Type("/clear");
      bob.Type("/clear");
    }
  }
};

class ProfanityCompromiseTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProfanityCompromiseTest);
  CPPUNIT_TEST(testEveryPlusMechanismRefused);
  CPPUNIT_TEST_SUITE_END();

 public:
  // The server relays alice's session to mallory, who opens one to bob as "alice" and passes
  // the inner lines between her two TLS channels (e2e-xmpp mallory): the bindings differ.
  void testEveryPlusMechanismRefused() {
    ProsodyOptions options;
    options.compromise = {kMallory, "alice@localhost", "bob@localhost"};
    World w(options);
    ProfanityUser& alice = *w.alice;
    ProfanityUser& bob = *w.bob;
    std::string work = w.server.dir();
    int round = 0;
    for (const char* mech :
         {"CPACE-R255-PLUS", "OPAQUE-R255-PLUS", "SCRAM-SHA-256-PLUS", "SAS-R255-PLUS"}) {
      std::string log = "/tmp/e2esasl-profanity-mallory-" + std::to_string(getpid()) + "-" +
                        std::to_string(round++) + ".log";
      std::string password_file = log + ".xpw";
      {
        std::ofstream(password_file) << kXmppPassword << "\n";
      }
      Child mallory({E2E_XMPP_PROGRAM, "mallory", "--jid", kMallory, "--xmpp-password-file",
                     password_file, "--target", kBobJid, "--server",
                     "127.0.0.1:" + std::to_string(w.server.port()), "--cafile",
                     w.server.ca_path(), "--plugin-dir", SaslPath()},
                    log);
      CPPUNIT_ASSERT_MESSAGE(mech, e2esasl::xmpp_test::WaitForText(
                                       log, "waiting for end-to-end sessions", kStep));
      bool sas = std::string(mech) == "SAS-R255-PLUS";
      if (!sas) {
        TypePassword(alice, kSecret);
      }
      alice.Type(std::string("/e2esasl start bob@localhost/phone ") + mech);
      WAIT_FOR(bob, "alice@localhost/laptop asks for an end-to-end authenticated session");
      if (!sas) {
        TypePassword(bob, kSecret);
      }
      bob.Type("/e2esasl accept");
      std::string refused_alice = std::string("refused bob@localhost/phone: ");
      std::string refused_bob = std::string("refused alice@localhost/laptop: ");
      WAIT_FOR(bob, refused_bob);
      WAIT_FOR(alice, refused_alice);
      for (ProfanityUser* who : {&alice, &bob}) {
        CPPUNIT_ASSERT_MESSAGE(who->last_screen(),
                               who->Screen().find(std::string("with ") + mech + " (") ==
                                   std::string::npos);  // never "authenticated ... with MECH"
      }
      // It went through mallory: she relayed alice's session to bob.
      CPPUNIT_ASSERT_MESSAGE(mech, e2esasl::xmpp_test::CountText(log, "relaying") >= 1);
      mallory.Wait(std::chrono::seconds(20));
      std::remove(password_file.c_str());
      std::remove(log.c_str());
      // Clear the windows so that the next round's texts are new.
      alice.Type("/clear");
      bob.Type("/clear");
      bob.Type("/win 1");
      bob.Type("/clear");
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProfanityCpaceTest);
CPPUNIT_TEST_SUITE_REGISTRATION(ProfanitySasTest);
CPPUNIT_TEST_SUITE_REGISTRATION(ProfanityCompromiseTest);
