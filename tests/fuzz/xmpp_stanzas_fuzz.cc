// xmpp_stanzas_fuzz: the XMPP session core (responder bob@localhost/phone) fed a sequence of
// stanzas separated by NUL bytes, as a server would deliver them. Seeds: the stanzas bob received
// in a real session through Prosody (corpus/xmpp_stanzas/). Invariants: handle_stanza answers
// -1, 0 or 1; every stanza the core sends is well-formed XML with a `to`; no crash, leak or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include <strophe.h>

#include "e2esasl/xmpp.h"
#include "fuzz_check.h"

namespace {

xmpp_ctx_t* Ctx() {
  static xmpp_ctx_t* ctx = xmpp_ctx_new(nullptr, nullptr);
  return ctx;
}

int Sink(void* /*user*/, const char* xml) {
  xmpp_stanza_t* s = xmpp_stanza_new_from_string(Ctx(), xml);
  FUZZ_CHECK(s != nullptr);
  FUZZ_CHECK(xmpp_stanza_get_to(s) != nullptr);
  xmpp_stanza_release(s);
  return 0;
}

int Accept(void* /*user*/, e2e_xmpp_session* /*s*/, const char* /*peer*/) {
  return E2E_XMPP_ACCEPT;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  e2e_xmpp_config config{};
  config.jid = "bob@localhost/phone";
  config.timeout_ms = 1000;
  config.block_size = 4096;
  e2e_xmpp_io io{nullptr, &Sink};
  e2e_xmpp_callbacks callbacks{};
  callbacks.incoming = &Accept;
  e2e_xmpp* core = e2e_xmpp_new(&config, &io, &callbacks, nullptr);
  FUZZ_CHECK(core != nullptr);
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  size_t stanzas = 0;
  while (start <= input.size() && stanzas < 64) {
    size_t end = input.find('\0', start);
    if (end == std::string::npos) {
      end = input.size();
    }
    std::string stanza = input.substr(start, end - start);
    int r = e2e_xmpp_handle_stanza(core, stanza.c_str());
    FUZZ_CHECK(r == -1 || r == 0 || r == 1);
    ++stanzas;
    e2e_xmpp_tick(core);
    start = end + 1;
  }
  FUZZ_CHECK(e2e_xmpp_session_count(core) <= stanzas);
  e2e_xmpp_free(core);
  return 0;
}
