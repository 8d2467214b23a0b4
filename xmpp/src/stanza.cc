// stanza.cc: see stanza.h.
#include "stanza.h"

#include <cstring>
#include <new>

namespace e2esasl::xmpp {
namespace {

constexpr const char* kStanzasNs = "urn:ietf:params:xml:ns:xmpp-stanzas";

// Checked turns libstrophe's allocation failures (NULL / XMPP_EMEM) into std::bad_alloc.
xmpp_stanza_t* Checked(xmpp_stanza_t* s) {
  if (s == nullptr) {
    throw std::bad_alloc();
  }
  return s;
}

void CheckedRc(int rc) {
  if (rc != XMPP_EOK) {
    throw std::bad_alloc();
  }
}

}  // namespace

StropheCtxPtr NewStropheCtx() {
  xmpp_ctx_t* ctx = xmpp_ctx_new(nullptr, nullptr);
  if (ctx == nullptr) {
    throw std::bad_alloc();
  }
  return StropheCtxPtr(ctx);
}

Stanza& Stanza::operator=(Stanza&& o) noexcept {
  if (this != &o) {
    if (s_ != nullptr) {
      xmpp_stanza_release(s_);
    }
    s_ = o.s_;
    o.s_ = nullptr;
  }
  return *this;
}

Stanza::~Stanza() {
  if (s_ != nullptr) {
    xmpp_stanza_release(s_);
  }
}

std::optional<Stanza> Stanza::Parse(xmpp_ctx_t* ctx, const char* xml) {
  if (xml == nullptr) {
    return std::nullopt;
  }
  xmpp_stanza_t* s = xmpp_stanza_new_from_string(ctx, xml);
  if (s == nullptr) {
    return std::nullopt;
  }
  return Stanza(s);
}

Stanza Stanza::Element(xmpp_ctx_t* ctx, const char* name, const char* ns) {
  Stanza s(Checked(xmpp_stanza_new(ctx)));
  CheckedRc(xmpp_stanza_set_name(s.get(), name));
  if (ns != nullptr && *ns != '\0') {
    CheckedRc(xmpp_stanza_set_ns(s.get(), ns));
  }
  return s;
}

Stanza Stanza::Iq(xmpp_ctx_t* ctx, const char* type, const std::string& id, const std::string& to) {
  Stanza s(Checked(xmpp_iq_new(ctx, type, id.c_str())));
  CheckedRc(xmpp_stanza_set_to(s.get(), to.c_str()));
  return s;
}

Stanza& Stanza::Attr(const char* name, const std::string& value) {
  CheckedRc(xmpp_stanza_set_attribute(s_, name, value.c_str()));
  return *this;
}

Stanza& Stanza::Add(Stanza child) {
  // add_child takes its own reference; ours goes with `child`.
  CheckedRc(xmpp_stanza_add_child(s_, child.get()));
  return *this;
}

Stanza& Stanza::Text(std::string_view text) {
  Stanza t(Checked(xmpp_stanza_new(xmpp_stanza_get_context(s_))));
  CheckedRc(xmpp_stanza_set_text_with_size(t.get(), text.data(), text.size()));
  return Add(std::move(t));
}

std::string Stanza::ToText() const {
  char* buf = nullptr;
  size_t len = 0;
  CheckedRc(xmpp_stanza_to_text(s_, &buf, &len));
  std::string out(buf, len);
  xmpp_free(xmpp_stanza_get_context(s_), buf);
  return out;
}

std::string_view AttrOf(xmpp_stanza_t* s, const char* name) {
  const char* v = s != nullptr ? xmpp_stanza_get_attribute(s, name) : nullptr;
  return v != nullptr ? std::string_view(v) : std::string_view();
}

std::string_view NameOf(xmpp_stanza_t* s) {
  const char* v = s != nullptr ? xmpp_stanza_get_name(s) : nullptr;
  return v != nullptr ? std::string_view(v) : std::string_view();
}

std::string_view NsOf(xmpp_stanza_t* s) {
  const char* v = s != nullptr ? xmpp_stanza_get_ns(s) : nullptr;
  return v != nullptr ? std::string_view(v) : std::string_view();
}

xmpp_stanza_t* ChildNs(xmpp_stanza_t* s, const char* name, const char* ns) {
  return s != nullptr ? xmpp_stanza_get_child_by_name_and_ns(s, name, ns) : nullptr;
}

xmpp_stanza_t* FirstElement(xmpp_stanza_t* s) {
  for (xmpp_stanza_t* c = s != nullptr ? xmpp_stanza_get_children(s) : nullptr; c != nullptr;
       c = xmpp_stanza_get_next(c)) {
    if (xmpp_stanza_is_tag(c)) {
      return c;
    }
  }
  return nullptr;
}

std::string TextOf(xmpp_stanza_t* s) {
  std::string out;
  for (xmpp_stanza_t* c = s != nullptr ? xmpp_stanza_get_children(s) : nullptr; c != nullptr;
       c = xmpp_stanza_get_next(c)) {
    if (xmpp_stanza_is_text(c)) {
      const char* t = xmpp_stanza_get_text_ptr(c);
      if (t != nullptr) {
        out += t;
      }
    }
  }
  return out;
}

Stanza ErrorIq(xmpp_ctx_t* ctx, const std::string& id, const std::string& to, const char* type,
               const char* condition, Stanza extra) {
  Stanza error = Stanza::Element(ctx, "error");
  error.Attr("type", type);
  error.Add(Stanza::Element(ctx, condition, kStanzasNs));
  if (extra) {
    error.Add(std::move(extra));
  }
  Stanza iq = Stanza::Iq(ctx, "error", id, to);
  iq.Add(std::move(error));
  return iq;
}

std::string ErrorCondition(xmpp_stanza_t* iq) {
  xmpp_stanza_t* error = iq != nullptr ? xmpp_stanza_get_child_by_name(iq, "error") : nullptr;
  for (xmpp_stanza_t* c = error != nullptr ? xmpp_stanza_get_children(error) : nullptr;
       c != nullptr; c = xmpp_stanza_get_next(c)) {
    if (xmpp_stanza_is_tag(c) && NsOf(c) == kStanzasNs && NameOf(c) != "text") {
      return std::string(NameOf(c));
    }
  }
  return "";
}

std::string BareJid(std::string_view jid) {
  size_t slash = jid.find('/');
  return std::string(jid.substr(0, slash));
}

}  // namespace e2esasl::xmpp
