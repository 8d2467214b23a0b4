// internal.h: declarations shared by the libchannelbind sources; not installed.
#ifndef E2ESASL_CHANNELBIND_SRC_INTERNAL_H_
#define E2ESASL_CHANNELBIND_SRC_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "e2esasl/channelbind.h"

namespace e2esasl::channelbind::internal {

// RFC 9266 s2: tls-exporter = TLS-Exporter("EXPORTER-Channel-Binding", "" /*empty context*/, 32).
inline constexpr std::string_view kExporterLabel = "EXPORTER-Channel-Binding";
inline constexpr size_t kExporterLength = 32;
// kMaxFinishedLength bounds a TLS 1.2 Finished verify_data (12 bytes for every cipher suite in
// use).
inline constexpr size_t kMaxFinishedLength = 64;

// MakeError builds an Error; message names the rule and never carries binding bytes.
Error MakeError(ErrorCode code, std::string message);

// Protocol is a TLS version a binding can be defined on.
enum class Protocol { kTls12, kTls13 };

// SessionFacts is what a backend learned about a completed handshake; CheckRules decides on it so
// both backends apply the same policy.
struct SessionFacts {
  Protocol protocol = Protocol::kTls13;
  bool extended_master_secret = false;  // meaningful on TLS 1.2 only
  bool renegotiation_possible = false;  // meaningful on TLS 1.2 only
};

// CheckRules returns the Error that forbids a binding of type on a session with facts, or
// std::nullopt when the binding is defined and safe.
std::optional<Error> CheckRules(Type type, const SessionFacts& facts, const Options& options);

// PickBestType implements BestType*: tls-exporter where defined, else tls-unique, else the
// tls-exporter refusal. check(type) returns CheckRules-style refusals for the session.
template <typename Check>
Result<Type> PickBestType(Check check) {
  std::optional<Error> exporter = check(Type::kTlsExporter);
  if (!exporter) {
    return Type::kTlsExporter;
  }
  if (!check(Type::kTlsUnique)) {
    return Type::kTlsUnique;
  }
  return std::move(*exporter);
}

// SignatureHash is what a certificate's signature algorithm says about tls-server-end-point.
enum class SignatureHash {
  kMd5,
  kSha1,
  kSha224,
  kSha256,
  kSha384,
  kSha512,
  kSha3_224,
  kSha3_256,
  kSha3_384,
  kSha3_512,
  kEd25519,
  kEd448,
  kUnknown,  // no single hash (or one we do not know): tls-server-end-point undefined
};

// ServerEndPoint computes tls-server-end-point (RFC 5929 s4.1) over the server certificate der
// whose signature uses hash: MD5/SHA-1 become SHA-256, EdDSA follows options.eddsa_policy
// (kUndefinedForCertificate when it refuses or for kUnknown).
Result<Bytes> ServerEndPoint(std::span<const uint8_t> der, SignatureHash hash,
                             const Options& options);

}  // namespace e2esasl::channelbind::internal

#endif  // E2ESASL_CHANNELBIND_SRC_INTERNAL_H_
