// configure.cc: make OpenSSL contexts / connections and GnuTLS sessions safe for channel binding
// (EMS on TLS 1.2, no renegotiation, TLS >= 1.2).
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include <gnutls/gnutls.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "e2esasl/channelbind.h"
#include "e2esasl/handles.h"
#include "internal.h"

namespace e2esasl::channelbind {
namespace {

// LibraryError reports a refused OpenSSL setting with OpenSSL's newest error text (if any).
Error LibraryError(const char* what) {
  std::string message = std::string(what) + " failed";
  unsigned long code = ERR_peek_last_error();
  if (code != 0) {
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    message += ": ";
    message += text.data();
  }
  return internal::MakeError(ErrorCode::kLibraryError, std::move(message));
}

// Configure applies the settings through the SSL_CTX_* or SSL_* family (Api supplies them).
// The minimum version is only ever raised to TLS 1.2, never lowered below a stricter setting.
template <typename Handle, typename Api>
Result<std::monostate> Configure(Handle* handle, const char* what) {
  if (handle == nullptr) {
    return internal::MakeError(ErrorCode::kInvalidArgument, std::string(what) + " is null");
  }
  OpensslErrorMark mark;
  // RFC 7627: OpenSSL offers and accepts Extended Master Secret unless this option is set.
  Api::ClearOptions(handle, SSL_OP_NO_EXTENDED_MASTER_SECRET);
  // Renegotiation would change tls-unique (and the keys) in the middle of an authentication.
  Api::ClearOptions(handle, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
  Api::SetOptions(handle, SSL_OP_NO_RENEGOTIATION);
  const long min_version = Api::GetMinVersion(handle);
  if (min_version == 0 || min_version < TLS1_2_VERSION) {
    if (Api::SetMinVersion(handle, TLS1_2_VERSION) != 1) {
      return LibraryError("setting the minimum protocol version to TLS 1.2");
    }
  }
  return std::monostate{};
}

struct CtxApi {
  static void ClearOptions(SSL_CTX* ctx, uint64_t op) { SSL_CTX_clear_options(ctx, op); }
  static void SetOptions(SSL_CTX* ctx, uint64_t op) { SSL_CTX_set_options(ctx, op); }
  static long GetMinVersion(SSL_CTX* ctx) { return SSL_CTX_get_min_proto_version(ctx); }
  static int SetMinVersion(SSL_CTX* ctx, int v) { return SSL_CTX_set_min_proto_version(ctx, v); }
};

struct SslApi {
  static void ClearOptions(SSL* ssl, uint64_t op) { SSL_clear_options(ssl, op); }
  static void SetOptions(SSL* ssl, uint64_t op) { SSL_set_options(ssl, op); }
  static long GetMinVersion(SSL* ssl) { return SSL_get_min_proto_version(ssl); }
  static int SetMinVersion(SSL* ssl, int v) { return SSL_set_min_proto_version(ssl, v); }
};

}  // namespace

Result<std::monostate> ConfigureOpensslContext(SSL_CTX* ctx) {
  return Configure<SSL_CTX, CtxApi>(ctx, "the SSL_CTX");
}

Result<std::monostate> ConfigureOpenssl(SSL* ssl) {
  return Configure<SSL, SslApi>(ssl, "the SSL");
}

Result<std::monostate> ConfigureGnutls(gnutls_session_t session) {
  if (session == nullptr) {
    return internal::MakeError(ErrorCode::kInvalidArgument, "the GnuTLS session is null");
  }
  const char* error_position = nullptr;
  if (int rc = gnutls_priority_set_direct(session, kGnutlsSafePriority, &error_position); rc < 0) {
    std::string message = std::string("gnutls_priority_set_direct(kGnutlsSafePriority) failed: ") +
                          gnutls_strerror(rc);
    if (error_position != nullptr) {
      message += " at \"" + std::string(error_position) + "\"";
    }
    return internal::MakeError(ErrorCode::kLibraryError, std::move(message));
  }
  return std::monostate{};
}

}  // namespace e2esasl::channelbind
