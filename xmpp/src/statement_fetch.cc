// statement_fetch.cc: e2e_xmpp_fetch_statement - a client asks its home server (mod_e2e_vouch,
// docs/mechanisms/vouch.md "Prosody module") for a VOUCH statement about one of its device keys,
// over the authenticated client-to-server connection.
//
//   out: <iq type='set' to='DOMAIN' id='...'>
//          <statement xmlns='urn:e2esasl:vouch:0' device-id='ID'><jwk>JSON</jwk></statement></iq>
//   in:  <iq type='result' from='DOMAIN' id='...'>
//          <statement xmlns='urn:e2esasl:vouch:0'>COMPACT-JWS</statement></iq>
//        or <iq type='error' from='DOMAIN'> with a stanza error (xmpp.h lists the codes).
// Only an answer from DOMAIN counts (RFC 6120 section 8.1.2.1: the answer comes from the entity
// addressed); anything else with the same id is left to the application.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core.h"

namespace e2esasl::xmpp {
namespace {

constexpr size_t kMaxDeviceKeySize = 1024;  // the module's limit on the <jwk/> text
constexpr size_t kMaxDeviceIdSize = 128;    // plugins/vouch/statement.h kMaxDeviceIdSize
constexpr size_t kMaxStatementSize = 4096;  // plugins/vouch/statement.h kMaxStatementSize
constexpr const char* kStanzasNs = "urn:ietf:params:xml:ns:xmpp-stanzas";

// DomainOf: "domain" of "user@domain/resource".
std::string DomainOf(const std::string& jid) {
  std::string bare = BareJid(jid);
  size_t at = bare.find('@');
  return at == std::string::npos ? bare : bare.substr(at + 1);
}

bool IsPrintableAscii(std::string_view text) {
  for (char c : text) {
    if (c < 0x21 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

// IsCompactJws: three non-empty base64url parts separated by dots (RFC 7515 section 7.1).
bool IsCompactJws(std::string_view token) {
  if (token.empty() || token.size() > kMaxStatementSize) {
    return false;
  }
  size_t parts = 1;
  size_t part_size = 0;
  for (char c : token) {
    if (c == '.') {
      if (part_size == 0) {
        return false;
      }
      ++parts;
      part_size = 0;
      continue;
    }
    bool url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    if (!url) {
      return false;
    }
    ++part_size;
  }
  return parts == 3 && part_size != 0;
}

// ErrorText: the <text/> of an error IQ's <error/>, or "".
std::string ErrorText(xmpp_stanza_t* iq) {
  xmpp_stanza_t* error = xmpp_stanza_get_child_by_name(iq, "error");
  xmpp_stanza_t* text = error != nullptr ? ChildNs(error, "text", kStanzasNs) : nullptr;
  return TextOf(text);
}

// CodeOfCondition: the e2e_xmpp_code of a stanza error condition (xmpp.h).
int CodeOfCondition(const std::string& condition) {
  if (condition == "bad-request") {
    return E2E_XMPP_ERR_USAGE;
  }
  if (condition == "not-authorized" || condition == "forbidden") {
    return E2E_XMPP_ERR_REFUSED;
  }
  return E2E_XMPP_ERR_UNAVAILABLE;
}

}  // namespace

int Core::FetchStatement(const std::string& device_key_jwk, const std::string& device_id,
                         e2e_xmpp_statement_done done, void* user) {
  Entry entry(this);
  if (done == nullptr || device_key_jwk.empty() || device_key_jwk.size() > kMaxDeviceKeySize ||
      device_id.empty() || device_id.size() > kMaxDeviceIdSize || !IsPrintableAscii(device_id)) {
    return E2E_XMPP_ERR_USAGE;
  }
  // A private JWK (member "d") must never leave the device, not even to be refused.
  if (device_key_jwk.find("\"d\"") != std::string::npos) {
    return E2E_XMPP_ERR_USAGE;
  }
  if (disconnected_) {
    return E2E_XMPP_ERR_CLOSED;
  }
  xmpp_ctx_t* ctx = ctx_.get();
  std::string id = NewId();
  Stanza jwk = Stanza::Element(ctx, "jwk");
  jwk.Text(device_key_jwk);
  Stanza request = Stanza::Element(ctx, "statement", E2E_XMPP_NS_VOUCH);
  request.Attr("device-id", device_id).Add(std::move(jwk));
  Stanza iq = Stanza::Iq(ctx, "set", id, DomainOf(settings_.jid));
  iq.Add(std::move(request));
  fetches_[id] = Fetch{done, user, Clock::now() + settings_.timeout};
  if (!Send(iq)) {
    fetches_.erase(id);
    return E2E_XMPP_ERR_CLOSED;
  }
  return 0;
}

int Core::OnFetchAnswer(xmpp_stanza_t* iq, const std::string& text) {
  auto it = fetches_.find(std::string(AttrOf(iq, "id")));
  if (it == fetches_.end() || AttrOf(iq, "from") != DomainOf(settings_.jid)) {
    return 0;  // not our server's answer: a stray or a forgery with the same id
  }
  Fetch fetch = it->second;
  fetches_.erase(it);
  if (callbacks_.trace != nullptr) {
    callbacks_.trace(callbacks_.user, "in", text.c_str());
  }
  if (AttrOf(iq, "type") == "error") {
    std::string condition = ErrorCondition(iq);
    std::string why = ErrorText(iq);
    std::string reason =
        "the server refused the statement request: " +
        (condition.empty() ? std::string("an error without a condition") : condition) +
        (why.empty() ? "" : " (" + why + ")");
    fetch.done(fetch.user, CodeOfCondition(condition), nullptr, reason.c_str());
    return 1;
  }
  xmpp_stanza_t* statement = ChildNs(iq, "statement", E2E_XMPP_NS_VOUCH);
  std::string token = TextOf(statement);
  if (statement == nullptr || !IsCompactJws(token)) {
    fetch.done(fetch.user, E2E_XMPP_ERR_PROTOCOL, nullptr,
               "the server's answer holds no statement (a compact JWS of at most 4096 bytes)");
    return 1;
  }
  fetch.done(fetch.user, E2E_XMPP_OK, token.c_str(), "");
  return 1;
}

void Core::FinishFetches(Clock::time_point now, bool all, int code, const std::string& reason) {
  // Collected first: a callback may start another fetch.
  std::vector<Fetch> over;
  for (auto it = fetches_.begin(); it != fetches_.end();) {
    if (all || now >= it->second.deadline) {
      over.push_back(it->second);
      it = fetches_.erase(it);
    } else {
      ++it;
    }
  }
  for (const Fetch& fetch : over) {
    fetch.done(fetch.user, code, nullptr, reason.c_str());
  }
}

}  // namespace e2esasl::xmpp
