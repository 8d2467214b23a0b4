// probe.h: small helpers shared by the channel-binding suites: compute a binding at a harness
// endpoint through the library's C++ API, describe results, hash with OpenSSL directly.
#ifndef E2ESASL_TESTS_CHANNELBIND_PROBE_H_
#define E2ESASL_TESTS_CHANNELBIND_PROBE_H_

#include <array>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <e2esasl/channelbind.h>
#include <openssl/evp.h>

#include "support/tls_harness.h"

namespace e2esasl::channelbind_test {

namespace cb = e2esasl::channelbind;
namespace testing = e2esasl::testing;
using e2esasl::testing::Bytes;
using e2esasl::testing::CertKind;
using e2esasl::testing::ConnectionSpec;
using e2esasl::testing::Endpoint;
using e2esasl::testing::ServerCredentials;
using e2esasl::testing::TlsLibrary;
using e2esasl::testing::TlsRole;
using e2esasl::testing::TlsVersion;

inline constexpr std::array<TlsLibrary, 2> kLibraries = {TlsLibrary::kOpenssl, TlsLibrary::kGnutls};
inline constexpr std::array<cb::Type, 3> kTypes = {cb::Type::kTlsUnique, cb::Type::kTlsExporter,
                                                   cb::Type::kTlsServerEndPoint};

// Pairing is (client library, server library).
using Pairing = std::pair<TlsLibrary, TlsLibrary>;
std::vector<Pairing> AllPairings();

cb::Role ToRole(TlsRole role);

// Bind / BestType call FromOpenssl / FromGnutls (BestType*) on whichever session e holds.
cb::Result<cb::Bytes> Bind(const Endpoint& e, cb::Type type, const cb::Options& options = {});
cb::Result<cb::Type> BestType(const Endpoint& e, const cb::Options& options = {});

// Spec makes a ConnectionSpec with both ends configured by the library (the default).
ConnectionSpec Spec(Pairing pairing, TlsVersion version, bool resume,
                    const ServerCredentials* credentials = nullptr);

// Show renders a result as "ok 32B" or "refused <ErrorCodeName>".
std::string Show(const cb::Result<cb::Bytes>& result);
std::string Hex(std::span<const uint8_t> bytes);

// Digest hashes data with md through EVP_Digest (independent of the library under test).
Bytes Digest(const EVP_MD* md, std::span<const uint8_t> data);

// AsString views bytes as text (for SASL binding data).
std::string AsString(std::span<const uint8_t> bytes);

}  // namespace e2esasl::channelbind_test

#endif  // E2ESASL_TESTS_CHANNELBIND_PROBE_H_
