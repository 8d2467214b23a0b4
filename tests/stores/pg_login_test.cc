// pg_login_test.cc: every family's secrets provisioned into a real PostgreSQL through
// saslpasswd2 and Cyrus's sql auxprop, and logins of every family with and without channel
// binding read from it (issue 14, part 1). The set-up is docs/stores/postgresql/* as the docs
// show it.
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "stores/store_env.h"

namespace {

using e2esasl::interop::ExchangeResult;
using e2esasl::stores::Binding;
using e2esasl::stores::Login;
using e2esasl::stores::PgSasl;
using e2esasl::stores::PgServer;
using e2esasl::stores::ReadText;
using e2esasl::stores::SourcePath;
using e2esasl::stores::SyntheticBinding;

const std::vector<std::string> kMechanisms = {"SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512",
                                              "CPACE-R255", "OPAQUE-R255"};
const std::vector<std::string> kProperties = {"e2esasl-CPACE-R255",    "e2esasl-OPAQUE-R255",
                                              "e2esasl-SCRAM-SHA-1",   "e2esasl-SCRAM-SHA-256",
                                              "e2esasl-SCRAM-SHA-512", "userPassword"};

// The server's one database and configuration for the whole suite (one process).
PgServer& Db() {
  static PgServer db;
  return db;
}
const PgSasl& Sasl() {
  static const PgSasl sasl(Db(), "one secret for the whole cluster");
  return sasl;
}

// Users: both in the normal build, alice alone in the sanitizer build.
std::vector<std::pair<std::string, std::string>> Users() {
  if (e2esasl::stores::kSanitizerBuild) {
    return {{"alice", "pencil"}};
  }
  return {{"alice", "pencil"}, {"bob", "Hunter2 correct horse"}};
}

// WrongPasswordMechanisms: every family; one hash of SCRAM in the sanitizer build.
std::vector<std::string> WrongPasswordMechanisms() {
  if (e2esasl::stores::kSanitizerBuild) {
    return {"SCRAM-SHA-256", "CPACE-R255", "OPAQUE-R255"};
  }
  return kMechanisms;
}

void Row(const std::string& mech, const std::string& what, const ExchangeResult& r) {
  std::printf("\n| %-18s | %-22s | client %-14s | server %-14s | %.2fs", mech.c_str(), what.c_str(),
              r.client.ok ? "ok" : r.client.code_name.c_str(),
              r.server.ok ? "ok" : r.server.code_name.c_str(), r.seconds);
  std::fflush(stdout);
}

}  // namespace

// At global scope: Debian's CppUnit names suites by the fully qualified type name.
class StoresPgLoginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StoresPgLoginTest);
  CPPUNIT_TEST(testSaslpasswd2ProvisionsEveryFamily);
  CPPUNIT_TEST(testLoginMatrix);
  CPPUNIT_TEST(testWrongPasswordAndUnknownUser);
  CPPUNIT_TEST(testDeleteRemovesEveryRow);
  CPPUNIT_TEST(testDocsShowTheFilesTheTestsUse);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    static bool provisioned = false;
    if (!provisioned) {
      Sasl().ProvisionOrThrow("alice", "pencil");
      Sasl().ProvisionOrThrow("bob", "Hunter2 correct horse");
      provisioned = true;
    }
  }

  // One row per family (and userPassword), in the realm saslpasswd2 was given; the verifiers
  // and the OPAQUE record do not contain the password.
  void testSaslpasswd2ProvisionsEveryFamily() {
    const std::string rows = Db().Sql(
        "SELECT property FROM e2esasl_property WHERE username = 'alice' AND realm = "
        "'server.example' ORDER BY property COLLATE \"C\"");
    std::string expected;
    for (const std::string& p : kProperties) {
      expected += p + "\n";
    }
    CPPUNIT_ASSERT_EQUAL(expected, rows);
    const std::string scram = Db().Sql(
        "SELECT value FROM e2esasl_property WHERE username = 'alice' AND property = "
        "'e2esasl-SCRAM-SHA-256'");
    CPPUNIT_ASSERT_MESSAGE(scram, scram.rfind("SCRAM-SHA-256$4096:", 0) == 0);
    const std::string opaque = Db().Sql(
        "SELECT value FROM e2esasl_property WHERE username = 'alice' AND property = "
        "'e2esasl-OPAQUE-R255'");
    CPPUNIT_ASSERT_MESSAGE(opaque, opaque.rfind("v1$argon2id:1024:1:", 0) == 0);
    for (const std::string& secret : {scram, opaque}) {
      CPPUNIT_ASSERT(secret.find("pencil") == std::string::npos);
    }
  }

  // Every family, without a binding and with one (the -PLUS names), both users.
  void testLoginMatrix() {
    const Binding binding = SyntheticBinding(7);
    for (const std::string& mech : kMechanisms) {
      for (const bool plus : {false, true}) {
        const std::optional<Binding> b = plus ? std::optional<Binding>(binding) : std::nullopt;
        const std::string name = plus ? mech + "-PLUS" : mech;
        for (const auto& [user, password] : Users()) {
          const ExchangeResult r = Login(Sasl().Server("", b), name, user, password, b);
          Row(name, user, r);
          CPPUNIT_ASSERT_MESSAGE(name + " " + user + ": " + r.Describe(), r.ok());
          CPPUNIT_ASSERT_EQUAL(plus ? 'p' : 'n', r.Gs2Flag());
        }
      }
    }
  }

  // Wrong passwords and unknown users fail alike (SASL_BADAUTH), as with sasldb.
  void testWrongPasswordAndUnknownUser() {
    for (const std::string& mech : WrongPasswordMechanisms()) {
      const ExchangeResult wrong = Login(Sasl().Server(mech, std::nullopt), mech, "alice", "pen");
      Row(mech, "alice, wrong password", wrong);
      const ExchangeResult unknown =
          Login(Sasl().Server(mech, std::nullopt), mech, "mallory", "pencil");
      Row(mech, "unknown user", unknown);
      for (const ExchangeResult* r : {&wrong, &unknown}) {
        CPPUNIT_ASSERT_MESSAGE(mech + ": " + r->Describe(), !r->ok() && !r->timed_out);
        // The side that decides first says so (the server for SCRAM and CPace, whose client
        // proves first; the client for OPAQUE, which sends no KE3); the other sees EOF.
        const std::string code = r->server.order == 1 ? r->server.code_name : r->client.code_name;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(mech + ": " + r->Describe(), std::string("SASL_BADAUTH"),
                                     code);
      }
    }
  }

  // saslpasswd2 -d deletes every property (Cyrus passes the deletion as the text NULL, which
  // e2esasl_store turns into a DELETE); the user can no longer log in.
  void testDeleteRemovesEveryRow() {
#ifdef E2ESASL_SANITIZER_BUILD
    // saslpasswd2 -d needs the system's saslpasswd2, which cannot load ASan-built modules.
    std::printf("testDeleteRemovesEveryRow: skipped in the sanitizer build\n");
    return;
#endif
    Sasl().ProvisionOrThrow("carol", "to be deleted");
    CPPUNIT_ASSERT_EQUAL(
        std::string("6\n"),
        Db().Sql("SELECT count(*) FROM e2esasl_property WHERE username = 'carol'"));
    std::string out;
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, Sasl().Provision("carol", std::nullopt, {"-d"}, &out));
    CPPUNIT_ASSERT_EQUAL(
        std::string("0\n"),
        Db().Sql("SELECT count(*) FROM e2esasl_property WHERE username = 'carol'"));
    const ExchangeResult r = Login(Sasl().Server("SCRAM-SHA-256", std::nullopt), "SCRAM-SHA-256",
                                   "carol", "to be deleted");
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.ok());
  }

  // docs/stores.md shows the schema and both configuration files verbatim.
  void testDocsShowTheFilesTheTestsUse() {
    const std::string doc = ReadText(SourcePath("docs/stores.md"));
    for (const char* file : {"schema.sql", "server.conf", "saslpasswd.conf"}) {
      const std::string text = ReadText(SourcePath(std::string("docs/stores/postgresql/") + file));
      CPPUNIT_ASSERT_MESSAGE(std::string("docs/stores.md does not show ") + file + " verbatim",
                             doc.find(text) != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StoresPgLoginTest);
