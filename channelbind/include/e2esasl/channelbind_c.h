/* e2esasl/channelbind_c.h: the C API of libchannelbind, for C applications.
 *
 * Same rules and results as the C++ API in <e2esasl/channelbind.h>. Every function returns
 * E2E_CB_OK (0) or a negative E2E_CB_E_* code; when errbuf is not NULL it receives a
 * NUL-terminated message (truncated to errbuf_len) naming the rule that refused. No function
 * throws, aborts or keeps a reference to its arguments after returning. */
#ifndef E2ESASL_CHANNELBIND_C_H_
#define E2ESASL_CHANNELBIND_C_H_

#include <stddef.h>

#include <gnutls/gnutls.h>
#include <openssl/ssl.h>
#include <sasl/sasl.h>

/* E2ESASL_CB_EXPORT marks the public API. The library builds with hidden visibility and defines
 * E2ESASL_CHANNELBIND_BUILD; for users the macro is empty. */
#ifndef E2ESASL_CB_EXPORT
#if defined(E2ESASL_CHANNELBIND_BUILD) && defined(__GNUC__)
#define E2ESASL_CB_EXPORT __attribute__((visibility("default")))
#else
#define E2ESASL_CB_EXPORT
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Each enum ends with a *_FORCE_INT member so it is int-sized and every int value is a valid
 * value of the type in C++ as in C: the functions reject unknown values with
 * E2E_CB_E_INVALID_ARGUMENT rather than the caller having undefined behaviour. */
typedef enum {
  E2E_CB_TLS_UNIQUE = 0,
  E2E_CB_TLS_EXPORTER = 1,
  E2E_CB_TLS_SERVER_END_POINT = 2,
  E2E_CB_TYPE_FORCE_INT = 0x7fffffff
} e2e_cb_type;

typedef enum {
  E2E_CB_ROLE_CLIENT = 0,
  E2E_CB_ROLE_SERVER = 1,
  E2E_CB_ROLE_FORCE_INT = 0x7fffffff
} e2e_cb_role;

typedef enum {
  E2E_CB_EDDSA_REFUSE = 0,
  E2E_CB_EDDSA_SHA256 = 1,
  E2E_CB_EDDSA_SHA512 = 2,
  E2E_CB_EDDSA_FORCE_INT = 0x7fffffff
} e2e_cb_eddsa_policy;

#define E2E_CB_OK 0
#define E2E_CB_E_UNDEFINED_ON_TLS13 (-1)
#define E2E_CB_E_NO_EXTENDED_MASTER_SECRET (-2)
#define E2E_CB_E_HANDSHAKE_INCOMPLETE (-3)
#define E2E_CB_E_UNDEFINED_FOR_CERTIFICATE (-4)
#define E2E_CB_E_NO_CERTIFICATE (-5)
#define E2E_CB_E_RENEGOTIATION_POSSIBLE (-6)
#define E2E_CB_E_UNSUPPORTED_PROTOCOL (-7)
#define E2E_CB_E_INVALID_ARGUMENT (-8)
#define E2E_CB_E_LIBRARY (-9)
#define E2E_CB_E_BUFFER_TOO_SMALL (-10)
#define E2E_CB_E_NO_MEMORY (-11)

/* e2e_cb_options: NULL everywhere means the safe defaults (refuse EdDSA, refuse renegotiation). */
typedef struct {
  e2e_cb_eddsa_policy eddsa_policy;
  int allow_renegotiation;
  const unsigned char* server_certificate_der; /* resumed servers (Options); may be NULL */
  size_t server_certificate_der_len;
} e2e_cb_options;

/* e2e_cb_type_name returns "tls-unique", "tls-exporter", "tls-server-end-point" or NULL. */
E2ESASL_CB_EXPORT const char* e2e_cb_type_name(e2e_cb_type type);

/* e2e_cb_from_openssl writes the binding to out (capacity *out_len; 64 bytes always suffice) and
 * sets *out_len to its length. E2E_CB_E_BUFFER_TOO_SMALL sets *out_len to the length needed. */
E2ESASL_CB_EXPORT int e2e_cb_from_openssl(SSL* ssl, e2e_cb_type type, const e2e_cb_options* options,
                                          unsigned char* out, size_t* out_len, char* errbuf,
                                          size_t errbuf_len);
E2ESASL_CB_EXPORT int e2e_cb_from_gnutls(gnutls_session_t session, e2e_cb_role role,
                                         e2e_cb_type type, const e2e_cb_options* options,
                                         unsigned char* out, size_t* out_len, char* errbuf,
                                         size_t errbuf_len);

/* e2e_cb_best_type_*: tls-exporter where defined, else tls-unique; writes *out_type. */
E2ESASL_CB_EXPORT int e2e_cb_best_type_openssl(SSL* ssl, const e2e_cb_options* options,
                                               e2e_cb_type* out_type, char* errbuf,
                                               size_t errbuf_len);
E2ESASL_CB_EXPORT int e2e_cb_best_type_gnutls(gnutls_session_t session, e2e_cb_role role,
                                              const e2e_cb_options* options, e2e_cb_type* out_type,
                                              char* errbuf, size_t errbuf_len);

/* e2e_cb_sasl: an owned sasl_channel_binding_t. Create with e2e_cb_sasl_new (standard names) or
 * e2e_cb_sasl_new_openldap (name "ldap", data "tls-unique:"/"tls-server-end-point:" + value);
 * empty data (data_len 0: a binding of nothing binds nothing) is E2E_CB_E_INVALID_ARGUMENT; pass
 * e2e_cb_sasl_get() to sasl_setprop(conn, SASL_CHANNEL_BINDING, ...); keep it alive for the whole
 * exchange; e2e_cb_sasl_free wipes and frees it (NULL is allowed). */
typedef struct e2e_cb_sasl e2e_cb_sasl;
E2ESASL_CB_EXPORT int e2e_cb_sasl_new(e2e_cb_type type, const unsigned char* data, size_t data_len,
                                      int critical, e2e_cb_sasl** out, char* errbuf,
                                      size_t errbuf_len);
E2ESASL_CB_EXPORT int e2e_cb_sasl_new_openldap(e2e_cb_type type, const unsigned char* data,
                                               size_t data_len, int critical, e2e_cb_sasl** out,
                                               char* errbuf, size_t errbuf_len);
E2ESASL_CB_EXPORT const sasl_channel_binding_t* e2e_cb_sasl_get(const e2e_cb_sasl* cb);
E2ESASL_CB_EXPORT void e2e_cb_sasl_free(e2e_cb_sasl* cb);

/* Configure an OpenSSL context / connection or a GnuTLS session for safe binding (EMS required,
 * renegotiation off, TLS >= 1.2). */
E2ESASL_CB_EXPORT int e2e_cb_configure_openssl_ctx(SSL_CTX* ctx, char* errbuf, size_t errbuf_len);
E2ESASL_CB_EXPORT int e2e_cb_configure_openssl(SSL* ssl, char* errbuf, size_t errbuf_len);
E2ESASL_CB_EXPORT int e2e_cb_configure_gnutls(gnutls_session_t session, char* errbuf,
                                              size_t errbuf_len);

#ifdef __cplusplus
}
#endif

#endif /* E2ESASL_CHANNELBIND_C_H_ */
