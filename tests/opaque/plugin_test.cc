// plugin_test.cc: the built libe2e_opaque.so through the real libsasl2 (client and server in one
// process, sasldb and the server key file in a temporary directory): provisioning through
// sasl_setpass, the KSF announced in every binding form, and what is OPAQUE's own: wrong password
// / unknown user (the fake response, same sizes) / binding mismatch looking alike, corrupted
// record, KSF above the client's cap, server identity, missing key file. The behaviours every
// mechanism shares are in tests/conformance.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/random.h"
#include "opaque/credentials.h"
#include "opaque/key_file.h"
#include "opaque/records.h"
#include "support/sasl_harness.h"

namespace e2esasl::test {
namespace {

constexpr const char* kMech = "OPAQUE-R255";
constexpr const char* kPlus = "OPAQUE-R255-PLUS";
constexpr const char* kProperty = "e2esasl-OPAQUE-R255";
const std::string kAuthFailed = "authentication failed (wrong password or user";

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl::test;  // NOLINT: test file

// At global scope: CppUnit names suites by their qualified type name.
class OpaquePluginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OpaquePluginTest);
  CPPUNIT_TEST(testProvisioningCreatesKeyFile);
  CPPUNIT_TEST(testKeyFileOwnedByAnotherUser);
  CPPUNIT_TEST(testKsfAnnouncedEveryBinding);
  CPPUNIT_TEST(testWrongPasswordUnknownUserAndBindingMismatchLookAlike);
  CPPUNIT_TEST(testCorruptedRecord);
  CPPUNIT_TEST(testTamperedKe3);
  CPPUNIT_TEST(testKsfCap);
  CPPUNIT_TEST(testKsfCapBoundsTotalWork);
  CPPUNIT_TEST(testServerIdOption);
  CPPUNIT_TEST(testMissingKeyFile);
  CPPUNIT_TEST(testPasswordChangeAndDelete);
  CPPUNIT_TEST(testClientSideRegistration);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = std::make_unique<TempDir>();
    sasldb_ = dir_->path() + "/sasldb2";
    key_file_ = dir_->path() + "/opaque.key";
    // Small Argon2id costs so the suite stays fast (and fast under ASan); p = 4 as the RFC's.
    options_ = {{"e2esasl_opaque_key_file", key_file_},
                {"e2esasl_opaque_ksf_memory", "1024"},
                {"e2esasl_opaque_ksf_time", "1"},
                {"e2esasl_opaque_ksf_parallelism", "4"}};
    CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(sasldb_, "alice", "correct horse", options_));
    CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(sasldb_, "bob", "battery staple", options_));
  }
  void tearDown() override { dir_.reset(); }

  ExchangeSpec Spec(const std::string& mech, const std::string& user, const std::string& pass) {
    ExchangeSpec spec;
    spec.client_mechlist = mech;
    spec.identity.authcid = user;
    spec.identity.password = pass;
    spec.sasldb_path = sasldb_;
    spec.server_options = options_;
    return spec;
  }

  void testProvisioningCreatesKeyFile() {
    struct stat st {};
    CPPUNIT_ASSERT_EQUAL(0, stat(key_file_.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL(0600u, static_cast<unsigned>(st.st_mode & 0777));
    // A key file others can read is refused.
    CPPUNIT_ASSERT_EQUAL(0, chmod(key_file_.c_str(), 0644));
    const Exchange ex = RunExchange(Spec(kMech, "alice", "correct horse"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_UNAVAIL, ex.server_result);
    CPPUNIT_ASSERT(ex.server_detail.find("0600") != std::string::npos);
  }

  // A key file given to another user (mode still 0600) is refused. Needs root to chown.
  void testKeyFileOwnedByAnotherUser() {
    if (geteuid() != 0) {
      std::cerr << "SKIPPED OpaquePluginTest::testKeyFileOwnedByAnotherUser: not root, cannot "
                   "chown a file to another user\n";
      return;
    }
    const passwd* nobody = getpwnam("nobody");
    CPPUNIT_ASSERT_MESSAGE("no user \"nobody\"", nobody != nullptr && nobody->pw_uid != 0);
    CPPUNIT_ASSERT_EQUAL(0, chown(key_file_.c_str(), nobody->pw_uid, nobody->pw_gid));
    const Exchange ex = RunExchange(Spec(kMech, "alice", "correct horse"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_UNAVAIL, ex.server_result);
    CPPUNIT_ASSERT_MESSAGE(ex.server_detail,
                           ex.server_detail.find("owned by uid") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(0, chown(key_file_.c_str(), geteuid(), getegid()));
    const Exchange ok = RunExchange(Spec(kMech, "alice", "correct horse"));
    CPPUNIT_ASSERT_MESSAGE(ok.What(), ok.ok());
  }

  void testKsfAnnouncedEveryBinding() {
    const std::vector<std::optional<Binding>> bindings = EveryBinding();
    for (const auto& binding : bindings) {
      const bool plus = binding.has_value();
      ExchangeSpec spec = Spec(plus ? kPlus : kMech, "alice", "correct horse");
      spec.client_binding = binding;
      spec.server_binding = binding;
      const Exchange ex = RunExchange(spec);
      CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
      // The KSF parameters travel in KE2 (headers and counts: tests/conformance).
      CPPUNIT_ASSERT_MESSAGE(
          ex.server_messages[0],
          ex.server_messages[0].find(",f=argon2id:1024:1:4") != std::string::npos);
    }
  }

  // SASL_BADAUTH at the client with one detail for all three, and the server's answer to an
  // unknown user has the same shape and size as to a real one (RFC 9807 s10.9).
  void testWrongPasswordUnknownUserAndBindingMismatchLookAlike() {
    const Exchange good = RunExchange(Spec(kMech, "alice", "correct horse"));
    const Exchange wrong = RunExchange(Spec(kMech, "alice", "wrong password"));
    const Exchange unknown = RunExchange(Spec(kMech, "mallory", "correct horse"));
    ExchangeSpec mitm_spec = Spec(kPlus, "alice", "correct horse");
    mitm_spec.client_binding = MakeBinding("tls-exporter", 1);
    mitm_spec.server_binding = MakeBinding("tls-exporter", 2);  // a MITM's other leg
    const Exchange mitm = RunExchange(mitm_spec);
    CPPUNIT_ASSERT_MESSAGE(good.What(), good.ok());
    for (const Exchange* ex : {&wrong, &unknown, &mitm}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(ex->What(), SASL_BADAUTH, ex->client_result);
      CPPUNIT_ASSERT_MESSAGE(ex->client_detail,
                             ex->client_detail.find(kAuthFailed) != std::string::npos);
      CPPUNIT_ASSERT_EQUAL(wrong.client_detail, ex->client_detail);
      CPPUNIT_ASSERT_EQUAL(size_t{1}, ex->client_messages.size());  // no KE3 sent
      CPPUNIT_ASSERT_EQUAL(size_t{1}, ex->server_messages.size());
      CPPUNIT_ASSERT_EQUAL(good.server_messages[0].size(), ex->server_messages[0].size());
      const std::string ksf = good.server_messages[0].substr(good.server_messages[0].find(",f="));
      CPPUNIT_ASSERT_EQUAL(ksf, ex->server_messages[0].substr(ex->server_messages[0].find(",f=")));
    }
    // The unknown user's fake response is stable (as a real user's record is).
    const Exchange again = RunExchange(Spec(kMech, "mallory", "other"));
    CPPUNIT_ASSERT_EQUAL(unknown.server_messages[0].size(), again.server_messages[0].size());
  }

  void testCorruptedRecord() {
    for (const std::string& value :
         {std::string("garbage"), std::string("v1$argon2id:1024:1:4$YWxpY2U=$AAAA"),
          std::string("v2$argon2id:1024:1:4$YWxpY2U=$") + std::string(256, 'A'),
          // the right size, but the client public key is the identity element
          std::string("v1$argon2id:1024:1:4$YWxpY2U=$") + std::string(256, 'A')}) {
      CPPUNIT_ASSERT_EQUAL(SASL_OK, StoreProperty(sasldb_, "alice", kProperty, value));
      const Exchange ex = RunExchange(Spec(kMech, "alice", "correct horse"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.client_result);
      CPPUNIT_ASSERT(ex.client_detail.find(kAuthFailed) != std::string::npos);
    }
  }

  void testTamperedKe3() {
    ExchangeSpec spec = Spec(kMech, "alice", "correct horse");
    spec.tamper = [](bool from_client, int index, const std::string& m) {
      if (from_client && index == 1) {
        std::string t = m;
        t[2] = t[2] == 'A' ? 'B' : 'A';
        return t;
      }
      return m;
    };
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.server_result);
    CPPUNIT_ASSERT(ex.server_detail.find(kAuthFailed) != std::string::npos);
  }

  void testKsfCap() {
    ExchangeSpec spec = Spec(kMech, "alice", "correct horse");
    spec.client_options = {{"e2esasl_opaque_max_memory", "512"}};
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.client_result);
    CPPUNIT_ASSERT_MESSAGE(ex.client_detail, ex.client_detail.find("cap") != std::string::npos);
    spec.client_options = {{"e2esasl_opaque_max_memory", "1024"},
                           {"e2esasl_opaque_max_time", "1"},
                           {"e2esasl_opaque_max_parallelism", "4"}};
    const Exchange ok = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(ok.What(), ok.ok());
  }

  // The default cap bounds the total work m * t, not only each parameter. The server announces
  // its KSF options to an unknown user (the fake record), as a MITM before authentication could:
  // 128 MiB and 4 passes (each within its own default cap, 2.7x the default work), then the
  // review's 1 GiB, 16 passes, 16 lanes. The client refuses both before running Argon2id.
  void testKsfCapBoundsTotalWork() {
    for (const auto& [memory, time, lanes] :
         {std::tuple{"131072", "4", "4"}, std::tuple{"1048576", "16", "16"}}) {
      ExchangeSpec spec = Spec(kMech, "mallory", "any password");
      spec.server_options["e2esasl_opaque_ksf_memory"] = memory;
      spec.server_options["e2esasl_opaque_ksf_time"] = time;
      spec.server_options["e2esasl_opaque_ksf_parallelism"] = lanes;
      const Exchange ex = RunExchange(spec);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.client_result);
      CPPUNIT_ASSERT_MESSAGE(ex.client_detail,
                             ex.client_detail.find(std::string("argon2id:") + memory + ":" + time +
                                                   ":" + lanes + " exceeds") != std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(ex.client_detail,
                             ex.client_detail.find("m*t<=393216") != std::string::npos);
      CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.client_messages.size());  // no KE3
    }
  }

  void testServerIdOption() {
    OptionMap with_id = options_;
    with_id["e2esasl_opaque_server_id"] = "ldap.example.net";
    CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(sasldb_, "dave", "pw dave", with_id));
    ExchangeSpec spec = Spec(kMech, "dave", "pw dave");
    spec.server_options = with_id;
    spec.client_options = {{"e2esasl_opaque_server_id", "ldap.example.net"}};
    const Exchange ok = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(ok.What(), ok.ok());
    spec.client_options.clear();  // the client does not know the identity: the envelope fails
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH, RunExchange(spec).client_result);
  }

  void testMissingKeyFile() {
    ExchangeSpec spec = Spec(kMech, "alice", "correct horse");
    spec.server_options.erase("e2esasl_opaque_key_file");
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_UNAVAIL, ex.server_result);
    // Another key file: a different OPRF key and server key, so the records no longer open.
    spec.server_options["e2esasl_opaque_key_file"] = dir_->path() + "/other.key";
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH, RunExchange(spec).client_result);
  }

  void testPasswordChangeAndDelete() {
    CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(sasldb_, "alice", "new horse", options_));
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH,
                         RunExchange(Spec(kMech, "alice", "correct horse")).client_result);
    const Exchange ok = RunExchange(Spec(kMech, "alice", "new horse"));
    CPPUNIT_ASSERT_MESSAGE(ok.What(), ok.ok());
    CPPUNIT_ASSERT_EQUAL(SASL_OK, StoreProperty(sasldb_, "alice", kProperty, std::nullopt));
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH,
                         RunExchange(Spec(kMech, "alice", "new horse")).client_result);
  }

  // RFC 9807 s5 split as e2esasl-opaque does it: the client blinds, the server answers with its
  // key file, the client finalizes, the server stores the record it never saw a password for.
  void testClientSideRegistration() {
    using namespace e2esasl;          // NOLINT: test
    using namespace e2esasl::opaque;  // NOLINT: test
    Failure failure;
    const std::optional<ServerKeyMaterial> keys = LoadKeyFile(key_file_, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, keys.has_value());
    RegistrationClient client;
    RegistrationRequest request;
    CPPUNIT_ASSERT(client.Start(SystemRandom(), AsBytes("client side pw"), &request));
    RegistrationResponse response;  // server side: sees only the blinded element
    CPPUNIT_ASSERT(CreateRegistrationResponse(request, keys->public_key, ToBytes("frank"),
                                              keys->oprf_seed.view(), &response));
    StoredRecord stored;
    stored.ksf = KsfParams{KsfKind::kArgon2id, 1024, 1, 4};
    stored.credential_identifier = ToBytes("frank");
    SecretBytes export_key;
    CPPUNIT_ASSERT(client.Finish(SystemRandom(), response, Identities{}, stored.ksf, &stored.record,
                                 &export_key));
    CPPUNIT_ASSERT_EQUAL(SASL_OK, StoreProperty(sasldb_, "frank", kProperty,
                                                std::string(stored.Serialize().view())));
    const Exchange ok = RunExchange(Spec(kMech, "frank", "client side pw"));
    CPPUNIT_ASSERT_MESSAGE(ok.What(), ok.ok());
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH, RunExchange(Spec(kMech, "frank", "other")).client_result);
  }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string sasldb_;
  std::string key_file_;
  OptionMap options_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(OpaquePluginTest);
