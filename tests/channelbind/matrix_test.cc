// matrix_test.cc: OpenSSL and GnuTLS, client and server, agree byte for byte on every channel
// binding wherever it is defined, and both refuse with the same ErrorCode wherever it is not:
// {OpenSSL, GnuTLS}^2 x {TLS 1.2, 1.3} x {full, resumed} x five certificate kinds.
#include <cppunit/extensions/HelperMacros.h>

#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "probe.h"

namespace e2esasl::channelbind_test {
namespace {

// Column is one binding computation per end: a type with an EdDSA policy.
struct Column {
  std::string_view title;
  cb::Type type;
  cb::EddsaPolicy eddsa;
};
constexpr std::array<Column, 4> kColumns = {{
    {"tls-unique", cb::Type::kTlsUnique, cb::EddsaPolicy::kRefuse},
    {"tls-exporter", cb::Type::kTlsExporter, cb::EddsaPolicy::kRefuse},
    {"tls-server-end-point", cb::Type::kTlsServerEndPoint, cb::EddsaPolicy::kRefuse},
    {"end-point eddsa=sha512", cb::Type::kTlsServerEndPoint, cb::EddsaPolicy::kSha512},
}};

struct Mode {
  std::string_view name;
  TlsVersion version;
  bool resume;
};
constexpr std::array<Mode, 4> kModes = {{{"TLS1.2 full", TlsVersion::kTls12, false},
                                         {"TLS1.2 resumed", TlsVersion::kTls12, true},
                                         {"TLS1.3 full", TlsVersion::kTls13, false},
                                         {"TLS1.3 resumed", TlsVersion::kTls13, true}}};

// Expected is either a value length or a refusal code.
struct Expected {
  size_t length = 0;
  std::optional<cb::ErrorCode> refusal;
};

Expected Expect(TlsVersion version, CertKind cert, const Column& column) {
  switch (column.type) {
    case cb::Type::kTlsUnique:
      // RFC 5929 s3: the 12-byte TLS 1.2 Finished; RFC 9266 s3: undefined on TLS 1.3.
      return version == TlsVersion::kTls12 ? Expected{12, {}}
                                           : Expected{0, cb::ErrorCode::kUndefinedOnTls13};
    case cb::Type::kTlsExporter:
      return {32, {}};  // RFC 9266 s2: 32 bytes
    case cb::Type::kTlsServerEndPoint:
      switch (cert) {
        case CertKind::kRsaSha256:
        case CertKind::kRsaSha1:  // RFC 5929 s4.1: SHA-1 is replaced by SHA-256
          return {32, {}};
        case CertKind::kRsaPssSha384:
        case CertKind::kEcdsaP384:
          return {48, {}};
        case CertKind::kEd25519:
          return column.eddsa == cb::EddsaPolicy::kSha512
                     ? Expected{64, {}}
                     : Expected{0, cb::ErrorCode::kUndefinedForCertificate};
      }
  }
  return {};
}

// EndValues is what one end computed, one result per column.
using EndValues = std::vector<cb::Result<cb::Bytes>>;

EndValues ComputeAll(const Endpoint& e) {
  EndValues out;
  for (const Column& column : kColumns) {
    cb::Options options;
    options.eddsa_policy = column.eddsa;
    out.push_back(Bind(e, column.type, options));
  }
  return out;
}

}  // namespace
}  // namespace e2esasl::channelbind_test

using namespace e2esasl::channelbind_test;  // NOLINT(google-build-using-namespace)

// CppUnit names suites by their type: the fixture lives at global scope so the suite is
// "ChannelBindMatrixTest".
class ChannelBindMatrixTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ChannelBindMatrixTest);
  CPPUNIT_TEST(testFullMatrix);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testFullMatrix() {
    constexpr int kWidth = 35;
    std::ostringstream table;
    table << std::left << std::setw(48) << "client->server mode cert";
    for (const Column& column : kColumns) {
      table << std::setw(kWidth) << column.title;
    }
    table << "\n";

    int rows = 0, pairs_checked = 0, refusals_checked = 0;
    std::vector<std::string> failures;
    // Per pairing and column, every value seen: distinct connections must never repeat one.
    std::map<std::pair<Pairing, size_t>, std::set<cb::Bytes>> seen;
    std::map<std::pair<Pairing, size_t>, int> seen_count;

    for (const Pairing& pairing : AllPairings()) {
      for (const Mode& mode : kModes) {
        for (CertKind cert : testing::kAllCertKinds) {
          const ServerCredentials& creds = testing::DefaultServerCredentials(cert);
          ConnectionSpec spec = Spec(pairing, mode.version, mode.resume, &creds);
          std::optional<EndValues> client_values, server_values;
          auto result = testing::RunConnection(
              spec, [&](Endpoint& e) { client_values = ComputeAll(e); },
              [&](Endpoint& e) { server_values = ComputeAll(e); });
          ++rows;
          std::string label = std::string(testing::TlsLibraryName(pairing.first)) + "->" +
                              std::string(testing::TlsLibraryName(pairing.second)) + " " +
                              std::string(mode.name) + " " +
                              std::string(testing::CertKindName(cert));
          table << std::setw(48) << label;
          if (!result.ok || !client_values || !server_values) {
            table << "CONNECTION FAILED: " << result.error << "\n";
            failures.push_back(result.description + ": connection failed: " + result.error);
            continue;
          }
          for (size_t c = 0; c < kColumns.size(); ++c) {
            const Expected want = Expect(mode.version, cert, kColumns[c]);
            const auto& client = (*client_values)[c];
            const auto& server = (*server_values)[c];
            std::string cell;
            std::string why;
            if (want.refusal) {
              if (!client.ok() && !server.ok() && client.error().code == *want.refusal &&
                  server.error().code == *want.refusal) {
                cell = "refused " + std::string(cb::ErrorCodeName(*want.refusal));
                ++refusals_checked;
              } else {
                why =
                    "expected both to refuse with " + std::string(cb::ErrorCodeName(*want.refusal));
              }
            } else if (client.ok() && server.ok() && client.value() == server.value() &&
                       client.value().size() == want.length) {
              cell = "ok " + std::to_string(want.length) + "B";
              ++pairs_checked;
              auto key = std::make_pair(pairing, c);
              if (kColumns[c].type != cb::Type::kTlsServerEndPoint) {
                seen[key].insert(client.value());
                ++seen_count[key];
              }
            } else {
              why = "expected equal " + std::to_string(want.length) + "-byte values";
              if (client.ok() && server.ok() && client.value() != server.value()) {
                why +=
                    " (client " + Hex(client.value()) + " != server " + Hex(server.value()) + ")";
              }
            }
            if (!why.empty()) {
              cell = "FAIL c:" + Show(client) + " s:" + Show(server);
              failures.push_back(result.description + " " + std::string(kColumns[c].title) + ": " +
                                 why + "; client " + Show(client) + " (" +
                                 (client.ok() ? "" : client.error().message) + "), server " +
                                 Show(server) + " (" + (server.ok() ? "" : server.error().message) +
                                 ")");
            }
            table << std::setw(kWidth) << cell;
          }
          table << "\n";
        }
      }
    }
    for (const auto& [key, values] : seen) {
      if (static_cast<int>(values.size()) != seen_count[key]) {
        failures.push_back(std::string(testing::TlsLibraryName(key.first.first)) + "->" +
                           std::string(testing::TlsLibraryName(key.first.second)) + " " +
                           std::string(kColumns[key.second].title) + ": " +
                           std::to_string(seen_count[key] - static_cast<int>(values.size())) +
                           " value(s) repeated across different connections");
      }
    }
    // 4 pairings x 4 modes x 5 certificates = 80 connections. Pairs: tls-unique 2 TLS 1.2 modes
    // x 4 x 5 = 40; tls-exporter 80; end-point (default policy) 4 non-EdDSA certs x 16 = 64;
    // end-point (SHA-512 policy) 80; = 264. Refusals: tls-unique on TLS 1.3 40; Ed25519 end-point
    // (default policy) 16; = 56.
    constexpr int kExpectedRows = 80, kExpectedPairs = 264, kExpectedRefusals = 56;
    table << "rows: " << rows << " (expected " << kExpectedRows
          << "), pairs checked: " << pairs_checked << " (expected " << kExpectedPairs
          << "), refusals checked: " << refusals_checked << " (expected " << kExpectedRefusals
          << ")\n";
    std::cout << "\n" << table.str() << std::flush;
    for (const std::string& f : failures) {
      std::cout << "FAILURE: " << f << "\n";
    }
    std::cout << std::flush;
    CPPUNIT_ASSERT_MESSAGE(failures.empty() ? "" : failures.front(), failures.empty());
    CPPUNIT_ASSERT_EQUAL(kExpectedRows, rows);
    CPPUNIT_ASSERT_EQUAL(kExpectedPairs, pairs_checked);
    CPPUNIT_ASSERT_EQUAL(kExpectedRefusals, refusals_checked);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChannelBindMatrixTest);
