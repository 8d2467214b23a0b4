// known_answer_test.cc: each binding recomputed independently of the library, straight from the
// TLS libraries' primitives and the certificate DER.
#include <cppunit/extensions/HelperMacros.h>

#include <cstring>
#include <optional>

#include <openssl/ssl.h>

#include "e2esasl/handles.h"
#include "probe.h"

namespace e2esasl::channelbind_test {
namespace {

// RFC 9266 s2: label "EXPORTER-Channel-Binding", empty context, 32 bytes.
constexpr char kExporterLabel[] = "EXPORTER-Channel-Binding";
constexpr size_t kExporterLabelLen = sizeof(kExporterLabel) - 1;

Bytes OpensslExporter(SSL* ssl, bool use_context) {
  Bytes out(32);
  const unsigned char empty[1] = {0};
  if (SSL_export_keying_material(ssl, out.data(), out.size(), kExporterLabel, kExporterLabelLen,
                                 empty, 0, use_context ? 1 : 0) != 1) {
    return {};
  }
  return out;
}

Bytes GnutlsExporter(gnutls_session_t session) {
  Bytes out(32);
  if (gnutls_prf_rfc5705(session, kExporterLabelLen, kExporterLabel, 0, "", out.size(),
                         reinterpret_cast<char*>(out.data())) != GNUTLS_E_SUCCESS) {
    return {};
  }
  return out;
}

// RFC 5929 s3: the first Finished of the latest handshake: the client's in a full handshake,
// the server's in a resumed one. Written from the role, not from the library's formula.
Bytes OpensslTlsUnique(SSL* ssl, TlsRole role, bool resumed) {
  const bool client_finished = !resumed;
  const bool own = (role == TlsRole::kClient) == client_finished;
  Bytes out(64);
  size_t len = own ? SSL_get_finished(ssl, out.data(), out.size())
                   : SSL_get_peer_finished(ssl, out.data(), out.size());
  out.resize(len);
  return out;
}

const EVP_MD* EndPointHash(CertKind kind) {
  switch (kind) {
    case CertKind::kRsaSha256:
    case CertKind::kRsaSha1:  // RFC 5929 s4.1: SHA-1 -> SHA-256
      return EVP_sha256();
    case CertKind::kRsaPssSha384:
    case CertKind::kEcdsaP384:
      return EVP_sha384();
    case CertKind::kEd25519:
      return nullptr;
  }
  return nullptr;
}

struct Known {
  std::optional<cb::Result<cb::Bytes>> value;
  Bytes expected;
  Bytes no_context;  // OpenSSL exporter with use_context = 0
};

}  // namespace
}  // namespace e2esasl::channelbind_test

using namespace e2esasl::channelbind_test;  // NOLINT(google-build-using-namespace)

// CppUnit names suites by their type: the fixture lives at global scope so the suite is
// "ChannelBindKnownAnswerTest".
class ChannelBindKnownAnswerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ChannelBindKnownAnswerTest);
  CPPUNIT_TEST(testEndPointIsCertificateHash);
  CPPUNIT_TEST(testEndPointEddsaPolicies);
  CPPUNIT_TEST(testEndPointExplicitServerCertificate);
  CPPUNIT_TEST(testEndPointSeveralServerCertificates);
  CPPUNIT_TEST(testExporterUsesEmptyContext);
  CPPUNIT_TEST(testTlsUniqueIsFirstFinished);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEndPointIsCertificateHash() {
    for (CertKind kind : testing::kAllCertKinds) {
      if (kind == CertKind::kEd25519) {
        continue;
      }
      const ServerCredentials& creds = testing::DefaultServerCredentials(kind);
      const Bytes want = Digest(EndPointHash(kind), creds.cert_der);
      // Every end once, and the GnuTLS server also on a resumed session (its special case).
      for (const Pairing& pairing : AllPairings()) {
        for (bool resume : {false, true}) {
          CheckEndPoint(Spec(pairing, TlsVersion::kTls13, resume, &creds), {}, want);
        }
      }
      CheckEndPoint(
          Spec({TlsLibrary::kOpenssl, TlsLibrary::kGnutls}, TlsVersion::kTls12, true, &creds), {},
          want);
    }
  }

  void testEndPointEddsaPolicies() {
    const ServerCredentials& creds = testing::DefaultServerCredentials(CertKind::kEd25519);
    for (const Pairing& pairing : AllPairings()) {
      cb::Options sha256;
      sha256.eddsa_policy = cb::EddsaPolicy::kSha256;
      cb::Options sha512;
      sha512.eddsa_policy = cb::EddsaPolicy::kSha512;
      CheckEndPoint(Spec(pairing, TlsVersion::kTls13, false, &creds), sha256,
                    Digest(EVP_sha256(), creds.cert_der));
      CheckEndPoint(Spec(pairing, TlsVersion::kTls12, true, &creds), sha512,
                    Digest(EVP_sha512(), creds.cert_der));
    }
  }

  // Options::server_certificate_der given explicitly to a resumed GnuTLS server.
  void testEndPointExplicitServerCertificate() {
    const ServerCredentials& creds = testing::DefaultServerCredentials(CertKind::kEcdsaP384);
    cb::Options options;
    options.server_certificate_der = creds.cert_der;
    for (TlsLibrary client : kLibraries) {
      for (TlsVersion version : {TlsVersion::kTls12, TlsVersion::kTls13}) {
        CheckEndPoint(Spec({client, TlsLibrary::kGnutls}, version, true, &creds), options,
                      Digest(EVP_sha384(), creds.cert_der));
      }
    }
  }

  // An OpenSSL server with an RSA and an ECDSA certificate; the client accepts only one kind of
  // signature, so the server presents that certificate. Full and resumed handshakes, TLS 1.2 and
  // 1.3, either certificate loaded last (the context's "current" one): the server must hash the
  // certificate the client received, or refuse; never the other one.
  void testEndPointSeveralServerCertificates() {
    const ServerCredentials& rsa = testing::DefaultServerCredentials(CertKind::kRsaSha256);
    const ServerCredentials& ecdsa = testing::DefaultServerCredentials(CertKind::kEcdsaP384);
    struct Row {
      const ServerCredentials* presented;
      const ServerCredentials* other;  // loaded last
      const char* tls12_sigalgs;
      const char* tls13_sigalgs;
      const EVP_MD* md;
    };
    const Row rows[] = {
        {&rsa, &ecdsa, "RSA+SHA256:RSA+SHA384", "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384",
         EVP_sha256()},
        {&ecdsa, &rsa, "ECDSA+SHA384:ECDSA+SHA256", "ECDSA+SHA384:ECDSA+SHA256", EVP_sha384()},
    };
    for (const Row& row : rows) {
      for (TlsVersion version : {TlsVersion::kTls12, TlsVersion::kTls13}) {
        for (bool resume : {false, true}) {
          ConnectionSpec spec =
              Spec({TlsLibrary::kOpenssl, TlsLibrary::kOpenssl}, version, resume, row.presented);
          spec.server.extra_credentials = row.other;
          spec.client.sigalgs =
              version == TlsVersion::kTls12 ? row.tls12_sigalgs : row.tls13_sigalgs;
          cb::Options explicit_der;
          explicit_der.server_certificate_der = row.presented->cert_der;
          std::optional<cb::Result<cb::Bytes>> client, server, server_explicit;
          auto r = testing::RunConnection(
              spec, [&](Endpoint& e) { client = Bind(e, cb::Type::kTlsServerEndPoint); },
              [&](Endpoint& e) {
                server = Bind(e, cb::Type::kTlsServerEndPoint);
                server_explicit = Bind(e, cb::Type::kTlsServerEndPoint, explicit_der);
              });
          r.ThrowIfFailed();
          const std::string label =
              r.description + " + " + std::string(CertKindName(row.other->kind));
          CPPUNIT_ASSERT_MESSAGE(label + ": the client saw another certificate",
                                 r.peer_cert_der == row.presented->cert_der);
          const Bytes want = Digest(row.md, row.presented->cert_der);
          CPPUNIT_ASSERT_MESSAGE(label + ": client " + Show(*client), client->ok());
          CPPUNIT_ASSERT_EQUAL_MESSAGE(label, Hex(want), Hex(client->value()));
          if (!resume) {
            // Full handshake: the server knows what it presented.
            CPPUNIT_ASSERT_MESSAGE(label + ": server " + Show(*server), server->ok());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(label, Hex(want), Hex(server->value()));
          } else {
            // Resumed: OpenSSL's current certificate is the one loaded last. Refused, never
            // the other certificate's hash; right with the explicit DER.
            CPPUNIT_ASSERT_MESSAGE(label + ": server " + Show(*server) +
                                       (server->ok() ? " = " + Hex(server->value()) : ""),
                                   !server->ok());
            CPPUNIT_ASSERT(server->error().code == cb::ErrorCode::kNoCertificate);
            CPPUNIT_ASSERT_MESSAGE(
                server->error().message,
                server->error().message.find("server_certificate_der") != std::string::npos);
          }
          CPPUNIT_ASSERT_MESSAGE(label + ": server " + Show(*server_explicit),
                                 server_explicit->ok());
          CPPUNIT_ASSERT_EQUAL_MESSAGE(label, Hex(want), Hex(server_explicit->value()));
        }
      }
    }
    // Not one DER certificate: refused as an invalid argument on a resumed server.
    ConnectionSpec spec =
        Spec({TlsLibrary::kOpenssl, TlsLibrary::kOpenssl}, TlsVersion::kTls12, true, &rsa);
    cb::Options garbage;
    const Bytes not_der(rsa.cert_der.begin(), rsa.cert_der.end() - 1);
    garbage.server_certificate_der = not_der;
    std::optional<cb::Result<cb::Bytes>> refused;
    testing::RunConnection(spec, {}, [&](Endpoint& e) {
      refused = Bind(e, cb::Type::kTlsServerEndPoint, garbage);
    }).ThrowIfFailed();
    CPPUNIT_ASSERT(!refused->ok() && refused->error().code == cb::ErrorCode::kInvalidArgument);
  }

  // RFC 9266: EMPTY context. On TLS 1.2 "no context" (use_context = 0) is a different value; on
  // TLS 1.3 the two coincide. GnuTLS ends are checked against gnutls_prf_rfc5705.
  void testExporterUsesEmptyContext() {
    int tls12_differences = 0;
    for (const Pairing& pairing : AllPairings()) {
      for (TlsVersion version : {TlsVersion::kTls12, TlsVersion::kTls13}) {
        Known client, server;
        auto probe = [](Endpoint& e, Known* out) {
          out->value = Bind(e, cb::Type::kTlsExporter);
          if (e.library == TlsLibrary::kOpenssl) {
            out->expected = OpensslExporter(e.ssl, true);
            out->no_context = OpensslExporter(e.ssl, false);
          } else {
            out->expected = GnutlsExporter(e.gnutls);
          }
        };
        auto r = testing::RunConnection(
            Spec(pairing, version, false), [&](Endpoint& e) { probe(e, &client); },
            [&](Endpoint& e) { probe(e, &server); });
        r.ThrowIfFailed();
        for (const Known* end : {&client, &server}) {
          CPPUNIT_ASSERT_MESSAGE(r.description + ": " + Show(*end->value), end->value->ok());
          CPPUNIT_ASSERT_EQUAL(size_t{32}, end->expected.size());
          CPPUNIT_ASSERT_EQUAL_MESSAGE(r.description, Hex(end->expected), Hex(end->value->value()));
          if (!end->no_context.empty()) {
            if (version == TlsVersion::kTls12) {
              CPPUNIT_ASSERT_MESSAGE(r.description + ": no-context exporter equals the binding",
                                     end->no_context != end->value->value());
              ++tls12_differences;
            } else {
              CPPUNIT_ASSERT_EQUAL(Hex(end->no_context), Hex(end->value->value()));
            }
          }
        }
      }
    }
    CPPUNIT_ASSERT_EQUAL(4, tls12_differences);  // OpenSSL ends on TLS 1.2
  }

  void testTlsUniqueIsFirstFinished() {
    int checked = 0;
    for (const Pairing& pairing : AllPairings()) {
      for (bool resume : {false, true}) {
        Known client, server;
        auto probe = [](Endpoint& e, Known* out) {
          out->value = Bind(e, cb::Type::kTlsUnique);
          if (e.library == TlsLibrary::kOpenssl) {
            out->expected = OpensslTlsUnique(e.ssl, e.role, e.resumed);
          } else {
            gnutls_datum_t datum{nullptr, 0};
            if (gnutls_session_channel_binding(e.gnutls, GNUTLS_CB_TLS_UNIQUE, &datum) == 0) {
              e2esasl::GnutlsDatum owned;
              *owned.out() = datum;
              out->expected.assign(datum.data, datum.data + datum.size);
            }
          }
        };
        auto r = testing::RunConnection(
            Spec(pairing, TlsVersion::kTls12, resume), [&](Endpoint& e) { probe(e, &client); },
            [&](Endpoint& e) { probe(e, &server); });
        r.ThrowIfFailed();
        CPPUNIT_ASSERT_EQUAL(resume, r.resumed);
        for (const Known* end : {&client, &server}) {
          CPPUNIT_ASSERT_MESSAGE(r.description + ": " + Show(*end->value), end->value->ok());
          CPPUNIT_ASSERT_EQUAL(size_t{12}, end->expected.size());
          CPPUNIT_ASSERT_EQUAL_MESSAGE(r.description, Hex(end->expected), Hex(end->value->value()));
          ++checked;
        }
      }
    }
    CPPUNIT_ASSERT_EQUAL(16, checked);
  }

 private:
  void CheckEndPoint(const ConnectionSpec& spec, const cb::Options& options, const Bytes& want) {
    std::optional<cb::Result<cb::Bytes>> client, server;
    auto r = testing::RunConnection(
        spec, [&](Endpoint& e) { client = Bind(e, cb::Type::kTlsServerEndPoint, options); },
        [&](Endpoint& e) { server = Bind(e, cb::Type::kTlsServerEndPoint, options); });
    r.ThrowIfFailed();
    CPPUNIT_ASSERT_MESSAGE(r.description + ": the client saw another certificate",
                           r.peer_cert_der == r.server_cert_der);
    for (const auto* end : {&client, &server}) {
      CPPUNIT_ASSERT_MESSAGE(
          r.description + ": " + Show(**end) + ((*end)->ok() ? "" : " " + (*end)->error().message),
          (*end)->ok());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.description, Hex(want), Hex((*end)->value()));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChannelBindKnownAnswerTest);
