/* sas_store.h: managing SAS-R255-PLUS's retained-secret store (the peers an end remembers after
 * a comparison its person confirmed; docs/mechanisms/sas.md, "Remembered peers"). C and C++;
 * link with -le2esasl-sas-store. The e2esasl-sas-peers program is a thin shell over these.
 *
 * Every function takes the store's path (the e2esasl_sas_store option of the application that
 * owns it), locks it like the mechanism does, and never returns or prints a secret. On failure
 * *error (when error is not NULL) is set to a text for people, to be freed with
 * e2esasl_sas_store_free_string. */
#ifndef E2ESASL_SAS_STORE_H_
#define E2ESASL_SAS_STORE_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes. */
#define E2ESASL_SAS_STORE_OK 0
#define E2ESASL_SAS_STORE_UNAVAILABLE 1 /* cannot be read or written: missing permission, wrong
                                           mode or owner, a symbolic link, corrupted, another
                                           version; the file is left as it was */
#define E2ESASL_SAS_STORE_BADPARAM 2    /* a NULL or empty argument */
#define E2ESASL_SAS_STORE_NOT_FOUND 3   /* forget: no remembered device of this identity */

typedef struct e2esasl_sas_peer {
  char* identity;              /* the peer's identity as the application named it (NUL-terminated) */
  unsigned char device[16];    /* the peer's device id */
  int verified;                /* 1: the chain began with a comparison both people confirmed */
  long long created;           /* Unix seconds: first comparison confirmed by people */
  long long confirmed;         /* last comparison confirmed by people */
  long long updated;           /* last change (a remembered exchange ratchets the secret) */
} e2esasl_sas_peer;

/* e2esasl_sas_store_list: every remembered device, in the store's order. A store that does not
 * exist yet has none (*count 0, *peers NULL). Free with e2esasl_sas_store_free_list. */
int e2esasl_sas_store_list(const char* path, e2esasl_sas_peer** peers, size_t* count,
                           char** error);
void e2esasl_sas_store_free_list(e2esasl_sas_peer* peers, size_t count);

/* e2esasl_sas_store_forget: forget every device of identity (the next exchange with it asks the
 * people again). *forgotten (when not NULL): how many devices. */
int e2esasl_sas_store_forget(const char* path, const char* identity, size_t* forgotten,
                             char** error);

/* e2esasl_sas_store_forget_all: forget every peer (this end's own device id stays). */
int e2esasl_sas_store_forget_all(const char* path, size_t* forgotten, char** error);

void e2esasl_sas_store_free_string(char* s);

#ifdef __cplusplus
}
#endif

#endif /* E2ESASL_SAS_STORE_H_ */
