// tls_harness_test.cc: the TLS harness itself: deadlines, exceptions, data, certificates.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <stdexcept>

#include <openssl/x509.h>

#include "e2esasl/handles.h"
#include "support/tls_harness.h"

using e2esasl::testing::Bytes;
using e2esasl::testing::CertKind;
using e2esasl::testing::ConnectionSpec;
using e2esasl::testing::Endpoint;
using e2esasl::testing::TlsLibrary;
using e2esasl::testing::TlsRole;
using e2esasl::testing::TlsVersion;

class TlsHarnessTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TlsHarnessTest);
  CPPUNIT_TEST(testStuckCallbacksTimeOut);
  CPPUNIT_TEST(testCallbackExceptionIsRethrown);
  CPPUNIT_TEST(testApplicationDataBothWays);
  CPPUNIT_TEST(testCredentials);
  CPPUNIT_TEST_SUITE_END();

 public:
  // Both ends wait for data that never comes: the deadline ends it, nothing hangs.
  void testStuckCallbacksTimeOut() {
    for (TlsLibrary library : {TlsLibrary::kOpenssl, TlsLibrary::kGnutls}) {
      ConnectionSpec spec;
      spec.client.library = library;
      spec.server.library = library;
      spec.timeout = std::chrono::milliseconds(1500);
      auto wait = [](Endpoint& e) { CPPUNIT_ASSERT(!e.Receive(1).has_value()); };
      const auto start = std::chrono::steady_clock::now();
      auto r = e2esasl::testing::RunConnection(spec, wait, wait);
      const auto elapsed = std::chrono::steady_clock::now() - start;
      CPPUNIT_ASSERT(!r.ok);
      CPPUNIT_ASSERT(r.client_handshake_ok && r.server_handshake_ok);
      CPPUNIT_ASSERT_MESSAGE(r.error, r.error.find("timed out") != std::string::npos);
      CPPUNIT_ASSERT(elapsed < std::chrono::seconds(6));
    }
  }

  void testCallbackExceptionIsRethrown() {
    ConnectionSpec spec;
    spec.server.library = TlsLibrary::kGnutls;
    auto r = e2esasl::testing::RunConnection(
        spec, {}, [](Endpoint&) { throw std::logic_error("from the server callback"); });
    CPPUNIT_ASSERT(!r.ok && r.server_exception && !r.client_exception);
    CPPUNIT_ASSERT_THROW(r.ThrowIfFailed(), std::logic_error);
  }

  void testApplicationDataBothWays() {
    for (TlsLibrary client : {TlsLibrary::kOpenssl, TlsLibrary::kGnutls}) {
      for (TlsLibrary server : {TlsLibrary::kOpenssl, TlsLibrary::kGnutls}) {
        ConnectionSpec spec;
        spec.client.library = client;
        spec.server.library = server;
        spec.version = TlsVersion::kTls12;
        spec.resume = true;
        Bytes got_by_client, got_by_server;
        auto r = e2esasl::testing::RunConnection(
            spec,
            [&](Endpoint& e) {
              CPPUNIT_ASSERT(e.resumed && e.role == TlsRole::kClient && e.library == client);
              CPPUNIT_ASSERT(e.Send(std::string_view("hello server")));
              got_by_client = e.Receive(12).value_or(Bytes{});
            },
            [&](Endpoint& e) {
              CPPUNIT_ASSERT(e.resumed && e.role == TlsRole::kServer && e.library == server);
              got_by_server = e.Receive(12).value_or(Bytes{});
              CPPUNIT_ASSERT(e.Send(std::string_view("hello client")));
            });
        r.ThrowIfFailed();
        CPPUNIT_ASSERT(r.resumed);
        CPPUNIT_ASSERT_EQUAL(std::string("hello server"),
                             std::string(got_by_server.begin(), got_by_server.end()));
        CPPUNIT_ASSERT_EQUAL(std::string("hello client"),
                             std::string(got_by_client.begin(), got_by_client.end()));
        CPPUNIT_ASSERT(r.peer_cert_der == r.server_cert_der);
      }
    }
  }

  void testCredentials() {
    for (CertKind kind : e2esasl::testing::kAllCertKinds) {
      const auto& a = e2esasl::testing::DefaultServerCredentials(kind);
      CPPUNIT_ASSERT(&a == &e2esasl::testing::DefaultServerCredentials(kind));  // cached
      auto b = e2esasl::testing::MakeServerCredentials(kind, "other.e2esasl.test");
      CPPUNIT_ASSERT(a.cert_der != b.cert_der);  // a new certificate ...
      CPPUNIT_ASSERT(a.key_der == b.key_der);    // ... with the cached key of slot 0
      auto c = e2esasl::testing::MakeServerCredentials(kind, "other.e2esasl.test", 1);
      CPPUNIT_ASSERT(a.key_der != c.key_der);
      // The DER parses and is the certificate of the PEM.
      const unsigned char* p = a.cert_der.data();
      e2esasl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(a.cert_der.size())));
      CPPUNIT_ASSERT(cert != nullptr && p == a.cert_der.data() + a.cert_der.size());
      CPPUNIT_ASSERT(a.cert_pem.find("-----BEGIN CERTIFICATE-----") == 0);
      CPPUNIT_ASSERT(a.key_pem.find("-----BEGIN PRIVATE KEY-----") == 0);
      int md_nid = NID_undef, pk_nid = NID_undef;
      CPPUNIT_ASSERT(X509_get_signature_info(cert.get(), &md_nid, &pk_nid, nullptr, nullptr));
      switch (kind) {
        case CertKind::kRsaSha256:
          CPPUNIT_ASSERT(md_nid == NID_sha256 && pk_nid == NID_rsaEncryption);
          break;
        case CertKind::kRsaSha1:
          CPPUNIT_ASSERT(md_nid == NID_sha1 && pk_nid == NID_rsaEncryption);
          break;
        case CertKind::kRsaPssSha384:
          CPPUNIT_ASSERT(md_nid == NID_sha384 && pk_nid == NID_rsassaPss);
          break;
        case CertKind::kEcdsaP384:
          CPPUNIT_ASSERT(md_nid == NID_sha384 && pk_nid == NID_X9_62_id_ecPublicKey);
          break;
        case CertKind::kEd25519:
          CPPUNIT_ASSERT(pk_nid == NID_ED25519);
          break;
      }
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TlsHarnessTest);
