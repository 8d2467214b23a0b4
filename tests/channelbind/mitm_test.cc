// mitm_test.cc: a party that terminates TLS in the middle holds two connections (client<->mitm
// and mitm<->server, each with its own certificate). No binding value may be shared across the
// two legs, whichever libraries and versions are used; each leg is consistent in itself.
#include <cppunit/extensions/HelperMacros.h>

#include <optional>

#include "probe.h"

namespace e2esasl::channelbind_test {
namespace {

struct LegValues {
  std::optional<cb::Result<cb::Bytes>> client[3], server[3];
};

LegValues RunLeg(const ConnectionSpec& spec, std::string* description) {
  LegValues out;
  auto probe = [](Endpoint& e, std::optional<cb::Result<cb::Bytes>>* values) {
    for (size_t i = 0; i < kTypes.size(); ++i) {
      values[i] = Bind(e, kTypes[i]);
    }
  };
  auto r = testing::RunConnection(
      spec, [&](Endpoint& e) { probe(e, out.client); }, [&](Endpoint& e) { probe(e, out.server); });
  r.ThrowIfFailed();
  *description = r.description;
  return out;
}

}  // namespace
}  // namespace e2esasl::channelbind_test

using namespace e2esasl::channelbind_test;  // NOLINT(google-build-using-namespace)

// CppUnit names suites by their type: the fixture lives at global scope so the suite is
// "ChannelBindMitmTest".
class ChannelBindMitmTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ChannelBindMitmTest);
  CPPUNIT_TEST(testLegsNeverShareBindings);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testLegsNeverShareBindings() {
    // The real server and the MITM use the same kind of certificate with different keys.
    const ServerCredentials& server_creds = testing::DefaultServerCredentials(CertKind::kRsaSha256);
    const ServerCredentials mitm_creds =
        testing::MakeServerCredentials(CertKind::kRsaSha256, server_creds.common_name, 1);
    CPPUNIT_ASSERT(mitm_creds.cert_der != server_creds.cert_der);
    // And a MITM that re-uses the real server's key in a certificate of its own.
    const ServerCredentials same_key_creds =
        testing::MakeServerCredentials(CertKind::kRsaSha256, server_creds.common_name, 0);

    int compared = 0;
    for (const ServerCredentials* mitm : {&mitm_creds, &same_key_creds}) {
      for (TlsVersion version : {TlsVersion::kTls12, TlsVersion::kTls13}) {
        for (const Pairing& outer : AllPairings()) {
          // Leg 1: the victim client (outer.first) to the MITM (outer.second acting as server).
          // Leg 2: the MITM (outer.second acting as client) to the real server (outer.first).
          std::string leg1_name, leg2_name;
          LegValues leg1 =
              RunLeg(Spec({outer.first, outer.second}, version, false, mitm), &leg1_name);
          LegValues leg2 =
              RunLeg(Spec({outer.second, outer.first}, version, false, &server_creds), &leg2_name);
          const std::string what = leg1_name + " / " + leg2_name;
          for (size_t i = 0; i < kTypes.size(); ++i) {
            const std::string type(cb::TypeName(kTypes[i]));
            const auto& victim = *leg1.client[i];
            const auto& server = *leg2.server[i];
            if (kTypes[i] == cb::Type::kTlsUnique && version == TlsVersion::kTls13) {
              CPPUNIT_ASSERT(!victim.ok() && !server.ok());
              continue;
            }
            CPPUNIT_ASSERT_MESSAGE(what + " " + type + ": " + Show(victim) + " / " + Show(server),
                                   victim.ok() && server.ok());
            // Each leg agrees with itself (the MITM computes what its peer computes) ...
            CPPUNIT_ASSERT_MESSAGE(
                what + " " + type + " leg 1 ends disagree",
                leg1.server[i]->ok() && victim.value() == leg1.server[i]->value());
            CPPUNIT_ASSERT_MESSAGE(
                what + " " + type + " leg 2 ends disagree",
                leg2.client[i]->ok() && server.value() == leg2.client[i]->value());
            // ... but what the victim binds to is never what the real server binds to.
            CPPUNIT_ASSERT_MESSAGE(
                what + " " + type + ": shared across the legs: " + Hex(victim.value()),
                victim.value() != server.value());
            ++compared;
          }
        }
      }
    }
    // 2 MITM certificates x 4 pairings x (TLS 1.2: 3 types + TLS 1.3: 2 types).
    CPPUNIT_ASSERT_EQUAL(2 * 4 * 5, compared);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChannelBindMitmTest);
