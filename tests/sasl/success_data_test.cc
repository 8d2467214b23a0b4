// success_data_test.cc: round trips per family through the real libsasl2, with and without
// SASL_SUCCESS_DATA. libsasl2 turns a server's SASL_OK into SASL_CONTINUE when the server output
// pointer is not NULL and the application did not pass SASL_SUCCESS_DATA (it tests the pointer,
// not the length), so a family whose success data is empty must return NULL, or every
// application without SASL_SUCCESS_DATA pays an extra round trip of empty messages.
#include <memory>
#include <string>
#include <string_view>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "support/sasl_harness.h"

namespace e2esasl::test {
namespace {

// Counts: messages each side sent, and whether the server's outcome carried data.
struct Counts {
  size_t client_messages;
  size_t server_messages;
  bool success_data;
};

struct Case {
  const char* mechanism;
  Counts with_success_data;     // SASL_SUCCESS_DATA on the server connection
  Counts without_success_data;  // server flags 0
};

// The success data is non-empty for SCRAM (v=) and CPace (t=): without SASL_SUCCESS_DATA it
// travels as a last challenge answered by an empty response. OPAQUE and SAS have none: the
// same exchange either way, the outcome carries no data.
constexpr Case kCases[] = {
    {"SCRAM-SHA-256", {2, 2, true}, {3, 2, false}},
    {"CPACE-R255", {2, 2, true}, {3, 2, false}},
    {"OPAQUE-R255", {2, 1, false}, {2, 1, false}},
    {"SAS-R255-PLUS", {3, 2, false}, {3, 2, false}},
};

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl::test;  // NOLINT: test file

// At global scope: CppUnit names suites by their qualified type name.
class SaslSuccessDataTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SaslSuccessDataTest);
  CPPUNIT_TEST(testRoundTripsPerFamily);
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

  ExchangeSpec Spec(const Case& c, unsigned server_flags) {
    ExchangeSpec spec;
    spec.client_mechlist = c.mechanism;
    spec.identity.authcid = "alice";
    spec.identity.password = "correct horse";
    spec.sasldb_path = sasldb_;
    spec.server_options = options_;
    spec.server_flags = server_flags;
    // SAS needs a binding and a person at each end; the others run unbound and ignore people.
    if (std::string_view(c.mechanism).starts_with("SAS-")) {
      spec.client_binding = MakeBinding("tls-exporter", 3);
      spec.server_binding = MakeBinding("tls-exporter", 3);
    }
    spec.client_confirm = [](const std::string&) { return true; };
    spec.server_confirm = [](const std::string&) { return true; };
    spec.client_show = [](const std::string&) { return true; };
    spec.server_show = [](const std::string&) { return true; };
    return spec;
  }

  void testRoundTripsPerFamily() {
    for (const Case& c : kCases) {
      for (const bool with : {true, false}) {
        const Counts& want = with ? c.with_success_data : c.without_success_data;
        const Exchange ex = RunExchange(Spec(c, with ? SASL_SUCCESS_DATA : 0));
        const std::string label =
            std::string(c.mechanism) + (with ? " with" : " without") + " SASL_SUCCESS_DATA: ";
        CPPUNIT_ASSERT_MESSAGE(label + ex.What(), ex.ok());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label + "client messages", want.client_messages,
                                     ex.client_messages.size());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label + "server messages", want.server_messages,
                                     ex.server_messages.size());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label + "success data", want.success_data, ex.success_data);
      }
    }
  }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string sasldb_;
  OptionMap options_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SaslSuccessDataTest);
