// endpoint.cc: see endpoint.h.
#include "endpoint.h"

#include <cstdio>

namespace e2esasl::bench::xmpp {

std::string_view FirstTagAttr(std::string_view xml, std::string_view name) {
  const size_t end = xml.find('>');
  const std::string_view tag = xml.substr(0, end);
  for (size_t at = tag.find(name); at != std::string_view::npos; at = tag.find(name, at + 1)) {
    const size_t eq = at + name.size();
    if (at == 0 || tag[at - 1] != ' ' || eq + 1 >= tag.size() || tag[eq] != '=') {
      continue;
    }
    const char quote = tag[eq + 1];
    const size_t close = tag.find(quote, eq + 2);
    if (close == std::string_view::npos) {
      return {};
    }
    return tag.substr(eq + 2, close - eq - 2);
  }
  return {};
}

namespace {

// FirstChildIs: whether the element after the first start tag is named `name`.
bool FirstChildIs(std::string_view xml, std::string_view name) {
  const size_t end = xml.find('>');
  if (end == std::string_view::npos || end + 1 >= xml.size() || xml[end + 1] != '<') {
    return false;
  }
  const std::string_view rest = xml.substr(end + 2);
  return rest.starts_with(name) && rest.size() > name.size() &&
         (rest[name.size()] == ' ' || rest[name.size()] == '>' || rest[name.size()] == '/');
}

}  // namespace

void StanzaTally::Note(std::string_view direction, std::string_view xml) {
  if (direction != "out") {
    in_flight_ = false;  // whatever arrives ends the flight: the core waited for it
    return;
  }
  bytes += xml.size();
  if (FirstTagAttr(xml, "type") != "set") {
    ++results;
    return;
  }
  ++sets;
  if (FirstChildIs(xml, "data")) {
    ++data;
  }
  if (!in_flight_) {
    ++flights;
    in_flight_ = true;
  }
}

e2e_xmpp_callbacks Endpoint::Callbacks() {
  e2e_xmpp_callbacks cbs{};
  cbs.user = this;
  cbs.incoming = &Endpoint::Incoming;
  cbs.authenticated = &Endpoint::Authenticated;
  cbs.failed = &Endpoint::Failed;
  cbs.data = &Endpoint::Data;
  cbs.closed = &Endpoint::Closed;
  cbs.sas_confirm = &Endpoint::SasConfirm;
  cbs.sas_show = &Endpoint::SasShow;
  cbs.trace = &Endpoint::Trace;
  return cbs;
}

void Endpoint::Reset() {
  session = nullptr;
  authenticated_at.reset();
  failed_code.reset();
  failed_reason.clear();
  mechanism.clear();
  binding.clear();
  closed = false;
  received = 0;
  expect = 0;
  all_received_at.reset();
  counting = true;
  tally = StanzaTally{};
}

int Endpoint::Incoming(void* user, e2e_xmpp_session* s, const char* /*peer*/) {
  static_cast<Endpoint*>(user)->session = s;
  return E2E_XMPP_ACCEPT;
}

void Endpoint::Authenticated(void* user, e2e_xmpp_session* /*s*/, const char* /*identity*/,
                             const char* mechanism, const char* binding) {
  auto* self = static_cast<Endpoint*>(user);
  self->authenticated_at = Clock::now();
  self->mechanism = mechanism;
  self->binding = binding;
}

void Endpoint::Failed(void* user, e2e_xmpp_session* /*s*/, int code, const char* reason) {
  auto* self = static_cast<Endpoint*>(user);
  self->failed_code = code;
  self->failed_reason = reason;
  self->session = nullptr;
}

void Endpoint::Data(void* user, e2e_xmpp_session* /*s*/, const char* /*text*/, size_t len) {
  auto* self = static_cast<Endpoint*>(user);
  self->received += len;
  if (self->expect > 0 && self->received >= self->expect && !self->all_received_at) {
    self->all_received_at = Clock::now();
  }
}

void Endpoint::Closed(void* user, e2e_xmpp_session* /*s*/) {
  auto* self = static_cast<Endpoint*>(user);
  self->closed = true;
  self->session = nullptr;
}

int Endpoint::SasConfirm(void* /*user*/, e2e_xmpp_session* /*s*/, const char* /*sas*/,
                         int /*is_server*/) {
  return 1;  // both people compare the strings and say yes
}

void Endpoint::SasShow(void* /*user*/, e2e_xmpp_session* /*s*/, const char* /*sas*/) {}

void Endpoint::Trace(void* user, const char* direction, const char* xml) {
  auto* self = static_cast<Endpoint*>(user);
  if (self->counting) {
    self->tally.Note(direction, xml);
    if (self->echo) {
      const std::string_view text(xml);
      std::fprintf(stderr, "trace %s %-3s %.*s (%zu bytes)\n", self->name_.c_str(), direction,
                   static_cast<int>(std::min<size_t>(text.size(), 150)), xml, text.size());
    }
  }
}

}  // namespace e2esasl::bench::xmpp
