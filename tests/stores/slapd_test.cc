// slapd_test.cc: slapd itself as the Cyrus SASL application (issue 14, part 2): an LDAP client
// (the system's ldapwhoami) authenticates to slapd with our -PLUS mechanisms over StartTLS and
// LDAPS with channel binding (tls-server-end-point, OpenLDAP's "ldap" binding), and slapd reads
// the secrets from its own directory (its internal auxprop reads the attributes of
// docs/stores/openldap/e2esasl.ldif), provisioned through ldapdb and saslpasswd2.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "stores/store_env.h"

namespace {

namespace fs = std::filesystem;
using e2esasl::stores::kTimeoutMs;
using e2esasl::stores::LdapSasl;
using e2esasl::stores::LdapServer;
using e2esasl::stores::NewTempDir;

#ifdef E2ESASL_SANITIZER_BUILD
constexpr bool kSanitizerBuild = true;
#else
constexpr bool kSanitizerBuild = false;
#endif

const char kAliceDn[] = "dn:uid=alice,ou=people,dc=example,dc=org";

// SlapdSaslDir: slapd's SASL configuration (slapd.conf) and a copy of the OPAQUE key file
// saslpasswd2 registered with, both readable by the openldap user.
struct SlapdSaslDir {
  SlapdSaslDir() : dir(NewTempDir("e2esasl-slapd-sasl")) { chmod(dir.c_str(), 0755); }
  std::string dir;
};

SlapdSaslDir& SaslDir() {
  static SlapdSaslDir d;
  return d;
}
LdapServer& Directory() {
  static LdapServer directory(SaslDir().dir);
  return directory;
}
const LdapSasl& Provisioning() {
  static const LdapSasl sasl(Directory(), "slapd's fake-salt key");
  return sasl;
}

// WriteSlapdConf writes slapd.conf: the cluster secrets as for any server (docs/stores.md), the
// tests' cheap KSF. slapd reads it when it starts, so the key file is made before.
void WriteSlapdConf(const std::string& key_file) {
  std::ofstream out(SaslDir().dir + "/slapd.conf");
  out << "e2esasl_scram_secret: slapd's fake-salt key\n"
      << "e2esasl_opaque_key_file: " << key_file << "\n"
      << "e2esasl_opaque_ksf_memory: 1024\ne2esasl_opaque_ksf_time: 1\n";
}

// Whoami runs ldapwhoami with a SASL mechanism; returns its exit status, output in *out.
int Whoami(const std::string& uri, bool starttls, const std::string& mech,
           const std::string& password, const std::string& cbinding, std::string* out) {
  std::vector<std::string> argv = {
      "/usr/bin/ldapwhoami", "-H", uri, "-Y", mech, "-U", "alice", "-w", password};
  if (starttls) {
    argv.push_back("-ZZ");
  }
  const char* plugins = getenv("E2ESASL_PLUGIN_DIR");
  return e2esasl::interop::RunCommand(
      argv,
      {std::string("SASL_PATH=") + (plugins != nullptr ? plugins : ""), "LDAPCONF=/dev/null",
       "LDAPTLS_CACERT=" + Directory().ca_path(), "LDAPSASL_CBINDING=" + cbinding},
      kTimeoutMs, out);
}

}  // namespace

// At global scope: Debian's CppUnit names suites by the fully qualified type name.
class StoresSlapdTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StoresSlapdTest);
  CPPUNIT_TEST(testPlusMechanismsOverStartTlsAndLdaps);
  CPPUNIT_TEST(testWrongPasswordFails);
  CPPUNIT_TEST(testPlusNeedsTheClientsBinding);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
#ifdef E2ESASL_SANITIZER_BUILD
    // slapd and ldapwhoami are not instrumented and cannot load ASan-built modules; the normal
    // build runs this suite.
    return;
#endif
    static bool ready = false;
    if (!ready) {
      if (geteuid() != 0) {
        throw std::runtime_error("StoresSlapdTest needs root (a private mount namespace)");
      }
      // The key file saslpasswd2 registers with, copied for slapd (the cluster secret as an
      // operator distributes it), then slapd (re)started to read slapd.conf.
      const std::string key = SaslDir().dir + "/opaque.key";
      WriteSlapdConf(key);
      Directory().AddUser("alice");
      fs::copy_file(Provisioning().key_file(), key);
      chmod(key.c_str(), 0600);
      CPPUNIT_ASSERT_EQUAL(0, chown(key.c_str(), OpenldapUid(), static_cast<gid_t>(-1)));
      Provisioning().ProvisionOrThrow("alice", "pencil");
      ready = true;
    }
  }

  void testPlusMechanismsOverStartTlsAndLdaps() {
    if (kSanitizerBuild) {
      std::printf("testPlusMechanismsOverStartTlsAndLdaps: skipped in the sanitizer build\n");
      return;
    }
    const std::string ldap = "ldap://127.0.0.1:" + std::to_string(Directory().port());
    const std::string ldaps = "ldaps://127.0.0.1:" + std::to_string(Directory().port() + 1);
    for (const std::string mech : {"SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS",
                                   "CPACE-R255-PLUS", "OPAQUE-R255-PLUS"}) {
      for (const bool starttls : {true, false}) {
        std::string out;
        const int status =
            Whoami(starttls ? ldap : ldaps, starttls, mech, "pencil", "tls-endpoint", &out);
        std::printf("\n| ldapwhoami %-20s | %-8s | exit %d", mech.c_str(),
                    starttls ? "StartTLS" : "LDAPS", status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(mech + ": " + out, 0, status);
        CPPUNIT_ASSERT_MESSAGE(out, out.find(kAliceDn) != std::string::npos);
      }
    }
  }

  void testWrongPasswordFails() {
    if (kSanitizerBuild) {
      std::printf("testWrongPasswordFails: skipped in the sanitizer build\n");
      return;
    }
    const std::string ldaps = "ldaps://127.0.0.1:" + std::to_string(Directory().port() + 1);
    for (const std::string mech : {"SCRAM-SHA-256-PLUS", "CPACE-R255-PLUS", "OPAQUE-R255-PLUS"}) {
      std::string out;
      CPPUNIT_ASSERT(Whoami(ldaps, false, mech, "not pencil", "tls-endpoint", &out) != 0);
      CPPUNIT_ASSERT_MESSAGE(out,
                             out.find("SASL(-13): authentication failure") != std::string::npos);
    }
  }

  // Without a channel binding on the client (LDAPSASL_CBINDING=none) libsasl2 offers no -PLUS
  // name at all: the successes above did bind.
  void testPlusNeedsTheClientsBinding() {
    if (kSanitizerBuild) {
      std::printf("testPlusNeedsTheClientsBinding: skipped in the sanitizer build\n");
      return;
    }
    const std::string ldaps = "ldaps://127.0.0.1:" + std::to_string(Directory().port() + 1);
    std::string out;
    CPPUNIT_ASSERT(Whoami(ldaps, false, "SCRAM-SHA-256-PLUS", "pencil", "none", &out) != 0);
    CPPUNIT_ASSERT_MESSAGE(out, out.find("no mechanism available") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0,
                                 Whoami(ldaps, false, "SCRAM-SHA-256", "pencil", "none", &out));
  }

 private:
  static uid_t OpenldapUid() {
    std::ifstream passwd("/etc/passwd");
    for (std::string line; std::getline(passwd, line);) {
      if (line.rfind("openldap:", 0) == 0) {
        const size_t a = line.find(':', 9);
        return static_cast<uid_t>(std::stoul(line.substr(a + 1)));
      }
    }
    throw std::runtime_error("no openldap user");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StoresSlapdTest);
