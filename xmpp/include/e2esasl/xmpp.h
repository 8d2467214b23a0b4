/* e2esasl/xmpp.h: end-to-end authenticated sessions between two XMPP clients (docs/xmpp.md).
 *
 * Two clients, each logged in to its own XMPP server, open a Jingle session (XEP-0166) whose
 * transport is an in-band bytestream (XEP-0261 over XEP-0047 IBB IQs). They run TLS end to end
 * over that bytestream (the initiator is the TLS client), authenticate each other with SASL inside
 * it through libsasl2 and the e2esasl mechanisms, bound to the inner TLS channel, then exchange
 * lines of text over the authenticated channel. A server that terminates the inner TLS (a man in
 * the middle) holds two channels with different bindings: every -PLUS mechanism then fails.
 *
 * The core does not own the XMPP connection. The application (or an adapter, see
 * <e2esasl/xmpp_strophe.h>) gives it every incoming IQ stanza as XML text
 * (e2e_xmpp_handle_stanza), calls e2e_xmpp_tick from a timer, and sends the stanzas the core hands
 * it (e2e_xmpp_io.send_stanza). Everything the application sees runs in the caller's thread,
 * inside those calls; the core never blocks (except inside the application's own callbacks). The
 * only thread it starts is one per SAS-R255-PLUS step that waits for its person (sas_confirm). One
 * e2e_xmpp handles any number of concurrent sessions on one XMPP connection.
 *
 * Roles: the initiator (e2e_xmpp_start) is the TLS client and the SASL client; it authenticates
 * as `user` with `password` (or no password for SAS-R255-PLUS). The responder is the TLS server
 * and the SASL server; its credentials come from libsasl2's auxprop store (config.sasldb_path).
 * Both learn who the other is only from the mechanism: the responder from the authenticated
 * identity, the initiator from the mechanism's mutual authentication.
 *
 * Thread safety: one e2e_xmpp and its sessions belong to one thread. libsasl2 is initialised once
 * per process (the first e2e_xmpp_new's plugin_path wins).
 */
#ifndef E2ESASL_XMPP_H_
#define E2ESASL_XMPP_H_

#include <stddef.h>

#if defined(E2ESASL_XMPP_BUILD) && defined(__GNUC__)
#define E2ESASL_XMPP_EXPORT __attribute__((visibility("default")))
#else
#define E2ESASL_XMPP_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Namespaces on the wire (docs/xmpp.md). */
#define E2E_XMPP_NS_APP "urn:xmpp:e2esasl:0"
#define E2E_XMPP_NS_JINGLE "urn:xmpp:jingle:1"
#define E2E_XMPP_NS_JINGLE_IBB "urn:xmpp:jingle:transports:ibb:1"
#define E2E_XMPP_NS_IBB "http://jabber.org/protocol/ibb"
/* The VOUCH statement service of a home server (mod_e2e_vouch, docs/mechanisms/vouch.md). */
#define E2E_XMPP_NS_VOUCH "urn:e2esasl:vouch:0"

/* e2e_xmpp_code: why a session failed (the `code` of the failed callback). The values are the
 * exit codes of the e2e-xmpp program. */
typedef enum e2e_xmpp_code {
  E2E_XMPP_OK = 0,
  E2E_XMPP_ERR_USAGE = 2,       /* bad argument or configuration */
  E2E_XMPP_ERR_SETUP = 3,       /* libsasl2, plugins, credentials or certificate unavailable */
  E2E_XMPP_ERR_TLS = 4,         /* inner TLS failed, or no channel binding on it */
  E2E_XMPP_ERR_REFUSED = 5,     /* authentication refused (by the peer or locally) */
  E2E_XMPP_ERR_PROTOCOL = 6,    /* the peer broke Jingle, IBB or the inner line protocol */
  E2E_XMPP_ERR_CLOSED = 7,      /* the peer ended the session or the bytestream early */
  E2E_XMPP_ERR_TIMEOUT = 8,     /* no progress within config.timeout_ms */
  E2E_XMPP_ERR_UNAVAILABLE = 9, /* the peer is offline, unknown, or does not speak this */
  E2E_XMPP_ERR_DECLINED = 10,   /* the peer (or its person) declined the session */
  E2E_XMPP_ERR_LIMIT = 11       /* the peer exceeded a size or buffering limit */
} e2e_xmpp_code;

typedef struct e2e_xmpp e2e_xmpp;
typedef struct e2e_xmpp_session e2e_xmpp_session;

/* e2e_xmpp_io: how the core sends. send_stanza hands one complete stanza (NUL-terminated UTF-8
 * XML, without the stream's namespace) to the XMPP connection; it returns 0 when the stanza was
 * queued, anything else when the connection is gone (the session then fails with
 * E2E_XMPP_ERR_CLOSED). Required. */
typedef struct e2e_xmpp_io {
  void* user;
  int (*send_stanza)(void* user, const char* xml);
} e2e_xmpp_io;

/* Answers of the incoming callback. E2E_XMPP_PENDING: decide later with e2e_xmpp_accept /
 * e2e_xmpp_decline; it is also sas_confirm's "the person answers later" (e2e_xmpp_sas_answer). */
#define E2E_XMPP_DECLINE 0
#define E2E_XMPP_ACCEPT 1
#define E2E_XMPP_PENDING 2

/* e2e_xmpp_callbacks: what the core tells the application. Every pointer may be NULL. The session
 * pointer stays valid until the callback `closed` or `failed` for it has returned; after that it
 * must not be used. Callbacks may call e2e_xmpp_send / e2e_xmpp_close, never e2e_xmpp_free. */
typedef struct e2e_xmpp_callbacks {
  void* user;
  /* incoming: peer_jid asks for a session. NULL callback: accept every session. */
  int (*incoming)(void* user, e2e_xmpp_session* session, const char* peer_jid);
  /* authenticated: the session is authenticated. identity: on the responder, the SASL
   * authentication identity of the initiator; on the initiator, the identity it authenticated as.
   * mechanism: e.g. "CPACE-R255-PLUS". binding: the channel-binding type ("tls-exporter") or
   * "none". */
  void (*authenticated)(void* user, e2e_xmpp_session* session, const char* identity,
                        const char* mechanism, const char* binding);
  /* failed: the session is over without (or after) authentication; reason is for people and
   * never holds a secret. */
  void (*failed)(void* user, e2e_xmpp_session* session, int code, const char* reason);
  /* data: one line of text from the authenticated peer (len bytes, no newline, NUL-terminated). */
  void (*data)(void* user, e2e_xmpp_session* session, const char* text, size_t len);
  /* closed: the session ended normally (either side closed it after authentication). */
  void (*closed)(void* user, e2e_xmpp_session* session);
  /* sas_show / sas_confirm: SAS-R255-PLUS's person on this end. sas_show: show `sas` to the
   * person as soon as it is known (the responder shows it before either person answers; the
   * initiator when it learns it). sas_confirm: ask whether the other end shows `sas`; return 1
   * when the person says yes, 0 for no, or E2E_XMPP_PENDING to answer later with
   * e2e_xmpp_sas_answer (the XMPP connection is served meanwhile; the session's timeout_ms still
   * runs, and ends it with E2E_XMPP_ERR_TIMEOUT). Both are called in the application's thread,
   * inside e2e_xmpp_handle_stanza or e2e_xmpp_tick (the SAS step itself waits on a worker
   * thread of the core, which never calls the application). A sas_confirm that blocks until its
   * person answers works too, but nothing is served meanwhile. Without both callbacks,
   * SAS-R255-PLUS is neither offered (responder) nor negotiated (initiator). */
  int (*sas_confirm)(void* user, e2e_xmpp_session* session, const char* sas, int is_server);
  void (*sas_show)(void* user, e2e_xmpp_session* session, const char* sas);
  /* trace: every stanza sent ("out") or taken ("in") by the core, for logs and docs. */
  void (*trace)(void* user, const char* direction, const char* xml);
  /* sas_continuity: SAS-R255-PLUS with a store of remembered peers (e2e_xmpp_set_sasl_option
   * "e2esasl_sas_store"; docs/mechanisms/sas.md, "Remembered peers"): how the exchange starts,
   * E2E_XMPP_SAS_REMEMBERED (the peer proved the secret remembered from a comparison both
   * people confirmed: nobody is asked), E2E_XMPP_SAS_FIRST (nothing remembered: the people
   * compare) or E2E_XMPP_SAS_NOT_MATCHED (the peer is remembered but did not prove it: a new
   * device, a lost store, or a man in the middle; show it loudly before the comparison), and
   * E2E_XMPP_SAS_STORED after success. peer: the name the peer is remembered by (the
   * initiator's store: the responder's bare JID; the responder's: the initiator's
   * authentication identity). Informational; called in the application's thread, before the
   * sas_show / sas_confirm of the same step. */
  void (*sas_continuity)(void* user, e2e_xmpp_session* session, int event, const char* peer);
} e2e_xmpp_callbacks;

/* sas_continuity's events (the values of E2ESASL_SAS_* in <e2esasl/confirm.h>). */
#define E2E_XMPP_SAS_REMEMBERED 1
#define E2E_XMPP_SAS_FIRST 2
#define E2E_XMPP_SAS_NOT_MATCHED 3
#define E2E_XMPP_SAS_STORED 4

/* e2e_xmpp_config: one XMPP connection's settings. Strings are copied. */
typedef struct e2e_xmpp_config {
  const char* jid;             /* our full JID as bound by the server; required */
  const char* plugin_path;     /* SASL plugin directories (SASL_PATH syntax); NULL: $SASL_PATH
                                  or the system's */
  const char* sasldb_path;     /* the responder's sasldb (credentials of the initiators it
                                  accepts); NULL: libsasl2's default */
  const char* realm;           /* SASL realm; NULL: none (user names are bare JIDs) */
  const char* opaque_key_file; /* OPAQUE server key file; NULL: "<sasldb_path>.opaque-key" */
  const char* mechanisms;      /* responder: space-separated mechanisms it offers; NULL: all */
  const char* tls_library;     /* "openssl" (default) or "gnutls" */
  const char* tls_version;     /* "any" (default), "1.2" or "1.3" */
  const char* channel_binding; /* NULL or "default": the best type, critical; "none": no
                                  binding (for demonstrations); or a type name, critical */
  unsigned block_size;         /* IBB block size offered/accepted, 1..65535; 0: 4096 */
  unsigned timeout_ms;         /* from start to authenticated; 0: 60000 */
  size_t max_unauthenticated;  /* bytes a peer may send before authentication; 0: 262144 */
  int relay;                   /* 1: no SASL; lines pass raw to `data` (the attack demo's
                                  man in the middle only) */
} e2e_xmpp_config;

/* e2e_xmpp_new: a core for one XMPP connection, or NULL with *error (free with
 * e2e_xmpp_free_string) set when the configuration or libsasl2 is unusable. */
E2ESASL_XMPP_EXPORT e2e_xmpp* e2e_xmpp_new(const e2e_xmpp_config* config, const e2e_xmpp_io* io,
                                           const e2e_xmpp_callbacks* callbacks, char** error);
/* e2e_xmpp_free: ends every session (session-terminate sent, no callbacks) and frees the core. */
E2ESASL_XMPP_EXPORT void e2e_xmpp_free(e2e_xmpp* xmpp);
E2ESASL_XMPP_EXPORT void e2e_xmpp_free_string(char* s);

/* e2e_xmpp_handle_stanza: give the core one stanza received on the XMPP connection. Returns 1
 * when the stanza belonged to the core (it answered it if needed), 0 when it is not the core's
 * (the application handles it), -1 when it is not well-formed XML. */
E2ESASL_XMPP_EXPORT int e2e_xmpp_handle_stanza(e2e_xmpp* xmpp, const char* xml);
/* e2e_xmpp_tick: let the core check its deadlines; call it at least every 100 ms while any
 * session exists (e2e_xmpp_session_count). */
E2ESASL_XMPP_EXPORT void e2e_xmpp_tick(e2e_xmpp* xmpp);
E2ESASL_XMPP_EXPORT size_t e2e_xmpp_session_count(const e2e_xmpp* xmpp);
/* e2e_xmpp_disconnected: the XMPP connection is gone; every open session fails with
 * E2E_XMPP_ERR_CLOSED (a closing one ends with `closed`). Nothing more is sent. */
E2ESASL_XMPP_EXPORT void e2e_xmpp_disconnected(e2e_xmpp* xmpp);

/* e2e_xmpp_set_sasl_option: a mechanism option (docs/mechanisms/), e.g. "e2esasl_sas_digits" =
 * "12", that both ends of the sessions started or accepted from now on read through libsasl2's
 * getopt callback. Only names starting with "e2esasl_"; name and value are copied. 0 on success,
 * -1 for an unusable name or value. */
E2ESASL_XMPP_EXPORT int e2e_xmpp_set_sasl_option(e2e_xmpp* xmpp, const char* name,
                                                 const char* value);

/* e2e_xmpp_start_options: what the initiator authenticates with. */
typedef struct e2e_xmpp_start_options {
  const char* mechanism; /* NULL: negotiate (the strongest both ends have) */
  const char* user;      /* authentication identity; NULL: our bare JID */
  const char* password;  /* NULL for SAS-R255-PLUS; copied and wiped after use */
  const char* authzid;   /* NULL: none */
} e2e_xmpp_start_options;

/* e2e_xmpp_start: open a session with peer_jid (a full JID). Returns the session, or NULL when the
 * arguments are unusable. Failures after this are reported through `failed`. */
E2ESASL_XMPP_EXPORT e2e_xmpp_session* e2e_xmpp_start(e2e_xmpp* xmpp, const char* peer_jid,
                                                     const e2e_xmpp_start_options* options);
/* e2e_xmpp_accept / e2e_xmpp_decline: the answer to an incoming callback that returned
 * E2E_XMPP_PENDING. 0 on success, -1 when the session is not waiting for an answer. */
E2ESASL_XMPP_EXPORT int e2e_xmpp_accept(e2e_xmpp_session* session);
E2ESASL_XMPP_EXPORT int e2e_xmpp_decline(e2e_xmpp_session* session);
/* e2e_xmpp_sas_answer: the person's answer to a sas_confirm that returned E2E_XMPP_PENDING:
 * same = 1 when the other end shows the same string, anything else for no. The session carries
 * on at the next e2e_xmpp_tick or e2e_xmpp_handle_stanza. 0 on success, -1 when the session is
 * not waiting for a SAS answer (never asked, already answered, or over). e2e_xmpp_close and
 * e2e_xmpp_free while an answer is awaited count as "no". */
E2ESASL_XMPP_EXPORT int e2e_xmpp_sas_answer(e2e_xmpp_session* session, int same);
/* e2e_xmpp_send: send one line of text (no '\n', at most 60000 bytes) over the authenticated
 * channel. 0 on success, -1 when the session is not authenticated or the line is unusable. */
E2ESASL_XMPP_EXPORT int e2e_xmpp_send(e2e_xmpp_session* session, const char* text, size_t len);
/* e2e_xmpp_close: end the session (TLS close_notify, IBB close, Jingle session-terminate). The
 * `closed` callback follows when the peer has acknowledged (or at once if it never will). */
E2ESASL_XMPP_EXPORT void e2e_xmpp_close(e2e_xmpp_session* session);

E2ESASL_XMPP_EXPORT const char* e2e_xmpp_session_peer(const e2e_xmpp_session* session);
E2ESASL_XMPP_EXPORT const char* e2e_xmpp_session_sid(const e2e_xmpp_session* session);
E2ESASL_XMPP_EXPORT int e2e_xmpp_session_is_initiator(const e2e_xmpp_session* session);
E2ESASL_XMPP_EXPORT void e2e_xmpp_session_set_user(e2e_xmpp_session* session, void* user);
E2ESASL_XMPP_EXPORT void* e2e_xmpp_session_get_user(const e2e_xmpp_session* session);

/* e2e_xmpp_set_password: provision `user`'s secrets for every loaded mechanism family in the
 * responder's store (config->sasldb_path; libsasl2's sasl_setpass, as saslpasswd2 does), so that a
 * responder with this config accepts `user` with `password`. 0 on success, else an e2e_xmpp_code
 * with *error set (free with e2e_xmpp_free_string). */
E2ESASL_XMPP_EXPORT int e2e_xmpp_set_password(const e2e_xmpp_config* config, const char* user,
                                              const char* password, char** error);

/* e2e_xmpp_statement_done: the answer to e2e_xmpp_fetch_statement, called exactly once (unless
 * e2e_xmpp_free comes first), in the application's thread inside e2e_xmpp_handle_stanza,
 * e2e_xmpp_tick or e2e_xmpp_disconnected. code E2E_XMPP_OK: `statement` is the compact JWS the
 * server signed (NUL-terminated; valid during the call only) and reason is "". Otherwise
 * statement is NULL and reason (never a secret) says why:
 *   E2E_XMPP_ERR_USAGE        the server refused the request (bad-request: the key is malformed,
 *                             not on P-256, a private key, or the device id is unusable)
 *   E2E_XMPP_ERR_REFUSED      the server refused to vouch for this account (not-authorized,
 *                             forbidden)
 *   E2E_XMPP_ERR_UNAVAILABLE  the server does not issue statements (service-unavailable,
 *                             feature-not-implemented) or cannot now (internal-server-error:
 *                             its domain key is unusable), or another error
 *   E2E_XMPP_ERR_PROTOCOL     a result that holds no compact JWS of at most 4096 bytes
 *   E2E_XMPP_ERR_TIMEOUT      no answer within config.timeout_ms
 *   E2E_XMPP_ERR_CLOSED       the XMPP connection went away first (e2e_xmpp_disconnected)
 * The library does not verify the statement: its reader does (e2esasl-vouch verify, the
 * VOUCH-ES256-PLUS mechanism), with the domain's JWKS. */
typedef void (*e2e_xmpp_statement_done)(void* user, int code, const char* statement,
                                        const char* reason);

/* e2e_xmpp_fetch_statement: ask our home server (the domain of config.jid) to vouch for one of
 * our devices: an IQ set <statement xmlns='urn:e2esasl:vouch:0' device-id='...'><jwk>...</jwk>
 * </statement> on the authenticated connection. device_key_jwk: the device's public P-256 key
 * as a JWK (JSON text, at most 1024 bytes; e.g. what `e2esasl-vouch device-keygen` prints).
 * device_id: 1..128 printable ASCII characters, no space. The statement's subject is the bare
 * JID the connection authenticated as; the server never takes it from the request. Any number
 * of fetches may be outstanding. Returns 0 when the request was sent (`done` follows),
 * E2E_XMPP_ERR_USAGE for an unusable argument (a JWK text with a "d" member, a private key, is
 * never sent), E2E_XMPP_ERR_CLOSED when the connection is gone
 * (done is not called then). */
E2ESASL_XMPP_EXPORT int e2e_xmpp_fetch_statement(e2e_xmpp* xmpp, const char* device_key_jwk,
                                                 const char* device_id,
                                                 e2e_xmpp_statement_done done, void* user);

/* e2e_xmpp_code_name: "refused", "timeout", ... */
E2ESASL_XMPP_EXPORT const char* e2e_xmpp_code_name(int code);

#ifdef __cplusplus
}
#endif

#endif /* E2ESASL_XMPP_H_ */
