// plugin_test.cc: the built libe2e_sas.so through the real libsasl2 (client and server in one
// process) with scripted people: success (callbacks and the SASL_INTERACT echo prompt), either
// person rejecting, a commitment mismatch, every malformed message, "n"/"y" and the base name
// refused, the mechanism unavailable without a binding or without a way to ask the server's
// person, a relay between two channels, and the digits option. Listing, the OpenLDAP form and
// the other behaviours every mechanism shares are in tests/conformance.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "support/sasl_harness.h"

namespace e2esasl::test {
namespace {

constexpr const char* kMech = "SAS-R255";
constexpr const char* kPlus = "SAS-R255-PLUS";
const std::string kElement = "x=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool LooksLikeSas(const std::string& s) {
  if (s.size() != 13) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const bool space = i == 3 || i == 7 || i == 11;
    if (space ? s[i] != ' ' : (s[i] < '0' || s[i] > '9')) {
      return false;
    }
  }
  return true;
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl::test;  // NOLINT: test file

// At global scope: CppUnit names suites by their qualified type name.
class SasPluginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SasPluginTest);
  CPPUNIT_TEST(testSuccessWithCallbacks);
  CPPUNIT_TEST(testSuccessWithoutSuccessData);
  CPPUNIT_TEST(testEveryPersonSeesTheStringBeforeAnyoneAnswers);
  CPPUNIT_TEST(testServerWithoutShowCallback);
  CPPUNIT_TEST(testSuccessWithEchoPrompt);
  CPPUNIT_TEST(testClientRejects);
  CPPUNIT_TEST(testServerRejects);
  CPPUNIT_TEST(testCommitmentMismatch);
  CPPUNIT_TEST(testMalformedMessages);
  CPPUNIT_TEST(testNoAndYesFlagsRejected);
  CPPUNIT_TEST(testNoBindingOrNoServerPerson);
  CPPUNIT_TEST(testRelayBetweenTwoChannels);
  CPPUNIT_TEST(testDigitsOption);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = std::make_unique<TempDir>();
    sasldb_ = dir_->path() + "/sasldb2";
  }
  void tearDown() override { dir_.reset(); }

  // Spec: alice, SAS-R255-PLUS, the same tls-exporter binding on both ends, both people accept
  // (the client also has the show callback).
  ExchangeSpec Spec() {
    ExchangeSpec spec;
    spec.client_mechlist = kPlus;
    spec.identity.authcid = "alice";
    spec.sasldb_path = sasldb_;
    spec.client_binding = MakeBinding("tls-exporter", 5);
    spec.server_binding = MakeBinding("tls-exporter", 5);
    spec.client_confirm = [](const std::string&) { return true; };
    spec.server_confirm = [](const std::string&) { return true; };
    spec.client_show = [](const std::string&) { return true; };
    spec.server_show = [](const std::string&) { return true; };
    return spec;
  }

  // Nobody answers before both people can see the string. The server shows it as soon as it
  // knows it (before server-confirm), the client's person is asked next (callback or
  // SASL_INTERACT prompt, with or without the client's show callback), the server's person last.
  void testEveryPersonSeesTheStringBeforeAnyoneAnswers() {
    struct Row {
      const char* name;
      bool client_callback;  // client CONFIRM callback (else the SASL_INTERACT echo prompt)
      bool client_show;
      std::vector<std::string> events;
    };
    const Row rows[] = {
        {"callbacks + show",
         true,
         true,
         {"client show", "server show", "client confirm", "server confirm"}},
        {"callback, no show", true, false, {"server show", "client confirm", "server confirm"}},
        {"SASL_INTERACT, no show",
         false,
         false,
         {"server show", "client prompt", "server confirm"}},
    };
    for (const Row& row : rows) {
      ExchangeSpec spec = Spec();
      if (!row.client_callback) {
        spec.client_confirm = nullptr;
        spec.client_echo_answer = "yes";
      }
      if (!row.client_show) {
        spec.client_show = nullptr;
      }
      const Exchange ex = RunExchange(spec);
      CPPUNIT_ASSERT_MESSAGE(std::string(row.name) + ": " + ex.What(), ex.ok());
      std::string got;
      for (const std::string& e : ex.person_events) {
        got += e + "; ";
      }
      CPPUNIT_ASSERT_MESSAGE(std::string(row.name) + ": " + got, row.events == ex.person_events);
      CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.server_show_texts.size());
      CPPUNIT_ASSERT_EQUAL(ex.server_show_texts[0], ex.server_confirm_texts.at(0));
    }
  }

  // A server application without the show callback: the mechanism is not available, and
  // sasl_server_start says so, instead of asking its person blind.
  void testServerWithoutShowCallback() {
    ExchangeSpec spec = Spec();
    spec.server_show = nullptr;
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_NOMECH, ex.server_result);
    CPPUNIT_ASSERT(ex.server_confirm_texts.empty());
  }

  void testSuccessWithCallbacks() {
    for (const char* name : {"tls-exporter", "tls-unique", "tls-server-end-point", "ldap"}) {
      ExchangeSpec spec = Spec();
      spec.client_binding = MakeBinding(name, 9);
      spec.server_binding = MakeBinding(name, 9);
      const Exchange ex = RunExchange(spec);
      CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("alice"), ex.server_authid);
      CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.client_show_texts.size());
      CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.server_confirm_texts.size());
      CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.client_confirm_texts.size());
      const std::string sas = ex.server_confirm_texts[0];
      CPPUNIT_ASSERT_MESSAGE(sas, LooksLikeSas(sas));
      CPPUNIT_ASSERT_EQUAL(sas, ex.client_show_texts[0]);
      CPPUNIT_ASSERT_EQUAL(sas, ex.client_confirm_texts[0]);
      CPPUNIT_ASSERT_EQUAL(size_t{3}, ex.client_messages.size());
      CPPUNIT_ASSERT(
          ex.client_messages[0].rfind(std::string("p=") + name + ",,n=alice,d=10,c=", 0) == 0);
    }
  }

  // Without SASL_SUCCESS_DATA: no success data, so no extra round trip (the same 3 / 2 messages).
  void testSuccessWithoutSuccessData() {
    ExchangeSpec spec = Spec();
    spec.server_flags = 0;
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
    CPPUNIT_ASSERT_EQUAL(ex.client_confirm_texts.at(0), ex.server_confirm_texts.at(0));
    CPPUNIT_ASSERT_EQUAL(size_t{3}, ex.client_messages.size());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, ex.server_messages.size());
    CPPUNIT_ASSERT(!ex.success_data);
  }

  void testSuccessWithEchoPrompt() {
    for (const char* answer : {"yes", "Y", "YES"}) {
      ExchangeSpec spec = Spec();
      spec.client_confirm = nullptr;
      spec.client_echo_answer = answer;
      const Exchange ex = RunExchange(spec);
      CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
      CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.echo_challenges.size());
      CPPUNIT_ASSERT_EQUAL(ex.server_confirm_texts[0], ex.echo_challenges[0]);
    }
    for (const char* answer : {"no", "", "yes please", "ok"}) {
      ExchangeSpec spec = Spec();
      spec.client_confirm = nullptr;
      spec.client_echo_answer = answer;
      const Exchange ex = RunExchange(spec);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(answer, SASL_BADAUTH, ex.client_result);
      CPPUNIT_ASSERT_MESSAGE(ex.What(),
                             Contains(ex.client_detail, "person at the client rejected"));
      CPPUNIT_ASSERT(ex.server_result != SASL_OK);
    }
    // An application that leaves the prompt unanswered never accepts.
    ExchangeSpec spec = Spec();
    spec.client_confirm = nullptr;
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH, ex.client_result);
  }

  void testClientRejects() {
    ExchangeSpec spec = Spec();
    spec.client_confirm = [](const std::string&) { return false; };
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.client_result);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), Contains(ex.client_detail,
                                               "SAS-R255: authentication failed: the person at the "
                                               "client rejected the short authentication string"));
    CPPUNIT_ASSERT(ex.server_result != SASL_OK);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, ex.client_messages.size());  // no client-confirm
  }

  void testServerRejects() {
    ExchangeSpec spec = Spec();
    spec.server_confirm = [](const std::string&) { return false; };
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.server_result);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), Contains(ex.server_detail,
                                               "SAS-R255: authentication failed: the person at the "
                                               "server rejected the short authentication string"));
    // The server's person answers last: the client's person has already accepted.
    CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.client_confirm_texts.size());
    CPPUNIT_ASSERT_EQUAL(ex.client_confirm_texts[0], ex.server_confirm_texts.at(0));
  }

  void testCommitmentMismatch() {
    ExchangeSpec spec = Spec();
    std::string server_element;
    spec.tamper = [&](bool from_client, int index, const std::string& m) {
      if (!from_client && index == 0) {
        server_element = m.substr(2);  // a valid element, but not the committed one
      }
      return from_client && index == 1 ? "x=" + server_element : m;
    };
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.server_result);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), Contains(ex.server_detail,
                                               "the client's revealed element does not match its "
                                               "commitment: aborted"));
    CPPUNIT_ASSERT(ex.server_confirm_texts.empty());  // nobody is asked about a broken commitment
  }

  // Every message replaced by a malformed one, with the side that must notice, its code and the
  // exact detail.
  void testMalformedMessages() {
    struct Case {
      bool from_client;
      int index;
      std::string replacement;  // "@" is replaced by the original message
      int code;
      std::string detail;
    };
    const std::string hash88 = std::string(86, 'A') + "==";  // 64 zero bytes
    const std::vector<Case> cases = {
        {true, 0, "", SASL_BADPROT, "client-first: empty or longer than 4096 bytes"},
        {true, 0, "p=tls-exporter,,n=alice,d=10", SASL_BADPROT,
         "client-first: expected c=<64-byte base64 commitment>"},
        {true, 0, "p=tls-exporter,,n=alice,d=7,c=" + hash88, SASL_BADPROT,
         "client-first: d= must be a decimal number from 10 to 18"},
        {true, 0, "p=tls-exporter,,d=10,c=" + hash88, SASL_BADPROT,
         "client-first: expected n=<authcid>"},
        {true, 0, "@,x=1", SASL_BADPROT, "client-first: unexpected data after c="},
        {true, 0, "p=tls exporter,,n=alice,d=10,c=" + hash88, SASL_BADPROT,
         "client-first: gs2 header: invalid channel-binding name"},
        {true, 1, "y=AAAA", SASL_BADPROT, "client-reveal: expected x=<32-byte base64 element>"},
        {true, 1, "@,", SASL_BADPROT, "client-reveal: unexpected data after x="},
        {true, 2, "v=AAAA", SASL_BADPROT, "client-confirm: expected v=<64-byte base64 tag>"},
        {true, 2, "v=" + hash88, SASL_BADAUTH,
         "authentication failed: the client's key confirmation did not verify"},
        {false, 0, "", SASL_BADPROT, "server-first: empty or longer than 4096 bytes"},
        {false, 0, "x=AAAA", SASL_BADPROT, "server-first: expected y=<32-byte base64 element>"},
        {false, 0, "@ ", SASL_BADPROT, "server-first: expected y=<32-byte base64 element>"},
        {false, 0, "y=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", SASL_BADAUTH,
         "the peer's element is not a valid ristretto255 element"},
        {false, 1, "v=", SASL_BADPROT, "server-confirm: expected v=<64-byte base64 tag>"},
        {false, 1, "@,v=1", SASL_BADPROT, "server-confirm: unexpected data after v="},
        {false, 1, "v=" + hash88, SASL_BADAUTH,
         "authentication failed: the server's key confirmation did not verify"},
        {false, 2, "v=x", SASL_BADPROT, "server-final: expected no data"},
    };
    for (const Case& c : cases) {
      ExchangeSpec spec = Spec();
      spec.tamper = [&](bool from_client, int index, const std::string& m) {
        if (from_client != c.from_client || index != c.index) {
          return m;
        }
        std::string out = c.replacement;
        const size_t at = out.find('@');
        return at == std::string::npos ? out : out.replace(at, 1, m);
      };
      const Exchange ex = RunExchange(spec);
      const std::string what = c.replacement.substr(0, 40) + " -> " + ex.What();
      const int code = c.from_client ? ex.server_result : ex.client_result;
      const std::string& detail = c.from_client ? ex.server_detail : ex.client_detail;
      CPPUNIT_ASSERT_EQUAL_MESSAGE(what, c.code, code);
      CPPUNIT_ASSERT_MESSAGE(what, Contains(detail, "SAS-R255: " + c.detail));
      CPPUNIT_ASSERT_MESSAGE(what, !ex.ok());
    }
  }

  void testNoAndYesFlagsRejected() {
    struct Case {
      std::string flag;
      int code;
      std::string detail;
    };
    const std::vector<Case> cases = {
        {"n,", SASL_BADBINDING,
         "SAS-R255-PLUS works only with a channel binding: the client must send \"p=\""},
        // "y," (downgrade): tests/conformance.
        {"p=tls-unique,", SASL_BADBINDING, ""},
    };
    for (const Case& c : cases) {
      ExchangeSpec spec = Spec();
      spec.tamper = [&](bool from_client, int index, const std::string& m) {
        return from_client && index == 0 ? c.flag + m.substr(m.find(',') + 1) : m;
      };
      const Exchange ex = RunExchange(spec);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.flag + ex.What(), c.code, ex.server_result);
      CPPUNIT_ASSERT_MESSAGE(ex.What(), Contains(ex.server_detail, c.detail));
    }
    // The base name: the client refuses to run without "p=".
    ExchangeSpec spec = Spec();
    spec.client_mechlist = kMech;
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADBINDING, ex.client_result);
    CPPUNIT_ASSERT_MESSAGE(ex.What(),
                           Contains(ex.client_detail, "works only with a channel binding"));
  }

  void testNoBindingOrNoServerPerson() {
    ExchangeSpec spec = Spec();
    spec.client_binding.reset();
    spec.server_binding.reset();
    Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), !ex.ok());
    CPPUNIT_ASSERT_EQUAL(SASL_NOMECH, ex.client_result);
    // The server's application registered nobody to ask: not offered, never accepted.
    spec = Spec();
    spec.server_confirm = nullptr;
    ex = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), !ex.ok());
    CPPUNIT_ASSERT(ex.server_result != SASL_OK && ex.server_result != SASL_CONTINUE);
  }

  // A relay terminating TLS on both sides forwards the SASL bytes: each end sees its own string
  // (different), and the server's key confirmation fails at the client whatever people answer.
  void testRelayBetweenTwoChannels() {
    ExchangeSpec spec = Spec();
    spec.server_binding = MakeBinding("tls-exporter", 6);
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.client_result);
    CPPUNIT_ASSERT_MESSAGE(ex.What(),
                           Contains(ex.client_detail, "key confirmation did not verify"));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.client_show_texts.size());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.server_show_texts.size());
    CPPUNIT_ASSERT(ex.client_show_texts[0] != ex.server_show_texts[0]);
    // The server's key confirmation fails at the client: neither person is ever asked.
    CPPUNIT_ASSERT(ex.client_confirm_texts.empty());
    CPPUNIT_ASSERT(ex.server_confirm_texts.empty());
  }

  void testDigitsOption() {
    ExchangeSpec spec = Spec();
    spec.client_options["e2esasl_sas_digits"] = "16";
    spec.server_options["e2esasl_sas_digits"] = "12";
    Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("ddd ddd ddd ddd ddd d").size(),
                         ex.server_confirm_texts[0].size());
    spec = Spec();
    spec.server_options["e2esasl_sas_digits"] = "12";
    ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.server_result);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), Contains(ex.server_detail, "requires at least 12"));
  }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string sasldb_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SasPluginTest);
