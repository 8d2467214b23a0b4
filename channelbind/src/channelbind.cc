// channelbind.cc: type and error names, and the rules both backends share (which binding is
// defined on which session; the tls-server-end-point hash choice and EdDSA policy).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <openssl/evp.h>

#include "e2esasl/channelbind.h"
#include "e2esasl/handles.h"
#include "internal.h"

namespace e2esasl::channelbind {

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kTlsUnique:
      return "tls-unique";
    case Type::kTlsExporter:
      return "tls-exporter";
    case Type::kTlsServerEndPoint:
      return "tls-server-end-point";
  }
  return {};
}

std::optional<Type> ParseType(std::string_view name) {
  for (Type type : {Type::kTlsUnique, Type::kTlsExporter, Type::kTlsServerEndPoint}) {
    if (name == TypeName(type)) {
      return type;
    }
  }
  return std::nullopt;
}

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUndefinedOnTls13:
      return "undefined-on-tls13";
    case ErrorCode::kNoExtendedMasterSecret:
      return "no-extended-master-secret";
    case ErrorCode::kHandshakeIncomplete:
      return "handshake-incomplete";
    case ErrorCode::kUndefinedForCertificate:
      return "undefined-for-certificate";
    case ErrorCode::kNoCertificate:
      return "no-certificate";
    case ErrorCode::kRenegotiationPossible:
      return "renegotiation-possible";
    case ErrorCode::kUnsupportedProtocol:
      return "unsupported-protocol";
    case ErrorCode::kInvalidArgument:
      return "invalid-argument";
    case ErrorCode::kLibraryError:
      return "library-error";
  }
  return "unknown-error";
}

namespace internal {

Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

std::optional<Error> CheckRules(Type type, const SessionFacts& facts, const Options& options) {
  const bool tls12 = facts.protocol == Protocol::kTls12;
  switch (type) {
    case Type::kTlsUnique:
      // RFC 9266 s3: tls-unique is not defined for TLS 1.3.
      if (!tls12) {
        return MakeError(ErrorCode::kUndefinedOnTls13,
                         "tls-unique is undefined on TLS 1.3 (RFC 9266 section 3)");
      }
      // RFC 7627 / RFC 5929 s3: without EMS two TLS 1.2 connections can share tls-unique.
      if (!facts.extended_master_secret) {
        return MakeError(ErrorCode::kNoExtendedMasterSecret,
                         "tls-unique on TLS 1.2 requires Extended Master Secret (RFC 7627, "
                         "triple handshake)");
      }
      break;
    case Type::kTlsExporter:
      // RFC 9266 s3 / RFC 7627: the TLS 1.2 exporter is only unique with EMS.
      if (tls12 && !facts.extended_master_secret) {
        return MakeError(ErrorCode::kNoExtendedMasterSecret,
                         "tls-exporter on TLS 1.2 requires Extended Master Secret (RFC 9266 "
                         "section 3, RFC 7627)");
      }
      break;
    case Type::kTlsServerEndPoint:
      break;
    default:
      return MakeError(ErrorCode::kInvalidArgument, "unknown channel-binding type");
  }
  // A TLS <= 1.2 renegotiation replaces the Finished messages and keys mid-authentication.
  if (tls12 && facts.renegotiation_possible && !options.allow_renegotiation) {
    return MakeError(ErrorCode::kRenegotiationPossible,
                     "renegotiation is possible on this TLS 1.2 connection and would change the "
                     "channel binding (disable it or set Options::allow_renegotiation)");
  }
  return std::nullopt;
}

namespace {

// EndPointDigest maps a certificate's signature hash to the tls-server-end-point hash, or nullptr
// when the binding is undefined for the certificate under options.
const EVP_MD* EndPointDigest(SignatureHash hash, EddsaPolicy policy) {
  switch (hash) {
    // RFC 5929 s4.1: "if the certificate's signatureAlgorithm uses the MD5 or SHA-1 hash
    // functions, then use SHA-256"; otherwise the signature's own hash.
    case SignatureHash::kMd5:
    case SignatureHash::kSha1:
    case SignatureHash::kSha256:
      return EVP_sha256();
    case SignatureHash::kSha224:
      return EVP_sha224();
    case SignatureHash::kSha384:
      return EVP_sha384();
    case SignatureHash::kSha512:
      return EVP_sha512();
    case SignatureHash::kSha3_224:
      return EVP_sha3_224();
    case SignatureHash::kSha3_256:
      return EVP_sha3_256();
    case SignatureHash::kSha3_384:
      return EVP_sha3_384();
    case SignatureHash::kSha3_512:
      return EVP_sha3_512();
    case SignatureHash::kEd25519:
    case SignatureHash::kEd448:
      // EdDSA has no separate hash: RFC 5929 leaves this undefined; Options::eddsa_policy decides.
      switch (policy) {
        case EddsaPolicy::kSha256:
          return EVP_sha256();
        case EddsaPolicy::kSha512:
          return EVP_sha512();
        case EddsaPolicy::kRefuse:
          return nullptr;
      }
      return nullptr;
    case SignatureHash::kUnknown:
      return nullptr;
  }
  return nullptr;
}

}  // namespace

Result<Bytes> ServerEndPoint(std::span<const uint8_t> der, SignatureHash hash,
                             const Options& options) {
  switch (options.eddsa_policy) {
    case EddsaPolicy::kRefuse:
    case EddsaPolicy::kSha256:
    case EddsaPolicy::kSha512:
      break;
    default:
      return MakeError(ErrorCode::kInvalidArgument, "unknown Options::eddsa_policy");
  }
  if (der.empty()) {
    return MakeError(ErrorCode::kNoCertificate,
                     "tls-server-end-point needs the server certificate, which is empty");
  }
  const EVP_MD* md = EndPointDigest(hash, options.eddsa_policy);
  if (md == nullptr) {
    if (hash == SignatureHash::kEd25519 || hash == SignatureHash::kEd448) {
      return MakeError(ErrorCode::kUndefinedForCertificate,
                       "tls-server-end-point is undefined for EdDSA certificates (RFC 5929 "
                       "section 4.1) and Options::eddsa_policy is kRefuse");
    }
    return MakeError(ErrorCode::kUndefinedForCertificate,
                     "tls-server-end-point is undefined for this certificate: its signature "
                     "algorithm has no single known hash (RFC 5929 section 4.1)");
  }
  // RFC 5929 s4.1: tls-server-end-point = Hash(DER of the server's certificate).
  Bytes out(static_cast<size_t>(EVP_MD_get_size(md)));
  unsigned int out_len = 0;
  OpensslErrorMark mark;
  if (EVP_Digest(der.data(), der.size(), out.data(), &out_len, md, nullptr) != 1 ||
      out_len != out.size()) {
    return MakeError(ErrorCode::kLibraryError,
                     "tls-server-end-point: OpenSSL failed to hash the certificate");
  }
  return out;
}

}  // namespace internal
}  // namespace e2esasl::channelbind
