// xmpp_statement_answer_fuzz: the answer to e2e_xmpp_fetch_statement (xmpp/src/
// statement_fetch.cc), as a server would deliver it. The core of alice@localhost/laptop has one
// fetch outstanding; every "@ID@" in the input becomes that request's id, so the fuzzer reaches
// the answer's parser without guessing the random id. Invariants: handle_stanza answers -1, 0 or
// 1; the callback runs at most once per fetch, and exactly once once the connection is gone;
// a success carries a compact JWS (three base64url parts, at most 4096 bytes); the codes are
// the documented ones.
#include <cstddef>
#include <cstdint>
#include <string>

#include "e2esasl/xmpp.h"
#include "fuzz_check.h"

namespace {

struct State {
  std::string id;
  int calls = 0;
  int code = -1;
};

int Sink(void* user, const char* xml) {
  auto* state = static_cast<State*>(user);
  const std::string text(xml);
  const size_t at = text.find("id=\"");
  FUZZ_CHECK(at != std::string::npos);
  state->id = text.substr(at + 4, text.find('"', at + 4) - at - 4);
  return 0;
}

bool IsCompactJws(const std::string& token) {
  if (token.empty() || token.size() > 4096) {
    return false;
  }
  size_t dots = 0;
  for (char c : token) {
    const bool url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_';
    dots += c == '.' ? 1 : 0;
    if (!url && c != '.') {
      return false;
    }
  }
  return dots == 2;
}

void Done(void* user, int code, const char* statement, const char* reason) {
  auto* state = static_cast<State*>(user);
  ++state->calls;
  state->code = code;
  FUZZ_CHECK(reason != nullptr);
  FUZZ_CHECK(code == E2E_XMPP_OK || code == E2E_XMPP_ERR_USAGE || code == E2E_XMPP_ERR_REFUSED ||
             code == E2E_XMPP_ERR_UNAVAILABLE || code == E2E_XMPP_ERR_PROTOCOL ||
             code == E2E_XMPP_ERR_CLOSED);
  FUZZ_CHECK((code == E2E_XMPP_OK) == (statement != nullptr));
  if (statement != nullptr) {
    FUZZ_CHECK(IsCompactJws(statement));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  State state;
  e2e_xmpp_config config{};
  config.jid = "alice@localhost/laptop";
  config.timeout_ms = 60000;
  e2e_xmpp_io io{&state, &Sink};
  e2e_xmpp* core = e2e_xmpp_new(&config, &io, nullptr, nullptr);
  FUZZ_CHECK(core != nullptr);
  FUZZ_CHECK(e2e_xmpp_fetch_statement(core, R"({"kty":"EC"})", "laptop-1", &Done, &state) == 0);
  FUZZ_CHECK(!state.id.empty());
  std::string input(reinterpret_cast<const char*>(data), size);
  for (size_t at = input.find("@ID@"); at != std::string::npos;
       at = input.find("@ID@", at + state.id.size())) {
    input.replace(at, 4, state.id);
  }
  const int r = e2e_xmpp_handle_stanza(core, input.c_str());
  FUZZ_CHECK(r == -1 || r == 0 || r == 1);
  FUZZ_CHECK(state.calls == (r == 1 ? 1 : 0));
  e2e_xmpp_disconnected(core);
  FUZZ_CHECK(state.calls == 1);
  FUZZ_CHECK(r == 1 || state.code == E2E_XMPP_ERR_CLOSED);
  e2e_xmpp_free(core);
  return 0;
}
