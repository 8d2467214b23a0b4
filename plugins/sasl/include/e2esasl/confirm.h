/* confirm.h: the callbacks through which an e2esasl mechanism asks a PERSON (not a program) to
 * accept or reject something, today the short authentication string of SAS-R255-PLUS
 * (docs/mechanisms/sas.md). C and C++; installed with the plugins.
 *
 * An application registers them in the sasl_callback_t list it passes to sasl_client_new /
 * sasl_server_new, like any Cyrus callback (the plugin finds them with utils->getcallback):
 *
 *   static int Confirm(void* context, const char* sas, unsigned sas_len, int is_server) {
 *     printf("Does the other end show %.*s? [yes/no] ", (int)sas_len, sas);
 *     ... read the person's answer ...
 *     return answer_is_yes ? SASL_OK : SASL_NOAUTHZ;
 *   }
 *   sasl_callback_t callbacks[] = {
 *     {E2ESASL_CB_SAS_CONFIRM, (int (*)(void))(void (*)(void))&Confirm, my_context},
 *     ...,
 *     {SASL_CB_LIST_END, NULL, NULL}};
 *
 * E2ESASL_CB_SAS_CONFIRM  e2esasl_confirm_t. Show `sas` (sas_len bytes, printable ASCII, not
 *                         NUL-terminated) to the person and return SASL_OK only if they say it is
 *                         the string the other end shows; any other value rejects (the exchange
 *                         then fails with SASL_BADAUTH). Called at most once per exchange and side,
 *                         from inside sasl_client_step / sasl_server_step (it may block).
 *                         Required on the server (without it the mechanism is not offered). On the
 *                         client it is optional: without it the client asks through SASL_INTERACT
 *                         (one SASL_CB_ECHOPROMPT prompt whose challenge is the string; the answer
 *                         "yes" or "y", any case, accepts; anything else rejects). The client's
 *                         person is asked first, the server's person last.
 * E2ESASL_CB_SAS_SHOW     e2esasl_confirm_t. Show the string to the person and return SASL_OK
 *                         without waiting for a decision; any other value aborts the exchange.
 *                         Required on the server (without it the mechanism is not offered): the
 *                         server calls it as soon as it knows the string, BEFORE the client's
 * person is asked, so that both people can compare before anyone answers. Optional on the client
 * (called one round trip earlier still). See docs/mechanisms/sas.md, "Procedure for people".
 *
 * E2ESASL_CB_SAS_CONTINUITY  e2esasl_continuity_t, optional on both sides. SAS-R255-PLUS with a
 *                         store of remembered peers (option e2esasl_sas_store) tells the
 *                         application how each exchange goes, with the peer's identity in the
 *                         store (the client: the serverFQDN given to sasl_client_new; the server:
 *                         the client's authentication identity; peer_len bytes, not
 *                         NUL-terminated). Return SASL_OK to go on; any other value aborts the
 *                         exchange (SASL_BADAUTH). Events, in the order they come:
 *   E2ESASL_SAS_REMEMBERED   the peer proved the secret remembered from an earlier exchange that
 *                            people verified: no person is asked in this exchange.
 *   E2ESASL_SAS_FIRST        nothing is remembered for this peer: the people compare the string.
 *   E2ESASL_SAS_NOT_MATCHED  SAY IT LOUDLY: this peer is remembered, but it did not prove the
 *                            secret: a new or changed device, a store lost at the other end, or
 *                            a man in the middle. The people compare the string (a man in the
 *                            middle cannot make the two strings equal); nothing remembered is
 *                            changed unless both people confirm.
 *   E2ESASL_SAS_STORED       after success: the peer is remembered (a new secret, or the
 *                            remembered one ratcheted forward).
 * Every event is also written to the SASL log (NOT_MATCHED as a warning).
 */
#ifndef E2ESASL_CONFIRM_H_
#define E2ESASL_CONFIRM_H_

#define E2ESASL_CB_SAS_CONFIRM 0xE2E50001UL
#define E2ESASL_CB_SAS_SHOW 0xE2E50002UL
#define E2ESASL_CB_SAS_CONTINUITY 0xE2E50003UL

#define E2ESASL_SAS_REMEMBERED 1
#define E2ESASL_SAS_FIRST 2
#define E2ESASL_SAS_NOT_MATCHED 3
#define E2ESASL_SAS_STORED 4

#ifdef __cplusplus
extern "C" {
#endif

typedef int e2esasl_confirm_t(void* context, const char* sas, unsigned sas_len, int is_server);
typedef int e2esasl_continuity_t(void* context, int event, const char* peer, unsigned peer_len,
                                 int is_server);

#ifdef __cplusplus
}
#endif

#endif /* E2ESASL_CONFIRM_H_ */
