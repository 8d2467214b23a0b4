// c_api_test.cc: the C API returns the same bytes and the same refusals as the C++ API, handles
// short buffers and truncates error messages safely.
#include <cppunit/extensions/HelperMacros.h>

#include <cstring>
#include <optional>

#include <e2esasl/channelbind_c.h>

#include "e2esasl/handles.h"
#include "probe.h"

namespace e2esasl::channelbind_test {
namespace {

int ExpectedCCode(cb::ErrorCode code) {
  switch (code) {
    case cb::ErrorCode::kUndefinedOnTls13:
      return E2E_CB_E_UNDEFINED_ON_TLS13;
    case cb::ErrorCode::kNoExtendedMasterSecret:
      return E2E_CB_E_NO_EXTENDED_MASTER_SECRET;
    case cb::ErrorCode::kHandshakeIncomplete:
      return E2E_CB_E_HANDSHAKE_INCOMPLETE;
    case cb::ErrorCode::kUndefinedForCertificate:
      return E2E_CB_E_UNDEFINED_FOR_CERTIFICATE;
    case cb::ErrorCode::kNoCertificate:
      return E2E_CB_E_NO_CERTIFICATE;
    case cb::ErrorCode::kRenegotiationPossible:
      return E2E_CB_E_RENEGOTIATION_POSSIBLE;
    case cb::ErrorCode::kUnsupportedProtocol:
      return E2E_CB_E_UNSUPPORTED_PROTOCOL;
    case cb::ErrorCode::kInvalidArgument:
      return E2E_CB_E_INVALID_ARGUMENT;
    case cb::ErrorCode::kLibraryError:
      return E2E_CB_E_LIBRARY;
  }
  return 1;
}

e2e_cb_type ToC(cb::Type type) {
  return static_cast<e2e_cb_type>(static_cast<int>(type));
}

// CBind calls the C API on whichever session e holds.
int CBind(const Endpoint& e, e2e_cb_type type, const e2e_cb_options* options, unsigned char* out,
          size_t* out_len, char* errbuf, size_t errbuf_len) {
  if (e.library == TlsLibrary::kOpenssl) {
    return e2e_cb_from_openssl(e.ssl, type, options, out, out_len, errbuf, errbuf_len);
  }
  return e2e_cb_from_gnutls(e.gnutls,
                            e.role == TlsRole::kClient ? E2E_CB_ROLE_CLIENT : E2E_CB_ROLE_SERVER,
                            type, options, out, out_len, errbuf, errbuf_len);
}

// CompareApis checks, at one end, every type under both EdDSA policies; returns the number of
// (type, policy) comparisons made.
int CompareApis(const Endpoint& e, const std::string& where) {
  int compared = 0;
  for (cb::EddsaPolicy policy : {cb::EddsaPolicy::kRefuse, cb::EddsaPolicy::kSha512}) {
    cb::Options options;
    options.eddsa_policy = policy;
    e2e_cb_options c_options{
        policy == cb::EddsaPolicy::kRefuse ? E2E_CB_EDDSA_REFUSE : E2E_CB_EDDSA_SHA512, 0, nullptr,
        0};
    for (cb::Type type : kTypes) {
      const std::string what = where + " " + std::string(cb::TypeName(type));
      auto cpp = Bind(e, type, options);
      unsigned char out[64];
      size_t out_len = sizeof(out);
      char errbuf[256];
      int rc = CBind(e, ToC(type), policy == cb::EddsaPolicy::kRefuse ? nullptr : &c_options, out,
                     &out_len, errbuf, sizeof(errbuf));
      if (cpp.ok()) {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + errbuf, E2E_CB_OK, rc);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what, Hex(cpp.value()), Hex({out, out_len}));
      } else {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + Show(cpp), ExpectedCCode(cpp.error().code), rc);
        CPPUNIT_ASSERT_MESSAGE(what + ": empty C error message", errbuf[0] != '\0');
      }
      ++compared;
    }
  }
  // BestType through both APIs.
  auto cpp_best = BestType(e);
  e2e_cb_type c_best = E2E_CB_TLS_UNIQUE;
  int rc = e.library == TlsLibrary::kOpenssl
               ? e2e_cb_best_type_openssl(e.ssl, nullptr, &c_best, nullptr, 0)
               : e2e_cb_best_type_gnutls(
                     e.gnutls, e.role == TlsRole::kClient ? E2E_CB_ROLE_CLIENT : E2E_CB_ROLE_SERVER,
                     nullptr, &c_best, nullptr, 0);
  CPPUNIT_ASSERT_MESSAGE(where + " best type",
                         cpp_best.ok() && rc == E2E_CB_OK && c_best == ToC(cpp_best.value()));
  return compared;
}

}  // namespace
}  // namespace e2esasl::channelbind_test

using namespace e2esasl::channelbind_test;  // NOLINT(google-build-using-namespace)

// CppUnit names suites by their type: the fixture lives at global scope so the suite is
// "ChannelBindCApiTest".
class ChannelBindCApiTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ChannelBindCApiTest);
  CPPUNIT_TEST(testSameResultsAsCpp);
  CPPUNIT_TEST(testBufferTooSmall);
  CPPUNIT_TEST(testErrbufTruncation);
  CPPUNIT_TEST(testArgumentsAndNames);
  CPPUNIT_TEST(testSaslObjects);
  CPPUNIT_TEST(testConfigure);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSameResultsAsCpp() {
    int compared = 0;
    for (const Pairing& pairing : AllPairings()) {
      for (auto [version, resume] :
           {std::pair{TlsVersion::kTls12, false}, std::pair{TlsVersion::kTls13, true}}) {
        for (CertKind kind : {CertKind::kRsaSha256, CertKind::kEd25519}) {
          ConnectionSpec spec =
              Spec(pairing, version, resume, &testing::DefaultServerCredentials(kind));
          const std::string name = testing::Describe(spec);
          int client = 0, server = 0;
          auto r = testing::RunConnection(
              spec, [&](Endpoint& e) { client = CompareApis(e, name + " client"); },
              [&](Endpoint& e) { server = CompareApis(e, name + " server"); });
          r.ThrowIfFailed();
          compared += client + server;
        }
      }
    }
    CPPUNIT_ASSERT_EQUAL(4 * 2 * 2 * 2 * 6, compared);
  }

  void testBufferTooSmall() {
    for (const Pairing& pairing : AllPairings()) {
      auto probe = [](Endpoint& e) {
        unsigned char out[64];
        std::memset(out, 0xAA, sizeof(out));
        size_t out_len = 31;
        CPPUNIT_ASSERT_EQUAL(E2E_CB_E_BUFFER_TOO_SMALL,
                             CBind(e, E2E_CB_TLS_EXPORTER, nullptr, out, &out_len, nullptr, 0));
        CPPUNIT_ASSERT_EQUAL(size_t{32}, out_len);
        for (unsigned char b : out) {
          CPPUNIT_ASSERT_EQUAL(0xAA, static_cast<int>(b));  // nothing written past or into out
        }
        out_len = 0;
        CPPUNIT_ASSERT_EQUAL(E2E_CB_E_BUFFER_TOO_SMALL, CBind(e, E2E_CB_TLS_SERVER_END_POINT,
                                                              nullptr, out, &out_len, nullptr, 0));
        CPPUNIT_ASSERT_EQUAL(size_t{32}, out_len);
        out_len = 32;  // exactly enough
        CPPUNIT_ASSERT_EQUAL(E2E_CB_OK,
                             CBind(e, E2E_CB_TLS_EXPORTER, nullptr, out, &out_len, nullptr, 0));
        CPPUNIT_ASSERT_EQUAL(size_t{32}, out_len);
      };
      auto r = testing::RunConnection(Spec(pairing, TlsVersion::kTls13, false), probe, probe);
      r.ThrowIfFailed();
    }
  }

  void testErrbufTruncation() {
    for (const Pairing& pairing : AllPairings()) {
      auto probe = [](Endpoint& e) {
        unsigned char out[64];
        size_t out_len = sizeof(out);
        char full[512];
        CPPUNIT_ASSERT_EQUAL(E2E_CB_E_UNDEFINED_ON_TLS13, CBind(e, E2E_CB_TLS_UNIQUE, nullptr, out,
                                                                &out_len, full, sizeof(full)));
        const size_t full_len = std::strlen(full);
        CPPUNIT_ASSERT(full_len > 8);
        char small[16];
        std::memset(small, 'X', sizeof(small));
        out_len = sizeof(out);
        CPPUNIT_ASSERT_EQUAL(E2E_CB_E_UNDEFINED_ON_TLS13,
                             CBind(e, E2E_CB_TLS_UNIQUE, nullptr, out, &out_len, small, 8));
        CPPUNIT_ASSERT_EQUAL('\0', small[7]);
        CPPUNIT_ASSERT_EQUAL(std::string(full, 7), std::string(small));
        for (size_t i = 8; i < sizeof(small); ++i) {
          CPPUNIT_ASSERT_EQUAL('X', small[i]);
        }
        std::memset(small, 'X', sizeof(small));
        out_len = sizeof(out);
        CPPUNIT_ASSERT_EQUAL(E2E_CB_E_UNDEFINED_ON_TLS13,
                             CBind(e, E2E_CB_TLS_UNIQUE, nullptr, out, &out_len, small, 1));
        CPPUNIT_ASSERT_EQUAL('\0', small[0]);
        CPPUNIT_ASSERT_EQUAL('X', small[1]);
        out_len = sizeof(out);
        CPPUNIT_ASSERT_EQUAL(E2E_CB_E_UNDEFINED_ON_TLS13,
                             CBind(e, E2E_CB_TLS_UNIQUE, nullptr, out, &out_len, nullptr, 64));
        CPPUNIT_ASSERT_EQUAL(E2E_CB_E_UNDEFINED_ON_TLS13,
                             CBind(e, E2E_CB_TLS_UNIQUE, nullptr, out, &out_len, small, 0));
        CPPUNIT_ASSERT_EQUAL('X', small[1]);
      };
      auto r = testing::RunConnection(Spec(pairing, TlsVersion::kTls13, false), probe, probe);
      r.ThrowIfFailed();
    }
  }

  void testArgumentsAndNames() {
    CPPUNIT_ASSERT_EQUAL(std::string("tls-unique"),
                         std::string(e2e_cb_type_name(E2E_CB_TLS_UNIQUE)));
    CPPUNIT_ASSERT_EQUAL(std::string("tls-exporter"),
                         std::string(e2e_cb_type_name(E2E_CB_TLS_EXPORTER)));
    CPPUNIT_ASSERT_EQUAL(std::string("tls-server-end-point"),
                         std::string(e2e_cb_type_name(E2E_CB_TLS_SERVER_END_POINT)));
    CPPUNIT_ASSERT(e2e_cb_type_name(static_cast<e2e_cb_type>(7)) == nullptr);
    unsigned char out[64];
    size_t out_len = sizeof(out);
    char errbuf[128];
    CPPUNIT_ASSERT_EQUAL(E2E_CB_E_INVALID_ARGUMENT,
                         e2e_cb_from_openssl(nullptr, E2E_CB_TLS_EXPORTER, nullptr, out, &out_len,
                                             errbuf, sizeof(errbuf)));
    CPPUNIT_ASSERT(errbuf[0] != '\0');
    CPPUNIT_ASSERT_EQUAL(E2E_CB_E_INVALID_ARGUMENT,
                         e2e_cb_from_gnutls(nullptr, E2E_CB_ROLE_CLIENT, E2E_CB_TLS_EXPORTER,
                                            nullptr, out, &out_len, errbuf, sizeof(errbuf)));
    e2e_cb_type best;
    CPPUNIT_ASSERT_EQUAL(E2E_CB_E_INVALID_ARGUMENT,
                         e2e_cb_best_type_openssl(nullptr, nullptr, &best, nullptr, 0));
    CPPUNIT_ASSERT_EQUAL(
        E2E_CB_E_INVALID_ARGUMENT,
        e2e_cb_best_type_gnutls(nullptr, E2E_CB_ROLE_SERVER, nullptr, &best, nullptr, 0));
    // On a live session: unknown type, NULL out_len.
    auto probe = [](Endpoint& e) {
      unsigned char buf[64];
      size_t len = sizeof(buf);
      CPPUNIT_ASSERT_EQUAL(E2E_CB_E_INVALID_ARGUMENT,
                           CBind(e, static_cast<e2e_cb_type>(7), nullptr, buf, &len, nullptr, 0));
      CPPUNIT_ASSERT_EQUAL(E2E_CB_E_INVALID_ARGUMENT,
                           CBind(e, E2E_CB_TLS_EXPORTER, nullptr, buf, nullptr, nullptr, 0));
    };
    auto r = testing::RunConnection(
        Spec({TlsLibrary::kGnutls, TlsLibrary::kOpenssl}, TlsVersion::kTls13, false), probe, probe);
    r.ThrowIfFailed();
  }

  void testSaslObjects() {
    const unsigned char data[] = {0x01, 0x00, 0xff, 0x10};
    e2e_cb_sasl* cb = nullptr;
    CPPUNIT_ASSERT_EQUAL(
        E2E_CB_OK, e2e_cb_sasl_new(E2E_CB_TLS_EXPORTER, data, sizeof(data), 1, &cb, nullptr, 0));
    const sasl_channel_binding_t* raw = e2e_cb_sasl_get(cb);
    CPPUNIT_ASSERT(raw != nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("tls-exporter"), std::string(raw->name));
    CPPUNIT_ASSERT_EQUAL(1, raw->critical);
    CPPUNIT_ASSERT_EQUAL(Hex(data), Hex({raw->data, raw->len}));
    e2e_cb_sasl_free(cb);

    cb = nullptr;
    CPPUNIT_ASSERT_EQUAL(E2E_CB_OK, e2e_cb_sasl_new_openldap(E2E_CB_TLS_SERVER_END_POINT, data,
                                                             sizeof(data), 0, &cb, nullptr, 0));
    raw = e2e_cb_sasl_get(cb);
    CPPUNIT_ASSERT_EQUAL(std::string("ldap"), std::string(raw->name));
    CPPUNIT_ASSERT_EQUAL(0, raw->critical);
    CPPUNIT_ASSERT_EQUAL(std::string("tls-server-end-point:") + AsString(data),
                         AsString({raw->data, raw->len}));
    e2e_cb_sasl_free(cb);

    cb = nullptr;
    char errbuf[128] = "";
    CPPUNIT_ASSERT_EQUAL(E2E_CB_E_INVALID_ARGUMENT,
                         e2e_cb_sasl_new_openldap(E2E_CB_TLS_EXPORTER, data, sizeof(data), 1, &cb,
                                                  errbuf, sizeof(errbuf)));
    CPPUNIT_ASSERT(errbuf[0] != '\0');
    e2e_cb_sasl_free(cb);  // NULL or not, must be safe
    e2e_cb_sasl_free(nullptr);

    // Empty data is refused in both forms (a binding of nothing binds nothing).
    for (const bool openldap : {false, true}) {
      cb = nullptr;
      errbuf[0] = '\0';
      const auto make = openldap ? &e2e_cb_sasl_new_openldap : &e2e_cb_sasl_new;
      CPPUNIT_ASSERT_EQUAL(E2E_CB_E_INVALID_ARGUMENT,
                           make(E2E_CB_TLS_UNIQUE, data, 0, 1, &cb, errbuf, sizeof(errbuf)));
      CPPUNIT_ASSERT(cb == nullptr);
      CPPUNIT_ASSERT_EQUAL(std::string("invalid argument: empty channel-binding data"),
                           std::string(errbuf));
      CPPUNIT_ASSERT_EQUAL(E2E_CB_E_INVALID_ARGUMENT,
                           make(E2E_CB_TLS_UNIQUE, nullptr, 0, 0, &cb, nullptr, 0));
      CPPUNIT_ASSERT(cb == nullptr);
    }
  }

  void testConfigure() {
    e2esasl::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_EXTENDED_MASTER_SECRET);
    char errbuf[256] = "";
    CPPUNIT_ASSERT_EQUAL_MESSAGE(errbuf, E2E_CB_OK,
                                 e2e_cb_configure_openssl_ctx(ctx.get(), errbuf, sizeof(errbuf)));
    CPPUNIT_ASSERT(SSL_CTX_get_options(ctx.get()) & SSL_OP_NO_RENEGOTIATION);
    CPPUNIT_ASSERT((SSL_CTX_get_options(ctx.get()) & SSL_OP_NO_EXTENDED_MASTER_SECRET) == 0);
    CPPUNIT_ASSERT(SSL_CTX_get_min_proto_version(ctx.get()) >= TLS1_2_VERSION);

    e2esasl::SslPtr ssl(SSL_new(ctx.get()));
    SSL_set_options(ssl.get(), SSL_OP_NO_EXTENDED_MASTER_SECRET);
    SSL_clear_options(ssl.get(), SSL_OP_NO_RENEGOTIATION);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(errbuf, E2E_CB_OK,
                                 e2e_cb_configure_openssl(ssl.get(), errbuf, sizeof(errbuf)));
    CPPUNIT_ASSERT(SSL_get_options(ssl.get()) & SSL_OP_NO_RENEGOTIATION);
    CPPUNIT_ASSERT((SSL_get_options(ssl.get()) & SSL_OP_NO_EXTENDED_MASTER_SECRET) == 0);

    gnutls_session_t raw = nullptr;
    CPPUNIT_ASSERT_EQUAL(GNUTLS_E_SUCCESS, gnutls_init(&raw, GNUTLS_CLIENT));
    e2esasl::GnutlsSessionPtr session(raw);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(errbuf, E2E_CB_OK,
                                 e2e_cb_configure_gnutls(session.get(), errbuf, sizeof(errbuf)));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChannelBindCApiTest);
