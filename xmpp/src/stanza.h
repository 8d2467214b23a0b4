// stanza.h: XML stanzas for the XMPP session core, parsed and written with libstrophe's stanza
// API (which parses with expat and escapes on output). The core never builds XML by hand.
#ifndef E2ESASL_XMPP_STANZA_H_
#define E2ESASL_XMPP_STANZA_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <strophe.h>

namespace e2esasl::xmpp {

// StropheCtx owns the libstrophe context the core uses for XML only (no connection).
struct StropheCtxDeleter {
  void operator()(xmpp_ctx_t* ctx) const { xmpp_ctx_free(ctx); }
};
using StropheCtxPtr = std::unique_ptr<xmpp_ctx_t, StropheCtxDeleter>;
StropheCtxPtr NewStropheCtx();

// Stanza owns one reference to an xmpp_stanza_t (or none).
class Stanza {
 public:
  Stanza() = default;
  explicit Stanza(xmpp_stanza_t* owned) : s_(owned) {}
  Stanza(Stanza&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stanza& operator=(Stanza&& o) noexcept;
  Stanza(const Stanza&) = delete;
  Stanza& operator=(const Stanza&) = delete;
  ~Stanza();

  // Parse reads one element; std::nullopt when xml is not well-formed.
  static std::optional<Stanza> Parse(xmpp_ctx_t* ctx, const char* xml);
  // Element makes <name xmlns='ns'/> (ns may be empty).
  static Stanza Element(xmpp_ctx_t* ctx, const char* name, const char* ns = nullptr);
  // Iq makes <iq type='type' id='id' to='to'/>.
  static Stanza Iq(xmpp_ctx_t* ctx, const char* type, const std::string& id, const std::string& to);

  xmpp_stanza_t* get() const { return s_; }
  explicit operator bool() const { return s_ != nullptr; }

  Stanza& Attr(const char* name, const std::string& value);
  // Add adds child (moved in) and returns *this.
  Stanza& Add(Stanza child);
  // Text adds a text node.
  Stanza& Text(std::string_view text);
  // ToText serializes.
  std::string ToText() const;

 private:
  xmpp_stanza_t* s_ = nullptr;
};

// Views on a borrowed xmpp_stanza_t (nullptr-safe: every accessor of nullptr gives "").
std::string_view AttrOf(xmpp_stanza_t* s, const char* name);
std::string_view NameOf(xmpp_stanza_t* s);
std::string_view NsOf(xmpp_stanza_t* s);
// ChildNs: the first child element with this name and namespace, or nullptr.
xmpp_stanza_t* ChildNs(xmpp_stanza_t* s, const char* name, const char* ns);
// FirstElement: the first child that is an element, or nullptr.
xmpp_stanza_t* FirstElement(xmpp_stanza_t* s);
// TextOf: the concatenated text of s's text children (not of grandchildren).
std::string TextOf(xmpp_stanza_t* s);

// ErrorIq makes the error answer to the IQ `request` from `to`: <iq type='error' id=... to=...>
// <error type='type'><condition xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>[extra]</error></iq>.
// extra: an optional application-specific condition element.
Stanza ErrorIq(xmpp_ctx_t* ctx, const std::string& id, const std::string& to, const char* type,
               const char* condition, Stanza extra = Stanza());
// ErrorCondition: the defined condition of an error IQ ("item-not-found"), or "".
std::string ErrorCondition(xmpp_stanza_t* iq);

// BareJid: "user@host" of "user@host/resource".
std::string BareJid(std::string_view jid);

}  // namespace e2esasl::xmpp

#endif  // E2ESASL_XMPP_STANZA_H_
