// scram_secret_test.cc: the key of SCRAM's fake salts across server restarts (issue 16 item 6).
// Each exchange runs a new server process (our peer with our plugin): an unknown user's salt must
// be the same in two processes configured with the same e2esasl_scram_secret, as a real user's
// is, and a server without it must say (SASL_LOG_WARN) that its key is ephemeral.
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "interop/interop_env.h"

namespace {

using e2esasl::interop::ExchangeResult;
using e2esasl::interop::kExchangeTimeoutMs;
using e2esasl::interop::NewSasldb;
using e2esasl::interop::PeerClient;
using e2esasl::interop::PeerServer;
using e2esasl::interop::Plugins;
using e2esasl::interop::RunExchange;

const char kMech[] = "SCRAM-SHA-256";
const char kWarning[] = "option e2esasl_scram_secret: not set";

// UnknownUserRun: a client logging in as a user the server does not know, against a new server
// process with server_options; fails at the proof.
ExchangeResult UnknownUserRun(const std::string& sasldb,
                              const std::vector<std::string>& server_options) {
  const ExchangeResult r = RunExchange(
      PeerClient(Plugins::kOurs, kMech, "nobody", "guess", std::nullopt),
      PeerServer(Plugins::kOurs, sasldb, kMech, std::nullopt, server_options), kExchangeTimeoutMs);
  CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.ok() && !r.server.messages.empty());
  return r;
}

// Salt: the s= attribute of the server-first-message the server sent.
std::string Salt(const ExchangeResult& r) {
  const std::string& first = r.server.messages.front();
  const size_t start = first.find(",s=");
  CPPUNIT_ASSERT_MESSAGE(first, start != std::string::npos);
  return first.substr(start, first.find(',', start + 1) - start);
}

}  // namespace

// At global scope: Debian's CppUnit names suites by the fully qualified type name.
class InteropScramSecretTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(InteropScramSecretTest);
  CPPUNIT_TEST(testSameSecretSameSaltAcrossProcesses);
  CPPUNIT_TEST(testEphemeralSecretIsLogged);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { db_ = NewSasldb(Plugins::kOurs, "user", "pencil"); }

  void testSameSecretSameSaltAcrossProcesses() {
    const std::vector<std::string> secret = {"e2esasl_scram_secret=shared by every replica"};
    const ExchangeResult a = UnknownUserRun(db_, secret);
    const ExchangeResult b = UnknownUserRun(db_, secret);
    CPPUNIT_ASSERT_EQUAL(Salt(a), Salt(b));
    CPPUNIT_ASSERT_MESSAGE(a.server.stderr_text,
                           a.server.stderr_text.find(kWarning) == std::string::npos);
    // The secret is what keys the salt: another one gives another salt.
    const ExchangeResult other = UnknownUserRun(db_, {"e2esasl_scram_secret=another"});
    CPPUNIT_ASSERT(Salt(a) != Salt(other));
  }

  // Without the option the key is drawn per process: the server warns, and the same unknown
  // user indeed gets another salt from the next process (a real user would not).
  void testEphemeralSecretIsLogged() {
    const ExchangeResult a = UnknownUserRun(db_, {});
    const ExchangeResult b = UnknownUserRun(db_, {});
    CPPUNIT_ASSERT_MESSAGE(a.server.stderr_text,
                           a.server.stderr_text.find(kWarning) != std::string::npos);
    CPPUNIT_ASSERT(Salt(a) != Salt(b));
  }

 private:
  std::string db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(InteropScramSecretTest);
