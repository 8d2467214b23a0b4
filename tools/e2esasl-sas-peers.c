/* e2esasl-sas-peers: list and forget the peers a SAS-R255-PLUS retained-secret store remembers
 * (docs/mechanisms/sas.md, "Remembered peers"), through <e2esasl/sas_store.h>:
 *
 *   e2esasl-sas-peers --store PATH list                 one line per remembered device
 *   e2esasl-sas-peers --store PATH forget IDENTITY      forget every device of IDENTITY
 *   e2esasl-sas-peers --store PATH forget-all           forget every peer
 *
 * Never prints a secret. Exit status: 0 done; 1 the store cannot be read or written (the message
 * says why; the file is left as it was); 2 a bad command line; 3 forget: IDENTITY is not
 * remembered. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "e2esasl/sas_store.h"

static const char kUsage[] =
    "usage: e2esasl-sas-peers --store PATH list\n"
    "       e2esasl-sas-peers --store PATH forget IDENTITY\n"
    "       e2esasl-sas-peers --store PATH forget-all\n";

static int Usage(const char* why) {
  fprintf(stderr, "e2esasl-sas-peers: %s\n%s", why, kUsage);
  return 2;
}

static int Failed(int code, char* error) {
  fprintf(stderr, "e2esasl-sas-peers: %s\n", error != NULL ? error : "failed");
  e2esasl_sas_store_free_string(error);
  return code == E2ESASL_SAS_STORE_NOT_FOUND ? 3 : 1;
}

static void Time(long long seconds, char* out, size_t size) {
  const time_t t = (time_t)seconds;
  struct tm tm;
  if (gmtime_r(&t, &tm) == NULL || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
    snprintf(out, size, "%lld", seconds);
  }
}

static int List(const char* path) {
  e2esasl_sas_peer* peers = NULL;
  size_t count = 0;
  char* error = NULL;
  const int rc = e2esasl_sas_store_list(path, &peers, &count, &error);
  if (rc != E2ESASL_SAS_STORE_OK) {
    return Failed(rc, error);
  }
  printf("%-32s %-16s %-8s %-20s %-20s %s\n", "identity", "device", "verified", "first confirmed",
         "last confirmed", "last used");
  for (size_t i = 0; i < count; ++i) {
    char device[17], created[32], confirmed[32], updated[32];
    for (int b = 0; b < 8; ++b) {
      snprintf(device + 2 * b, 3, "%02x", peers[i].device[b]);
    }
    Time(peers[i].created, created, sizeof created);
    Time(peers[i].confirmed, confirmed, sizeof confirmed);
    Time(peers[i].updated, updated, sizeof updated);
    printf("%-32s %-16s %-8s %-20s %-20s %s\n", peers[i].identity, device,
           peers[i].verified ? "yes" : "no", created, confirmed, updated);
  }
  printf("%zu remembered device%s\n", count, count == 1 ? "" : "s");
  e2esasl_sas_store_free_list(peers, count);
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 4 || strcmp(argv[1], "--store") != 0) {
    return Usage("expected --store PATH and a command");
  }
  const char* path = argv[2];
  const char* command = argv[3];
  char* error = NULL;
  size_t forgotten = 0;
  int rc;
  if (strcmp(command, "list") == 0 && argc == 4) {
    return List(path);
  } else if (strcmp(command, "forget") == 0 && argc == 5) {
    rc = e2esasl_sas_store_forget(path, argv[4], &forgotten, &error);
  } else if (strcmp(command, "forget-all") == 0 && argc == 4) {
    rc = e2esasl_sas_store_forget_all(path, &forgotten, &error);
  } else {
    return Usage("unknown command or wrong number of arguments");
  }
  if (rc != E2ESASL_SAS_STORE_OK) {
    return Failed(rc, error);
  }
  printf("forgot %zu device%s\n", forgotten, forgotten == 1 ? "" : "s");
  return 0;
}
