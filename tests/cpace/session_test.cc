// session_test.cc: the CPACE-R255 client and server sessions against each other (no Cyrus):
// success in every binding form, and every way an exchange must fail - wrong password, unknown
// user, other binding, other identity, tampered GS2 header, reflection, replay, invalid shares,
// downgrade - with the documented Status and the same detail where a peer must not tell them
// apart. A fixed-RNG exchange pins the wire bytes of the worked example in docs/.
#include <string>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/ct.h"
#include "common/random.h"
#include "cpace_test_util.h"
#include "support/vector_file.h"

namespace e2esasl::test {
namespace {

const Bytes kBindingA(32, 0xa1);
const Bytes kBindingB(32, 0xb2);

// The identity element and Y_i1 of draft B.3.11, base64.
const std::string kIdentityB64 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const std::string kInvalidB64 = "KzxrjE84AOeu9oZAJbTteb1ZkRfkJ8Qb1H2T1lS0pRw=";

std::string Replace(const std::string& message, const std::string& from, const std::string& to) {
  const size_t at = message.find(from);
  CPPUNIT_ASSERT_MESSAGE(message, at != std::string::npos);
  return message.substr(0, at) + to + message.substr(at + from.size());
}

// Attribute returns the value of "<letter>=" in a message.
std::string Attribute(const std::string& message, char letter) {
  const std::string key = std::string(1, letter) + "=";
  size_t at = message.rfind(key);
  CPPUNIT_ASSERT_MESSAGE(message, at != std::string::npos);
  at += 2;
  return message.substr(at, message.find(',', at) - at);
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl;         // NOLINT: test file
using namespace e2esasl::cpace;  // NOLINT: test file
using namespace e2esasl::test;   // NOLINT: test file

class CpaceSessionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CpaceSessionTest);
  CPPUNIT_TEST(testSuccessEveryFlag);
  CPPUNIT_TEST(testNoInitialResponse);
  CPPUNIT_TEST(testWrongPasswordAndUnknownUserLookAlike);
  CPPUNIT_TEST(testBindingMismatchLooksLikeWrongPassword);
  CPPUNIT_TEST(testServerIdentity);
  CPPUNIT_TEST(testTamperedIdentityAndHeader);
  CPPUNIT_TEST(testReflection);
  CPPUNIT_TEST(testReplayAcrossSessions);
  CPPUNIT_TEST(testInvalidSharesAbort);
  CPPUNIT_TEST(testNegotiationFailures);
  CPPUNIT_TEST(testClientConfigErrors);
  CPPUNIT_TEST(testFailureIsFinal);
  CPPUNIT_TEST(testSaslPrep);
  CPPUNIT_TEST(testFixedRngTranscript);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    secrets_.passwords["alice"] = "correct horse";
    secrets_.passwords["bob"] = "correct horse";  // same password: identity binding matters
  }

  Run Exchange(ClientConfig client_config, ServerConfig server_config,
               const CoreTamper& tamper = nullptr) {
    ClientSession client(SystemRandom(), std::move(client_config));
    ServerSession server(SystemRandom(), secrets_, std::move(server_config));
    Run run = RunCore(client, server, tamper);
    if (run.ok()) {
      CPPUNIT_ASSERT(client.IsComplete() && server.IsComplete());
      CPPUNIT_ASSERT(CtEqual(client.SessionKey().view(), server.SessionKey().view()));
    }
    return run;
  }

  static void AssertConfirmationFailed(const Run& run) {
    CPPUNIT_ASSERT_MESSAGE(run.server_failure.detail, run.server == Status::kAuthFailed);
    CPPUNIT_ASSERT_EQUAL(std::string(kClientConfirmationDetail), run.server_failure.detail);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, run.client_messages.size());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, run.server_messages.size());  // Tb never sent
  }

  void testSuccessEveryFlag() {
    Run n = Exchange(ClientFor("alice", "correct horse"), ServerConfig{});
    CPPUNIT_ASSERT_MESSAGE(n.server_failure.detail + n.client_failure.detail, n.ok());
    CPPUNIT_ASSERT(n.client_messages[0].rfind("n,,n=alice,r=", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, n.server_messages.size());
    CPPUNIT_ASSERT(n.server_messages[1].rfind("t=", 0) == 0);

    ClientConfig y = ClientFor("alice", "correct horse");
    y.gs2.flag = gs2::CbFlag::kWant;
    y.gs2.authzid = "bob";
    ClientSession client(SystemRandom(), std::move(y));
    ServerSession server(SystemRandom(), secrets_, ServerConfig{});
    const Run ry = RunCore(client, server);
    CPPUNIT_ASSERT(ry.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("bob"), std::string(server.Authzid()));
    CPPUNIT_ASSERT_EQUAL(std::string("alice"), std::string(server.Authcid()));
    CPPUNIT_ASSERT(server.Disposition() == cb::Disposition::kWant);

    for (const char* name : {"tls-exporter", "tls-unique", "tls-server-end-point", "ldap"}) {
      const Run p = Exchange(BoundClient("alice", "correct horse", name, kBindingA),
                             BoundServer(name, kBindingA, /*critical=*/true));
      CPPUNIT_ASSERT_MESSAGE(name + p.server_failure.detail, p.ok());
      CPPUNIT_ASSERT(p.client_messages[0].rfind(std::string("p=") + name + ",,n=alice,", 0) == 0);
    }
  }

  void testNoInitialResponse() {
    ClientSession client(SystemRandom(), ClientFor("alice", "correct horse"));
    ServerSession server(SystemRandom(), secrets_, ServerConfig{});
    Bytes out;
    Failure failure;
    CPPUNIT_ASSERT(server.Step({}, &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(out.empty());
    const Run run = RunCore(client, server);
    CPPUNIT_ASSERT(run.ok());
  }

  void testWrongPasswordAndUnknownUserLookAlike() {
    const Run wrong = Exchange(ClientFor("alice", "wrong"), ServerConfig{});
    AssertConfirmationFailed(wrong);
    CPPUNIT_ASSERT(wrong.client == Status::kContinue);  // the client never saw a verdict
    const Run unknown = Exchange(ClientFor("mallory", "correct horse"), ServerConfig{});
    AssertConfirmationFailed(unknown);
    CPPUNIT_ASSERT_EQUAL(wrong.server_messages[0].size(), unknown.server_messages[0].size());
    // A user known to auxprop but without a secret runs the same way.
    secrets_.passwords["carol"] = "";
    AssertConfirmationFailed(Exchange(ClientFor("carol", "x"), ServerConfig{}));
  }

  // The peer cannot tell a wrong password from a wrong binding: same Status, same detail.
  void testBindingMismatchLooksLikeWrongPassword() {
    const Run mitm = Exchange(BoundClient("alice", "correct horse", "tls-exporter", kBindingA),
                              BoundServer("tls-exporter", kBindingB));
    AssertConfirmationFailed(mitm);
    const Run wrong = Exchange(BoundClient("alice", "wrong", "tls-exporter", kBindingA),
                               BoundServer("tls-exporter", kBindingA));
    AssertConfirmationFailed(wrong);
    CPPUNIT_ASSERT_EQUAL(mitm.server_failure.detail, wrong.server_failure.detail);
  }

  void testServerIdentity() {
    ClientConfig c = ClientFor("alice", "correct horse");
    c.server_id = "ldap.example.com";
    ServerConfig s;
    s.server_id = "ldap.example.com";
    CPPUNIT_ASSERT(Exchange(std::move(c), std::move(s)).ok());
    ClientConfig c2 = ClientFor("alice", "correct horse");
    c2.server_id = "127.0.0.1";
    ServerConfig s2;
    s2.server_id = "ldap.example.com";
    AssertConfirmationFailed(Exchange(std::move(c2), std::move(s2)));
  }

  void testTamperedIdentityAndHeader() {
    // alice and bob share a password; a MITM renaming alice to bob gains nothing.
    AssertConfirmationFailed(Exchange(ClientFor("alice", "correct horse"), ServerConfig{},
                                      [](bool from_client, int index, const std::string& m) {
                                        return from_client && index == 0
                                                   ? Replace(m, "n=alice", "n=bob")
                                                   : m;
                                      }));
    // Stripping "p=" to "n" (the server's binding is not critical and -PLUS not advertised).
    ServerConfig server = BoundServer("tls-exporter", kBindingA);
    server.plus_advertised = false;
    AssertConfirmationFailed(
        Exchange(BoundClient("alice", "correct horse", "tls-exporter", kBindingA), server,
                 [](bool from_client, int index, const std::string& m) {
                   return from_client && index == 0 ? Replace(m, "p=tls-exporter,", "n,") : m;
                 }));
    // Adding an authzid on the way.
    AssertConfirmationFailed(Exchange(ClientFor("alice", "correct horse"), ServerConfig{},
                                      [](bool from_client, int index, const std::string& m) {
                                        return from_client && index == 0
                                                   ? Replace(m, "n,,", "n,a=bob,")
                                                   : m;
                                      }));
  }

  void testReflection() {
    // The server's share played back as the client's: abort.
    std::string server_share;
    const Run run = Exchange(ClientFor("alice", "correct horse"), ServerConfig{},
                             [&](bool from_client, int index, const std::string& m) {
                               if (!from_client && index == 0) {
                                 server_share = Attribute(m, 'y');
                               }
                               if (from_client && index == 1) {
                                 return Replace(m, Attribute(m, 'y'), server_share);
                               }
                               return m;
                             });
    CPPUNIT_ASSERT(run.server == Status::kAuthFailed);
    CPPUNIT_ASSERT_EQUAL(std::string(ristretto255::kInvalidElementDetail),
                         run.server_failure.detail);
    // The server-first played back whole as client-final: not even a client-final.
    const Run whole = Exchange(ClientFor("alice", "correct horse"), ServerConfig{},
                               [&](bool from_client, int index, const std::string& m) {
                                 if (!from_client && index == 0) {
                                   server_share = m;
                                 }
                                 return from_client && index == 1 ? server_share : m;
                               });
    CPPUNIT_ASSERT(whole.server == Status::kMalformed);
    // The client's own tag played back to it as the server's confirmation.
    std::string client_tag;
    const Run tag = Exchange(ClientFor("alice", "correct horse"), ServerConfig{},
                             [&](bool from_client, int index, const std::string& m) {
                               if (from_client && index == 1) {
                                 client_tag = Attribute(m, 't');
                               }
                               return !from_client && index == 1 ? "t=" + client_tag : m;
                             });
    CPPUNIT_ASSERT(tag.server == Status::kOk);
    CPPUNIT_ASSERT(tag.client == Status::kAuthFailed);
    CPPUNIT_ASSERT_EQUAL(std::string(kServerConfirmationDetail), tag.client_failure.detail);
  }

  void testReplayAcrossSessions() {
    const Run first = Exchange(ClientFor("alice", "correct horse"), ServerConfig{});
    CPPUNIT_ASSERT(first.ok());
    // Session 2: the recorded client-first and client-final replayed to a fresh server.
    AssertConfirmationFailed(Exchange(ClientFor("alice", "correct horse"), ServerConfig{},
                                      [&](bool from_client, int index, const std::string& m) {
                                        return from_client ? first.client_messages[index] : m;
                                      }));
    // The recorded server messages replayed to a fresh client.
    const Run back = Exchange(ClientFor("alice", "correct horse"), ServerConfig{},
                              [&](bool from_client, int index, const std::string& m) {
                                return from_client ? m : first.server_messages[index];
                              });
    CPPUNIT_ASSERT(back.server == Status::kAuthFailed);  // the client's Ta was for another sid
  }

  void testInvalidSharesAbort() {
    for (const std::string& bad : {kIdentityB64, kInvalidB64}) {
      const Run at_server =
          Exchange(ClientFor("alice", "correct horse"), ServerConfig{},
                   [&](bool from_client, int index, const std::string& m) {
                     return from_client && index == 1 ? Replace(m, Attribute(m, 'y'), bad) : m;
                   });
      CPPUNIT_ASSERT(at_server.server == Status::kAuthFailed);
      CPPUNIT_ASSERT_EQUAL(std::string(ristretto255::kInvalidElementDetail),
                           at_server.server_failure.detail);
      const Run at_client =
          Exchange(ClientFor("alice", "correct horse"), ServerConfig{},
                   [&](bool from_client, int index, const std::string& m) {
                     return !from_client && index == 0 ? Replace(m, Attribute(m, 'y'), bad) : m;
                   });
      CPPUNIT_ASSERT(at_client.client == Status::kAuthFailed);
      CPPUNIT_ASSERT_EQUAL(std::string(ristretto255::kInvalidElementDetail),
                           at_client.client_failure.detail);
      CPPUNIT_ASSERT_EQUAL(size_t{1}, at_client.client_messages.size());  // nothing sent after
    }
  }

  void testNegotiationFailures() {
    // "y" while the server holds a binding: downgrade.
    ClientConfig y = ClientFor("alice", "correct horse");
    y.gs2.flag = gs2::CbFlag::kWant;
    Run run = Exchange(std::move(y), BoundServer("tls-exporter", kBindingA));
    CPPUNIT_ASSERT(run.server == Status::kAuthFailed);
    // "p=" without a server binding, or with another name.
    run =
        Exchange(BoundClient("alice", "correct horse", "tls-exporter", kBindingA), ServerConfig{});
    CPPUNIT_ASSERT(run.server == Status::kBadBinding);
    run = Exchange(BoundClient("alice", "correct horse", "tls-unique", kBindingA),
                   BoundServer("tls-exporter", kBindingA));
    CPPUNIT_ASSERT(run.server == Status::kBadBinding);
    // "n" while the server's binding is critical.
    run =
        Exchange(ClientFor("alice", "correct horse"), BoundServer("tls-exporter", kBindingA, true));
    CPPUNIT_ASSERT(run.server == Status::kBadBinding);
    CPPUNIT_ASSERT_EQUAL(0, secrets_.lookups);  // refused before any lookup
  }

  void testClientConfigErrors() {
    auto first_step = [](ClientConfig config) {
      ClientSession client(SystemRandom(), std::move(config));
      Bytes out;
      Failure failure;
      return client.Step({}, &out, &failure);
    };
    ClientConfig no_data = BoundClient("alice", "x", "tls-exporter", {});
    CPPUNIT_ASSERT(first_step(std::move(no_data)) == Status::kBadBinding);
    ClientConfig stray = ClientFor("alice", "x");
    stray.cb_data = kBindingA;
    CPPUNIT_ASSERT(first_step(std::move(stray)) == Status::kBadBinding);
    CPPUNIT_ASSERT(first_step(ClientFor("alice", "")) == Status::kInternal);
    CPPUNIT_ASSERT(first_step(ClientFor("", "x")) == Status::kInternal);
    CPPUNIT_ASSERT(first_step(ClientFor("alice", "bad\x07")) == Status::kInternal);
    ClientSession client(SystemRandom(), ClientFor("alice", "x"));
    Bytes out;
    Failure failure;
    CPPUNIT_ASSERT(client.Step(AsBytes("hello"), &out, &failure) == Status::kMalformed);
  }

  void testFailureIsFinal() {
    ClientSession client(SystemRandom(), ClientFor("alice", "wrong"));
    ServerSession server(SystemRandom(), secrets_, ServerConfig{});
    const Run run = RunCore(client, server);
    CPPUNIT_ASSERT(run.server == Status::kAuthFailed);
    Bytes out;
    Failure failure;
    CPPUNIT_ASSERT(server.Step(AsBytes(run.client_messages[1]), &out, &failure) ==
                   Status::kAuthFailed);
    CPPUNIT_ASSERT_EQUAL(std::string(kClientConfirmationDetail), failure.detail);
    CPPUNIT_ASSERT(out.empty());
    // After success a further step is a local error.
    ClientSession c2(SystemRandom(), ClientFor("alice", "correct horse"));
    ServerSession s2(SystemRandom(), secrets_, ServerConfig{});
    CPPUNIT_ASSERT(RunCore(c2, s2).ok());
    CPPUNIT_ASSERT(s2.Step(AsBytes("y=x"), &out, &failure) == Status::kInternal);
    CPPUNIT_ASSERT(c2.Step(AsBytes("t=x"), &out, &failure) == Status::kInternal);
  }

  // Both ends SASLprep the password: U+00AA and "a" map differently, U+00A0 maps to a space.
  void testSaslPrep() {
    secrets_.passwords["dave"] = "pass\xc2\xa0word";  // NO-BREAK SPACE
    CPPUNIT_ASSERT(Exchange(ClientFor("dave", "pass word"), ServerConfig{}).ok());
    secrets_.passwords["erin"] = "I\xc2\xadX";  // SOFT HYPHEN is mapped to nothing
    CPPUNIT_ASSERT(Exchange(ClientFor("erin", "IX"), ServerConfig{}).ok());
  }

  // A fixed-RNG exchange: the bytes of the worked example in docs/mechanisms/cpace.md.
  void testFixedRngTranscript() {
    const Bytes client_nonce = HexDecode("000102030405060708090a0b0c0d0e0f");
    const Bytes server_nonce = HexDecode("101112131415161718191a1b1c1d1e1f");
    const Bytes ya = HexDecode("da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08");
    const Bytes yb = HexDecode("d2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d");
    Bytes client_random = client_nonce;
    client_random.insert(client_random.end(), ya.begin(), ya.end());
    Bytes server_random = server_nonce;
    server_random.insert(server_random.end(), yb.begin(), yb.end());
    FixedRng client_rng(client_random);
    FixedRng server_rng(server_random);
    ClientConfig config = BoundClient("alice", "correct horse", "tls-exporter", kBindingA);
    ClientSession client(client_rng, std::move(config));
    ServerSession server(server_rng, secrets_, BoundServer("tls-exporter", kBindingA));
    const Run run = RunCore(client, server);
    CPPUNIT_ASSERT(run.ok());
    CPPUNIT_ASSERT_EQUAL(size_t{0}, client_rng.Remaining());
    CPPUNIT_ASSERT_EQUAL(size_t{0}, server_rng.Remaining());
    CPPUNIT_ASSERT_EQUAL(std::string(kWorkedClientFirst), run.client_messages[0]);
    CPPUNIT_ASSERT_EQUAL(std::string(kWorkedServerFirst), run.server_messages[0]);
    CPPUNIT_ASSERT_EQUAL(std::string(kWorkedClientFinal), run.client_messages[1]);
    CPPUNIT_ASSERT_EQUAL(std::string(kWorkedServerFinal), run.server_messages[1]);
    CPPUNIT_ASSERT_EQUAL(std::string(kWorkedIsk), HexEncode(server.SessionKey().view()));
  }

 private:
  static constexpr const char* kWorkedClientFirst =
      "p=tls-exporter,,n=alice,r=AAECAwQFBgcICQoLDA0ODw==";
  static constexpr const char* kWorkedServerFirst =
      "r=EBESExQVFhcYGRobHB0eHw==,y=vEgjWzVosgSZvKZn4OmOiWfaF9LrMEgzKOTvhMledm0=";
  static constexpr const char* kWorkedClientFinal =
      "y=Hoh9mz2O3rCO7C7Hl09FIJrbmnWPwFQFVHd/zOQy1Hk=,"
      "t=4Iurn9pJ8rC+34SMMzRFBQ3/LjlkcGxTLxJZeGk9iDHkoY4AiXG3CuVCAkg2jOmev6iCzUaKt0g1ESGKSUB9Og==";
  static constexpr const char* kWorkedServerFinal =
      "t=lXpvadKEbM2g5unX1HrJVnenlW749TxGuEI0Op3q7mhrwARF/kCCYxyh8Ux/t2FMkh60FO4bsgoTLuE6HvGT/Q==";
  static constexpr const char* kWorkedIsk =
      "739d5d232d91728ef9a5cc48eb8c36c8e9029765548c83e1bca4ae173cb2c5c8"
      "fc6675c7e5f0075d1c5bd4c519847b22cb5e257155b514e0024105e2f1cf26ed";

  MapSecrets secrets_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(CpaceSessionTest);
