// tls_test.cc: CPACE-R255-PLUS over real TLS: an OpenSSL end and a GnuTLS end (both pairings)
// on loopback, TLS 1.2 and 1.3, each binding type computed on each end by e2esasl::channelbind;
// the exchange through libsasl2 succeeds with each end's own value, and fails with SASL_BADAUTH
// when the two ends hold different TLS channels (a man in the middle terminating TLS).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "e2esasl/channelbind.h"
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

using Values = std::map<cbind::Type, cbind::Bytes>;

// Compute returns every binding type defined on this end of the connection.
Values Compute(Endpoint& end) {
  Values values;
  for (cbind::Type type :
       {cbind::Type::kTlsUnique, cbind::Type::kTlsExporter, cbind::Type::kTlsServerEndPoint}) {
    cbind::Result<cbind::Bytes> r =
        end.library == TlsLibrary::kOpenssl
            ? cbind::FromOpenssl(end.ssl, type)
            : cbind::FromGnutls(end.gnutls,
                                end.role == e2esasl::testing::TlsRole::kClient
                                    ? cbind::Role::kClient
                                    : cbind::Role::kServer,
                                type);
    if (r.ok()) {
      values[type] = r.value();
    }
  }
  return values;
}

struct Sides {
  Values client;
  Values server;
  std::string description;
};

Sides Connect(TlsLibrary client, TlsLibrary server, TlsVersion version) {
  ConnectionSpec spec;
  spec.client.library = client;
  spec.server.library = server;
  spec.version = version;
  Sides sides;
  const ConnectionResult r = e2esasl::testing::RunConnection(
      spec, [&](Endpoint& e) { sides.client = Compute(e); },
      [&](Endpoint& e) { sides.server = Compute(e); });
  r.ThrowIfFailed();
  sides.description = r.description;
  return sides;
}

Binding ToBinding(cbind::Type type, const cbind::Bytes& data) {
  Binding b;
  b.name = std::string(cbind::TypeName(type));
  b.data.assign(data.begin(), data.end());
  return b;
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl::test;  // NOLINT: test file

class CpaceTlsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CpaceTlsTest);
  CPPUNIT_TEST(testEveryPairingVersionAndType);
  CPPUNIT_TEST(testManInTheMiddle);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = std::make_unique<TempDir>();
    sasldb_ = dir_->path() + "/sasldb2";
    CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(sasldb_, "alice", "correct horse"));
  }
  void tearDown() override { dir_.reset(); }

  ExchangeSpec Spec(const Binding& client, const Binding& server) {
    ExchangeSpec spec;
    spec.client_mechlist = "CPACE-R255-PLUS";
    spec.identity.authcid = "alice";
    spec.identity.password = "correct horse";
    spec.sasldb_path = sasldb_;
    spec.client_binding = client;
    spec.server_binding = server;
    return spec;
  }

  void testEveryPairingVersionAndType() {
    int runs = 0;
    for (const auto& [client, server] : {std::pair{TlsLibrary::kOpenssl, TlsLibrary::kGnutls},
                                         std::pair{TlsLibrary::kGnutls, TlsLibrary::kOpenssl}}) {
      for (TlsVersion version : {TlsVersion::kTls12, TlsVersion::kTls13}) {
        const Sides sides = Connect(client, server, version);
        // TLS 1.2 (with EMS): all three; TLS 1.3: tls-exporter and tls-server-end-point.
        const size_t expected = version == TlsVersion::kTls12 ? 3 : 2;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(sides.description, expected, sides.client.size());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(sides.description, expected, sides.server.size());
        for (const auto& [type, value] : sides.client) {
          const Binding c = ToBinding(type, value);
          const Binding s = ToBinding(type, sides.server.at(type));
          const Exchange ex = RunExchange(Spec(c, s));
          const std::string what =
              sides.description + " " + c.name + ": " + ex.client_detail + " / " + ex.server_detail;
          CPPUNIT_ASSERT_MESSAGE(what, ex.ok());
          CPPUNIT_ASSERT_MESSAGE(what,
                                 ex.client_messages.front().rfind("p=" + c.name + ",,", 0) == 0);
          ++runs;
        }
      }
    }
    CPPUNIT_ASSERT_EQUAL(10, runs);
  }

  // A relay that terminates TLS holds two channels: client<->relay and relay<->server. The
  // client's binding comes from the first, the server's from the second: SASL_BADAUTH.
  void testManInTheMiddle() {
    const Sides first = Connect(TlsLibrary::kOpenssl, TlsLibrary::kGnutls, TlsVersion::kTls13);
    const Sides second = Connect(TlsLibrary::kGnutls, TlsLibrary::kOpenssl, TlsVersion::kTls13);
    for (cbind::Type type : {cbind::Type::kTlsExporter, cbind::Type::kTlsServerEndPoint}) {
      const Binding c = ToBinding(type, first.client.at(type));
      const Binding s = ToBinding(type, second.server.at(type));
      if (c.data == s.data) {
        continue;  // same test certificate on both legs: end-point cannot tell (by design)
      }
      const Exchange ex = RunExchange(Spec(c, s));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.name + ": " + ex.server_detail, SASL_BADAUTH,
                                   ex.server_result);
    }
    const Binding c =
        ToBinding(cbind::Type::kTlsExporter, first.client.at(cbind::Type::kTlsExporter));
    const Binding s =
        ToBinding(cbind::Type::kTlsExporter, second.server.at(cbind::Type::kTlsExporter));
    CPPUNIT_ASSERT(c.data != s.data);
  }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string sasldb_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(CpaceTlsTest);
