// plugin_test.cc: the built libe2e_cpace.so through the real libsasl2 (client and server in one
// process, sasldb in a temporary directory): what is CPace's own - the server's tag as success
// data, wrong password / unknown user / binding mismatch looking alike, reflection, replay
// across sessions, every malformed message, invalid shares, options, the userPassword fallback.
// The behaviours every mechanism shares are in tests/conformance.
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "support/sasl_harness.h"

namespace e2esasl::test {
namespace {

constexpr const char* kMech = "CPACE-R255";
constexpr const char* kPlus = "CPACE-R255-PLUS";
const std::string kConfirmationDetail =
    "authentication failed: the client's key confirmation did not verify";

// Attribute returns the value of "<letter>=" in a message.
std::string Attribute(const std::string& message, char letter) {
  const std::string key = std::string(1, letter) + "=";
  size_t at = message.rfind(key);
  if (at == std::string::npos) {
    return "";
  }
  at += 2;
  return message.substr(at, message.find(',', at) - at);
}

std::string Replace(const std::string& message, const std::string& from, const std::string& to) {
  const size_t at = message.find(from);
  if (at == std::string::npos) {
    return message;
  }
  return message.substr(0, at) + to + message.substr(at + from.size());
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl::test;  // NOLINT: test file

// At global scope: CppUnit names suites by their qualified type name.
class CpacePluginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CpacePluginTest);
  CPPUNIT_TEST(testServerFinalIsTagEveryBinding);
  CPPUNIT_TEST(testWrongPasswordUnknownUserAndBindingMismatchLookAlike);
  CPPUNIT_TEST(testReflection);
  CPPUNIT_TEST(testReplayAcrossSessions);
  CPPUNIT_TEST(testMalformedMessages);
  CPPUNIT_TEST(testInvalidShares);
  CPPUNIT_TEST(testServerIdOption);
  CPPUNIT_TEST(testPromptsAndProxy);
  CPPUNIT_TEST(testUserPasswordFallbackAndChange);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = std::make_unique<TempDir>();
    sasldb_ = dir_->path() + "/sasldb2";
    CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(sasldb_, "alice", "correct horse"));
    CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(sasldb_, "bob", "battery staple"));
  }
  void tearDown() override { dir_.reset(); }

  ExchangeSpec Spec(const std::string& mech, const std::string& user, const std::string& pass) {
    ExchangeSpec spec;
    spec.client_mechlist = mech;
    spec.identity.authcid = user;
    spec.identity.password = pass;
    spec.sasldb_path = sasldb_;
    return spec;
  }

  void testServerFinalIsTagEveryBinding() {
    const std::vector<std::optional<Binding>> bindings = EveryBinding();
    for (const auto& binding : bindings) {
      const bool plus = binding.has_value();
      ExchangeSpec spec = Spec(plus ? kPlus : kMech, "alice", "correct horse");
      spec.client_binding = binding;
      spec.server_binding = binding;
      const Exchange ex = RunExchange(spec);
      CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
      // The success data is the server's tag (headers and counts: tests/conformance).
      CPPUNIT_ASSERT_EQUAL(size_t{2}, ex.server_messages.size());
      CPPUNIT_ASSERT(ex.server_messages[1].rfind("t=", 0) == 0);
    }
  }

  // SASL_BADAUTH with one detail for all three: the peer cannot tell them apart.
  void testWrongPasswordUnknownUserAndBindingMismatchLookAlike() {
    const Exchange wrong = RunExchange(Spec(kMech, "alice", "wrong password"));
    const Exchange unknown = RunExchange(Spec(kMech, "mallory", "correct horse"));
    ExchangeSpec mitm_spec = Spec(kPlus, "alice", "correct horse");
    mitm_spec.client_binding = MakeBinding("tls-exporter", 1);
    mitm_spec.server_binding = MakeBinding("tls-exporter", 2);  // a MITM's other leg
    const Exchange mitm = RunExchange(mitm_spec);
    for (const Exchange* ex : {&wrong, &unknown, &mitm}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(ex->What(), SASL_BADAUTH, ex->server_result);
      CPPUNIT_ASSERT_MESSAGE(ex->server_detail,
                             ex->server_detail.find(kConfirmationDetail) != std::string::npos);
      CPPUNIT_ASSERT_EQUAL(wrong.server_detail, ex->server_detail);
      CPPUNIT_ASSERT_EQUAL(size_t{2}, ex->client_messages.size());
      CPPUNIT_ASSERT_EQUAL(size_t{1}, ex->server_messages.size());  // no confirmation sent
      CPPUNIT_ASSERT_EQUAL(wrong.server_messages[0].size(), ex->server_messages[0].size());
    }
  }

  void testReflection() {
    // The server's own share played back to it in client-final.
    std::string server_share;
    ExchangeSpec spec = Spec(kMech, "alice", "correct horse");
    spec.tamper = [&](bool from_client, int index, const std::string& m) {
      if (!from_client && index == 0) {
        server_share = Attribute(m, 'y');
      }
      return from_client && index == 1 ? Replace(m, Attribute(m, 'y'), server_share) : m;
    };
    const Exchange shares = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(shares.What(), SASL_BADAUTH, shares.server_result);
    // The server's whole message played back as the client's: not a client-final.
    std::string server_first;
    spec.tamper = [&](bool from_client, int index, const std::string& m) {
      if (!from_client && index == 0) {
        server_first = m;
      }
      return from_client && index == 1 ? server_first : m;
    };
    const Exchange whole = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(whole.What(), SASL_BADPROT, whole.server_result);
    // The client's own tag played back to it as the server's confirmation.
    std::string client_tag;
    spec.tamper = [&](bool from_client, int index, const std::string& m) {
      if (from_client && index == 1) {
        client_tag = Attribute(m, 't');
      }
      return !from_client && index == 1 ? "t=" + client_tag : m;
    };
    const Exchange tag = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(tag.What(), SASL_BADAUTH, tag.client_result);
  }

  void testReplayAcrossSessions() {
    const Exchange first = RunExchange(Spec(kMech, "alice", "correct horse"));
    CPPUNIT_ASSERT_MESSAGE(first.What(), first.ok());
    ExchangeSpec spec = Spec(kMech, "alice", "correct horse");
    spec.tamper = [&](bool from_client, int index, const std::string& m) {
      return from_client ? first.client_messages[index] : m;
    };
    const Exchange replay = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(replay.What(), SASL_BADAUTH, replay.server_result);
    CPPUNIT_ASSERT(replay.server_detail.find(kConfirmationDetail) != std::string::npos);
    spec.tamper = [&](bool from_client, int index, const std::string& m) {
      return from_client ? m : first.server_messages[index];
    };
    const Exchange back = RunExchange(spec);
    CPPUNIT_ASSERT(!back.ok());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(back.What(), SASL_BADAUTH, back.server_result);
  }

  // Every message, broken in each of its parts: SASL_BADPROT with a detail naming the part.
  void testMalformedMessages() {
    struct Case {
      bool from_client;
      int index;
      std::function<std::string(const std::string&)> edit;
      const char* detail;
    };
    const std::vector<Case> cases = {
        {true, 0, [](const std::string& m) { return "x" + m; }, "client-first"},
        {true, 0, [](const std::string& m) { return Replace(m, "n=alice", "u=alice"); },
         "expected n="},
        {true, 0, [](const std::string& m) { return Replace(m, "n=alice", "n=al=ice"); },
         "saslname"},
        {true, 0, [](const std::string& m) { return Replace(m, ",r=", ",r=A"); }, "expected r="},
        {true, 0, [](const std::string& m) { return m + ",x=1"; }, "unexpected data"},
        {true, 1, [](const std::string& m) { return m.substr(0, 10); }, "expected y="},
        {true, 1, [](const std::string& m) { return Replace(m, ",t=", ",v="); }, "expected t="},
        {true, 1, [](const std::string& m) { return m + ","; }, "unexpected data"},
        {true, 1, [](const std::string&) { return std::string(); }, "client-final"},
        {false, 0, [](const std::string& m) { return Replace(m, ",y=", ",z="); }, "expected y="},
        {false, 0, [](const std::string& m) { return m.substr(1); }, "expected r="},
        {false, 0, [](const std::string& m) { return m + "\n"; }, "server-first"},
        {false, 1, [](const std::string& m) { return m.substr(0, m.size() - 4); }, "expected t="},
        {false, 1, [](const std::string& m) { return m + m; }, "server-final"},
    };
    for (const Case& c : cases) {
      ExchangeSpec spec = Spec(kMech, "alice", "correct horse");
      spec.tamper = [&](bool from_client, int index, const std::string& m) {
        return from_client == c.from_client && index == c.index ? c.edit(m) : m;
      };
      const Exchange ex = RunExchange(spec);
      const int result = c.from_client ? ex.server_result : ex.client_result;
      const std::string& detail = c.from_client ? ex.server_detail : ex.client_detail;
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(c.detail) + ": " + ex.What(), SASL_BADPROT, result);
      CPPUNIT_ASSERT_MESSAGE(c.detail + (": " + detail),
                             detail.find(c.detail) != std::string::npos);
    }
  }

  // The identity and an invalid encoding as shares abort the exchange (draft s7.2, B.3.11).
  void testInvalidShares() {
    for (const std::string bad : {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                                  "KzxrjE84AOeu9oZAJbTteb1ZkRfkJ8Qb1H2T1lS0pRw="}) {
      for (const bool at_server : {true, false}) {
        ExchangeSpec spec = Spec(kMech, "alice", "correct horse");
        spec.tamper = [&](bool from_client, int index, const std::string& m) {
          const bool hit = at_server ? (from_client && index == 1) : (!from_client && index == 0);
          return hit ? Replace(m, Attribute(m, 'y'), bad) : m;
        };
        const Exchange ex = RunExchange(spec);
        const int result = at_server ? ex.server_result : ex.client_result;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, result);
        const std::string& detail = at_server ? ex.server_detail : ex.client_detail;
        CPPUNIT_ASSERT_MESSAGE(detail, detail.find("aborted") != std::string::npos);
      }
    }
  }

  void testServerIdOption() {
    ExchangeSpec spec = Spec(kMech, "alice", "correct horse");
    spec.client_options["e2esasl_cpace_server_id"] = "ldap.example.com";
    spec.server_options["e2esasl_cpace_server_id"] = "ldap.example.com";
    CPPUNIT_ASSERT_MESSAGE(RunExchange(spec).What(), RunExchange(spec).ok());
    spec.client_options["e2esasl_cpace_server_id"] = "127.0.0.1";
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH, RunExchange(spec).server_result);
  }

  void testPromptsAndProxy() {
    ExchangeSpec spec = Spec(kMech, "bob", "battery staple");
    spec.identity.via_prompts = true;
    const Exchange prompted = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(prompted.What(), prompted.ok());
    CPPUNIT_ASSERT(prompted.prompts_answered >= 2);
    ExchangeSpec proxy = Spec(kMech, "alice", "correct horse");
    proxy.identity.authzid = "bob";
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH, RunExchange(proxy).server_result);  // default policy
    proxy.allow_proxy = true;
    const Exchange proxied = RunExchange(proxy);
    CPPUNIT_ASSERT_MESSAGE(proxied.What(), proxied.ok());
    CPPUNIT_ASSERT(proxied.client_messages.front().rfind("n,a=bob,n=alice,", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("bob"), proxied.server_user.substr(0, 3));
  }

  // A user with only userPassword (what slapd's auxprop offers) works; setpass replaces secrets.
  void testUserPasswordFallbackAndChange() {
    CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(sasldb_, "carol", "plain text"));
    CPPUNIT_ASSERT_EQUAL(SASL_OK,
                         StoreProperty(sasldb_, "carol", "e2esasl-CPACE-R255", std::nullopt));
    const Exchange fallback = RunExchange(Spec(kMech, "carol", "plain text"));
    CPPUNIT_ASSERT_MESSAGE(fallback.What(), fallback.ok());
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH, RunExchange(Spec(kMech, "carol", "other")).server_result);
    // The family property wins over userPassword.
    CPPUNIT_ASSERT_EQUAL(SASL_OK,
                         StoreProperty(sasldb_, "carol", "e2esasl-CPACE-R255", "own secret"));
    CPPUNIT_ASSERT(RunExchange(Spec(kMech, "carol", "own secret")).ok());
    CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(sasldb_, "alice", "new password"));
    CPPUNIT_ASSERT(RunExchange(Spec(kMech, "alice", "new password")).ok());
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH,
                         RunExchange(Spec(kMech, "alice", "correct horse")).server_result);
  }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string sasldb_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(CpacePluginTest);
