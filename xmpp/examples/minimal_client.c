/* minimal_client.c: log in to XMPP, authenticate a peer end to end with CPACE-R255-PLUS inside
 * TLS over the XMPP servers, say one line, quit. Secrets come from the environment.
 *   XMPP_PASSWORD=... E2E_SECRET=... ./minimal_client JID HOST PORT CAFILE PEER_FULL_JID
 * Exit: 0 authenticated and closed, else an e2e_xmpp_code. */
#include <stdio.h>
#include <stdlib.h>

#include <e2esasl/xmpp.h>
#include <e2esasl/xmpp_strophe.h>
#include <strophe.h>

static e2e_xmpp* core;
static const char* peer;
static int done, status = E2E_XMPP_ERR_SETUP;

static void authenticated(void* user, e2e_xmpp_session* s, const char* identity,
                          const char* mechanism, const char* binding) {
  (void)user, (void)identity;
  printf("authenticated %s with %s (%s)\n", e2e_xmpp_session_peer(s), mechanism, binding);
  e2e_xmpp_send(s, "hello, end to end", 17);
  e2e_xmpp_close(s);
}
static void failed(void* user, e2e_xmpp_session* s, int code, const char* reason) {
  (void)user, (void)s;
  fprintf(stderr, "failed (%s): %s\n", e2e_xmpp_code_name(code), reason);
  status = code, done = 1;
}
static void closed(void* user, e2e_xmpp_session* s) { (void)user, (void)s, status = 0, done = 1; }

static void on_connection(xmpp_conn_t* conn, xmpp_conn_event_t event, int error,
                          xmpp_stream_error_t* stream_error, void* user) {
  (void)error, (void)stream_error, (void)user;
  if (event != XMPP_CONN_CONNECT) {
    done = 1;
    return;
  }
  e2e_xmpp_config config = {0}; /* defaults: our bound JID, OpenSSL, best channel binding */
  config.plugin_path = getenv("SASL_PATH");
  e2e_xmpp_callbacks callbacks = {0};
  callbacks.authenticated = authenticated, callbacks.failed = failed, callbacks.closed = closed;
  char* why = NULL;
  core = e2e_xmpp_strophe_attach(conn, &config, &callbacks, &why);
  e2e_xmpp_start_options options = {0};
  options.mechanism = "CPACE-R255-PLUS", options.password = getenv("E2E_SECRET");
  if (core == NULL || e2e_xmpp_start(core, peer, &options) == NULL) {
    fprintf(stderr, "cannot start: %s\n", why ? why : "bad peer JID");
    e2e_xmpp_free_string(why);
    done = 1;
  }
}

int main(int argc, char** argv) {
  if (argc != 6 || !getenv("XMPP_PASSWORD") || !getenv("E2E_SECRET")) {
    fprintf(stderr, "usage: XMPP_PASSWORD=.. E2E_SECRET=.. %s JID HOST PORT CAFILE PEER\n", argv[0]);
    return E2E_XMPP_ERR_USAGE;
  }
  peer = argv[5];
  xmpp_initialize();
  xmpp_ctx_t* ctx = xmpp_ctx_new(NULL, NULL);
  xmpp_conn_t* conn = xmpp_conn_new(ctx);
  xmpp_conn_set_jid(conn, argv[1]);
  xmpp_conn_set_pass(conn, getenv("XMPP_PASSWORD"));
  xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_MANDATORY_TLS);
  xmpp_conn_set_cafile(conn, argv[4]); /* the server's certificate is verified */
  if (xmpp_connect_client(conn, argv[2], (unsigned short)atoi(argv[3]), on_connection, NULL) ==
      XMPP_EOK) {
    while (!done) xmpp_run_once(ctx, 50);
  }
  if (core) e2e_xmpp_strophe_detach(core); /* before the connection goes */
  xmpp_disconnect(conn);
  xmpp_conn_release(conn);
  xmpp_ctx_free(ctx);
  xmpp_shutdown();
  return status;
}
