// statement_fetch_test.cc: e2e_xmpp_fetch_statement against scripted answers (no server): the
// request stanza, which answers count (only from our domain), the codes of each answer, the
// timeout, the lost connection, and arguments refused before anything is sent. The same
// function against the real module is in vouch_test.cc.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "e2esasl/xmpp.h"

namespace {

const char kJwk[] = R"({"kty":"EC","crv":"P-256","x":"abc","y":"def"})";
const char kToken[] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";

struct Answer {
  int code = -1;
  std::string statement;
  std::string reason;
  int calls = 0;
};

void Done(void* user, int code, const char* statement, const char* reason) {
  auto* answer = static_cast<Answer*>(user);
  answer->code = code;
  answer->statement = statement != nullptr ? statement : "(null)";
  answer->reason = reason != nullptr ? reason : "(null)";
  ++answer->calls;
}

// Client: one core whose sent stanzas are recorded.
class Client {
 public:
  explicit Client(unsigned timeout_ms = 20000) {
    e2e_xmpp_config config{};
    config.jid = "alice@example.org/laptop";
    const char* plugins = std::getenv("E2ESASL_PLUGIN_DIR");
    config.plugin_path = plugins;
    config.timeout_ms = timeout_ms;
    e2e_xmpp_io io{this, &Client::Send};
    char* error = nullptr;
    xmpp_ = e2e_xmpp_new(&config, &io, nullptr, &error);
    if (xmpp_ == nullptr) {
      std::string why = error != nullptr ? error : "?";
      e2e_xmpp_free_string(error);
      CPPUNIT_FAIL("e2e_xmpp_new: " + why);
    }
  }
  ~Client() { e2e_xmpp_free(xmpp_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  e2e_xmpp* get() const { return xmpp_; }
  const std::vector<std::string>& sent() const { return sent_; }
  // IdOfLast: the id attribute of the last stanza sent.
  std::string IdOfLast() const {
    const std::string& s = sent_.back();
    size_t at = s.find("id=\"");
    CPPUNIT_ASSERT_MESSAGE(s, at != std::string::npos);
    at += 4;
    return s.substr(at, s.find('"', at) - at);
  }
  int Fetch(Answer* answer, const char* jwk = kJwk, const char* device_id = "laptop-1") {
    return e2e_xmpp_fetch_statement(xmpp_, jwk, device_id, &Done, answer);
  }
  int Take(const std::string& xml) { return e2e_xmpp_handle_stanza(xmpp_, xml.c_str()); }

 private:
  static int Send(void* user, const char* xml) {
    static_cast<Client*>(user)->sent_.emplace_back(xml);
    return 0;
  }
  e2e_xmpp* xmpp_ = nullptr;
  std::vector<std::string> sent_;
};

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Result(const std::string& id, const std::string& from, const std::string& body) {
  return "<iq type='result' id='" + id + "' from='" + from + "' to='alice@example.org/laptop'>" +
         body + "</iq>";
}

std::string Error(const std::string& id, const std::string& condition, const std::string& text) {
  return "<iq type='error' id='" + id + "' from='example.org'><error type='modify'><" + condition +
         " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text " +
         "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>" + text + "</text></error></iq>";
}

}  // namespace

class XmppStatementFetchTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XmppStatementFetchTest);
  CPPUNIT_TEST(testRequestAndResult);
  CPPUNIT_TEST(testOnlyOurServerAnswers);
  CPPUNIT_TEST(testErrorsAndBadResults);
  CPPUNIT_TEST(testTimeoutAndDisconnect);
  CPPUNIT_TEST(testArgumentsRefusedLocally);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRequestAndResult() {
    Client client;
    Answer answer;
    CPPUNIT_ASSERT_EQUAL(0, client.Fetch(&answer));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, client.sent().size());
    const std::string& iq = client.sent()[0];
    CPPUNIT_ASSERT_MESSAGE(iq, Contains(iq, "type=\"set\"") && Contains(iq, "to=\"example.org\""));
    CPPUNIT_ASSERT_MESSAGE(iq, Contains(iq, "<statement ") &&
                                   Contains(iq, "xmlns=\"urn:e2esasl:vouch:0\"") &&
                                   Contains(iq, "device-id=\"laptop-1\""));
    CPPUNIT_ASSERT_MESSAGE(iq, Contains(iq, "><jwk>{&quot;kty"));
    CPPUNIT_ASSERT_MESSAGE(iq, Contains(iq, "&quot;kty&quot;:&quot;EC&quot;"));
    CPPUNIT_ASSERT_EQUAL(0, answer.calls);
    CPPUNIT_ASSERT_EQUAL(1, client.Take(Result(client.IdOfLast(), "example.org",
                                               std::string("<statement xmlns='urn:e2esasl:vouch:"
                                                           "0'>") +
                                                   kToken + "</statement>")));
    CPPUNIT_ASSERT_EQUAL(1, answer.calls);
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_OK), answer.code);
    CPPUNIT_ASSERT_EQUAL(std::string(kToken), answer.statement);
    // Answered once: the same answer again is not the core's.
    CPPUNIT_ASSERT_EQUAL(0, client.Take(Result(client.IdOfLast(), "example.org", "")));
    CPPUNIT_ASSERT_EQUAL(1, answer.calls);
  }

  // An answer with the right id from anybody but example.org is left alone.
  void testOnlyOurServerAnswers() {
    Client client;
    Answer answer;
    CPPUNIT_ASSERT_EQUAL(0, client.Fetch(&answer));
    const std::string id = client.IdOfLast();
    const std::string body =
        std::string("<statement xmlns='urn:e2esasl:vouch:0'>") + kToken + "</statement>";
    for (const char* from : {"mallory@example.org/x", "alice@example.org", "evil.example", ""}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(from, 0, client.Take(Result(id, from, body)));
    }
    CPPUNIT_ASSERT_EQUAL(0, answer.calls);
    CPPUNIT_ASSERT_EQUAL(1, client.Take(Result(id, "example.org", body)));
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_OK), answer.code);
  }

  void testErrorsAndBadResults() {
    struct Case {
      std::string answer;  // with ID for the id
      int code;
      std::string reason;
    };
    const std::vector<Case> cases = {
        {Error("ID", "bad-request", "the key is not on P-256 (crv P-384)"), E2E_XMPP_ERR_USAGE,
         "bad-request (the key is not on P-256 (crv P-384))"},
        {Error("ID", "not-authorized", ""), E2E_XMPP_ERR_REFUSED, "not-authorized"},
        {Error("ID", "internal-server-error", "the domain key is not available"),
         E2E_XMPP_ERR_UNAVAILABLE, "internal-server-error"},
        {Error("ID", "service-unavailable", ""), E2E_XMPP_ERR_UNAVAILABLE, "service-unavailable"},
        {"<iq type='error' id='ID' from='example.org'/>", E2E_XMPP_ERR_UNAVAILABLE,
         "without a condition"},
        {Result("ID", "example.org", ""), E2E_XMPP_ERR_PROTOCOL, "holds no statement"},
        {Result("ID", "example.org", "<statement xmlns='urn:e2esasl:vouch:0'>a.b</statement>"),
         E2E_XMPP_ERR_PROTOCOL, "holds no statement"},
        {Result("ID", "example.org", "<statement xmlns='urn:e2esasl:vouch:0'>a..c</statement>"),
         E2E_XMPP_ERR_PROTOCOL, "holds no statement"},
        {Result("ID", "example.org", "<statement xmlns='urn:e2esasl:vouch:0'>a+b.c.d</statement>"),
         E2E_XMPP_ERR_PROTOCOL, "holds no statement"},
        {Result("ID", "example.org",
                "<statement xmlns='urn:e2esasl:vouch:0'>" + std::string(4095, 'a') +
                    ".b.c</statement>"),
         E2E_XMPP_ERR_PROTOCOL, "holds no statement"},
        {Result("ID", "example.org",
                std::string("<statement xmlns='other'>") + kToken + "</statement>"),
         E2E_XMPP_ERR_PROTOCOL, "holds no statement"},
    };
    for (const Case& c : cases) {
      Client client;
      Answer answer;
      CPPUNIT_ASSERT_EQUAL(0, client.Fetch(&answer));
      std::string xml = c.answer;
      xml.replace(xml.find("'ID'"), 4, "'" + client.IdOfLast() + "'");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(xml, 1, client.Take(xml));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(xml, 1, answer.calls);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(xml + ": " + answer.reason, c.code, answer.code);
      CPPUNIT_ASSERT_EQUAL(std::string("(null)"), answer.statement);
      CPPUNIT_ASSERT_MESSAGE(answer.reason, Contains(answer.reason, c.reason));
    }
  }

  void testTimeoutAndDisconnect() {
    {
      Client client(/*timeout_ms=*/50);
      Answer answer;
      CPPUNIT_ASSERT_EQUAL(0, client.Fetch(&answer));
      e2e_xmpp_tick(client.get());
      CPPUNIT_ASSERT_EQUAL(0, answer.calls);  // not yet
      std::this_thread::sleep_for(std::chrono::milliseconds(80));
      e2e_xmpp_tick(client.get());
      CPPUNIT_ASSERT_EQUAL(1, answer.calls);
      CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_TIMEOUT), answer.code);
      // A late answer is not the core's any more.
      CPPUNIT_ASSERT_EQUAL(0, client.Take(Result(client.IdOfLast(), "example.org", "")));
      CPPUNIT_ASSERT_EQUAL(1, answer.calls);
    }
    Client client;
    Answer first, second;
    CPPUNIT_ASSERT_EQUAL(0, client.Fetch(&first));
    CPPUNIT_ASSERT_EQUAL(0, client.Fetch(&second));
    e2e_xmpp_disconnected(client.get());
    CPPUNIT_ASSERT_EQUAL(1, first.calls);
    CPPUNIT_ASSERT_EQUAL(1, second.calls);
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_CLOSED), first.code);
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_CLOSED), second.code);
    Answer third;
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_CLOSED), client.Fetch(&third));
    CPPUNIT_ASSERT_EQUAL(0, third.calls);
  }

  void testArgumentsRefusedLocally() {
    Client client;
    Answer answer;
    const std::string long_key(1025, 'x');
    const std::string long_id(129, 'x');
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_USAGE),
                         client.Fetch(&answer, R"({"kty":"EC","d":"secret"})"));
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_USAGE), client.Fetch(&answer, ""));
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_USAGE),
                         client.Fetch(&answer, long_key.c_str()));
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_USAGE), client.Fetch(&answer, kJwk, ""));
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_USAGE), client.Fetch(&answer, kJwk, "a b"));
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_USAGE),
                         client.Fetch(&answer, kJwk, long_id.c_str()));
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_USAGE),
                         e2e_xmpp_fetch_statement(client.get(), kJwk, "d", nullptr, &answer));
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(E2E_XMPP_ERR_USAGE),
                         e2e_xmpp_fetch_statement(nullptr, kJwk, "d", &Done, &answer));
    CPPUNIT_ASSERT(client.sent().empty());
    CPPUNIT_ASSERT_EQUAL(0, answer.calls);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(XmppStatementFetchTest);
