/* vouch.h: the callback through which VOUCH-ES256-PLUS reports key continuity to the application
 * (docs/mechanisms/vouch.md, "Key continuity"). C and C++; installed with the plugins.
 *
 * Each end that keeps a key-continuity store (option e2esasl_vouch_continuity) records the
 * peer's device key once the peer has proved it on this channel, and reports the verdict:
 *
 *   static int KeyReport(void* context, const e2esasl_vouch_key_report_t* report) {
 *     if (report->verdict == E2ESASL_VOUCH_CHANGED_KEY) {
 *       warn_user("the key of %s changed (evidence: %s)", report->identity,
 *                 report->evidence_path);
 *     }
 *     return SASL_OK;
 *   }
 *   sasl_callback_t callbacks[] = {
 *     {E2ESASL_CB_VOUCH_KEY, (int (*)(void))(void (*)(void))&KeyReport, my_context},
 *     ...,
 *     {SASL_CB_LIST_END, NULL, NULL}};
 *
 * E2ESASL_CB_VOUCH_KEY  e2esasl_vouch_key_t, optional. Called once per exchange and end that
 *                       keeps a store, from inside sasl_client_step / sasl_server_step, after
 *                       the store was updated (or left alone: a refused change). The strings are
 *                       NUL-terminated and valid only during the call; none is a secret.
 *                       The return value: SASL_OK lets the exchange go on as the policy decided;
 *                       any other value refuses it (SASL_BADAUTH, "the application refused the
 *                       peer's key"). When report->accepted is 0 the exchange is refused anyway.
 * Whatever the application does, the plugin also logs one line per observation (SASL_LOG_NOTE
 * for a first contact or a known key, SASL_LOG_WARN for a changed key).
 */
#ifndef E2ESASL_VOUCH_H_
#define E2ESASL_VOUCH_H_

/* The next id after confirm.h's (0xE2E50001..3): the ids are e2esasl's, one per callback. */
#define E2ESASL_CB_VOUCH_KEY 0xE2E50004UL

/* The verdicts (report->verdict). */
#define E2ESASL_VOUCH_FIRST_CONTACT 1 /* no key was known for the identity: stored */
#define E2ESASL_VOUCH_KNOWN_KEY 2     /* this key was seen for the identity before */
#define E2ESASL_VOUCH_CHANGED_KEY 3   /* the identity is known with other keys only */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct e2esasl_vouch_key_report {
  int verdict;            /* E2ESASL_VOUCH_* */
  int accepted;           /* 1: the policy accepts the key (changed: option "warn"); 0: refused */
  int is_server;          /* 1: reported by the server (the peer is the client) */
  const char* identity;   /* the peer's identity (its statement's sub) */
  const char* device_id;  /* the statement's device_id */
  const char* thumbprint; /* the key's RFC 7638 SHA-256 thumbprint (base64url) */
  const char* evidence_path; /* the evidence file written for a changed key, else "" */
} e2esasl_vouch_key_report_t;

typedef int e2esasl_vouch_key_t(void* context, const e2esasl_vouch_key_report_t* report);

#ifdef __cplusplus
}
#endif

#endif /* E2ESASL_VOUCH_H_ */
