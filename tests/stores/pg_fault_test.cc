// pg_fault_test.cc: the PostgreSQL store's faults (issue 14, part 4): the database down at
// login, frozen (accepts connections and never answers), restarted mid-run, a corrupted row,
// and provisioning racing logins for the same user.
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "stores/store_checks.h"
#include "stores/store_env.h"

namespace {

using e2esasl::interop::ExchangeResult;
using e2esasl::stores::Login;
using e2esasl::stores::PgSasl;
using e2esasl::stores::PgServer;

const std::vector<std::string> kMechanisms = {"SCRAM-SHA-256", "CPACE-R255", "OPAQUE-R255"};
const char kStoreDetail[] = "the credential store could not be read";

PgServer& Db() {
  static PgServer db;
  return db;
}
const PgSasl& Sasl() {
  static const PgSasl sasl(Db(), "fault suite secret");
  return sasl;
}

void Row(const std::string& what, const std::string& mech, const ExchangeResult& r) {
  std::printf("\n| %-26s | %-14s | client %-14s | server %-14s | %.2fs | %s", what.c_str(),
              mech.c_str(), r.client.ok ? "ok" : r.client.code_name.c_str(),
              r.server.ok ? "ok" : r.server.code_name.c_str(), r.seconds,
              r.server.ok ? "" : r.server.detail.c_str());
  std::fflush(stdout);
}

// ExpectStoreDown: the server ends the exchange with SASL_UNAVAIL and says why, in bounded time.
void ExpectStoreDown(const std::string& what, const std::string& mech, const ExchangeResult& r,
                     double max_seconds) {
  Row(what, mech, r);
  CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.ok() && !r.timed_out);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("SASL_UNAVAIL"), r.server.code_name);
  CPPUNIT_ASSERT_MESSAGE(r.server.detail, r.server.detail.find(kStoreDetail) != std::string::npos);
  CPPUNIT_ASSERT_MESSAGE(r.Describe(), r.seconds < max_seconds);
}

void ExpectLogin(const std::string& what, const std::string& mech, const std::string& user,
                 const std::string& password) {
  const ExchangeResult r = Login(Sasl().Server(mech, std::nullopt), mech, user, password);
  Row(what, mech, r);
  CPPUNIT_ASSERT_MESSAGE(what + ": " + r.Describe(), r.ok());
}

}  // namespace

// At global scope: Debian's CppUnit names suites by the fully qualified type name.
class StoresPgFaultTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StoresPgFaultTest);
  CPPUNIT_TEST(testDownThenRestarted);
  CPPUNIT_TEST(testFrozenDatabaseIsBounded);
  CPPUNIT_TEST(testCorruptedRow);
  CPPUNIT_TEST(testSetpassRacingLogins);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    static bool provisioned = false;
    if (!provisioned) {
      Sasl().ProvisionOrThrow("alice", "pencil");
      provisioned = true;
    }
  }

  // Stopped: libpq is refused at once, the sql plugin returns SASL_FAIL, the server SASL_UNAVAIL
  // with a detail that names the store. Started again on the same port: the next login works
  // (the plugin connects anew for every lookup).
  void testDownThenRestarted() {
    Db().Stop();
    for (const std::string& mech : kMechanisms) {
      ExpectStoreDown("database stopped", mech,
                      Login(Sasl().Server(mech, std::nullopt), mech, "alice", "pencil"), 5.0);
    }
    Db().Start();
    for (const std::string& mech : kMechanisms) {
      ExpectLogin("database restarted", mech, "alice", "pencil");
    }
  }

  // A database that accepts connections and never answers (SIGSTOP): without a timeout libpq
  // would wait for ever; PGCONNECT_TIMEOUT in the server's environment (docs/stores.md) bounds
  // the wait.
  void testFrozenDatabaseIsBounded() {
    Db().Freeze();
    const ExchangeResult r =
        Login(Sasl().Server("SCRAM-SHA-256", std::nullopt, {"PGCONNECT_TIMEOUT=2"}),
              "SCRAM-SHA-256", "alice", "pencil");
    Db().Thaw();
    ExpectStoreDown("database frozen", "SCRAM-SHA-256", r, 8.0);
    ExpectLogin("database thawed", "SCRAM-SHA-256", "alice", "pencil");
  }

  // One user's SCRAM-SHA-256 verifier and OPAQUE record overwritten with garbage: those logins
  // fail like a wrong password (SASL_BADAUTH: no oracle for the client) while the server logs
  // which property of which user is malformed; the user's other secrets and other users work.
  void testCorruptedRow() {
    Sasl().ProvisionOrThrow("carol", "pencil");
    // No plaintext fallback for carol, so the corrupted verifier is all SCRAM has.
    Db().Sql("DELETE FROM e2esasl_property WHERE username = 'carol' AND property = 'userPassword'");
    Db().Sql(
        "UPDATE e2esasl_property SET value = 'SCRAM-SHA-256$4096:c2FsdA==$bm90:YmFzZTY0' "
        "WHERE username = 'carol' AND property = 'e2esasl-SCRAM-SHA-256'");
    Db().Sql(
        "UPDATE e2esasl_property SET value = left(value, 60) WHERE username = 'carol' AND "
        "property = 'e2esasl-OPAQUE-R255'");
    for (const std::string mech : {"SCRAM-SHA-256", "OPAQUE-R255"}) {
      const ExchangeResult r = Login(Sasl().Server(mech, std::nullopt), mech, "carol", "pencil");
      Row("carol, corrupted row", mech, r);
      CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.ok());
      const std::string code = r.server.order == 1 ? r.server.code_name : r.client.code_name;
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("SASL_BADAUTH"), code);
      const std::string log = "the stored e2esasl-" + mech + " of user \"carol\" is malformed";
      CPPUNIT_ASSERT_MESSAGE(r.server.stderr_text,
                             r.server.stderr_text.find(log) != std::string::npos);
    }
    ExpectLogin("carol, intact row", "SCRAM-SHA-512", "carol", "pencil");
    ExpectLogin("carol, intact row", "CPACE-R255", "carol", "pencil");
    ExpectLogin("alice", "SCRAM-SHA-256", "alice", "pencil");
    ExpectLogin("alice", "OPAQUE-R255", "alice", "pencil");
  }

  // saslpasswd2 switching dave between two passwords while logins run: every login either
  // succeeds or fails as a wrong password (never a malformed secret, a store error or a hang);
  // each family's secret is one row written in one statement.
  void testSetpassRacingLogins() { e2esasl::stores::CheckSetpassRacingLogins(Sasl(), "dave"); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StoresPgFaultTest);
