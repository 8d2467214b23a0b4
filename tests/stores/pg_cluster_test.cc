// pg_cluster_test.cc: several server instances on one PostgreSQL (issue 14, part 3). Two
// server processes with separate configuration directories but the same cluster secrets (one
// e2esasl_scram_secret, copies of one OPAQUE key file) answer an unknown user identically and
// both accept every known user; a third with other secrets answers differently; a server that
// says it is in a cluster refuses to make up per-process secrets.
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "stores/store_checks.h"
#include "stores/store_env.h"

namespace {

namespace fs = std::filesystem;
using e2esasl::interop::ExchangeResult;
using e2esasl::stores::Login;
using e2esasl::stores::NewTempDir;
using e2esasl::stores::PgSasl;
using e2esasl::stores::PgServer;
using e2esasl::stores::ScramFromSalt;

const char kSecret[] = "the cluster's one fake-salt key";

PgServer& Db() {
  static PgServer db;
  return db;
}
// A: the first server (its set-up made the key file); B: the second, with a copy of it.
const PgSasl& A() {
  static const PgSasl a(Db(), kSecret);
  return a;
}
std::string CopyOfKeyFile() {
  const std::string path = NewTempDir("e2esasl-key") + "/copied.key";
  fs::copy_file(A().key_file(), path);
  chmod(path.c_str(), 0600);
  return path;
}
const PgSasl& B() {
  static const PgSasl b(Db(), kSecret, CopyOfKeyFile());
  return b;
}
// C: a server on the same database with its own secrets (misconfigured for a cluster).
const PgSasl& C() {
  static const PgSasl c(Db(), "another key");
  return c;
}

}  // namespace

// At global scope: Debian's CppUnit names suites by the fully qualified type name.
class StoresPgClusterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StoresPgClusterTest);
  CPPUNIT_TEST(testScramUnknownUserSameOnEveryInstance);
  CPPUNIT_TEST(testOpaqueUnknownUserSameOnEveryInstance);
  CPPUNIT_TEST(testEveryInstanceAcceptsEveryUser);
  CPPUNIT_TEST(testClusterMemberRefusesMadeUpSecrets);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    static bool provisioned = false;
    if (!provisioned) {
      A().ProvisionOrThrow("alice", "pencil");  // through A's saslpasswd.conf and key file
      provisioned = true;
    }
  }

  // The same client-first-message to each server process: A and B send the same salt and
  // count for an unknown user (and for a known one, the stored ones); C, with another secret,
  // another salt.
  void testScramUnknownUserSameOnEveryInstance() {
    for (const std::string mech : {"SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512"}) {
      const std::string first = "n,,n=nobody,r=fyko+d2lbbFgONRv9qkxdawL";
      std::string out;
      const std::string a = A().ServerFirst(mech, first, &out);
      CPPUNIT_ASSERT_MESSAGE(out, !a.empty());
      const std::string b = B().ServerFirst(mech, first, &out);
      CPPUNIT_ASSERT_MESSAGE(out, !b.empty());
      std::printf("\n%s unknown user: A %s | B %s", mech.c_str(), ScramFromSalt(a).c_str(),
                  ScramFromSalt(b).c_str());
      CPPUNIT_ASSERT_EQUAL(ScramFromSalt(a), ScramFromSalt(b));
      CPPUNIT_ASSERT(ScramFromSalt(a) != ScramFromSalt(C().ServerFirst(mech, first)));

      const std::string known = "n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL";
      const std::string ka = A().ServerFirst(mech, known);
      CPPUNIT_ASSERT_EQUAL(ScramFromSalt(ka), ScramFromSalt(B().ServerFirst(mech, known)));
      const std::string stored = Db().Sql(
          "SELECT value FROM e2esasl_property WHERE username = 'alice' AND property = "
          "'e2esasl-" +
          mech + "'");
      // RFC 5803: <mech>$<i>:<salt>$...; the server announces s=<salt>,i=<i>.
      const size_t dollar = stored.find('$'), colon = stored.find(':');
      const std::string salt = stored.substr(colon + 1, stored.find('$', colon) - colon - 1);
      const std::string count = stored.substr(dollar + 1, colon - dollar - 1);
      CPPUNIT_ASSERT_EQUAL(",s=" + salt + ",i=" + count, ScramFromSalt(ka));
    }
  }

  // One KE1 (captured from a real client) to each server process: A and B evaluate it with the
  // same OPRF key (the key file's seed and the user name) and announce the same KSF, for an
  // unknown user as for a known one; C, with its own key file, evaluates it differently.
  void testOpaqueUnknownUserSameOnEveryInstance() {
    for (const std::string user : {"nobody", "alice"}) {
      e2esasl::stores::CheckOpaqueSameOnBoth(A(), B(), C(), user);
    }
  }

  void testEveryInstanceAcceptsEveryUser() {
    for (const std::string mech :
         {"SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512", "CPACE-R255", "OPAQUE-R255"}) {
      for (const PgSasl* server : {&A(), &B()}) {
        const ExchangeResult r = Login(server->Server("", std::nullopt), mech, "alice", "pencil");
        CPPUNIT_ASSERT_MESSAGE(mech + ": " + r.Describe(), r.ok());
      }
    }
  }

  // e2esasl_cluster: yes without e2esasl_scram_secret, or with a key file that is not there:
  // SASL_UNAVAIL and an error in the log, and no key file is made.
  void testClusterMemberRefusesMadeUpSecrets() {
    const std::string missing = NewTempDir("e2esasl-key") + "/not-distributed.key";
    const PgSasl lonely(Db(), "", missing);
    const ExchangeResult scram =
        Login(lonely.Server("SCRAM-SHA-256", std::nullopt), "SCRAM-SHA-256", "alice", "pencil");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(scram.Describe(), std::string("SASL_UNAVAIL"),
                                 scram.server.code_name);
    CPPUNIT_ASSERT_MESSAGE(scram.server.detail,
                           scram.server.detail.find("e2esasl_scram_secret") != std::string::npos);
    CPPUNIT_ASSERT(scram.server.stderr_text.find("e2esasl_cluster") != std::string::npos);

    const ExchangeResult opaque =
        Login(lonely.Server("OPAQUE-R255", std::nullopt), "OPAQUE-R255", "alice", "pencil");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(opaque.Describe(), std::string("SASL_UNAVAIL"),
                                 opaque.server.code_name);
    CPPUNIT_ASSERT_MESSAGE(opaque.server.detail,
                           opaque.server.detail.find("never creates") != std::string::npos);
    CPPUNIT_ASSERT(!fs::exists(missing));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StoresPgClusterTest);
