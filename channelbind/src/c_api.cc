// c_api.cc: the C API of <e2esasl/channelbind_c.h> over the C++ API. Every entry point runs its
// body through Guard, so no exception crosses into C: std::bad_alloc becomes E2E_CB_E_NO_MEMORY,
// anything else E2E_CB_E_LIBRARY.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include <openssl/crypto.h>

#include "e2esasl/channelbind.h"
#include "e2esasl/channelbind_c.h"

namespace cb = e2esasl::channelbind;

// e2e_cb_sasl is the C handle for a SaslChannelBinding.
struct e2e_cb_sasl {
  explicit e2e_cb_sasl(cb::SaslChannelBinding b) : binding(std::move(b)) {}
  cb::SaslChannelBinding binding;
};

namespace {

// WriteMessage copies message into errbuf, truncated and NUL-terminated; errbuf may be NULL.
void WriteMessage(char* errbuf, size_t errbuf_len, std::string_view message) noexcept {
  if (errbuf == nullptr || errbuf_len == 0) {
    return;
  }
  const size_t n = std::min(message.size(), errbuf_len - 1);
  std::memcpy(errbuf, message.data(), n);
  errbuf[n] = '\0';
}

int CodeOf(cb::ErrorCode code) noexcept {
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
  return E2E_CB_E_LIBRARY;
}

// Fail reports error through errbuf and returns its E2E_CB_E_* code.
int Fail(char* errbuf, size_t errbuf_len, const cb::Error& error) noexcept {
  WriteMessage(errbuf, errbuf_len, error.message);
  return CodeOf(error.code);
}

int Fail(char* errbuf, size_t errbuf_len, int code, std::string_view message) noexcept {
  WriteMessage(errbuf, errbuf_len, message);
  return code;
}

// Guard runs body (which returns an E2E_CB_* code) and turns any exception into a code. On
// success errbuf receives an empty string.
template <typename Body>
int Guard(char* errbuf, size_t errbuf_len, Body&& body) noexcept {
  WriteMessage(errbuf, errbuf_len, "");
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(errbuf, errbuf_len, E2E_CB_E_NO_MEMORY, "out of memory");
  } catch (...) {
    return Fail(errbuf, errbuf_len, E2E_CB_E_LIBRARY, "internal error in libchannelbind");
  }
}

// RawValue reads a C enum argument as its underlying integer without loading it as the enum: a C
// caller may pass any int, and loading an out-of-range value as a C++ enum is undefined.
template <typename Enum>
std::underlying_type_t<Enum> RawValue(const Enum& value) {
  std::underlying_type_t<Enum> raw;
  static_assert(sizeof(raw) == sizeof(value));
  std::memcpy(&raw, &value, sizeof(raw));
  return raw;
}

std::optional<cb::Type> TypeOf(const e2e_cb_type& type) {
  switch (RawValue(type)) {
    case E2E_CB_TLS_UNIQUE:
      return cb::Type::kTlsUnique;
    case E2E_CB_TLS_EXPORTER:
      return cb::Type::kTlsExporter;
    case E2E_CB_TLS_SERVER_END_POINT:
      return cb::Type::kTlsServerEndPoint;
  }
  return std::nullopt;
}

e2e_cb_type CTypeOf(cb::Type type) {
  switch (type) {
    case cb::Type::kTlsUnique:
      return E2E_CB_TLS_UNIQUE;
    case cb::Type::kTlsExporter:
      return E2E_CB_TLS_EXPORTER;
    case cb::Type::kTlsServerEndPoint:
      break;
  }
  return E2E_CB_TLS_SERVER_END_POINT;
}

std::optional<cb::Role> RoleOf(const e2e_cb_role& role) {
  switch (RawValue(role)) {
    case E2E_CB_ROLE_CLIENT:
      return cb::Role::kClient;
    case E2E_CB_ROLE_SERVER:
      return cb::Role::kServer;
  }
  return std::nullopt;
}

constexpr std::string_view kBadOptions =
    "invalid e2e_cb_options: unknown eddsa_policy, or NULL server_certificate_der with a nonzero "
    "length";

// OptionsOf converts the C options (NULL = defaults); std::nullopt when they are invalid.
std::optional<cb::Options> OptionsOf(const e2e_cb_options* options) {
  cb::Options out;
  if (options == nullptr) {
    return out;
  }
  switch (RawValue(options->eddsa_policy)) {
    case E2E_CB_EDDSA_REFUSE:
      out.eddsa_policy = cb::EddsaPolicy::kRefuse;
      break;
    case E2E_CB_EDDSA_SHA256:
      out.eddsa_policy = cb::EddsaPolicy::kSha256;
      break;
    case E2E_CB_EDDSA_SHA512:
      out.eddsa_policy = cb::EddsaPolicy::kSha512;
      break;
    default:
      return std::nullopt;
  }
  out.allow_renegotiation = options->allow_renegotiation != 0;
  if (options->server_certificate_der == nullptr) {
    if (options->server_certificate_der_len != 0) {
      return std::nullopt;
    }
  } else {
    out.server_certificate_der = std::span<const uint8_t>(options->server_certificate_der,
                                                          options->server_certificate_der_len);
  }
  return out;
}

// WriteBinding copies the binding to out (capacity *out_len) and wipes the C++ copy.
int WriteBinding(cb::Bytes& binding, unsigned char* out, size_t* out_len, char* errbuf,
                 size_t errbuf_len) {
  const size_t capacity = *out_len;
  *out_len = binding.size();
  int rc = E2E_CB_OK;
  if (capacity < binding.size()) {
    rc = Fail(errbuf, errbuf_len, E2E_CB_E_BUFFER_TOO_SMALL,
              "the output buffer is too small for the channel binding; *out_len says how much "
              "is needed");
  } else if (!binding.empty()) {
    std::memcpy(out, binding.data(), binding.size());
  }
  OPENSSL_cleanse(binding.data(), binding.size());
  return rc;
}

// FromBackend validates the common arguments and runs compute(type, options).
template <typename Compute>
int FromBackend(const e2e_cb_type& type, const e2e_cb_options* options, unsigned char* out,
                size_t* out_len, char* errbuf, size_t errbuf_len, Compute&& compute) {
  std::optional<cb::Type> cpp_type = TypeOf(type);
  if (!cpp_type) {
    return Fail(errbuf, errbuf_len, E2E_CB_E_INVALID_ARGUMENT, "unknown e2e_cb_type");
  }
  std::optional<cb::Options> cpp_options = OptionsOf(options);
  if (!cpp_options) {
    return Fail(errbuf, errbuf_len, E2E_CB_E_INVALID_ARGUMENT, kBadOptions);
  }
  if (out_len == nullptr || (out == nullptr && *out_len != 0)) {
    return Fail(errbuf, errbuf_len, E2E_CB_E_INVALID_ARGUMENT,
                "out_len is NULL, or out is NULL with a nonzero *out_len");
  }
  cb::Result<cb::Bytes> binding = compute(*cpp_type, *cpp_options);
  if (!binding) {
    return Fail(errbuf, errbuf_len, binding.error());
  }
  return WriteBinding(binding.value(), out, out_len, errbuf, errbuf_len);
}

int BestType(cb::Result<cb::Type> result, e2e_cb_type* out_type, char* errbuf, size_t errbuf_len) {
  if (!result) {
    return Fail(errbuf, errbuf_len, result.error());
  }
  *out_type = CTypeOf(result.value());
  return E2E_CB_OK;
}

int NewSasl(bool openldap, const e2e_cb_type& type, const unsigned char* data, size_t data_len,
            int critical, e2e_cb_sasl** out, char* errbuf, size_t errbuf_len) {
  std::optional<cb::Type> cpp_type = TypeOf(type);
  if (out == nullptr || !cpp_type || (data == nullptr && data_len != 0)) {
    return Fail(errbuf, errbuf_len, E2E_CB_E_INVALID_ARGUMENT,
                "invalid argument: NULL out, unknown type, or NULL data with a nonzero length");
  }
  *out = nullptr;
  if (data_len == 0) {
    return Fail(errbuf, errbuf_len, E2E_CB_E_INVALID_ARGUMENT,
                "invalid argument: empty channel-binding data");
  }
  cb::Bytes bytes(data, data + data_len);
  cb::Result<cb::SaslChannelBinding> binding =
      openldap ? cb::SaslChannelBinding::OpenLdap(*cpp_type, std::move(bytes), critical != 0)
               : cb::SaslChannelBinding::Standard(*cpp_type, std::move(bytes), critical != 0);
  if (!binding) {
    return Fail(errbuf, errbuf_len, binding.error());
  }
  *out = std::make_unique<e2e_cb_sasl>(std::move(binding).value()).release();
  return E2E_CB_OK;
}

}  // namespace

extern "C" {

const char* e2e_cb_type_name(e2e_cb_type type) {
  std::optional<cb::Type> cpp_type = TypeOf(type);
  // TypeName returns views of string literals, so data() is NUL-terminated.
  return cpp_type ? cb::TypeName(*cpp_type).data() : nullptr;
}

int e2e_cb_from_openssl(SSL* ssl, e2e_cb_type type, const e2e_cb_options* options,
                        unsigned char* out, size_t* out_len, char* errbuf, size_t errbuf_len) {
  return Guard(errbuf, errbuf_len, [&] {
    return FromBackend(
        type, options, out, out_len, errbuf, errbuf_len,
        [&](cb::Type t, const cb::Options& o) { return cb::FromOpenssl(ssl, t, o); });
  });
}

int e2e_cb_from_gnutls(gnutls_session_t session, e2e_cb_role role, e2e_cb_type type,
                       const e2e_cb_options* options, unsigned char* out, size_t* out_len,
                       char* errbuf, size_t errbuf_len) {
  return Guard(errbuf, errbuf_len, [&] {
    std::optional<cb::Role> cpp_role = RoleOf(role);
    if (!cpp_role) {
      return Fail(errbuf, errbuf_len, E2E_CB_E_INVALID_ARGUMENT, "invalid argument: unknown role");
    }
    return FromBackend(
        type, options, out, out_len, errbuf, errbuf_len,
        [&](cb::Type t, const cb::Options& o) { return cb::FromGnutls(session, *cpp_role, t, o); });
  });
}

int e2e_cb_best_type_openssl(SSL* ssl, const e2e_cb_options* options, e2e_cb_type* out_type,
                             char* errbuf, size_t errbuf_len) {
  return Guard(errbuf, errbuf_len, [&] {
    std::optional<cb::Options> cpp_options = OptionsOf(options);
    if (!cpp_options || out_type == nullptr) {
      return Fail(errbuf, errbuf_len, E2E_CB_E_INVALID_ARGUMENT,
                  "invalid argument: invalid options or NULL out_type");
    }
    return BestType(cb::BestTypeOpenssl(ssl, *cpp_options), out_type, errbuf, errbuf_len);
  });
}

int e2e_cb_best_type_gnutls(gnutls_session_t session, e2e_cb_role role,
                            const e2e_cb_options* options, e2e_cb_type* out_type, char* errbuf,
                            size_t errbuf_len) {
  return Guard(errbuf, errbuf_len, [&] {
    std::optional<cb::Role> cpp_role = RoleOf(role);
    std::optional<cb::Options> cpp_options = OptionsOf(options);
    if (!cpp_role || !cpp_options || out_type == nullptr) {
      return Fail(errbuf, errbuf_len, E2E_CB_E_INVALID_ARGUMENT,
                  "invalid argument: unknown role, invalid options or NULL out_type");
    }
    return BestType(cb::BestTypeGnutls(session, *cpp_role, *cpp_options), out_type, errbuf,
                    errbuf_len);
  });
}

int e2e_cb_sasl_new(e2e_cb_type type, const unsigned char* data, size_t data_len, int critical,
                    e2e_cb_sasl** out, char* errbuf, size_t errbuf_len) {
  return Guard(errbuf, errbuf_len, [&] {
    return NewSasl(false, type, data, data_len, critical, out, errbuf, errbuf_len);
  });
}

int e2e_cb_sasl_new_openldap(e2e_cb_type type, const unsigned char* data, size_t data_len,
                             int critical, e2e_cb_sasl** out, char* errbuf, size_t errbuf_len) {
  return Guard(errbuf, errbuf_len, [&] {
    return NewSasl(true, type, data, data_len, critical, out, errbuf, errbuf_len);
  });
}

const sasl_channel_binding_t* e2e_cb_sasl_get(const e2e_cb_sasl* cb) {
  return cb == nullptr ? nullptr : cb->binding.get();
}

void e2e_cb_sasl_free(e2e_cb_sasl* cb) {
  // Adopting and dropping the handle runs ~SaslChannelBinding, which wipes the data.
  std::unique_ptr<e2e_cb_sasl> owned(cb);
}

int e2e_cb_configure_openssl_ctx(SSL_CTX* ctx, char* errbuf, size_t errbuf_len) {
  return Guard(errbuf, errbuf_len, [&] {
    cb::Result<std::monostate> result = cb::ConfigureOpensslContext(ctx);
    return result ? E2E_CB_OK : Fail(errbuf, errbuf_len, result.error());
  });
}

int e2e_cb_configure_openssl(SSL* ssl, char* errbuf, size_t errbuf_len) {
  return Guard(errbuf, errbuf_len, [&] {
    cb::Result<std::monostate> result = cb::ConfigureOpenssl(ssl);
    return result ? E2E_CB_OK : Fail(errbuf, errbuf_len, result.error());
  });
}

int e2e_cb_configure_gnutls(gnutls_session_t session, char* errbuf, size_t errbuf_len) {
  return Guard(errbuf, errbuf_len, [&] {
    cb::Result<std::monostate> result = cb::ConfigureGnutls(session);
    return result ? E2E_CB_OK : Fail(errbuf, errbuf_len, result.error());
  });
}

}  // extern "C"
