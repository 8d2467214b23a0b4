// handles.h: the RAII owners e2e-demo uses: every OpenSSL, GnuTLS and POSIX one from the shared
// e2esasl/handles.h, and Cyrus SASL's connection here. No file of client-demo/ calls *_free,
// gnutls_deinit, sasl_dispose or close itself.
#ifndef E2ESASL_CLIENT_DEMO_HANDLES_H_
#define E2ESASL_CLIENT_DEMO_HANDLES_H_

#include <memory>

#include <sasl/sasl.h>

#include "e2esasl/handles.h"

namespace e2esasl::demo {

// SaslConnPtr disposes a sasl_conn_t (sasl_dispose takes a pointer to the pointer).
using SaslConnPtr = std::unique_ptr<sasl_conn_t, FreeAddressWith<sasl_dispose>>;

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_HANDLES_H_
