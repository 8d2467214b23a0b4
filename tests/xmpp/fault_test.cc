// fault_test.cc: bad input and faults through the session core: each ends the session with a
// precise code and reason, never a crash or a hang (docs/xmpp.md "Faults").
#include <regex>

#include <cppunit/extensions/HelperMacros.h>

#include "support/sasl_harness.h"
#include "xmpp/xmpp_pair.h"

using namespace e2esasl::test;  // NOLINT: test file

namespace {

constexpr const char* kMech = "CPACE-R255-PLUS";

bool IsData(const std::string& xml) {
  return xml.find("<data") != std::string::npos;
}

std::string Ibbsid(const std::string& xml) {
  std::smatch m;
  std::regex re("<transport[^>]*sid=\"([0-9a-f]+)\"");
  return std::regex_search(xml, m, re) ? m[1].str() : "";
}

}  // namespace

class XmppFaultTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XmppFaultTest);
  CPPUNIT_TEST(testPeerOffline);
  CPPUNIT_TEST(testDeclined);
  CPPUNIT_TEST(testTerminateMidHandshake);
  CPPUNIT_TEST(testIbbCloseMidTls);
  CPPUNIT_TEST(testWrongSequenceNumber);
  CPPUNIT_TEST(testInvalidBase64);
  CPPUNIT_TEST(testBlockOverNegotiatedSize);
  CPPUNIT_TEST(testFloodBeforeAuthentication);
  CPPUNIT_TEST(testSecondInitiateSameSid);
  CPPUNIT_TEST(testThirdJidInjected);
  CPPUNIT_TEST(testPeerStopsAnswering);
  CPPUNIT_TEST(testConnectionLost);
  CPPUNIT_TEST(testUnusableLines);
  CPPUNIT_TEST(testBadConfiguration);
  CPPUNIT_TEST(testAcceptOvertakesAck);
  CPPUNIT_TEST(testSessionFlood);
  CPPUNIT_TEST(testOversizedStanza);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { store_.Provision(); }

  PartySpec Bob() { return store_.Bob(); }
  PartySpec Alice() { return PairStore::Alice(5000); }

  // Fails runs alice -> bob and expects alice to fail with code; returns alice's events.
  SessionEvents Fails(Router& router, Party& alice, Party& bob, int code,
                      const std::string& reason_part, const std::string& peer = kBob) {
    e2e_xmpp_session* s = alice.Start(peer, kMech, "", kPassword);
    CPPUNIT_ASSERT(s != nullptr);
    std::string sid = e2e_xmpp_session_sid(s);
    CPPUNIT_ASSERT_MESSAGE("no end", router.Run([&] { return alice.Events(sid).ended(); }, 15000));
    SessionEvents e = alice.Events(sid);
    std::string what = "code " + std::to_string(e.failed.value_or(-1)) + ": " + e.reason;
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, code, e.failed.value_or(-1));
    CPPUNIT_ASSERT_MESSAGE(what, e.reason.find(reason_part) != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(what, !e.identity.has_value());
    // Bob's side ends too (or never started), and nothing is left behind.
    router.Run([&] { return e2e_xmpp_session_count(bob.xmpp()) == 0; }, 8000);
    CPPUNIT_ASSERT_EQUAL(size_t{0}, e2e_xmpp_session_count(alice.xmpp()));
    CPPUNIT_ASSERT_EQUAL(size_t{0}, e2e_xmpp_session_count(bob.xmpp()));
    return e;
  }

  // FirstDataFrom rewrites the first IBB data block `who` sends with `edit`.
  static Router::Filter FirstDataFrom(const std::string& who,
                                      std::function<std::string(const std::string&)> edit) {
    auto done = std::make_shared<bool>(false);
    return [who, edit, done](const std::string& from, const std::string& xml) {
      if (from == who && IsData(xml) && !*done) {
        *done = true;
        return edit(xml);
      }
      return xml;
    };
  }

  void testPeerOffline() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    Fails(router, alice, bob, E2E_XMPP_ERR_UNAVAILABLE, "service-unavailable",
          "nobody@localhost/none");
  }

  void testDeclined() {
    Router router;
    PartySpec b = Bob();
    b.incoming_answer = E2E_XMPP_DECLINE;
    Party alice(&router, Alice()), bob(&router, b);
    Fails(router, alice, bob, E2E_XMPP_ERR_DECLINED, "decline");
  }

  void testTerminateMidHandshake() {
    Router router;
    PartySpec b = Bob();
    b.timeout_ms = 2000;  // bob never sees the terminate the router forged in his name
    Party alice(&router, Alice()), bob(&router, b);
    std::string sid;
    router.filter = FirstDataFrom(kBob, [&](const std::string& xml) {
      std::smatch m;
      std::regex_search(xml, m, std::regex("id=\"([^\"]+)\""));
      return "<iq type='set' id='t1' to='" + std::string(kAlice) +
             "'><jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='" +
             alice.Sids().back() + "'><reason><failed-application/></reason></jingle></iq>";
    });
    Fails(router, alice, bob, E2E_XMPP_ERR_CLOSED, "failed-application");
  }

  void testIbbCloseMidTls() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    std::string ibb;
    router.filter = [&](const std::string& from, const std::string& xml) {
      if (from == kAlice && ibb.empty()) {
        ibb = Ibbsid(xml);
      }
      if (from == kBob && IsData(xml)) {
        return "<iq type='set' id='c1' to='" + std::string(kAlice) +
               "'><close xmlns='http://jabber.org/protocol/ibb' sid='" + ibb + "'/></iq>";
      }
      return xml;
    };
    Fails(router, alice, bob, E2E_XMPP_ERR_CLOSED, "closed the bytestream during the inner TLS");
  }

  void testWrongSequenceNumber() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    router.filter = FirstDataFrom(kBob, [](const std::string& xml) {
      return std::regex_replace(xml, std::regex("seq=\"0\""), "seq=\"5\"");
    });
    Fails(router, alice, bob, E2E_XMPP_ERR_PROTOCOL, "out of sequence (seq 5, expected 0)");
  }

  void testInvalidBase64() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    router.filter = FirstDataFrom(kBob, [](const std::string& xml) {
      return std::regex_replace(xml, std::regex(">[A-Za-z0-9+/=]+</data>"), ">AB=C</data>");
    });
    Fails(router, alice, bob, E2E_XMPP_ERR_PROTOCOL, "not valid base64");
  }

  void testBlockOverNegotiatedSize() {
    Router router;
    PartySpec a = Alice();
    a.block_size = 512;
    Party alice(&router, a), bob(&router, Bob());
    std::string big(700, 'A');  // 525 bytes decoded
    router.filter = FirstDataFrom(kBob, [&](const std::string& xml) {
      return std::regex_replace(xml, std::regex(">[A-Za-z0-9+/=]+</data>"), ">" + big + "</data>");
    });
    Fails(router, alice, bob, E2E_XMPP_ERR_LIMIT, "over the negotiated block size of 512");
  }

  void testFloodBeforeAuthentication() {
    Router router;
    PartySpec a = Alice();
    a.max_unauthenticated = 200;  // less than the server's first TLS flight
    Party alice(&router, a), bob(&router, Bob());
    Fails(router, alice, bob, E2E_XMPP_ERR_LIMIT, "more than 200 bytes before authentication");
  }

  void testSecondInitiateSameSid() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    std::string initiate;
    router.filter = [&](const std::string& from, const std::string& xml) {
      if (from == kAlice && xml.find("session-initiate") != std::string::npos) {
        initiate = xml;
      }
      return xml;
    };
    e2e_xmpp_session* s = alice.Start(kBob, kMech, "", kPassword);
    std::string sid = e2e_xmpp_session_sid(s);
    CPPUNIT_ASSERT(router.Run([&] { return alice.Events(sid).identity.has_value(); }));
    size_t errors_before = CountErrors(bob);
    router.Post(kAlice, initiate);  // the same sid again
    router.Run([&] { return CountErrors(bob) > errors_before; }, 3000);
    CPPUNIT_ASSERT_EQUAL(errors_before + 1, CountErrors(bob));
    CPPUNIT_ASSERT(bob.trace.back().find("conflict") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, e2e_xmpp_session_count(bob.xmpp()));
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_send(s, "still here", 10));
    CPPUNIT_ASSERT(router.Run([&] { return !alice.Events(sid).data.empty(); }));
    CPPUNIT_ASSERT_EQUAL(std::string("echo: still here"), alice.Events(sid).data[0]);
  }

  void testThirdJidInjected() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    std::string ibb;
    router.filter = [&](const std::string& from, const std::string& xml) {
      if (from == kAlice && ibb.empty()) {
        ibb = Ibbsid(xml);
      }
      return xml;
    };
    e2e_xmpp_session* s = alice.Start(kBob, kMech, "", kPassword);
    std::string sid = e2e_xmpp_session_sid(s);
    CPPUNIT_ASSERT(router.Run([&] { return alice.Events(sid).identity.has_value(); }));
    // eve injects a data block and a terminate into the session, under her own JID.
    size_t errors_before = CountErrors(alice);
    router.Inject(kAlice, "<iq type='set' id='e1' from='eve@localhost/x' to='" +
                              std::string(kAlice) +
                              "'><data xmlns='http://jabber.org/protocol/"
                              "ibb' seq='0' sid='" +
                              ibb + "'>AAAA</data></iq>");
    router.Inject(kAlice, "<iq type='set' id='e2' from='eve@localhost/x' to='" +
                              std::string(kAlice) +
                              "'><jingle xmlns='urn:xmpp:jingle:1' "
                              "action='session-terminate' sid='" +
                              sid + "'><reason><success/></reason></jingle></iq>");
    router.Run([&] { return CountErrors(alice) >= errors_before + 2; }, 3000);
    CPPUNIT_ASSERT_EQUAL(errors_before + 2, CountErrors(alice));
    CPPUNIT_ASSERT(!alice.Events(sid).ended());
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_send(s, "unharmed", 8));
    CPPUNIT_ASSERT(router.Run([&] { return !alice.Events(sid).data.empty(); }));
    CPPUNIT_ASSERT_EQUAL(std::string("echo: unharmed"), alice.Events(sid).data[0]);
  }

  void testPeerStopsAnswering() {
    Router router;
    PartySpec a = Alice();
    a.timeout_ms = 1500;
    Party alice(&router, a), bob(&router, Bob());
    router.filter = [](const std::string& from, const std::string& xml) {
      return from == kBob && IsData(xml) ? std::string() : xml;
    };
    Fails(router, alice, bob, E2E_XMPP_ERR_TIMEOUT, "no authentication within 1 s");
  }

  void testConnectionLost() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    e2e_xmpp_session* s = alice.Start(kBob, kMech, "", kPassword);
    std::string sid = e2e_xmpp_session_sid(s);
    router.Run([&] { return !bob.Sids().empty(); });
    e2e_xmpp_disconnected(alice.xmpp());
    CPPUNIT_ASSERT_EQUAL(int{E2E_XMPP_ERR_CLOSED}, alice.Events(sid).failed.value_or(-1));
    CPPUNIT_ASSERT(alice.Events(sid).reason.find("connection was lost") != std::string::npos);
    CPPUNIT_ASSERT(e2e_xmpp_start(alice.xmpp(), kBob, nullptr) == nullptr);
    CPPUNIT_ASSERT_EQUAL(size_t{0}, e2e_xmpp_session_count(alice.xmpp()));
  }

  void testUnusableLines() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    e2e_xmpp_session* s = alice.Start(kBob, kMech, "", kPassword);
    std::string sid = e2e_xmpp_session_sid(s);
    CPPUNIT_ASSERT_EQUAL(-1, e2e_xmpp_send(s, "too early", 9));
    CPPUNIT_ASSERT(router.Run([&] { return alice.Events(sid).identity.has_value(); }));
    std::string big(60001, 'x');
    CPPUNIT_ASSERT_EQUAL(-1, e2e_xmpp_send(s, big.data(), big.size()));
    CPPUNIT_ASSERT_EQUAL(-1, e2e_xmpp_send(s, "two\nlines", 9));
    std::string max(60000, 'y');
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_send(s, max.data(), max.size()));
    CPPUNIT_ASSERT(router.Run([&] { return !bob.Events().data.empty(); }));
    CPPUNIT_ASSERT_EQUAL(max, bob.Events().data[0]);
  }

  void testBadConfiguration() {
    e2e_xmpp_io io{nullptr, [](void*, const char*) { return 0; }};
    struct Row {
      const char* jid;
      const char* tls;
      const char* binding;
      unsigned block;
      const char* expected;
    };
    for (const Row& r : {Row{"alice@localhost", "openssl", nullptr, 0, "full JID"},
                         Row{kAlice, "schannel", nullptr, 0, "tls_library"},
                         Row{kAlice, "openssl", "tls-unique-for-telnet", 0, "channel_binding"},
                         Row{kAlice, "openssl", nullptr, 70000, "block_size"}}) {
      e2e_xmpp_config c{};
      c.jid = r.jid;
      c.tls_library = r.tls;
      c.channel_binding = r.binding;
      c.block_size = r.block;
      char* error = nullptr;
      CPPUNIT_ASSERT(e2e_xmpp_new(&c, &io, nullptr, &error) == nullptr);
      std::string why = error != nullptr ? error : "";
      e2e_xmpp_free_string(error);
      CPPUNIT_ASSERT_MESSAGE(why, why.find(r.expected) != std::string::npos);
    }
  }

  // A server in the middle may deliver bob's session-accept before his ack of the
  // session-initiate: the session still comes up, and the late ack is not taken for another.
  void testAcceptOvertakesAck() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    std::string held;
    router.filter = [&](const std::string& from, const std::string& xml) {
      if (from == kBob && held.empty() && xml.find("type=\"result\"") != std::string::npos) {
        held =
            std::regex_replace(xml, std::regex("<iq "), "<iq from=\"" + std::string(kBob) + "\" ");
        return std::string();
      }
      if (from == kBob && xml.find("session-accept") != std::string::npos) {
        router.Inject(kAlice, std::regex_replace(xml, std::regex("<iq "),
                                                 "<iq from=\"" + std::string(kBob) + "\" "));
        router.Inject(kAlice, held);
        return std::string();
      }
      return xml;
    };
    e2e_xmpp_session* s = alice.Start(kBob, kMech, "", kPassword);
    std::string sid = e2e_xmpp_session_sid(s);
    CPPUNIT_ASSERT(router.Run(
        [&] { return alice.Events(sid).ended() || alice.Events(sid).identity.has_value(); }));
    CPPUNIT_ASSERT_MESSAGE(alice.Events(sid).reason, alice.Events(sid).identity.has_value());
    CPPUNIT_ASSERT(!held.empty());
  }

  // More than 64 session requests at once: the extra ones are refused (resource-constraint,
  // reported as unavailable), the first 64 are untouched.
  void testSessionFlood() {
    Router router;
    PartySpec b = Bob();
    b.incoming_answer = E2E_XMPP_PENDING;  // bob's person never answers: sessions pile up
    PartySpec c = Alice();
    c.jid = "carol@localhost/desk";
    Party alice(&router, Alice()), bob(&router, b), carol(&router, c);
    // alice may have at most 64 sessions herself: the 65th start is refused locally.
    std::vector<std::string> sids;
    for (int i = 0; i < 64; ++i) {
      e2e_xmpp_session* s = alice.Start(kBob, kMech, "", kPassword);
      CPPUNIT_ASSERT(s != nullptr);
      sids.push_back(e2e_xmpp_session_sid(s));
    }
    CPPUNIT_ASSERT(alice.Start(kBob, kMech, "", kPassword) == nullptr);
    router.Run([&] { return e2e_xmpp_session_count(bob.xmpp()) == 64; }, 5000);
    // carol's requests find bob full.
    std::vector<std::string> carols;
    for (int i = 0; i < 2; ++i) {
      carols.push_back(e2e_xmpp_session_sid(carol.Start(kBob, kMech, "", kPassword)));
    }
    router.Run([&] { return carol.Events(carols[1]).ended(); }, 5000);
    CPPUNIT_ASSERT_EQUAL(size_t{64}, e2e_xmpp_session_count(bob.xmpp()));
    for (const std::string& sid : carols) {
      CPPUNIT_ASSERT_EQUAL(int{E2E_XMPP_ERR_UNAVAILABLE}, carol.Events(sid).failed.value_or(-1));
      CPPUNIT_ASSERT(carol.Events(sid).reason.find("resource-constraint") != std::string::npos);
    }
    for (const std::string& sid : sids) {
      CPPUNIT_ASSERT(!alice.Events(sid).ended());
    }
  }

  // A data stanza far over any block size (300 KiB of base64, as a server without a stanza
  // limit would pass it): refused before decoding, the session ends with a limit failure.
  void testOversizedStanza() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    std::string huge(300 * 1024, 'A');
    router.filter = FirstDataFrom(kBob, [&](const std::string& xml) {
      return std::regex_replace(xml, std::regex(">[A-Za-z0-9+/=]+</data>"), ">" + huge + "</data>");
    });
    Fails(router, alice, bob, E2E_XMPP_ERR_LIMIT, "over the negotiated block size of 4096");
  }

 private:
  static size_t CountErrors(const Party& p) {
    size_t n = 0;
    for (const std::string& t : p.trace) {
      n += t.starts_with("out: ") && t.find("type=\"error\"") != std::string::npos;
    }
    return n;
  }

  PairStore store_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(XmppFaultTest);
