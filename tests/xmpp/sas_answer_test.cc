// sas_answer_test.cc: SAS-R255-PLUS with people who answer later (sas_confirm returns
// E2E_XMPP_PENDING, then e2e_xmpp_sas_answer), as a chat client's person does by typing a
// command: the connection keeps being served meanwhile, and a pending answer survives no fault
// (timeout, close, free) as anything but "no".
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "xmpp/xmpp_pair.h"

using namespace e2esasl::test;  // NOLINT: test file

namespace {

constexpr const char* kSas = "SAS-R255-PLUS";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string Join(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& item : list) {
    out += item + "; ";
  }
  return out;
}

// Asked: a party's person has been asked (sas_confirm called) in its last session.
bool Asked(Party& p) {
  return !p.Sids().empty() && !p.Events().sas_asked.empty();
}

}  // namespace

class XmppSasAnswerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XmppSasAnswerTest);
  CPPUNIT_TEST(testBothAnswerLaterWhileServing);
  CPPUNIT_TEST(testResponderSaysNoLater);
  CPPUNIT_TEST(testTimeoutWhilePending);
  CPPUNIT_TEST(testCloseWhilePending);
  CPPUNIT_TEST(testFreeWhilePending);
  CPPUNIT_TEST(testAnswerWhenNotAsked);
  CPPUNIT_TEST(testSasDigitsOption);
  CPPUNIT_TEST(testRememberedPeer);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { store_.Provision(); }

  PartySpec Later(PartySpec s) {
    s.sas_later = true;
    return s;
  }

  // Both people answer later; while alice's person thinks, a CPace session between the same two
  // clients authenticates (the connection is served), and answers out of turn are refused.
  void testBothAnswerLaterWhileServing() {
    Router router;
    Party alice(&router, Later(PairStore::Alice())), bob(&router, Later(store_.Bob()));
    e2e_xmpp_session* s = alice.Start(kBob, kSas, "", "");
    CPPUNIT_ASSERT(s != nullptr);
    std::string sid = e2e_xmpp_session_sid(s);
    // The initiator's person is asked first (after the responder's has seen the string).
    CPPUNIT_ASSERT(router.Run([&] { return !alice.Events(sid).sas_asked.empty(); }));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, bob.Events().sas_shown.size());
    CPPUNIT_ASSERT_EQUAL(bob.Events().sas_shown[0], alice.Events(sid).sas_asked[0]);
    e2e_xmpp_session* bob_s = bob.live.at(bob.Sids().back());
    CPPUNIT_ASSERT_EQUAL(-1, e2e_xmpp_sas_answer(bob_s, 1));  // bob has not been asked yet

    e2e_xmpp_session* other = alice.Start(kBob, "CPACE-R255-PLUS", "", kPassword);
    std::string other_sid = e2e_xmpp_session_sid(other);
    CPPUNIT_ASSERT(router.Run([&] { return alice.Events(other_sid).identity.has_value(); }));
    CPPUNIT_ASSERT(!alice.Events(sid).ended() && !alice.Events(sid).identity);

    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_sas_answer(s, 1));
    CPPUNIT_ASSERT_EQUAL(-1, e2e_xmpp_sas_answer(s, 1));  // answered already
    CPPUNIT_ASSERT(router.Run([&] {
      return !bob.Events(e2e_xmpp_session_sid(bob_s)).sas_asked.empty();
    }));
    CPPUNIT_ASSERT(!alice.Events(sid).identity);  // nobody is through before bob's person says so
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_sas_answer(bob_s, 1));
    CPPUNIT_ASSERT(router.Run([&] { return alice.Events(sid).identity.has_value(); }));
    CPPUNIT_ASSERT_EQUAL(std::string(kSas), alice.Events(sid).mechanism);
    SessionEvents& b = bob.Events(e2e_xmpp_session_sid(bob_s));
    CPPUNIT_ASSERT(router.Run([&] { return b.identity.has_value(); }));
    CPPUNIT_ASSERT_EQUAL(std::string("alice@localhost"), *b.identity);
    CPPUNIT_ASSERT_EQUAL(std::string("tls-exporter"), b.binding);
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_send(s, "hi", 2));
    CPPUNIT_ASSERT(router.Run([&] { return !alice.Events(sid).data.empty(); }));
    CPPUNIT_ASSERT_EQUAL(std::string("echo: hi"), alice.Events(sid).data[0]);
  }

  void testResponderSaysNoLater() {
    Router router;
    Party alice(&router, Later(PairStore::Alice())), bob(&router, Later(store_.Bob()));
    e2e_xmpp_session* s = alice.Start(kBob, kSas, "", "");
    std::string sid = e2e_xmpp_session_sid(s);
    CPPUNIT_ASSERT(router.Run([&] { return !alice.Events(sid).sas_asked.empty(); }));
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_sas_answer(s, 1));
    CPPUNIT_ASSERT(router.Run([&] { return Asked(bob); }));
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_sas_answer(bob.live.at(bob.Sids().back()), 0));
    CPPUNIT_ASSERT(router.Run([&] { return alice.Events(sid).ended() && bob.Events().ended(); }));
    CPPUNIT_ASSERT(!alice.Events(sid).identity && !bob.Events().identity);
    CPPUNIT_ASSERT_EQUAL(int{E2E_XMPP_ERR_REFUSED}, bob.Events().failed.value_or(-1));
    CPPUNIT_ASSERT_EQUAL(int{E2E_XMPP_ERR_REFUSED}, alice.Events(sid).failed.value_or(-1));
  }

  // Nobody answers: the session's timeout ends it, the waiting step is unblocked with "no".
  void testTimeoutWhilePending() {
    Router router;
    PartySpec b = Later(store_.Bob());
    b.timeout_ms = 2000;
    Party alice(&router, Later(PairStore::Alice())), bob(&router, b);
    e2e_xmpp_session* s = alice.Start(kBob, kSas, "", "");
    std::string sid = e2e_xmpp_session_sid(s);
    CPPUNIT_ASSERT(router.Run([&] { return !alice.Events(sid).sas_asked.empty(); }));
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_sas_answer(s, 1));
    CPPUNIT_ASSERT(router.Run([&] { return Asked(bob); }));
    auto asked_at = std::chrono::steady_clock::now();
    CPPUNIT_ASSERT(router.Run([&] { return bob.Events().ended(); }, 10000));
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - asked_at < std::chrono::seconds(4));
    CPPUNIT_ASSERT_EQUAL(int{E2E_XMPP_ERR_TIMEOUT}, bob.Events().failed.value_or(-1));
    CPPUNIT_ASSERT(router.Run([&] { return alice.Events(sid).ended(); }));
    CPPUNIT_ASSERT(!alice.Events(sid).identity && alice.Events(sid).failed.has_value());
  }

  // The person's own end closes while its answer is awaited: "no", and the session ends.
  void testCloseWhilePending() {
    Router router;
    Party alice(&router, Later(PairStore::Alice())), bob(&router, Later(store_.Bob()));
    e2e_xmpp_session* s = alice.Start(kBob, kSas, "", "");
    std::string sid = e2e_xmpp_session_sid(s);
    CPPUNIT_ASSERT(router.Run([&] { return !alice.Events(sid).sas_asked.empty(); }));
    e2e_xmpp_close(s);
    CPPUNIT_ASSERT_EQUAL(int{E2E_XMPP_ERR_CLOSED}, alice.Events(sid).failed.value_or(-1));
    CPPUNIT_ASSERT(router.Run([&] { return bob.Events().ended(); }));
    CPPUNIT_ASSERT(!bob.Events().identity && bob.Events().failed.has_value());
  }

  // e2e_xmpp_free while bob's answer is awaited: returns at once (the worker is joined). The
  // router drops a freed party's last stanzas, so alice ends by her (short) timeout.
  void testFreeWhilePending() {
    Router router;
    Party alice(&router, Later(PairStore::Alice(3000)));
    auto bob = std::make_unique<Party>(&router, Later(store_.Bob()));
    e2e_xmpp_session* s = alice.Start(kBob, kSas, "", "");
    std::string sid = e2e_xmpp_session_sid(s);
    CPPUNIT_ASSERT(router.Run([&] { return !alice.Events(sid).sas_asked.empty(); }));
    CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_sas_answer(s, 1));
    CPPUNIT_ASSERT(router.Run([&] { return Asked(*bob); }));
    auto before = std::chrono::steady_clock::now();
    bob.reset();
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - before < std::chrono::seconds(1));
    CPPUNIT_ASSERT(router.Run([&] { return alice.Events(sid).ended(); }));
    CPPUNIT_ASSERT(!alice.Events(sid).identity && alice.Events(sid).failed.has_value());
  }

  // Answers for sessions that wait for none: -1, and nothing changes.
  void testAnswerWhenNotAsked() {
    Router router;
    Party alice(&router, Later(PairStore::Alice())), bob(&router, Later(store_.Bob()));
    CPPUNIT_ASSERT_EQUAL(-1, e2e_xmpp_sas_answer(nullptr, 1));
    e2e_xmpp_session* s = alice.Start(kBob, "CPACE-R255-PLUS", "", kPassword);
    std::string sid = e2e_xmpp_session_sid(s);
    CPPUNIT_ASSERT_EQUAL(-1, e2e_xmpp_sas_answer(s, 1));
    CPPUNIT_ASSERT(router.Run([&] { return alice.Events(sid).identity.has_value(); }));
    CPPUNIT_ASSERT_EQUAL(-1, e2e_xmpp_sas_answer(s, 1));
    CPPUNIT_ASSERT(alice.Events(sid).sas_asked.empty());
  }

  // e2e_xmpp_set_sasl_option reaches both ends' mechanism: 12 digits when both ask for 12; a
  // responder that requires 14 refuses an initiator that asks for 12.
  void testSasDigitsOption() {
    for (const char* bob_digits : {"12", "14"}) {
      Router router;
      PartySpec a = PairStore::Alice(), b = store_.Bob();
      a.sas_compare = b.sas_compare = true;
      Party alice(&router, a), bob(&router, b);
      CPPUNIT_ASSERT_EQUAL(-1, e2e_xmpp_set_sasl_option(alice.xmpp(), "sasldb_path", "/x"));
      CPPUNIT_ASSERT_EQUAL(-1, e2e_xmpp_set_sasl_option(nullptr, "e2esasl_sas_digits", "12"));
      CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_set_sasl_option(alice.xmpp(), "e2esasl_sas_digits", "12"));
      CPPUNIT_ASSERT_EQUAL(0, e2e_xmpp_set_sasl_option(bob.xmpp(), "e2esasl_sas_digits",
                                                       bob_digits));
      e2e_xmpp_session* s = alice.Start(kBob, kSas, "", "");
      std::string sid = e2e_xmpp_session_sid(s);
      CPPUNIT_ASSERT(router.Run([&] { return alice.Events(sid).ended() ||
                                             alice.Events(sid).identity.has_value(); }));
      if (std::string(bob_digits) == "12") {
        CPPUNIT_ASSERT_MESSAGE(alice.Events(sid).reason, alice.Events(sid).identity.has_value());
        std::string sas = alice.Events(sid).sas_shown.at(0);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(sas, size_t{12}, size_t(std::count_if(sas.begin(), sas.end(),
                                                                        ::isdigit)));
      } else {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(alice.Events(sid).reason, int{E2E_XMPP_ERR_REFUSED},
                                     alice.Events(sid).failed.value_or(-1));
      }
    }
  }

  // SAS-R255-PLUS with a store on each end (e2esasl_sas_store) through the library: the first
  // session asks the people; the second asks nobody and sas_continuity says "remembered"; through
  // mallory relaying the inner lines, both ends match their secret but the binding differs:
  // refused, nobody asked, neither store changed. The events reach the application in its thread.
  void testRememberedPeer() {
    char pattern[] = "/tmp/e2esasl-xmpp-remember-XXXXXX";
    const char* dir = mkdtemp(pattern);
    CPPUNIT_ASSERT(dir != nullptr);
    const std::string alice_store = std::string(dir) + "/alice.store";
    const std::string bob_store = std::string(dir) + "/bob.store";
    auto run = [&](bool through_mallory) {
      Router router;
      PartySpec a = PairStore::Alice(), b = store_.Bob(), m;
      a.sas_compare = b.sas_compare = true;
      a.sas_store = alice_store;
      b.sas_store = bob_store;
      m.jid = "mallory@localhost/m";
      m.relay = true;
      m.relay_target = kBob;
      Party alice(&router, a), bob(&router, b);
      std::unique_ptr<Party> mallory;
      if (through_mallory) {
        mallory = std::make_unique<Party>(&router, m);
        router.mitm = Router::Mitm{kAlice, kBob, m.jid};
      }
      e2e_xmpp_session* s = alice.Start(kBob, kSas, "", "");
      const std::string sid = e2e_xmpp_session_sid(s);
      CPPUNIT_ASSERT(router.Run([&] {
        return alice.Events(sid).ended() ||
               (alice.Events(sid).identity.has_value() && !bob.Sids().empty() &&
                bob.Events().identity.has_value());
      }));
      return std::make_pair(alice.Events(sid), bob.Sids().empty() ? SessionEvents() : bob.Events());
    };
    auto [a1, b1] = run(false);
    CPPUNIT_ASSERT_MESSAGE(a1.reason, a1.identity.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("first bob@localhost; stored bob@localhost; "),
                         Join(a1.continuity));
    CPPUNIT_ASSERT_EQUAL(std::string("first alice@localhost; stored alice@localhost; "),
                         Join(b1.continuity));
    CPPUNIT_ASSERT(!a1.sas_asked.empty() && !b1.sas_asked.empty());

    auto [a2, b2] = run(false);
    CPPUNIT_ASSERT_MESSAGE(a2.reason, a2.identity.has_value() && b2.identity.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("remembered bob@localhost; stored bob@localhost; "),
                         Join(a2.continuity));
    CPPUNIT_ASSERT_EQUAL(std::string("remembered alice@localhost; stored alice@localhost; "),
                         Join(b2.continuity));
    CPPUNIT_ASSERT(a2.sas_asked.empty() && a2.sas_shown.empty());
    CPPUNIT_ASSERT(b2.sas_asked.empty() && b2.sas_shown.empty());

    const std::string alice_before = ReadAll(alice_store);
    const std::string bob_before = ReadAll(bob_store);
    auto [a3, b3] = run(true);
    CPPUNIT_ASSERT_MESSAGE(a3.reason, !a3.identity.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(a3.reason, int{E2E_XMPP_ERR_REFUSED}, a3.failed.value_or(-1));
    CPPUNIT_ASSERT_EQUAL(std::string("remembered bob@localhost; "), Join(a3.continuity));
    CPPUNIT_ASSERT(a3.sas_asked.empty());
    CPPUNIT_ASSERT(alice_before == ReadAll(alice_store));
    CPPUNIT_ASSERT(bob_before == ReadAll(bob_store));
    std::filesystem::remove_all(dir);
  }

  PairStore store_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(XmppSasAnswerTest);
