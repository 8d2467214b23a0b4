// tls_test.cc: SAS-R255-PLUS over real TLS (an OpenSSL end and a GnuTLS end on loopback, each
// binding computed by e2esasl::channelbind on its own end). One channel: both people see the
// same string and the exchange succeeds. Two channels with a man in the middle terminating TLS:
// relaying the SASL bytes gives the two people different strings (and the key confirmation
// fails whatever they answer); running his own exchange on each channel also gives different
// strings.
#include <map>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "e2esasl/channelbind.h"
#include "sas/client.h"
#include "sas/server.h"
#include "support/sasl_harness.h"
#include "support/tls_harness.h"

namespace e2esasl::test {
namespace {

namespace cbind = e2esasl::channelbind;
using e2esasl::testing::ConnectionResult;
using e2esasl::testing::ConnectionSpec;
using e2esasl::testing::Endpoint;
using e2esasl::testing::TlsLibrary;
using e2esasl::testing::TlsVersion;

// Ends: the tls-exporter value each end of one TLS connection computed.
struct Ends {
  cbind::Bytes client;
  cbind::Bytes server;
};

cbind::Bytes Exporter(Endpoint& end) {
  cbind::Result<cbind::Bytes> r =
      end.library == TlsLibrary::kOpenssl
          ? cbind::FromOpenssl(end.ssl, cbind::Type::kTlsExporter)
          : cbind::FromGnutls(end.gnutls,
                              end.role == e2esasl::testing::TlsRole::kClient ? cbind::Role::kClient
                                                                             : cbind::Role::kServer,
                              cbind::Type::kTlsExporter);
  CPPUNIT_ASSERT(r.ok());
  return r.value();
}

Ends Connect(TlsLibrary client, TlsLibrary server, TlsVersion version) {
  ConnectionSpec spec;
  spec.client.library = client;
  spec.server.library = server;
  spec.version = version;
  Ends ends;
  const ConnectionResult r = e2esasl::testing::RunConnection(
      spec, [&](Endpoint& e) { ends.client = Exporter(e); },
      [&](Endpoint& e) { ends.server = Exporter(e); });
  r.ThrowIfFailed();
  return ends;
}

Binding ToBinding(const cbind::Bytes& data) {
  Binding b;
  b.name = "tls-exporter";
  b.data.assign(data.begin(), data.end());
  return b;
}

ExchangeSpec Spec(const cbind::Bytes& client_cb, const cbind::Bytes& server_cb) {
  ExchangeSpec spec;
  spec.client_mechlist = "SAS-R255-PLUS";
  spec.identity.authcid = "alice";
  spec.client_binding = ToBinding(client_cb);
  spec.server_binding = ToBinding(server_cb);
  spec.client_confirm = [](const std::string&) { return true; };
  spec.server_confirm = [](const std::string&) { return true; };
  spec.client_show = [](const std::string&) { return true; };
  spec.server_show = [](const std::string&) { return true; };
  return spec;
}

// CoreSas runs one exchange between core sessions (a man in the middle's own exchange on one
// channel) and returns {client's string, server's string}.
std::pair<std::string, std::string> CoreSas(const cbind::Bytes& client_cb,
                                            const cbind::Bytes& server_cb) {
  sas::ClientConfig cc;
  cc.authcid = "alice";
  cc.gs2.flag = gs2::CbFlag::kUsed;
  cc.gs2.cb_name = "tls-exporter";
  cc.cb_data.assign(client_cb.begin(), client_cb.end());
  sas::ServerConfig sc;
  sc.binding =
      e2esasl::ServerBinding{"tls-exporter", Bytes(server_cb.begin(), server_cb.end()), false};
  sc.plus_advertised = true;
  sas::ClientSession client(SystemRandom(), cc);
  sas::ServerSession server(SystemRandom(), sc);
  Bytes c1, s1, c2, s2;
  Failure f;
  CPPUNIT_ASSERT(client.Step({}, &c1, &f) == Status::kContinue);
  CPPUNIT_ASSERT(server.Step(c1, &s1, &f) == Status::kContinue);
  CPPUNIT_ASSERT(client.Step(s1, &c2, &f) == Status::kContinue);
  CPPUNIT_ASSERT(server.Step(c2, &s2, &f) == Status::kContinue);
  return {*client.Sas(), *server.Sas()};
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl::test;  // NOLINT: test file

// At global scope: CppUnit names suites by their qualified type name.
class SasTlsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SasTlsTest);
  CPPUNIT_TEST(testOneChannelSameString);
  CPPUNIT_TEST(testManInTheMiddleRelayGivesDifferentStrings);
  CPPUNIT_TEST(testManInTheMiddleOwnExchangesGiveDifferentStrings);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testOneChannelSameString() {
    for (TlsVersion version : {TlsVersion::kTls13, TlsVersion::kTls12}) {
      for (auto [c, s] : {std::pair{TlsLibrary::kOpenssl, TlsLibrary::kGnutls},
                          std::pair{TlsLibrary::kGnutls, TlsLibrary::kOpenssl}}) {
        const Ends ends = Connect(c, s, version);
        const Exchange ex = RunExchange(Spec(ends.client, ends.server));
        CPPUNIT_ASSERT_MESSAGE(ex.client_detail + " / " + ex.server_detail, ex.ok());
        CPPUNIT_ASSERT_EQUAL(ex.client_show_texts.at(0), ex.server_show_texts.at(0));
        CPPUNIT_ASSERT_EQUAL(ex.client_show_texts.at(0), ex.server_confirm_texts.at(0));
        CPPUNIT_ASSERT_EQUAL(ex.client_confirm_texts.at(0), ex.server_confirm_texts.at(0));
      }
    }
  }

  // Alice -- TLS channel 1 -- Mallory -- TLS channel 2 -- Bob; Mallory forwards the SASL bytes.
  void testManInTheMiddleRelayGivesDifferentStrings() {
    const Ends channel1 = Connect(TlsLibrary::kOpenssl, TlsLibrary::kGnutls, TlsVersion::kTls13);
    const Ends channel2 = Connect(TlsLibrary::kGnutls, TlsLibrary::kOpenssl, TlsVersion::kTls13);
    CPPUNIT_ASSERT(channel1.client == channel1.server && channel1.client != channel2.server);
    const Exchange ex = RunExchange(Spec(channel1.client, channel2.server));
    CPPUNIT_ASSERT(!ex.ok());
    CPPUNIT_ASSERT_EQUAL(SASL_BADAUTH, ex.client_result);
    const std::string alice = ex.client_show_texts.at(0);
    const std::string bob = ex.server_show_texts.at(0);
    CPPUNIT_ASSERT_MESSAGE(alice + " vs " + bob, alice != bob);
    CPPUNIT_ASSERT(ex.client_confirm_texts.empty());  // nobody is asked: the tags differ
    CPPUNIT_ASSERT(ex.server_confirm_texts.empty());
  }

  // Mallory runs a full exchange with each side, with his own keys.
  void testManInTheMiddleOwnExchangesGiveDifferentStrings() {
    const Ends channel1 = Connect(TlsLibrary::kOpenssl, TlsLibrary::kOpenssl, TlsVersion::kTls13);
    const Ends channel2 = Connect(TlsLibrary::kGnutls, TlsLibrary::kGnutls, TlsVersion::kTls12);
    const auto [alice, mallory1] = CoreSas(channel1.client, channel1.server);
    const auto [mallory2, bob] = CoreSas(channel2.client, channel2.server);
    CPPUNIT_ASSERT_EQUAL(alice, mallory1);  // each channel is consistent ...
    CPPUNIT_ASSERT_EQUAL(mallory2, bob);
    CPPUNIT_ASSERT_MESSAGE(alice + " vs " + bob, alice != bob);  // ... the people's are not
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SasTlsTest);
