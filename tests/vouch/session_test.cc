// session_test.cc: the VOUCH-ES256-PLUS core sessions against each other in one process (no
// libsasl2): a whole exchange, the role label (a signature reflected back is refused), a
// client-final replayed from another exchange, the server's binding rules ("n", "y", no
// binding), the client's own inputs, and failures that are final.
#include <memory>
#include <string>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "vouch/client.h"
#include "vouch/server.h"
#include "vouch/vouch_files.h"

using namespace e2esasl;         // NOLINT: test file
using namespace e2esasl::vouch;  // NOLINT: test file

namespace {

constexpr const char* kAlice = "alice@example.org";
constexpr const char* kBob = "bob@example.org";

// Ends: example.org's issuer, alice's and bob's device keys and statements, in memory.
struct Ends {
  PrivateKey issuer = test::NewKey();
  std::shared_ptr<const PrivateKey> alice = std::make_shared<const PrivateKey>(test::NewKey());
  std::shared_ptr<const PrivateKey> bob = std::make_shared<const PrivateKey>(test::NewKey());
  std::shared_ptr<TrustStore> trust = std::make_shared<TrustStore>();
  Bytes cb = Bytes(32, 0x5a);

  Ends() {
    Failure failure;
    CPPUNIT_ASSERT(trust->AddJwks("example.org", test::JwksOf(issuer), &failure));
  }

  VouchConfig Config(const std::shared_ptr<const PrivateKey>& key, const char* identity) const {
    IssueOptions options;
    options.now = test::Now();
    Failure failure;
    const std::optional<Statement> statement =
        IssueStatement(issuer, identity, "device-1", key->public_key(), options, &failure);
    CPPUNIT_ASSERT(statement.has_value());
    VouchConfig config;
    config.statement = statement->token;
    config.device_key = key;
    config.trust = trust;
    config.now = options.now;
    return config;
  }

  ClientConfig Client() const {
    ClientConfig config;
    config.authcid = kAlice;
    config.gs2.flag = gs2::CbFlag::kUsed;
    config.gs2.cb_name = "tls-exporter";
    config.cb_data = cb;
    config.vouch = Config(alice, kAlice);
    config.peer = kBob;
    return config;
  }

  ServerConfig Server() const {
    ServerConfig config;
    config.binding = cb::OwnedBinding{"tls-exporter", cb, false};
    config.plus_advertised = true;
    config.vouch = Config(bob, kBob);
    return config;
  }
};

std::string Text(const Bytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

class VouchSessionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VouchSessionTest);
  CPPUNIT_TEST(testExchange);
  CPPUNIT_TEST(testReflectedSignatureRefused);
  CPPUNIT_TEST(testReplayedClientFinalRefused);
  CPPUNIT_TEST(testServerBindingRules);
  CPPUNIT_TEST(testClientNeedsBindingAndPeer);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testExchange() {
    const Ends ends;
    ClientSession client(SystemRandom(), ends.Client());
    ServerSession server(SystemRandom(), ends.Server());
    Bytes c1, s1, c2, s2;
    Failure failure;
    CPPUNIT_ASSERT(client.Step({}, &c1, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(server.Step(c1, &s1, &failure) == Status::kContinue);
    CPPUNIT_ASSERT_EQUAL(std::string(kAlice), std::string(server.Identity()));
    CPPUNIT_ASSERT(client.Step(s1, &c2, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(server.Step(c2, &s2, &failure) == Status::kOk);
    CPPUNIT_ASSERT(s2.empty());
    CPPUNIT_ASSERT(client.Step(s2, &c2, &failure) == Status::kOk);
    CPPUNIT_ASSERT(client.IsComplete() && server.IsComplete());
    CPPUNIT_ASSERT(server.Authzid().empty());
    // Done is done.
    CPPUNIT_ASSERT(server.Step(c2, &s2, &failure) == Status::kInternal);
  }

  // The server's own signature sent back as client-final: the role label ("server" / "client")
  // makes it fail.
  void testReflectedSignatureRefused() {
    const Ends ends;
    ClientSession client(SystemRandom(), ends.Client());
    ServerSession server(SystemRandom(), ends.Server());
    Bytes c1, s1, out;
    Failure failure;
    CPPUNIT_ASSERT(client.Step({}, &c1, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(server.Step(c1, &s1, &failure) == Status::kContinue);
    const std::string server_first = Text(s1);
    const std::string reflected = server_first.substr(server_first.find(",s=") + 1);
    CPPUNIT_ASSERT(server.Step(AsBytes(reflected), &out, &failure) == Status::kAuthFailed);
    CPPUNIT_ASSERT(failure.detail.find("the client's device signature does not verify") == 0);
    // Final: the same answer again, whatever comes.
    Failure again;
    CPPUNIT_ASSERT(server.Step(AsBytes(reflected), &out, &again) == Status::kAuthFailed);
    CPPUNIT_ASSERT_EQUAL(failure.detail, again.detail);
  }

  // Alice's client-first and client-final recorded from one exchange and replayed to a new one:
  // the server's fresh nonce makes the old signature fail.
  void testReplayedClientFinalRefused() {
    const Ends ends;
    ClientSession client(SystemRandom(), ends.Client());
    ServerSession server(SystemRandom(), ends.Server());
    Bytes c1, s1, c2, s2;
    Failure failure;
    CPPUNIT_ASSERT(client.Step({}, &c1, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(server.Step(c1, &s1, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(client.Step(s1, &c2, &failure) == Status::kContinue);
    ServerSession replayed(SystemRandom(), ends.Server());
    CPPUNIT_ASSERT(replayed.Step(c1, &s2, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(replayed.Step(c2, &s2, &failure) == Status::kAuthFailed);
    CPPUNIT_ASSERT(failure.detail.find("the client's device signature does not verify") == 0);
  }

  void testServerBindingRules() {
    const Ends ends;
    Bytes c1, out;
    Failure failure;
    ClientSession client(SystemRandom(), ends.Client());
    CPPUNIT_ASSERT(client.Step({}, &c1, &failure) == Status::kContinue);
    const std::string rest = Text(c1).substr(Text(c1).find(",,") + 2);
    // "n" against a (non-critical) binding: the shared negotiation lets it pass, VOUCH does not.
    ServerSession n(SystemRandom(), ends.Server());
    CPPUNIT_ASSERT(n.Step(AsBytes("n,," + rest), &out, &failure) == Status::kBadBinding);
    CPPUNIT_ASSERT_EQUAL(std::string("VOUCH-ES256-PLUS works only with a channel binding: the "
                                     "client must send \"p=\""),
                         failure.detail);
    // "y" while the server advertised -PLUS: a downgrade.
    ServerSession y(SystemRandom(), ends.Server());
    CPPUNIT_ASSERT(y.Step(AsBytes("y,," + rest), &out, &failure) == Status::kAuthFailed);
    CPPUNIT_ASSERT(failure.detail.find("downgrade") != std::string::npos);
    // "p=" at a server without a binding.
    ServerConfig unbound;  // no binding, -PLUS not offered
    unbound.vouch = ends.Server().vouch;
    ServerSession p(SystemRandom(), std::move(unbound));
    CPPUNIT_ASSERT(p.Step(c1, &out, &failure) == Status::kBadBinding);
  }

  void testClientNeedsBindingAndPeer() {
    const Ends ends;
    Bytes out;
    Failure failure;
    ClientConfig unbound = ends.Client();
    unbound.gs2 = gs2::Gs2Header{};
    unbound.cb_data.clear();
    ClientSession a(SystemRandom(), std::move(unbound));
    CPPUNIT_ASSERT(a.Step({}, &out, &failure) == Status::kBadBinding);
    ClientConfig no_peer = ends.Client();
    no_peer.peer.clear();
    ClientSession b(SystemRandom(), std::move(no_peer));
    CPPUNIT_ASSERT(b.Step({}, &out, &failure) == Status::kUnavailable);
    CPPUNIT_ASSERT(failure.detail.find("e2esasl_vouch_peer") != std::string::npos);
    ClientConfig no_key = ends.Client();
    no_key.vouch.device_key.reset();
    ClientSession c(SystemRandom(), std::move(no_key));
    CPPUNIT_ASSERT(c.Step({}, &out, &failure) == Status::kUnavailable);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VouchSessionTest);
