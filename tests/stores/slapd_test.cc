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
#include "stores/tls_relay.h"

namespace {

namespace fs = std::filesystem;
using e2esasl::stores::kSanitizerBuild;
using e2esasl::stores::kTimeoutMs;
using e2esasl::stores::LdapSasl;
using e2esasl::stores::LdapServer;
using e2esasl::stores::NewTempDir;

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
// cacert: the certificates the client trusts (default: the directory's own).
int Whoami(const std::string& uri, bool starttls, const std::string& mech,
           const std::string& password, const std::string& cbinding, std::string* out,
           const std::string& cacert = "") {
  std::vector<std::string> argv = {
      "/usr/bin/ldapwhoami", "-H", uri, "-Y", mech, "-U", "alice", "-w", password};
  if (starttls) {
    argv.push_back("-ZZ");
  }
  const char* plugins = getenv("E2ESASL_PLUGIN_DIR");
  return e2esasl::interop::RunCommand(
      argv,
      {std::string("SASL_PATH=") + (plugins != nullptr ? plugins : ""), "LDAPCONF=/dev/null",
       "LDAPTLS_CACERT=" + (cacert.empty() ? Directory().ca_path() : cacert),
       "LDAPSASL_CBINDING=" + cbinding},
      kTimeoutMs, out);
}

}  // namespace

// At global scope: Debian's CppUnit names suites by the fully qualified type name.
class StoresSlapdTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StoresSlapdTest);
  CPPUNIT_TEST(testPlusMechanismsOverStartTlsAndLdaps);
  CPPUNIT_TEST(testWrongPasswordFails);
  CPPUNIT_TEST(testPlusNeedsTheClientsBinding);
  CPPUNIT_TEST(testManInTheMiddleBreaksEveryPlus);
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

  // A man in the middle with a certificate the client trusts (as a mis-issuing CA or a
  // TLS-terminating proxy would have) relays LDAPS to slapd: the unbound mechanisms succeed
  // through it, unnoticed; every -PLUS mechanism fails, because ldapwhoami and slapd hash
  // different server certificates (tls-server-end-point).
  void testManInTheMiddleBreaksEveryPlus() {
    if (kSanitizerBuild) {
      std::printf("testManInTheMiddleBreaksEveryPlus: skipped in the sanitizer build\n");
      return;
    }
    const std::string dir = NewTempDir("e2esasl-slapd-mitm");
    e2esasl::stores::MakeSelfSignedCertificate(dir + "/mitm.pem", dir + "/mitm.key");
    const std::string trusted = dir + "/trusted.pem";
    {
      std::ofstream bundle(trusted);
      bundle << e2esasl::stores::ReadText(Directory().ca_path())
             << e2esasl::stores::ReadText(dir + "/mitm.pem");
    }
    e2esasl::stores::TlsRelay relay(Directory().port() + 1, dir + "/mitm.pem", dir + "/mitm.key");
    const std::string through = "ldaps://127.0.0.1:" + std::to_string(relay.port());
    for (const std::string mech : {"SCRAM-SHA-256", "CPACE-R255", "OPAQUE-R255"}) {
      const int before = relay.connections();
      std::string out;
      const int status = Whoami(through, false, mech, "pencil", "none", &out, trusted);
      std::printf("\n| through the man in the middle | %-20s | exit %d", mech.c_str(), status);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(mech + ": " + out, 0, status);
      CPPUNIT_ASSERT_MESSAGE(out, out.find(kAliceDn) != std::string::npos);
      CPPUNIT_ASSERT(relay.connections() > before);
    }
    for (const std::string mech : {"SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS",
                                   "CPACE-R255-PLUS", "OPAQUE-R255-PLUS"}) {
      const int before = relay.connections();
      std::string out;
      const int status = Whoami(through, false, mech, "pencil", "tls-endpoint", &out, trusted);
      std::printf("\n| through the man in the middle | %-20s | exit %d", mech.c_str(), status);
      CPPUNIT_ASSERT_MESSAGE(mech + " passed the man in the middle: " + out, status != 0);
      CPPUNIT_ASSERT_MESSAGE(out, out.find(kAliceDn) == std::string::npos);
      // SCRAM's server names the mismatch (e=channel-bindings-dont-match); a PAKE folds the
      // binding into its key schedule, so the middle looks like a wrong password: OPAQUE's
      // client finds out first (the server's MAC), CPace's server (slapd: invalid credentials).
      const std::string expected = mech.rfind("SCRAM-", 0) == 0 ? "channel-bindings-dont-match"
                                   : mech.rfind("OPAQUE-", 0) == 0
                                       ? "or a different channel binding"
                                       : "Invalid credentials (49)";
      CPPUNIT_ASSERT_MESSAGE(out, out.find(expected) != std::string::npos);
      // The TLS legs were made: the refusal came from the binding, not from TLS.
      CPPUNIT_ASSERT(relay.connections() > before);
    }
    // The limit of tls-server-end-point (RFC 5929 section 4): a middle that holds the server's
    // own certificate and key presents the same certificate, so the hashes agree and -PLUS
    // passes. The check above is therefore about the certificate, and this is why docs/stores.md
    // tells operators to protect the key (tls-exporter, which slapd does not offer, binds the
    // connection itself).
    e2esasl::stores::TlsRelay holder(Directory().port() + 1, Directory().dir() + "/server.pem",
                                     Directory().dir() + "/server.key");
    std::string out;
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        out, 0,
        Whoami("ldaps://127.0.0.1:" + std::to_string(holder.port()), false, "SCRAM-SHA-256-PLUS",
               "pencil", "tls-endpoint", &out, trusted));
    CPPUNIT_ASSERT_EQUAL(1, holder.connections());
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
