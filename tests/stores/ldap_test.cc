// ldap_test.cc: every family's secrets in a real OpenLDAP directory through Cyrus's ldapdb
// auxprop (issue 14, part 2): the docs/stores/openldap schema and configuration, provisioning
// through saslpasswd2, logins of every family with and without channel binding, two instances
// on one directory, and the directory down, restarted or holding a corrupted value.
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "stores/store_checks.h"
#include "stores/store_env.h"

namespace {

using e2esasl::interop::ExchangeResult;
using e2esasl::stores::Binding;
using e2esasl::stores::LdapSasl;
using e2esasl::stores::LdapServer;
using e2esasl::stores::Login;
using e2esasl::stores::ReadText;
using e2esasl::stores::SourcePath;
using e2esasl::stores::SyntheticBinding;

const std::vector<std::string> kMechanisms = {"SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512",
                                              "CPACE-R255", "OPAQUE-R255"};
const char kSecret[] = "one secret for every server on this directory";

LdapServer& Directory() {
  static LdapServer directory;
  return directory;
}
const LdapSasl& Sasl() {
  static const LdapSasl sasl(Directory(), kSecret);
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
  std::printf("\n| %-18s | %-24s | client %-14s | server %-14s | %.2fs", mech.c_str(), what.c_str(),
              r.client.ok ? "ok" : r.client.code_name.c_str(),
              r.server.ok ? "ok" : r.server.code_name.c_str(), r.seconds);
  std::fflush(stdout);
}

// Decider: the code of the side that decided first (the other one sees EOF).
std::string Decider(const ExchangeResult& r) {
  return r.server.order == 1 ? r.server.code_name : r.client.code_name;
}

void Provision(const std::string& user, const std::string& password) {
  Directory().AddUser(user);
  Sasl().ProvisionOrThrow(user, password);
}

}  // namespace

// At global scope: Debian's CppUnit names suites by the fully qualified type name.
class StoresLdapTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StoresLdapTest);
  CPPUNIT_TEST(testSaslpasswd2ProvisionsEveryFamily);
  CPPUNIT_TEST(testLoginMatrix);
  CPPUNIT_TEST(testWrongPasswordAndUnknownUser);
  CPPUNIT_TEST(testTwoInstancesOneDirectory);
  CPPUNIT_TEST(testOpaqueUnknownUserSameOnBothInstances);
  CPPUNIT_TEST(testSetpassRacingLogins);
  CPPUNIT_TEST(testCorruptedValue);
  CPPUNIT_TEST(testDirectoryDownThenRestarted);
  CPPUNIT_TEST(testFrozenDirectoryIsBounded);
  CPPUNIT_TEST(testDocsShowTheFilesTheTestsUse);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    static bool provisioned = false;
    if (!provisioned) {
      Provision("alice", "pencil");
      Provision("bob", "Hunter2 correct horse");
      provisioned = true;
    }
  }

  // The entry holds one attribute per family (named like the property) and userPassword.
  void testSaslpasswd2ProvisionsEveryFamily() {
    const std::string entry = Directory().Attributes("alice");
    for (const std::string attr :
         {"userPassword:: ", "e2esasl-SCRAM-SHA-1: SCRAM-SHA-1$4096:",
          "e2esasl-SCRAM-SHA-256: SCRAM-SHA-256$4096:",
          "e2esasl-SCRAM-SHA-512: SCRAM-SHA-512$4096:", "e2esasl-CPACE-R255: pencil",
          "e2esasl-OPAQUE-R255: v1$argon2id:1024:1:"}) {
      CPPUNIT_ASSERT_MESSAGE(attr + " not in:\n" + entry,
                             entry.find("\n" + attr) != std::string::npos);
    }
  }

  void testLoginMatrix() {
    const Binding binding = SyntheticBinding(9);
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

  // A user without an entry is an unknown user (ldapdb's proxy authorization fails): the same
  // SASL_BADAUTH as a wrong password.
  void testWrongPasswordAndUnknownUser() {
    for (const std::string& mech : WrongPasswordMechanisms()) {
      const ExchangeResult wrong = Login(Sasl().Server(mech, std::nullopt), mech, "alice", "pen");
      Row(mech, "alice, wrong password", wrong);
      const ExchangeResult unknown =
          Login(Sasl().Server(mech, std::nullopt), mech, "mallory", "pencil");
      Row(mech, "unknown user", unknown);
      for (const ExchangeResult* r : {&wrong, &unknown}) {
        CPPUNIT_ASSERT_MESSAGE(mech + ": " + r->Describe(), !r->ok() && !r->timed_out);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(mech + ": " + r->Describe(), std::string("SASL_BADAUTH"),
                                     Decider(*r));
      }
    }
  }

  // A second server with its own configuration directory, the same e2esasl_scram_secret and a
  // copy of the key file: the same SCRAM salt for an unknown user, and both accept every family.
  void testTwoInstancesOneDirectory() {
    const LdapSasl second(Directory(), kSecret, Sasl().key_file());
    const std::string first = "n,,n=nobody,r=fyko+d2lbbFgONRv9qkxdawL";
    const std::string a = Sasl().ServerFirst("SCRAM-SHA-256", first);
    const std::string b = second.ServerFirst("SCRAM-SHA-256", first);
    CPPUNIT_ASSERT(!a.empty());
    CPPUNIT_ASSERT_EQUAL(a.substr(a.find(",s=")), b.substr(b.find(",s=")));
    for (const std::string& mech : kMechanisms) {
      const ExchangeResult r = Login(second.Server(mech, std::nullopt), mech, "alice", "pencil");
      CPPUNIT_ASSERT_MESSAGE(mech + ": " + r.Describe(), r.ok());
    }
  }

  // One KE1 to two servers with copies of one key file: the same evaluation and KSF for an
  // unknown user and a known one; a server with its own key file differs.
  void testOpaqueUnknownUserSameOnBothInstances() {
    if (e2esasl::stores::kSanitizerBuild) {
      std::printf("testOpaqueUnknownUserSameOnBothInstances: skipped in the sanitizer build\n");
      return;
    }
    const LdapSasl second(Directory(), kSecret, Sasl().key_file());
    const LdapSasl other(Directory(), "another key");
    for (const std::string user : {"nobody", "alice"}) {
      e2esasl::stores::CheckOpaqueSameOnBoth(Sasl(), second, other, user);
    }
  }

  // saslpasswd2 rewriting dave's entry through ldapdb while logins read it.
  void testSetpassRacingLogins() {
    if (e2esasl::stores::kSanitizerBuild) {
      std::printf("testSetpassRacingLogins: skipped in the sanitizer build\n");
      return;
    }
    Directory().AddUser("dave");
    e2esasl::stores::CheckSetpassRacingLogins(Sasl(), "dave");
  }

  // A corrupted OPAQUE record: SASL_BADAUTH for the client, the server logs which attribute of
  // which user; carol's other secrets and other users are unaffected.
  void testCorruptedValue() {
    Provision("carol", "pencil");
    Directory().Modify(
        "dn: uid=carol,ou=people,dc=example,dc=org\nchangetype: modify\nreplace: "
        "e2esasl-OPAQUE-R255\ne2esasl-OPAQUE-R255: v1$argon2id:1024:1:4$broken\n");
    const ExchangeResult r =
        Login(Sasl().Server("OPAQUE-R255", std::nullopt), "OPAQUE-R255", "carol", "pencil");
    Row("OPAQUE-R255", "carol, corrupted value", r);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("SASL_BADAUTH"), Decider(r));
    CPPUNIT_ASSERT_MESSAGE(
        r.server.stderr_text,
        r.server.stderr_text.find("the stored e2esasl-OPAQUE-R255 of user "
                                  "\"carol\" is malformed") != std::string::npos);
    for (const auto& [mech, user] : {std::pair<std::string, std::string>{"SCRAM-SHA-256", "carol"},
                                     {"OPAQUE-R255", "alice"}}) {
      const ExchangeResult ok = Login(Sasl().Server(mech, std::nullopt), mech, user, "pencil");
      CPPUNIT_ASSERT_MESSAGE(mech + " " + user + ": " + ok.Describe(), ok.ok());
    }
  }

  // slapd stopped: ldapdb returns SASL_UNAVAIL, the server says the store could not be read; the
  // next login after a restart works.
  void testDirectoryDownThenRestarted() {
    Directory().Stop();
    for (const std::string mech : {"SCRAM-SHA-256", "CPACE-R255", "OPAQUE-R255"}) {
      const ExchangeResult r = Login(Sasl().Server(mech, std::nullopt), mech, "alice", "pencil");
      Row(mech, "directory stopped", r);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("SASL_UNAVAIL"), r.server.code_name);
      CPPUNIT_ASSERT(r.server.detail.find("the credential store could not be read") !=
                     std::string::npos);
      CPPUNIT_ASSERT(r.seconds < 5.0);
    }
    Directory().Start();
    for (const std::string mech : {"SCRAM-SHA-256", "CPACE-R255", "OPAQUE-R255"}) {
      const ExchangeResult r = Login(Sasl().Server(mech, std::nullopt), mech, "alice", "pencil");
      Row(mech, "directory restarted", r);
      CPPUNIT_ASSERT_MESSAGE(r.Describe(), r.ok());
    }
  }

  // slapd frozen (SIGSTOP): without a timeout libldap waits for ever; LDAPTIMEOUT and
  // LDAPNETWORK_TIMEOUT in the server's environment (libldap's ldap.conf options TIMEOUT and
  // NETWORK_TIMEOUT, docs/stores.md) bound the wait.
  void testFrozenDirectoryIsBounded() {
    Directory().Freeze();
    const ExchangeResult r = Login(
        Sasl().Server("SCRAM-SHA-256", std::nullopt, {"LDAPTIMEOUT=2", "LDAPNETWORK_TIMEOUT=2"}),
        "SCRAM-SHA-256", "alice", "pencil");
    Directory().Thaw();
    Row("SCRAM-SHA-256", "directory frozen", r);
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.ok() && !r.timed_out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("SASL_UNAVAIL"), r.server.code_name);
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), r.seconds < 8.0);
    const ExchangeResult after =
        Login(Sasl().Server("SCRAM-SHA-256", std::nullopt), "SCRAM-SHA-256", "alice", "pencil");
    CPPUNIT_ASSERT_MESSAGE(after.Describe(), after.ok());
  }

  void testDocsShowTheFilesTheTestsUse() {
    const std::string doc = ReadText(SourcePath("docs/stores.md"));
    for (const char* file : {"e2esasl.ldif", "server.conf", "saslpasswd.conf"}) {
      const std::string text = ReadText(SourcePath(std::string("docs/stores/openldap/") + file));
      CPPUNIT_ASSERT_MESSAGE(
          std::string("docs/stores.md does not show openldap/") + file + " verbatim",
          doc.find(text) != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StoresLdapTest);
