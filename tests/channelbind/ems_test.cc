// ems_test.cc: TLS 1.2 without Extended Master Secret (RFC 7627, triple handshake): tls-unique and
// tls-exporter are refused with kNoExtendedMasterSecret by both backends; tls-server-end-point
// still works. EMS is turned off on the client, on the server, or on both.
#include <cppunit/extensions/HelperMacros.h>

#include <optional>

#include "probe.h"

namespace e2esasl::channelbind_test {
namespace {

enum class NoEms { kClient, kServer, kBoth };

std::string_view NoEmsName(NoEms which) {
  return which == NoEms::kClient ? "client" : which == NoEms::kServer ? "server" : "both";
}

// EmsEnd is what one end saw on a session without EMS.
struct EmsEnd {
  bool ems_negotiated = true;
  std::optional<cb::Result<cb::Bytes>> unique, exporter, end_point;
  std::optional<cb::Result<cb::Type>> best;
};

void Probe(const Endpoint& e, EmsEnd* out) {
  out->ems_negotiated = e.library == TlsLibrary::kOpenssl
                            ? SSL_get_extms_support(e.ssl) == 1
                            : gnutls_session_ext_master_secret_status(e.gnutls) != 0;
  out->unique = Bind(e, cb::Type::kTlsUnique);
  out->exporter = Bind(e, cb::Type::kTlsExporter);
  out->end_point = Bind(e, cb::Type::kTlsServerEndPoint);
  out->best = BestType(e);
}

void CheckRefusedNoEms(const std::string& where, const cb::Result<cb::Bytes>& result) {
  CPPUNIT_ASSERT_MESSAGE(where + ": expected a refusal, got a value", !result.ok());
  CPPUNIT_ASSERT_MESSAGE(where + ": " + Show(result) + " (" + result.error().message + ")",
                         result.error().code == cb::ErrorCode::kNoExtendedMasterSecret);
}

}  // namespace
}  // namespace e2esasl::channelbind_test

using namespace e2esasl::channelbind_test;  // NOLINT(google-build-using-namespace)

// CppUnit names suites by their type: the fixture lives at global scope so the suite is
// "ChannelBindEmsTest".
class ChannelBindEmsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ChannelBindEmsTest);
  CPPUNIT_TEST(testWithoutEmsBothBackendsRefuse);
  CPPUNIT_TEST(testWithoutEmsResumed);
  CPPUNIT_TEST(testConfiguredEndRefusesBindingWithoutEms);
  CPPUNIT_TEST(testTls13IgnoresEmsSwitch);
  CPPUNIT_TEST_SUITE_END();

 public:
  // Every pairing, EMS off on the client / server / both; the other end is set up without the
  // library's helpers (plain, EMS offered) so the handshake itself succeeds.
  void testWithoutEmsBothBackendsRefuse() {
    int checked = 0;
    for (const Pairing& pairing : AllPairings()) {
      for (NoEms which : {NoEms::kClient, NoEms::kServer, NoEms::kBoth}) {
        checked += RunNoEms(pairing, which, /*resume=*/false);
      }
    }
    CPPUNIT_ASSERT_EQUAL(4 * 3 * 2, checked);
  }

  void testWithoutEmsResumed() {
    int checked = 0;
    for (const Pairing& pairing : AllPairings()) {
      checked += RunNoEms(pairing, NoEms::kBoth, /*resume=*/true);
    }
    CPPUNIT_ASSERT_EQUAL(4 * 2, checked);
  }

  // Neither OpenSSL 3.0 nor GnuTLS 3.7.9 can make EMS mandatory ("%FORCE_EXTMS" does not exist
  // there), so an end set up with the library's helpers still connects to a peer without EMS:
  // the bindings must then be refused at that end.
  void testConfiguredEndRefusesBindingWithoutEms() {
    int checked = 0;
    for (TlsLibrary configured_library : kLibraries) {
      for (TlsLibrary peer : kLibraries) {
        for (bool peer_is_client : {true, false}) {
          ConnectionSpec spec;
          spec.version = TlsVersion::kTls12;
          testing::EndpointConfig& configured = peer_is_client ? spec.server : spec.client;
          testing::EndpointConfig& no_ems = peer_is_client ? spec.client : spec.server;
          configured.library = configured_library;  // library helpers (the default)
          no_ems.library = peer;
          no_ems.disable_ems = true;
          EmsEnd client, server;
          auto r = testing::RunConnection(
              spec, [&](Endpoint& e) { Probe(e, &client); },
              [&](Endpoint& e) { Probe(e, &server); });
          r.ThrowIfFailed();
          const EmsEnd& end = peer_is_client ? server : client;
          CPPUNIT_ASSERT_MESSAGE(r.description + ": EMS negotiated", !end.ems_negotiated);
          CheckRefusedNoEms(r.description + " configured end tls-unique", *end.unique);
          CheckRefusedNoEms(r.description + " configured end tls-exporter", *end.exporter);
          CPPUNIT_ASSERT_MESSAGE(r.description + " end-point", end.end_point->ok());
          ++checked;
        }
      }
    }
    CPPUNIT_ASSERT_EQUAL(8, checked);
  }

  // EMS does not exist on TLS 1.3: turning it "off" must not make anything refuse.
  void testTls13IgnoresEmsSwitch() {
    for (const Pairing& pairing : AllPairings()) {
      ConnectionSpec spec = Spec(pairing, TlsVersion::kTls13, false);
      spec.client.disable_ems = true;
      spec.server.disable_ems = true;
      EmsEnd client, server;
      auto r = testing::RunConnection(
          spec, [&](Endpoint& e) { Probe(e, &client); }, [&](Endpoint& e) { Probe(e, &server); });
      r.ThrowIfFailed();
      for (const EmsEnd* end : {&client, &server}) {
        CPPUNIT_ASSERT_MESSAGE(r.description + " exporter: " + Show(*end->exporter),
                               end->exporter->ok());
        CPPUNIT_ASSERT_MESSAGE(r.description + " end-point", end->end_point->ok());
        CPPUNIT_ASSERT(end->unique->error().code == cb::ErrorCode::kUndefinedOnTls13);
      }
      CPPUNIT_ASSERT(client.exporter->value() == server.exporter->value());
    }
  }

 private:
  // RunNoEms returns the number of ends checked (2).
  int RunNoEms(Pairing pairing, NoEms which, bool resume) {
    ConnectionSpec spec = Spec(pairing, TlsVersion::kTls12, resume);
    spec.client.use_library_configure = false;
    spec.server.use_library_configure = false;
    spec.client.disable_ems = which != NoEms::kServer;
    spec.server.disable_ems = which != NoEms::kClient;
    EmsEnd client, server;
    auto r = testing::RunConnection(
        spec, [&](Endpoint& e) { Probe(e, &client); }, [&](Endpoint& e) { Probe(e, &server); });
    const std::string what = r.description + " (EMS off: " + std::string(NoEmsName(which)) + ")";
    CPPUNIT_ASSERT_MESSAGE(what + ": " + r.error, r.ok);
    int checked = 0;
    for (const auto& [end, name] : {std::pair{&client, "client"}, std::pair{&server, "server"}}) {
      const std::string where = what + " " + name;
      CPPUNIT_ASSERT_MESSAGE(where + ": EMS was negotiated anyway", !end->ems_negotiated);
      CheckRefusedNoEms(where + " tls-unique", *end->unique);
      CheckRefusedNoEms(where + " tls-exporter", *end->exporter);
      CPPUNIT_ASSERT_MESSAGE(where + " BestType must refuse", !end->best->ok());
      CPPUNIT_ASSERT_MESSAGE(where + " BestType: " + end->best->error().message,
                             end->best->error().code == cb::ErrorCode::kNoExtendedMasterSecret);
      CPPUNIT_ASSERT_MESSAGE(where + " tls-server-end-point: " + Show(*end->end_point),
                             end->end_point->ok() && end->end_point->value().size() == 32);
      ++checked;
    }
    CPPUNIT_ASSERT(client.end_point->value() == server.end_point->value());
    return checked;
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChannelBindEmsTest);
