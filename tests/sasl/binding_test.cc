// binding_test.cc: a channel binding with empty data, through the real libsasl2 and every built
// family module. A binding of nothing binds nothing: both ends refuse it with SASL_BADBINDING and
// a detail that says so, whether the exchange would use it ("p=") or only announce it ("y").
#include <memory>
#include <string>
#include <string_view>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "support/sasl_harness.h"

namespace e2esasl::test {
namespace {

constexpr const char* kFamilies[] = {"SCRAM-SHA-256", "CPACE-R255", "OPAQUE-R255", "SAS-R255"};
const std::string kClientDetail =
    "the application's channel binding \"tls-exporter\" has no data (a binding of nothing binds "
    "nothing)";
const std::string kServerDetail =
    "the server's channel binding \"tls-exporter\" has no data (a binding of nothing binds "
    "nothing)";

Binding EmptyBinding() {
  Binding b;
  b.name = "tls-exporter";
  return b;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl::test;  // NOLINT: test file

// At global scope: CppUnit names suites by their qualified type name.
class SaslEmptyBindingTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SaslEmptyBindingTest);
  CPPUNIT_TEST(testClientRefusesEmptyBinding);
  CPPUNIT_TEST(testServerRefusesEmptyBinding);
  CPPUNIT_TEST(testBothEmptyIsNoBinding);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = std::make_unique<TempDir>();
    sasldb_ = dir_->path() + "/sasldb2";
    options_ = {{"e2esasl_opaque_key_file", dir_->path() + "/opaque.key"},
                {"e2esasl_opaque_ksf_memory", "1024"},
                {"e2esasl_opaque_ksf_time", "1"},
                {"e2esasl_opaque_ksf_parallelism", "4"}};
    CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(sasldb_, "alice", "correct horse", options_));
  }
  void tearDown() override { dir_.reset(); }

  ExchangeSpec Spec(const std::string& mechanism) {
    ExchangeSpec spec;
    spec.client_mechlist = mechanism;
    spec.identity.authcid = "alice";
    spec.identity.password = "correct horse";
    spec.sasldb_path = sasldb_;
    spec.server_options = options_;
    spec.client_confirm = [](const std::string&) { return true; };
    spec.server_confirm = [](const std::string&) { return true; };
    spec.client_show = [](const std::string&) { return true; };
    spec.server_show = [](const std::string&) { return true; };
    return spec;
  }

  // The client holds an empty binding: -PLUS (it would send "p=" and bind nothing) and the base
  // name (it would send "y") both fail at the client before anything is sent.
  void testClientRefusesEmptyBinding() {
    for (const std::string family : kFamilies) {
      for (const bool plus : {true, false}) {
        if (!plus && family == "SAS-R255") {
          continue;  // the base name never runs (SAS requires "p=")
        }
        ExchangeSpec spec = Spec(plus ? family + "-PLUS" : family);
        spec.client_binding = EmptyBinding();
        spec.server_binding = MakeBinding("tls-exporter", 4);
        const Exchange ex = RunExchange(spec);
        const std::string label = spec.client_mechlist + ": " + ex.What();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label, SASL_BADBINDING, ex.client_result);
        CPPUNIT_ASSERT_MESSAGE(label, Contains(ex.client_detail, kClientDetail));
        CPPUNIT_ASSERT_MESSAGE(label, ex.client_messages.empty());
      }
    }
  }

  // The server holds an empty binding: refused on the client's first message.
  void testServerRefusesEmptyBinding() {
    for (const std::string family : kFamilies) {
      ExchangeSpec spec = Spec(family + "-PLUS");
      spec.client_binding = MakeBinding("tls-exporter", 4);
      spec.server_binding = EmptyBinding();
      const Exchange ex = RunExchange(spec);
      const std::string label = spec.client_mechlist + ": " + ex.What();
      CPPUNIT_ASSERT_EQUAL_MESSAGE(label, SASL_BADBINDING, ex.server_result);
      CPPUNIT_ASSERT_MESSAGE(label, Contains(ex.server_detail, kServerDetail));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(label, size_t{1}, ex.client_messages.size());
      // Nothing but SCRAM's own error message (RFC 5802 s7 server-error) goes back.
      if (family.starts_with("SCRAM")) {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label, size_t{1}, ex.server_messages.size());
        CPPUNIT_ASSERT_EQUAL(std::string("e=unsupported-channel-binding-type"),
                             ex.server_messages[0]);
      } else {
        CPPUNIT_ASSERT_MESSAGE(label, ex.server_messages.empty());
      }
    }
  }

  // Both ends empty: they "agree" on nothing. Refused, not an authenticated channel.
  void testBothEmptyIsNoBinding() {
    for (const std::string family : kFamilies) {
      ExchangeSpec spec = Spec(family + "-PLUS");
      spec.client_binding = EmptyBinding();
      spec.server_binding = EmptyBinding();
      const Exchange ex = RunExchange(spec);
      const std::string label = spec.client_mechlist + ": " + ex.What();
      CPPUNIT_ASSERT_MESSAGE(label, !ex.ok());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(label, SASL_BADBINDING, ex.client_result);
      CPPUNIT_ASSERT_MESSAGE(label, Contains(ex.client_detail, kClientDetail));
    }
  }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string sasldb_;
  OptionMap options_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SaslEmptyBindingTest);
