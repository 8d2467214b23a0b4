// core_test.cc: sessions through the session core with every mechanism, both TLS libraries and
// every binding type; chat; concurrent sessions; the man in the middle (a relaying party that
// terminates both inner TLS legs, as a compromised server would arrange).
#include <cstdio>
#include <cstdlib>

#include <cppunit/extensions/HelperMacros.h>

#include "support/sasl_harness.h"
#include "xmpp/xmpp_pair.h"

using namespace e2esasl::test;  // NOLINT: test file

namespace {

constexpr const char* kMallory = "mallory@localhost/relay";

struct Outcome {
  SessionEvents alice;
  SessionEvents bob;
};

// Talk runs one session alice -> bob with mech (empty: negotiate), chats one line, closes.
Outcome Talk(Router& router, Party& alice, Party& bob, const std::string& mech,
             const std::string& password = kPassword, bool chat = true) {
  e2e_xmpp_session* s = alice.Start(bob.jid(), mech, "", password);
  CPPUNIT_ASSERT(s != nullptr);
  std::string sid = e2e_xmpp_session_sid(s);
  router.Run([&] {
    SessionEvents& a = alice.Events(sid);
    return a.ended() || a.identity.has_value();
  });
  SessionEvents& a = alice.Events(sid);
  if (a.identity && chat) {
    std::string line = "hello from alice";
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_send(s, line.data(), line.size()));
    router.Run([&] { return !alice.Events(sid).data.empty() || alice.Events(sid).ended(); });
    e2e_xmpp_close(s);
  }
  router.Run(
      [&] { return alice.Events(sid).ended() && (bob.Sids().empty() || bob.Events().ended()); },
      8000);
  if (std::getenv("E2E_XMPP_TEST_TRACE") != nullptr && alice.Events(sid).failed) {
    for (const std::string& t : alice.trace) {
      std::fprintf(stderr, "alice %s\n", t.substr(0, 300).c_str());
    }
  }
  // Bob's session is the last one he saw (through a man in the middle its sid differs).
  return {alice.Events(sid), bob.Sids().empty() ? SessionEvents{} : bob.Events()};
}

std::string Describe(const Outcome& o) {
  return "alice: " +
         (o.alice.failed ? "failed " + std::to_string(*o.alice.failed) + " " + o.alice.reason
                         : std::string("ok")) +
         " / bob: " +
         (o.bob.failed ? "failed " + std::to_string(*o.bob.failed) + " " + o.bob.reason
                       : std::string("ok"));
}

void AssertSuccess(const Outcome& o, const std::string& mech, const std::string& binding) {
  std::string what = mech + " " + binding + ": " + Describe(o);
  CPPUNIT_ASSERT_MESSAGE(what, o.alice.identity.has_value());
  CPPUNIT_ASSERT_MESSAGE(what, o.bob.identity.has_value());
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("alice@localhost"), *o.bob.identity);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what, mech, o.alice.mechanism);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what, mech, o.bob.mechanism);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what, binding, o.alice.binding);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what, binding, o.bob.binding);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what, size_t{1}, o.bob.data.size());
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("hello from alice"), o.bob.data[0]);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what, size_t{1}, o.alice.data.size());
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("echo: hello from alice"), o.alice.data[0]);
  CPPUNIT_ASSERT_MESSAGE(what, o.alice.closed && !o.alice.failed);
  CPPUNIT_ASSERT_MESSAGE(what, o.bob.closed && !o.bob.failed);
}

}  // namespace

class XmppCoreTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XmppCoreTest);
  CPPUNIT_TEST(testEveryPlusMechanismBothLibraries);
  CPPUNIT_TEST(testEveryBindingTypeAndVersion);
  CPPUNIT_TEST(testWithoutBinding);
  CPPUNIT_TEST(testNegotiatesAChannelBoundMechanism);
  CPPUNIT_TEST(testWrongPasswordRefused);
  CPPUNIT_TEST(testSasPeopleCompare);
  CPPUNIT_TEST(testTwoConcurrentSessions);
  CPPUNIT_TEST(testManInTheMiddle);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { store_.Provision(); }

  PartySpec Bob() { return store_.Bob(); }
  PartySpec Alice() { return PairStore::Alice(); }

  void testEveryPlusMechanismBothLibraries() {
    int n = 0;
    for (const char* mech : {"SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS",
                             "CPACE-R255-PLUS", "OPAQUE-R255-PLUS"}) {
      Router router;
      PartySpec a = Alice(), b = Bob();
      // Rotate the library pairings.
      a.tls_library = (n & 1) ? "gnutls" : "openssl";
      b.tls_library = (n & 2) ? "gnutls" : "openssl";
      ++n;
      Party alice(&router, a), bob(&router, b);
      AssertSuccess(Talk(router, alice, bob, mech), mech, "tls-exporter");
    }
  }

  void testEveryBindingTypeAndVersion() {
    struct Row {
      const char* version;
      const char* binding;
      const char* expected;
      const char* alice_lib;
      const char* bob_lib;
    };
    for (const Row& r :
         {Row{"1.2", "", "tls-exporter", "openssl", "gnutls"},
          Row{"1.2", "tls-unique", "tls-unique", "gnutls", "openssl"},
          Row{"1.3", "tls-server-end-point", "tls-server-end-point", "openssl", "openssl"},
          Row{"1.2", "tls-server-end-point", "tls-server-end-point", "gnutls", "gnutls"}}) {
      Router router;
      PartySpec a = Alice(), b = Bob();
      a.tls_version = b.tls_version = r.version;
      a.channel_binding = b.channel_binding = r.binding;
      a.tls_library = r.alice_lib;
      b.tls_library = r.bob_lib;
      Party alice(&router, a), bob(&router, b);
      AssertSuccess(Talk(router, alice, bob, "SCRAM-SHA-256-PLUS"), "SCRAM-SHA-256-PLUS",
                    r.expected);
    }
  }

  void testWithoutBinding() {
    for (const char* mech : {"SCRAM-SHA-256", "CPACE-R255", "OPAQUE-R255"}) {
      Router router;
      PartySpec a = Alice(), b = Bob();
      a.channel_binding = b.channel_binding = "none";
      Party alice(&router, a), bob(&router, b);
      AssertSuccess(Talk(router, alice, bob, mech), mech, "none");
    }
  }

  void testNegotiatesAChannelBoundMechanism() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    Outcome o = Talk(router, alice, bob, "");
    CPPUNIT_ASSERT_MESSAGE(Describe(o), o.alice.identity.has_value());
    CPPUNIT_ASSERT_MESSAGE(o.alice.mechanism, o.alice.mechanism.ends_with("-PLUS"));
    CPPUNIT_ASSERT_MESSAGE(o.alice.mechanism, !o.alice.mechanism.starts_with("SAS-"));
  }

  void testWrongPasswordRefused() {
    for (const char* mech : {"SCRAM-SHA-256-PLUS", "CPACE-R255-PLUS", "OPAQUE-R255-PLUS"}) {
      Router router;
      Party alice(&router, Alice()), bob(&router, Bob());
      Outcome o = Talk(router, alice, bob, mech, "wrong password");
      CPPUNIT_ASSERT_MESSAGE(Describe(o), !o.alice.identity && !o.bob.identity);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(o), int{E2E_XMPP_ERR_REFUSED},
                                   o.alice.failed.value_or(-1));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(Describe(o), int{E2E_XMPP_ERR_REFUSED},
                                   o.bob.failed.value_or(-1));
    }
  }

  void testSasPeopleCompare() {
    for (bool bob_says_yes : {true, false}) {
      Router router;
      PartySpec a = Alice(), b = Bob();
      a.sas_compare = true;
      b.sas_answer = bob_says_yes;
      Party alice(&router, a), bob(&router, b);
      Outcome o = Talk(router, alice, bob, "SAS-R255-PLUS", "");
      if (bob_says_yes) {
        AssertSuccess(o, "SAS-R255-PLUS", "tls-exporter");
        CPPUNIT_ASSERT_EQUAL(size_t{1}, o.alice.sas_shown.size());
        CPPUNIT_ASSERT_EQUAL(o.alice.sas_shown[0], o.bob.sas_asked.at(0));
      } else {
        CPPUNIT_ASSERT_MESSAGE(Describe(o), !o.alice.identity && !o.bob.identity);
        CPPUNIT_ASSERT_EQUAL(int{E2E_XMPP_ERR_REFUSED}, o.alice.failed.value_or(-1));
      }
    }
  }

  void testTwoConcurrentSessions() {
    Router router;
    Party alice(&router, Alice()), bob(&router, Bob());
    e2e_xmpp_session* s1 = alice.Start(kBob, "CPACE-R255-PLUS", "", kPassword);
    e2e_xmpp_session* s2 = alice.Start(kBob, "SCRAM-SHA-256-PLUS", "", kPassword);
    std::string sid1 = e2e_xmpp_session_sid(s1), sid2 = e2e_xmpp_session_sid(s2);
    CPPUNIT_ASSERT(sid1 != sid2);
    CPPUNIT_ASSERT(router.Run([&] {
      return alice.Events(sid1).identity.has_value() && alice.Events(sid2).identity.has_value();
    }));
    CPPUNIT_ASSERT_EQUAL(size_t{2}, e2e_xmpp_session_count(bob.xmpp()));
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_send(s1, "one", 3));
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_send(s2, "two", 3));
    CPPUNIT_ASSERT(router.Run([&] {
      return alice.Events(sid1).data.size() == 1 && alice.Events(sid2).data.size() == 1;
    }));
    CPPUNIT_ASSERT_EQUAL(std::string("echo: one"), alice.Events(sid1).data[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("echo: two"), alice.Events(sid2).data[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("CPACE-R255-PLUS"), bob.Events(sid1).mechanism);
    CPPUNIT_ASSERT_EQUAL(std::string("SCRAM-SHA-256-PLUS"), bob.Events(sid2).mechanism);
    e2e_xmpp_close(s1);
    e2e_xmpp_close(s2);
    CPPUNIT_ASSERT(router.Run([&] {
      return e2e_xmpp_session_count(alice.xmpp()) == 0 && e2e_xmpp_session_count(bob.xmpp()) == 0;
    }));
  }

  void testManInTheMiddle() {
    // The router plays a compromised server: alice's stanzas for bob go to mallory and mallory's
    // go out under the other victim's JID. Mallory relays the inner lines between her two legs.
    struct Row {
      const char* mech;
      const char* binding;
      bool mallory_reads;
    };
    for (const Row& r : {Row{"SCRAM-SHA-256", "none", true}, Row{"CPACE-R255", "none", true},
                         Row{"SCRAM-SHA-256-PLUS", "", false}, Row{"CPACE-R255-PLUS", "", false},
                         Row{"OPAQUE-R255-PLUS", "", false}, Row{"SAS-R255-PLUS", "", false}}) {
      Router router;
      PartySpec a = Alice(), b = Bob(), m;
      a.channel_binding = b.channel_binding = r.binding;
      a.sas_compare = b.sas_compare = true;
      m.jid = kMallory;
      m.relay = true;
      m.relay_target = kBob;
      Party alice(&router, a), bob(&router, b), mallory(&router, m);
      router.mitm = Router::Mitm{kAlice, kBob, kMallory};
      Outcome o =
          Talk(router, alice, bob, r.mech, std::string(r.mech).starts_with("SAS") ? "" : kPassword);
      std::string what = std::string(r.mech) + ": " + Describe(o);
      bool mallory_heard = false;
      for (const std::string& sid : mallory.Sids()) {
        for (const std::string& line : mallory.Events(sid).data) {
          mallory_heard |= line.find("hello from alice") != std::string::npos;
        }
      }
      CPPUNIT_ASSERT_MESSAGE(what, !mallory.Sids().empty());  // the redirect really happened
      if (r.mallory_reads) {
        CPPUNIT_ASSERT_MESSAGE(what, o.alice.identity.has_value() && o.bob.identity.has_value());
        CPPUNIT_ASSERT_MESSAGE(what, mallory_heard);
      } else {
        CPPUNIT_ASSERT_MESSAGE(what, !o.alice.identity && !o.bob.identity);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what, int{E2E_XMPP_ERR_REFUSED}, o.alice.failed.value_or(-1));
        CPPUNIT_ASSERT_MESSAGE(what, !mallory_heard);
      }
    }
  }

 private:
  PairStore store_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(XmppCoreTest);
