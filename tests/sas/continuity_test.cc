// continuity_test.cc: SAS-R255-PLUS remembers its peers (docs/mechanisms/sas.md, "Remembered
// peers"), the built module through the real libsasl2 with scripted people and a store file on
// each side (option e2esasl_sas_store):
//   first contact (people compare) -> second contact (nobody asked, "remembered") -> the
//   retained secret ratchets at every exchange;
//   a man in the middle at the second contact (he holds no retained secret): both ends say
//   "not matched" loudly, the people are asked, their strings differ, they refuse, and neither
//   store changes; a relay between two channels that forwards the continuity fields: the tags
//   fail; a server that claims a secret it cannot have: the client aborts; a replayed
//   client-first: refused, store unchanged;
//   a cloned device that ratcheted elsewhere: "not matched"; one side lost its store; the final
//   message lost after one side ratcheted (the previous secret still matches);
//   a store that is corrupted, truncated, of another version or readable by others: a precise
//   error, the file untouched; two processes updating one store at once.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "support/sasl_harness.h"
#include "support/store_files.h"

namespace e2esasl::test {
namespace {

constexpr const char* kPlus = "SAS-R255-PLUS";
constexpr const char* kStoreOption = "e2esasl_sas_store";

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string Join(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& item : list) {
    out += item + "; ";
  }
  return out;
}

// PeerLine: the store's "peer ..." line(s), without the self line (to see what changed).
std::string PeerLines(const std::string& store) {
  std::istringstream in(store);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    if (line.rfind("peer ", 0) == 0) {
      out += line + "\n";
    }
  }
  return out;
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl::test;     // NOLINT: test file
using namespace e2esasl::testing;  // NOLINT: test file

// At global scope: CppUnit names suites by their qualified type name.
class SasContinuityTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SasContinuityTest);
  CPPUNIT_TEST(testFirstContactThenRemembered);
  CPPUNIT_TEST(testManInTheMiddleAtSecondContact);
  CPPUNIT_TEST(testRelayForwardingTheContinuityFields);
  CPPUNIT_TEST(testServerClaimsASecretItCannotHave);
  CPPUNIT_TEST(testReplayedClientFirst);
  CPPUNIT_TEST(testClonedDeviceRatchetedElsewhere);
  CPPUNIT_TEST(testOneSideLostItsStore);
  CPPUNIT_TEST(testFinalMessageLostAfterOneSideRatcheted);
  CPPUNIT_TEST(testBadStores);
  CPPUNIT_TEST(testClientWithoutServerName);
  CPPUNIT_TEST(testTwoProcessesAtOnce);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = std::make_unique<TempDir>();
    client_store_ = dir_->path() + "/alice.store";
    server_store_ = dir_->path() + "/server.store";
  }
  void tearDown() override { dir_.reset(); }

  // Spec: alice to server.example with SAS-R255-PLUS, the same binding on both ends (seed),
  // both people accept, each side with its store.
  ExchangeSpec Spec(unsigned char seed = 5) {
    ExchangeSpec spec;
    spec.client_mechlist = kPlus;
    spec.identity.authcid = "alice";
    spec.sasldb_path = dir_->path() + "/sasldb2";
    spec.client_binding = MakeBinding("tls-exporter", seed);
    spec.server_binding = MakeBinding("tls-exporter", seed);
    spec.client_confirm = [](const std::string&) { return true; };
    spec.server_confirm = [](const std::string&) { return true; };
    spec.client_show = [](const std::string&) { return true; };
    spec.server_show = [](const std::string&) { return true; };
    spec.client_options[kStoreOption] = client_store_;
    spec.server_options[kStoreOption] = server_store_;
    return spec;
  }

  // FirstContact: the people compare and confirm; both ends remember each other.
  void FirstContact() {
    const Exchange ex = RunExchange(Spec());
    CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
    const std::vector<std::string> expected = {"server first alice", "client first server.example",
                                               "server stored alice",
                                               "client stored server.example"};
    CPPUNIT_ASSERT_EQUAL(Join(expected), Join(ex.continuity_events));
  }

  // AssertRemembered: an exchange that needs nobody.
  void AssertRemembered(const Exchange& ex, const std::string& what) {
    CPPUNIT_ASSERT_MESSAGE(what + ": " + ex.What(), ex.ok());
    CPPUNIT_ASSERT_MESSAGE(what + ": " + Join(ex.person_events), ex.person_events.empty());
    const std::vector<std::string> expected = {
        "server remembered alice", "client remembered server.example", "server stored alice",
        "client stored server.example"};
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, Join(expected), Join(ex.continuity_events));
  }

  void testFirstContactThenRemembered() {
    FirstContact();
    const std::string client_1 = ReadWhole(client_store_);
    const std::string server_1 = ReadWhole(server_store_);
    CPPUNIT_ASSERT(Contains(client_1, "e2esasl-sas-retained 1\n"));
    struct stat st {};
    CPPUNIT_ASSERT_EQUAL(0, stat(client_store_.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL(0600u, static_cast<unsigned>(st.st_mode & 0777));

    // Second and third contacts: no person is shown or asked anything, and the secret moves on
    // each time (ratchet) on both ends.
    std::string client_prev = PeerLines(client_1);
    std::string server_prev = PeerLines(server_1);
    for (int i = 2; i <= 3; ++i) {
      const Exchange ex = RunExchange(Spec());
      AssertRemembered(ex, "contact " + std::to_string(i));
      const std::string client_now = PeerLines(ReadWhole(client_store_));
      const std::string server_now = PeerLines(ReadWhole(server_store_));
      CPPUNIT_ASSERT(client_now != client_prev);
      CPPUNIT_ASSERT(server_now != server_prev);
      client_prev = client_now;
      server_prev = server_now;
      // The identifiers on the wire change with every exchange (fresh nonce): unlinkable.
      CPPUNIT_ASSERT(Contains(ex.client_messages.at(0), ",r="));
    }
    // A different binding on the same stores still runs (continuity does not replace it).
    AssertRemembered(RunExchange(Spec(9)), "another channel");
  }

  // The man in the middle terminates both TLS channels and runs SAS with each end himself; he
  // has no store (no retained secret for either). Both honest ends remembered their peer: each
  // says so loudly, the people are asked, their strings differ, they refuse, nothing changes.
  void testManInTheMiddleAtSecondContact() {
    FirstContact();
    const std::string client_before = ReadWhole(client_store_);
    const std::string server_before = ReadWhole(server_store_);

    // Alice -> mallory (posing as server.example: his own store, empty of alice).
    ExchangeSpec to_mallory = Spec(21);
    to_mallory.server_options[kStoreOption] = dir_->path() + "/mallory-server.store";
    to_mallory.client_confirm = [](const std::string&) { return false; };  // see below
    // Mallory -> the server, as alice (his own client store, empty of server.example).
    ExchangeSpec to_server = Spec(22);
    to_server.client_options[kStoreOption] = dir_->path() + "/mallory-client.store";
    to_server.server_confirm = [](const std::string&) { return false; };

    const Exchange a = RunExchange(to_mallory);
    const Exchange b = RunExchange(to_server);
    // The strings alice and the server's person see differ (so they reject: the scripted
    // people above answer what comparing would give).
    CPPUNIT_ASSERT_EQUAL(size_t{1}, a.client_confirm_texts.size());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, b.server_confirm_texts.size());
    CPPUNIT_ASSERT(a.client_confirm_texts[0] != b.server_confirm_texts[0]);
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH, a.client_result);
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH, b.server_result);
    // Both honest ends warned before anyone was asked.
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Join(a.continuity_events),
                                 std::string("client not-matched server.example"),
                                 a.continuity_events.at(1));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Join(b.continuity_events), std::string("server not-matched alice"),
                                 b.continuity_events.at(0));
    // Nothing remembered changed.
    CPPUNIT_ASSERT(client_before == ReadWhole(client_store_));
    CPPUNIT_ASSERT(server_before == ReadWhole(server_store_));
    // And the real pair still remembers each other afterwards.
    AssertRemembered(RunExchange(Spec()), "after the attack");
  }

  // A relay between two TLS channels passes every byte, continuity fields included: both ends
  // match their remembered secret, but the key confirmation covers each end's own binding and
  // fails. Nothing changes in the stores.
  void testRelayForwardingTheContinuityFields() {
    FirstContact();
    const std::string client_before = ReadWhole(client_store_);
    const std::string server_before = ReadWhole(server_store_);
    ExchangeSpec spec = Spec();
    spec.server_binding = MakeBinding("tls-exporter", 6);
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.client_result);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), Contains(ex.client_detail, "key confirmation"));
    CPPUNIT_ASSERT(ex.person_events.empty());
    CPPUNIT_ASSERT(client_before == ReadWhole(client_store_));
    CPPUNIT_ASSERT(server_before == ReadWhole(server_store_));
  }

  // A server (or a man in the middle) that answers r= with an identifier it cannot compute:
  // the client aborts before anything else.
  void testServerClaimsASecretItCannotHave() {
    FirstContact();
    // Mallory poses as the server with an empty store and claims a match.
    ExchangeSpec spec = Spec();
    spec.server_options[kStoreOption] = dir_->path() + "/mallory.store";
    spec.tamper = [](bool from_client, int, const std::string& m) {
      if (!from_client && m.rfind("y=", 0) == 0) {
        return m + ",r=AAAAAAAAAAAAAAAAAAAAAA==";
      }
      return m;
    };
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.client_result);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), Contains(ex.client_detail, "claimed a remembered secret"));
    CPPUNIT_ASSERT(ex.person_events.empty() ||
                   ex.person_events == std::vector<std::string>{"server show"});

    // z= / r= when the client offered nothing (no store): malformed.
    ExchangeSpec plain = Spec();
    plain.client_options.erase(kStoreOption);
    plain.tamper = [](bool from_client, int, const std::string& m) {
      if (!from_client && m.rfind("y=", 0) == 0) {
        return m + ",z=AAAAAAAAAAAAAAAAAAAAAA==";
      }
      return m;
    };
    const Exchange ex2 = RunExchange(plain);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex2.What(), SASL_BADPROT, ex2.client_result);
    CPPUNIT_ASSERT_MESSAGE(ex2.What(), Contains(ex2.client_detail, "did not make"));
  }

  // An attacker who recorded alice's client-first (and client-reveal) replays them on a new
  // connection: the server still matches the identifier (it keeps the previous secret, rs2) and
  // answers, but the attacker holds neither x nor rs: he cannot compute the server's answer nor
  // any tag, the exchange fails, and the server's store is unchanged.
  void testReplayedClientFirst() {
    FirstContact();
    const Exchange recorded = RunExchange(Spec());
    AssertRemembered(recorded, "recorded");
    const std::string server_before = ReadWhole(server_store_);
    ExchangeSpec spec = Spec();
    spec.client_options[kStoreOption] = dir_->path() + "/attacker.store";
    spec.tamper = [&recorded](bool from_client, int index, const std::string& m) {
      if (from_client && index < 2) {
        return recorded.client_messages.at(static_cast<size_t>(index));
      }
      return m;
    };
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), !ex.ok());
    CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.server_result != SASL_OK);
    CPPUNIT_ASSERT(server_before == ReadWhole(server_store_));
    CPPUNIT_ASSERT(std::find(ex.continuity_events.begin(), ex.continuity_events.end(),
                             "server stored alice") == ex.continuity_events.end());
  }

  // Alice's store was copied to another device (a clone) that then talked to the server twice:
  // the server's chain moved on past anything the original holds. The original is not
  // recognised: a loud "not matched" on the server, the people are asked.
  void testClonedDeviceRatchetedElsewhere() {
    FirstContact();
    const std::string clone_store = dir_->path() + "/clone.store";
    WriteWhole(clone_store, ReadWhole(client_store_));
    for (int i = 0; i < 2; ++i) {
      ExchangeSpec spec = Spec();
      spec.client_options[kStoreOption] = clone_store;
      AssertRemembered(RunExchange(spec), "clone " + std::to_string(i));
    }
    const std::string server_before = ReadWhole(server_store_);
    ExchangeSpec spec = Spec();
    spec.client_confirm = [](const std::string&) { return false; };
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL(std::string("server not-matched alice"), ex.continuity_events.at(0));
    CPPUNIT_ASSERT_EQUAL(std::string("client not-matched server.example"),
                         ex.continuity_events.at(1));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.client_confirm_texts.size());
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH, ex.client_result);
    CPPUNIT_ASSERT(server_before == ReadWhole(server_store_));
  }

  // Alice lost her store: she is a new device to the server (loud: alice is remembered with
  // another device), a first contact to herself. Once the people confirm, both remember again.
  void testOneSideLostItsStore() {
    FirstContact();
    std::filesystem::remove(client_store_);
    Exchange ex = RunExchange(Spec());
    CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("server not-matched alice"), ex.continuity_events.at(0));
    CPPUNIT_ASSERT_EQUAL(std::string("client first server.example"), ex.continuity_events.at(1));
    CPPUNIT_ASSERT(!ex.person_events.empty());
    AssertRemembered(RunExchange(Spec()), "after the new first contact");

    // The server lost its store: the server starts over (first), alice warns.
    std::filesystem::remove(server_store_);
    ex = RunExchange(Spec());
    CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("server first alice"), ex.continuity_events.at(0));
    CPPUNIT_ASSERT_EQUAL(std::string("client not-matched server.example"),
                         ex.continuity_events.at(1));
    AssertRemembered(RunExchange(Spec()), "after the server's new first contact");
  }

  // The server ratcheted, the client never saw the outcome (its store is as before the
  // exchange), and the other way round: the next exchange still matches, through the secret
  // each end keeps from before its last ratchet.
  void testFinalMessageLostAfterOneSideRatcheted() {
    FirstContact();
    std::string client_before = ReadWhole(client_store_);
    AssertRemembered(RunExchange(Spec()), "second");
    WriteWhole(client_store_, client_before);  // the client never got the server's outcome
    AssertRemembered(RunExchange(Spec()), "after the client missed the outcome");

    const std::string server_before = ReadWhole(server_store_);
    AssertRemembered(RunExchange(Spec()), "fourth");
    WriteWhole(server_store_, server_before);  // the server's update was lost
    AssertRemembered(RunExchange(Spec()), "after the server lost its update");
  }

  // A store that does not load stops the exchange with its detail and is left as it is.
  void testBadStores() {
    FirstContact();
    const std::string good = ReadWhole(client_store_);
    struct Row {
      const char* name;
      std::string text;
      mode_t mode;
      const char* detail;
    };
    const std::string truncated = good.substr(0, good.size() - 10);
    std::string corrupted = good;
    corrupted[corrupted.size() - 5] = '!';
    std::string other_version = good;
    other_version.replace(0, std::string("e2esasl-sas-retained 1").size(),
                          "e2esasl-sas-retained 2");
    const Row rows[] = {
        {"truncated", truncated, 0600, "line 3"},
        {"corrupted", corrupted, 0600, "line 3"},
        {"other version", other_version, 0600, "unsupported version"},
        {"readable by others", good, 0644, "mode"},
    };
    for (bool server_side : {false, true}) {
      const std::string& path = server_side ? server_store_ : client_store_;
      const std::string original = ReadWhole(path);
      for (const Row& row : rows) {
        const std::string what = std::string(server_side ? "server " : "client ") + row.name;
        WriteWhole(path, row.text, row.mode);
        const Exchange ex = RunExchange(Spec());
        const int result = server_side ? ex.server_result : ex.client_result;
        const std::string& detail = server_side ? ex.server_detail : ex.client_detail;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + ex.What(), SASL_UNAVAIL, result);
        CPPUNIT_ASSERT_MESSAGE(what + ": " + detail, Contains(detail, row.detail));
        CPPUNIT_ASSERT_MESSAGE(what + ": " + detail, Contains(detail, "remembered peers"));
        CPPUNIT_ASSERT_MESSAGE(what, row.text == ReadWhole(path));
        struct stat st {};
        CPPUNIT_ASSERT_EQUAL(0, stat(path.c_str(), &st));
        CPPUNIT_ASSERT_EQUAL(static_cast<unsigned>(row.mode),
                             static_cast<unsigned>(st.st_mode & 0777));
        CPPUNIT_ASSERT(ex.person_events.empty());
      }
      WriteWhole(path, original);
    }
    AssertRemembered(RunExchange(Spec()), "after the stores were mended");
  }

  // A client with a store but no server name (serverFQDN NULL) cannot remember anybody: it
  // says so instead of filing the server under nothing.
  void testClientWithoutServerName() {
    ExchangeSpec spec = Spec();
    spec.server_fqdn = "";
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_UNAVAIL, ex.client_result);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), Contains(ex.client_detail, "serverFQDN"));
  }

  // Two processes, each a first contact of another user with the same server store, at the
  // same time: both are remembered (the store's lock serialises the updates).
  void testTwoProcessesAtOnce() {
    SaslLibrary::Init();
    std::vector<pid_t> children;
    for (const char* user : {"bob", "carol"}) {
      const pid_t pid = fork();
      CPPUNIT_ASSERT(pid >= 0);
      if (pid == 0) {
        int failures = 0;
        for (int i = 0; i < 5; ++i) {
          ExchangeSpec spec = Spec();
          spec.identity.authcid = user;
          spec.client_options[kStoreOption] = dir_->path() + "/" + user + ".store";
          failures += RunExchange(spec).ok() ? 0 : 1;
        }
        _exit(failures);
      }
      children.push_back(pid);
    }
    for (pid_t pid : children) {
      int status = 0;
      CPPUNIT_ASSERT_EQUAL(pid, waitpid(pid, &status, 0));
      CPPUNIT_ASSERT(WIFEXITED(status));
      CPPUNIT_ASSERT_EQUAL(0, WEXITSTATUS(status));
    }
    const std::string server = ReadWhole(server_store_);
    // One line per user (base64 of "bob" is Ym9i, of "carol" Y2Fyb2w=), each ratcheted.
    CPPUNIT_ASSERT_MESSAGE(server, Contains(server, "peer Ym9i "));
    CPPUNIT_ASSERT_MESSAGE(server, Contains(server, "peer Y2Fyb2w= "));
    CPPUNIT_ASSERT_EQUAL(size_t{2},
                         static_cast<size_t>(std::count(server.begin(), server.end(), '\n')) - 2);
    for (const char* user : {"bob", "carol"}) {
      ExchangeSpec spec = Spec();
      spec.identity.authcid = user;
      spec.client_options[kStoreOption] = dir_->path() + "/" + user + ".store";
      const Exchange ex = RunExchange(spec);
      CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
      CPPUNIT_ASSERT_MESSAGE(Join(ex.continuity_events), ex.person_events.empty());
    }
  }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string client_store_;
  std::string server_store_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SasContinuityTest);
