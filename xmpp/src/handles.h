// handles.h: the RAII owners of the XMPP core: every OpenSSL and GnuTLS one from the shared
// e2esasl/handles.h, and Cyrus SASL's connection here. No file of xmpp/src calls their *_free /
// deinit / dispose functions itself.
#ifndef E2ESASL_XMPP_HANDLES_H_
#define E2ESASL_XMPP_HANDLES_H_

#include <memory>

#include <sasl/sasl.h>

#include "e2esasl/handles.h"

namespace e2esasl::xmpp {

// SaslConnPtr disposes a sasl_conn_t (sasl_dispose takes a pointer to the pointer).
using SaslConnPtr = std::unique_ptr<sasl_conn_t, FreeAddressWith<sasl_dispose>>;

}  // namespace e2esasl::xmpp

#endif  // E2ESASL_XMPP_HANDLES_H_
