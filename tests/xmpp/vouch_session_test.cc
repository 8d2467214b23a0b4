// vouch_session_test.cc: VOUCH-ES256-PLUS end to end through a real (sandbox) Prosody that
// runs mod_e2e_vouch: alice and bob each make a device key (e2esasl-vouch device-keygen), fetch
// their statement from their server over their authenticated XMPP connection (e2e-xmpp
// statement), and then authenticate each other inside their end-to-end TLS channel with
// VOUCH-ES256-PLUS (e2e-xmpp alice / bob with --sasl-option): the server vouched for each
// device key, and each device proved its key on this channel. A statement that names another
// device's key (bob's device key, alice's statement) is refused; so is a peer whose issuer is not
// in the trust directory.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "vouch_fixture.h"
#include "xmpp_programs.h"

using namespace e2esasl::xmpp_test;  // NOLINT(google-build-using-namespace)

namespace {

constexpr std::chrono::seconds kRunLimit(60);
constexpr std::chrono::milliseconds kOnline(20000);
constexpr char kMech[] = "VOUCH-ES256-PLUS";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// VouchSessionWorld: a sandbox Prosody issuing statements with localhost's domain key, alice's
// and bob's device keys and statements (fetched through the server), and the trust directory.
struct VouchSessionWorld {
  VouchWork work;
  std::unique_ptr<XmppWorld> world;

  VouchSessionWorld() {
    ProsodyOptions options;
    options.limits = false;
    options.vouch_key_file = work.Path("localhost.jwk");
    world = std::make_unique<XmppWorld>(options);
    for (const char* who : {"alice", "bob"}) {
      ShellOrThrow(Quote(E2ESASL_VOUCH_TOOL) + " device-keygen " +
                   Quote(world->Path(std::string(who) + ".device.jwk")) + " > " +
                   Quote(world->Path(std::string(who) + ".device.pub")));
    }
    Fetch("alice", kProgramAlice);
    Fetch("bob", kProgramBob);
  }

  // Fetch: who's statement for its device key, from the server, with its own XMPP login.
  void Fetch(const std::string& who, const std::string& jid) {
    std::string out;
    const std::string statement = world->Path(who + ".statement");
    const int code =
        RunProgram({E2E_XMPP_BINARY, "statement", "--jid", jid, "--xmpp-password-file",
                    world->Path(who + ".xpw"), "--server",
                    "127.0.0.1:" + std::to_string(world->server().port()), "--cafile",
                    world->server().ca_path(), "--device-key", world->Path(who + ".device.pub"),
                    "--device-id", who + "-device", "--out", statement, "--timeout", "20"},
                   &out, kRunLimit);
    if (code != 0) {
      throw std::runtime_error("e2e-xmpp statement for " + who + ": exit " + std::to_string(code) +
                               ": " + out);
    }
  }

  // Options: the --sasl-option arguments of who (its statement and device key, the trust
  // directory), with statement_of / device_of naming whose files to use.
  std::vector<std::string> Options(const std::string& statement_of, const std::string& device_of,
                                   const std::string& trust_dir) const {
    return {"--sasl-option", "e2esasl_vouch_statement=" + world->Path(statement_of + ".statement"),
            "--sasl-option", "e2esasl_vouch_device_key=" + world->Path(device_of + ".device.jwk"),
            "--sasl-option", "e2esasl_vouch_trust_dir=" + trust_dir};
  }
};

struct Outcome {
  int alice_code = -1;
  int bob_code = -1;
  std::string alice_out;
  std::unique_ptr<StatusFile> alice;
  std::unique_ptr<StatusFile> bob;
  std::string What() const {
    return "alice exit " + std::to_string(alice_code) + ", bob exit " + std::to_string(bob_code) +
           "\nalice:\n" + alice->text() + "\nbob:\n" + bob->text() + "\nalice's output:\n" +
           alice_out;
  }
};

// Talk: bob waits for one session, alice starts one with VOUCH-ES256-PLUS; both say a line.
Outcome Talk(VouchSessionWorld& w, const std::string& name,
             const std::vector<std::string>& alice_options,
             const std::vector<std::string>& bob_options) {
  XmppWorld& world = *w.world;
  std::vector<std::string> bob_args = {
      "--sessions", "1",  "--say",         "hi alice",
      "--timeout",  "20", "--status-file", world.Path(name + ".bob")};
  bob_args.insert(bob_args.end(), bob_options.begin(), bob_options.end());
  Child bob(world.Bob(bob_args), world.Path(name + ".bob.log"));
  CPPUNIT_ASSERT_MESSAGE(
      "bob did not come online:\n" + world.server().LogTail(),
      WaitForText(world.Path(name + ".bob.log"), "waiting for end-to-end sessions", kOnline));
  std::vector<std::string> alice_args = {
      "--mech", kMech,       "--say", "hello bob",     "--expect",
      "1",      "--timeout", "20",    "--status-file", world.Path(name + ".alice")};
  alice_args.insert(alice_args.end(), alice_options.begin(), alice_options.end());
  Outcome o;
  o.alice_code = RunProgram(world.Alice(alice_args), &o.alice_out, kRunLimit);
  o.bob_code = bob.Wait(std::chrono::milliseconds(30000));
  o.alice = std::make_unique<StatusFile>(world.Path(name + ".alice"));
  o.bob = std::make_unique<StatusFile>(world.Path(name + ".bob"));
  return o;
}

}  // namespace

class XmppVouchSessionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XmppVouchSessionTest);
  CPPUNIT_TEST(testVouchedEndToEnd);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testVouchedEndToEnd() {
    VouchSessionWorld w;
    const std::string trust = w.work.Path("trust");

    // Each with its own statement and device key: both authenticated, both lines heard.
    Outcome ok = Talk(w, "ok", w.Options("alice", "alice", trust), w.Options("bob", "bob", trust));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.What(), 0, ok.alice_code);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.What(), 0, ok.bob_code);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.What(), std::string(kMech), ok.alice->Get("mech"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.What(), std::string("alice@localhost"),
                                 ok.bob->Get("authenticated"));
    CPPUNIT_ASSERT_MESSAGE(ok.What(), Contains(ok.bob->text(), "hello bob"));
    CPPUNIT_ASSERT_MESSAGE(ok.What(), Contains(ok.alice->text(), "hi alice"));

    // alice's statement, but bob's device key: her proof does not match the vouched key.
    Outcome stolen =
        Talk(w, "stolen", w.Options("alice", "bob", trust), w.Options("bob", "bob", trust));
    CPPUNIT_ASSERT_MESSAGE(stolen.What(), stolen.alice_code != 0);
    CPPUNIT_ASSERT_MESSAGE(stolen.What(), !stolen.bob->Has("authenticated"));
    CPPUNIT_ASSERT_MESSAGE(stolen.What(), !stolen.alice->Has("authenticated"));
    CPPUNIT_ASSERT_MESSAGE(stolen.What(), Contains(stolen.bob->Get("reason"),
                                                   "the device key is not the one cnf names"));

    // bob trusts no issuer (an empty trust directory): alice's statement is refused.
    const std::string empty = w.work.Path("empty-trust");
    ShellOrThrow("mkdir -p " + Quote(empty));
    Outcome untrusted =
        Talk(w, "untrusted", w.Options("alice", "alice", trust), w.Options("bob", "bob", empty));
    CPPUNIT_ASSERT_MESSAGE(untrusted.What(), untrusted.alice_code != 0);
    CPPUNIT_ASSERT_MESSAGE(untrusted.What(), !untrusted.bob->Has("authenticated"));
    CPPUNIT_ASSERT_MESSAGE(
        untrusted.What(),
        Contains(untrusted.bob->Get("reason"), "issuer localhost is not in the trust store"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(XmppVouchSessionTest);
