// options_test.cc: renegotiation, incomplete handshakes, bad arguments, BestType and the name
// tables.
#include <cppunit/extensions/HelperMacros.h>

#include <optional>
#include <set>

#include "e2esasl/handles.h"
#include "probe.h"

namespace e2esasl::channelbind_test {
namespace {}  // namespace
}  // namespace e2esasl::channelbind_test

using namespace e2esasl::channelbind_test;  // NOLINT(google-build-using-namespace)

// CppUnit names suites by their type: the fixture lives at global scope so the suite is
// "ChannelBindOptionsTest".
class ChannelBindOptionsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ChannelBindOptionsTest);
  CPPUNIT_TEST(testRenegotiationPossibleIsRefused);
  CPPUNIT_TEST(testRenegotiationIrrelevantOnTls13);
  CPPUNIT_TEST(testHandshakeIncomplete);
  CPPUNIT_TEST(testNullSessionAndUnknownType);
  CPPUNIT_TEST(testBestTypeIsExporter);
  CPPUNIT_TEST(testNames);
  CPPUNIT_TEST_SUITE_END();

 public:
  // An OpenSSL TLS 1.2 client without SSL_OP_NO_RENEGOTIATION: the server may ask for a new
  // handshake, which would change the binding. Refused unless Options::allow_renegotiation.
  void testRenegotiationPossibleIsRefused() {
    for (TlsLibrary server_library : kLibraries) {
      ConnectionSpec spec = Spec({TlsLibrary::kOpenssl, server_library}, TlsVersion::kTls12, false);
      spec.client.allow_renegotiation = true;
      std::optional<cb::Result<cb::Bytes>> unique, exporter, unique_allowed, exporter_allowed,
          server_unique, server_exporter;
      auto r = testing::RunConnection(
          spec,
          [&](Endpoint& e) {
            CPPUNIT_ASSERT((SSL_get_options(e.ssl) & SSL_OP_NO_RENEGOTIATION) == 0);
            cb::Options allow;
            allow.allow_renegotiation = true;
            unique = Bind(e, cb::Type::kTlsUnique);
            exporter = Bind(e, cb::Type::kTlsExporter);
            unique_allowed = Bind(e, cb::Type::kTlsUnique, allow);
            exporter_allowed = Bind(e, cb::Type::kTlsExporter, allow);
          },
          [&](Endpoint& e) {
            server_unique = Bind(e, cb::Type::kTlsUnique);
            server_exporter = Bind(e, cb::Type::kTlsExporter);
          });
      r.ThrowIfFailed();
      for (const auto* refused : {&unique, &exporter}) {
        CPPUNIT_ASSERT_MESSAGE(
            r.description + ": " + Show(**refused),
            !(*refused)->ok() && (*refused)->error().code == cb::ErrorCode::kRenegotiationPossible);
      }
      CPPUNIT_ASSERT_MESSAGE(r.description + " server: " + Show(*server_unique),
                             server_unique->ok() && server_exporter->ok());
      CPPUNIT_ASSERT_MESSAGE(r.description + " allowed: " + Show(*unique_allowed),
                             unique_allowed->ok() && exporter_allowed->ok());
      CPPUNIT_ASSERT(unique_allowed->value() == server_unique->value());
      CPPUNIT_ASSERT(exporter_allowed->value() == server_exporter->value());
    }
  }

  // TLS 1.3 has no renegotiation: the same client setting must not refuse anything.
  void testRenegotiationIrrelevantOnTls13() {
    ConnectionSpec spec =
        Spec({TlsLibrary::kOpenssl, TlsLibrary::kOpenssl}, TlsVersion::kTls13, false);
    spec.client.allow_renegotiation = true;
    spec.server.allow_renegotiation = true;
    std::optional<cb::Result<cb::Bytes>> client, server;
    auto r = testing::RunConnection(
        spec, [&](Endpoint& e) { client = Bind(e, cb::Type::kTlsExporter); },
        [&](Endpoint& e) { server = Bind(e, cb::Type::kTlsExporter); });
    r.ThrowIfFailed();
    CPPUNIT_ASSERT_MESSAGE(Show(*client) + " / " + Show(*server), client->ok() && server->ok());
    CPPUNIT_ASSERT(client->value() == server->value());
  }

  void testHandshakeIncomplete() {
    for (const SSL_METHOD* method : {TLS_client_method(), TLS_server_method()}) {
      e2esasl::SslCtxPtr ctx(SSL_CTX_new(method));
      CPPUNIT_ASSERT(ctx != nullptr);
      e2esasl::SslPtr ssl(SSL_new(ctx.get()));
      CPPUNIT_ASSERT(ssl != nullptr);
      for (cb::Type type : kTypes) {
        auto result = cb::FromOpenssl(ssl.get(), type);
        CPPUNIT_ASSERT_MESSAGE(
            "OpenSSL " + std::string(cb::TypeName(type)) + ": " + Show(result),
            !result.ok() && result.error().code == cb::ErrorCode::kHandshakeIncomplete);
      }
      auto best = cb::BestTypeOpenssl(ssl.get());
      CPPUNIT_ASSERT(!best.ok() && best.error().code == cb::ErrorCode::kHandshakeIncomplete);
    }
    for (cb::Role role : {cb::Role::kClient, cb::Role::kServer}) {
      gnutls_session_t raw = nullptr;
      CPPUNIT_ASSERT_EQUAL(
          GNUTLS_E_SUCCESS,
          gnutls_init(&raw, role == cb::Role::kClient ? GNUTLS_CLIENT : GNUTLS_SERVER));
      e2esasl::GnutlsSessionPtr session(raw);
      CPPUNIT_ASSERT_EQUAL(GNUTLS_E_SUCCESS, gnutls_set_default_priority(session.get()));
      for (cb::Type type : kTypes) {
        auto result = cb::FromGnutls(session.get(), role, type);
        CPPUNIT_ASSERT_MESSAGE(
            "GnuTLS " + std::string(cb::TypeName(type)) + ": " + Show(result),
            !result.ok() && result.error().code == cb::ErrorCode::kHandshakeIncomplete);
      }
      auto best = cb::BestTypeGnutls(session.get(), role);
      CPPUNIT_ASSERT(!best.ok() && best.error().code == cb::ErrorCode::kHandshakeIncomplete);
    }
  }

  void testNullSessionAndUnknownType() {
    for (cb::Type type : kTypes) {
      auto o = cb::FromOpenssl(nullptr, type);
      auto g = cb::FromGnutls(nullptr, cb::Role::kClient, type);
      CPPUNIT_ASSERT(!o.ok() && o.error().code == cb::ErrorCode::kInvalidArgument);
      CPPUNIT_ASSERT(!g.ok() && g.error().code == cb::ErrorCode::kInvalidArgument);
    }
    auto bo = cb::BestTypeOpenssl(nullptr);
    auto bg = cb::BestTypeGnutls(nullptr, cb::Role::kServer);
    CPPUNIT_ASSERT(!bo.ok() && bo.error().code == cb::ErrorCode::kInvalidArgument);
    CPPUNIT_ASSERT(!bg.ok() && bg.error().code == cb::ErrorCode::kInvalidArgument);
    // An out-of-range Type on a live session of each library.
    const auto bogus = static_cast<cb::Type>(42);
    for (const Pairing& pairing : {Pairing{TlsLibrary::kOpenssl, TlsLibrary::kGnutls}}) {
      std::optional<cb::Result<cb::Bytes>> client, server;
      auto r = testing::RunConnection(
          Spec(pairing, TlsVersion::kTls13, false), [&](Endpoint& e) { client = Bind(e, bogus); },
          [&](Endpoint& e) { server = Bind(e, bogus); });
      r.ThrowIfFailed();
      CPPUNIT_ASSERT_MESSAGE(
          Show(*client), !client->ok() && client->error().code == cb::ErrorCode::kInvalidArgument);
      CPPUNIT_ASSERT_MESSAGE(
          Show(*server), !server->ok() && server->error().code == cb::ErrorCode::kInvalidArgument);
    }
  }

  // tls-exporter wherever it is defined: TLS 1.3, and TLS 1.2 with EMS (the safe configuration).
  void testBestTypeIsExporter() {
    int checked = 0;
    for (const Pairing& pairing : AllPairings()) {
      for (TlsVersion version : {TlsVersion::kTls12, TlsVersion::kTls13}) {
        std::optional<cb::Result<cb::Type>> client, server;
        auto r = testing::RunConnection(
            Spec(pairing, version, false), [&](Endpoint& e) { client = BestType(e); },
            [&](Endpoint& e) { server = BestType(e); });
        r.ThrowIfFailed();
        for (const auto* end : {&client, &server}) {
          CPPUNIT_ASSERT_MESSAGE(
              r.description + ": " + ((*end)->ok() ? "" : (*end)->error().message),
              (*end)->ok() && (*end)->value() == cb::Type::kTlsExporter);
          ++checked;
        }
      }
    }
    CPPUNIT_ASSERT_EQUAL(16, checked);
  }

  void testNames() {
    CPPUNIT_ASSERT_EQUAL(std::string("tls-unique"),
                         std::string(cb::TypeName(cb::Type::kTlsUnique)));
    CPPUNIT_ASSERT_EQUAL(std::string("tls-exporter"),
                         std::string(cb::TypeName(cb::Type::kTlsExporter)));
    CPPUNIT_ASSERT_EQUAL(std::string("tls-server-end-point"),
                         std::string(cb::TypeName(cb::Type::kTlsServerEndPoint)));
    for (cb::Type type : kTypes) {
      auto parsed = cb::ParseType(cb::TypeName(type));
      CPPUNIT_ASSERT(parsed && *parsed == type);
    }
    const std::string_view bad_names[] = {"", "tls-unique ", "tls-unique-for-telnet", "tls-exporte",
                                          std::string_view("tls-unique\0", 11)};
    for (std::string_view bad : bad_names) {
      CPPUNIT_ASSERT_MESSAGE(std::string(bad), !cb::ParseType(bad).has_value());
    }
    CPPUNIT_ASSERT_EQUAL(std::string("undefined-on-tls13"),
                         std::string(cb::ErrorCodeName(cb::ErrorCode::kUndefinedOnTls13)));
    std::set<std::string_view> names;
    for (int code = 0; code <= static_cast<int>(cb::ErrorCode::kLibraryError); ++code) {
      std::string_view name = cb::ErrorCodeName(static_cast<cb::ErrorCode>(code));
      CPPUNIT_ASSERT(!name.empty());
      names.insert(name);
    }
    CPPUNIT_ASSERT_EQUAL(size_t{9}, names.size());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChannelBindOptionsTest);
