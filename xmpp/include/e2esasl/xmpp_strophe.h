/* e2esasl/xmpp_strophe.h: the libstrophe adapter of <e2esasl/xmpp.h>.
 *
 * Given a connected (and bound) xmpp_conn_t, e2e_xmpp_strophe_attach creates the core, registers
 * an IQ handler that gives it every IQ stanza, a timed handler that ticks it, and sends its stanzas
 * on the connection. Everything runs in libstrophe's event loop (xmpp_run / xmpp_run_once).
 */
#ifndef E2ESASL_XMPP_STROPHE_H_
#define E2ESASL_XMPP_STROPHE_H_

#include <strophe.h>

#include "e2esasl/xmpp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* e2e_xmpp_strophe_attach: config->jid may be NULL (the connection's bound JID is used). Returns
 * NULL with *error set (free with e2e_xmpp_free_string) when the core cannot be made or the
 * connection has no bound JID. */
E2ESASL_XMPP_EXPORT e2e_xmpp* e2e_xmpp_strophe_attach(xmpp_conn_t* conn,
                                                      const e2e_xmpp_config* config,
                                                      const e2e_xmpp_callbacks* callbacks,
                                                      char** error);
/* e2e_xmpp_strophe_detach: removes the handlers and frees the core (e2e_xmpp_free). */
E2ESASL_XMPP_EXPORT void e2e_xmpp_strophe_detach(e2e_xmpp* xmpp);

#ifdef __cplusplus
}
#endif

#endif /* E2ESASL_XMPP_STROPHE_H_ */
