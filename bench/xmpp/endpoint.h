// endpoint.h: one side (alice, the initiator, or bob, the responder) of the XMPP bench: the
// callbacks of its e2e_xmpp core and what they reported during the current run, including the
// stanza tally taken from the core's `trace` callback (docs/performance.md, "XMPP").
#ifndef E2ESASL_BENCH_XMPP_ENDPOINT_H_
#define E2ESASL_BENCH_XMPP_ENDPOINT_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "e2esasl/xmpp.h"

namespace e2esasl::bench::xmpp {

using Clock = std::chrono::steady_clock;

// StanzaTally: the stanzas one core sent while counting was on, and its flights: maximal runs
// of IQ sets it sent with no stanza taken in between. A flight ends when the core has to wait
// for its peer; the initiator's flights up to "authenticated" are the round trips.
struct StanzaTally {
  unsigned sets = 0;     // IQ sets sent (Jingle, IBB open/close, IBB data)
  unsigned data = 0;     // of which IBB data blocks
  unsigned results = 0;  // IQ results and errors sent (acknowledgements)
  size_t bytes = 0;      // XML text of everything sent, in bytes
  unsigned flights = 0;

  // Note one traced stanza (direction "out" or "in").
  void Note(std::string_view direction, std::string_view xml);

 private:
  bool in_flight_ = false;
};

// FirstTagAttr: the value of attribute `name` in the first start tag of xml ("" when absent).
// Only the start tag is scanned, so the cost does not grow with a data block's size.
std::string_view FirstTagAttr(std::string_view xml, std::string_view name);

// Endpoint: the callbacks of one core and the events of its current session. Owned by the run;
// the core holds a pointer to it (callbacks.user) while it is attached.
class Endpoint {
 public:
  explicit Endpoint(std::string name) : name_(std::move(name)) {}
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // Callbacks: every callback of <e2esasl/xmpp.h>; both SAS confirmations answer yes.
  e2e_xmpp_callbacks Callbacks();
  // Reset forgets the last session before a new run; counting starts on.
  void Reset();

  const std::string& name() const { return name_; }
  bool ended() const { return failed_code.has_value() || closed; }
  bool authenticated() const { return authenticated_at.has_value(); }

  e2e_xmpp_session* session = nullptr;
  std::optional<Clock::time_point> authenticated_at;
  std::optional<int> failed_code;
  std::string failed_reason;
  std::string mechanism;
  std::string binding;
  bool closed = false;
  size_t received = 0;                               // chat bytes received (data callback)
  size_t expect = 0;                                 // all_received_at is set once received >= it
  std::optional<Clock::time_point> all_received_at;  // when `expect` bytes had arrived
  bool counting = true;                              // tally stanzas while true
  bool echo = false;  // print the start of every traced stanza to stderr (--trace)
  StanzaTally tally;

 private:
  static int Incoming(void* user, e2e_xmpp_session* s, const char* peer);
  static void Authenticated(void* user, e2e_xmpp_session* s, const char* identity,
                            const char* mechanism, const char* binding);
  static void Failed(void* user, e2e_xmpp_session* s, int code, const char* reason);
  static void Data(void* user, e2e_xmpp_session* s, const char* text, size_t len);
  static void Closed(void* user, e2e_xmpp_session* s);
  static int SasConfirm(void* user, e2e_xmpp_session* s, const char* sas, int is_server);
  static void SasShow(void* user, e2e_xmpp_session* s, const char* sas);
  static void Trace(void* user, const char* direction, const char* xml);

  std::string name_;
};

}  // namespace e2esasl::bench::xmpp

#endif  // E2ESASL_BENCH_XMPP_ENDPOINT_H_
