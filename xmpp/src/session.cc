// session.cc: Jingle negotiation and the ends of one session (see session.h; the in-band
// bytestream and the inner TLS are in transport.cc, the inner line protocol in inner.cc).
#include "session.h"

#include <charconv>

#include <openssl/crypto.h>


namespace e2esasl::xmpp {
namespace {

constexpr const char* kContentName = "e2esasl";

}  // namespace

std::string StateName(Session::State s) {
  switch (s) {
    case Session::State::kInitiating:
      return "waiting for the peer to receive the session request";
    case Session::State::kWaitingAccept:
      return "waiting for the peer to accept";
    case Session::State::kAsking:
      return "waiting for this end's person to accept";
    case Session::State::kAccepted:
      return "waiting for the peer to open the bytestream";
    case Session::State::kOpening:
      return "opening the bytestream";
    case Session::State::kHandshaking:
      return "during the inner TLS handshake";
    case Session::State::kAuthenticating:
      return "during authentication";
    case Session::State::kOpen:
      return "after authentication";
    case Session::State::kClosing:
      return "while closing";
    case Session::State::kDone:
      return "after the end";
  }
  return "";
}

std::optional<unsigned> ParseUnsigned(std::string_view text, unsigned max) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || value > max) {
    return std::nullopt;
  }
  return value;
}

Session::Session(Core* core, std::string peer, std::string sid, bool initiator)
    : core_(core),
      peer_(std::move(peer)),
      sid_(std::move(sid)),
      initiator_(initiator),
      state_(initiator ? State::kInitiating : State::kAsking),
      deadline_(Clock::now() + core->settings().timeout),
      block_size_(core->settings().block_size) {
  const e2e_xmpp_callbacks& cbs = core_->callbacks();
  // SAS-R255-PLUS needs both callbacks; its steps run on person_'s worker, whose hooks post the
  // questions back here (ask_) so that the application is only ever called in its own thread.
  if (cbs.sas_confirm != nullptr) {
    hooks_.confirm = person_.WorkerHooks()->confirm;
    ask_.confirm = [this](const std::string& sas, bool is_server) {
      DeliverContinuity();
      const e2e_xmpp_callbacks& c = core_->callbacks();
      return c.sas_confirm(c.user, this, sas.c_str(), is_server ? 1 : 0);
    };
  }
  if (cbs.sas_show != nullptr) {
    hooks_.show = person_.WorkerHooks()->show;
    ask_.show = [this](const std::string& sas) {
      DeliverContinuity();
      const e2e_xmpp_callbacks& c = core_->callbacks();
      c.sas_show(c.user, this, sas.c_str());
    };
  }
  if (cbs.sas_continuity != nullptr) {
    hooks_.continuity = [this](int event, const std::string& peer) {
      std::lock_guard<std::mutex> lock(continuity_mu_);
      continuity_events_.emplace_back(event, peer);
    };
  }
}

void Session::DeliverContinuity() {
  std::vector<std::pair<int, std::string>> events;
  {
    std::lock_guard<std::mutex> lock(continuity_mu_);
    events.swap(continuity_events_);
  }
  const e2e_xmpp_callbacks& c = core_->callbacks();
  for (const auto& [event, peer] : events) {
    if (c.sas_continuity != nullptr && state_ != State::kDone) {
      c.sas_continuity(c.user, this, event, peer.c_str());
    }
  }
}

Session::~Session() {
  person_.Cancel();
  OPENSSL_cleanse(password_.data(), password_.size());
}

// --- Jingle ---------------------------------------------------------------------------------

void Session::SendJingle(const char* action, bool with_content) {
  xmpp_ctx_t* ctx = core_->ctx();
  Stanza jingle = Stanza::Element(ctx, "jingle", E2E_XMPP_NS_JINGLE);
  jingle.Attr("action", action).Attr("sid", sid_);
  jingle.Attr("initiator", initiator_ ? core_->settings().jid : peer_);
  if (!initiator_ && std::string_view(action) == "session-accept") {
    jingle.Attr("responder", core_->settings().jid);
  }
  if (with_content) {
    Stanza content = Stanza::Element(ctx, "content");
    content.Attr("creator", "initiator").Attr("name", kContentName).Attr("senders", "both");
    content.Add(Stanza::Element(ctx, "description", E2E_XMPP_NS_APP));
    Stanza transport = Stanza::Element(ctx, "transport", E2E_XMPP_NS_JINGLE_IBB);
    transport.Attr("block-size", std::to_string(block_size_)).Attr("sid", ibb_sid_);
    content.Add(std::move(transport));
    jingle.Add(std::move(content));
  }
  std::string id = core_->NewId();
  Stanza iq = Stanza::Iq(ctx, "set", id, peer_);
  iq.Add(std::move(jingle));
  if (!core_->SendIq(this, std::move(iq), id)) {
    Fail(E2E_XMPP_ERR_CLOSED, "the XMPP connection refused to send", nullptr);
    return;
  }
  if (std::string_view(action) == "session-initiate") {
    initiate_iq_id_ = id;
  } else if (std::string_view(action) == "session-accept") {
    accept_iq_id_ = id;
  }
}

void Session::SendTerminate(const char* reason, const std::string& text) {
  xmpp_ctx_t* ctx = core_->ctx();
  Stanza jingle = Stanza::Element(ctx, "jingle", E2E_XMPP_NS_JINGLE);
  jingle.Attr("action", "session-terminate").Attr("sid", sid_);
  jingle.Attr("initiator", initiator_ ? core_->settings().jid : peer_);
  Stanza why = Stanza::Element(ctx, "reason");
  why.Add(Stanza::Element(ctx, reason));
  if (!text.empty()) {
    Stanza t = Stanza::Element(ctx, "text");
    t.Text(text.substr(0, 400));
    why.Add(std::move(t));
  }
  jingle.Add(std::move(why));
  std::string id = core_->NewId();
  Stanza iq = Stanza::Iq(ctx, "set", id, peer_);
  iq.Add(std::move(jingle));
  terminate_iq_id_ = id;
  core_->SendIq(this, std::move(iq), id);  // best effort: the session ends either way
}

void Session::Ack(xmpp_stanza_t* iq) {
  Stanza result = Stanza::Iq(core_->ctx(), "result", std::string(AttrOf(iq, "id")), peer_);
  core_->Send(result);
}

void Session::AnswerError(xmpp_stanza_t* iq, const char* type, const char* condition) {
  core_->Send(ErrorIq(core_->ctx(), std::string(AttrOf(iq, "id")), peer_, type, condition));
}

void Session::Initiate(const e2e_xmpp_start_options& options) {
  ibb_sid_ = Core::RandomHex(8);
  user_ = options.user != nullptr ? options.user : BareJid(core_->settings().jid);
  password_ = options.password != nullptr ? options.password : "";
  authzid_ = options.authzid != nullptr ? options.authzid : "";
  requested_mech_ = options.mechanism != nullptr ? options.mechanism : "";
  SendJingle("session-initiate", /*with_content=*/true);
}

void Session::Incoming(unsigned offered_block_size, std::string ibb_sid) {
  ibb_sid_ = std::move(ibb_sid);
  block_size_ = std::min(block_size_, offered_block_size);
  const e2e_xmpp_callbacks& cbs = core_->callbacks();
  int answer =
      cbs.incoming != nullptr ? cbs.incoming(cbs.user, this, peer_.c_str()) : E2E_XMPP_ACCEPT;
  if (state_ != State::kAsking) {
    return;  // the callback closed the session
  }
  if (answer == E2E_XMPP_ACCEPT) {
    Accept();
  } else if (answer != E2E_XMPP_PENDING) {
    Decline();
  }
}

int Session::Accept() {
  if (state_ != State::kAsking) {
    return -1;
  }
  state_ = State::kAccepted;
  deadline_ = Clock::now() + core_->settings().timeout;
  SendJingle("session-accept", /*with_content=*/true);
  return 0;
}

int Session::Decline() {
  if (state_ != State::kAsking) {
    return -1;
  }
  SendTerminate("decline", "declined");
  state_ = State::kDone;  // no callback: the application decided
  return 0;
}

void Session::OnJingle(xmpp_stanza_t* iq, xmpp_stanza_t* jingle) {
  std::string_view action = AttrOf(jingle, "action");
  if (action == "session-accept") {
    if (!initiator_ || (state_ != State::kWaitingAccept && state_ != State::kInitiating)) {
      // XEP-0166 s7.2: an action out of order.
      core_->Send(ErrorIq(core_->ctx(), std::string(AttrOf(iq, "id")), peer_, "cancel",
                          "unexpected-request"));
      return;
    }
    xmpp_stanza_t* content = ChildNs(jingle, "content", E2E_XMPP_NS_JINGLE);
    xmpp_stanza_t* transport = ChildNs(content, "transport", E2E_XMPP_NS_JINGLE_IBB);
    std::optional<unsigned> size = ParseUnsigned(AttrOf(transport, "block-size"), kMaxBlockSize);
    if (transport == nullptr || AttrOf(transport, "sid") != ibb_sid_ || !size || *size == 0 ||
        *size > block_size_) {
      AnswerError(iq, "cancel", "bad-request");
      Fail(E2E_XMPP_ERR_PROTOCOL, "the peer's session-accept does not match the offered transport",
           "failed-transport");
      return;
    }
    Ack(iq);
    block_size_ = *size;
    OpenBytestream();
    return;
  }
  if (action == "session-terminate") {
    Ack(iq);
    xmpp_stanza_t* reason = ChildNs(jingle, "reason", E2E_XMPP_NS_JINGLE);
    xmpp_stanza_t* condition = FirstElement(reason);
    std::string name(NameOf(condition));
    if (name == "text") {
      condition = xmpp_stanza_get_next(condition);
      name = NameOf(condition);
    }
    std::string text = TextOf(ChildNs(reason, "text", E2E_XMPP_NS_JINGLE));
    if (state_ == State::kClosing || (state_ == State::kOpen && name == "success")) {
      Finish();
      return;
    }
    state_ = State::kDone;  // the peer ended it: no terminate back
    e2e_xmpp_code code = name == "decline"          ? E2E_XMPP_ERR_DECLINED
                         : name == "security-error" ? E2E_XMPP_ERR_REFUSED
                                                    : E2E_XMPP_ERR_CLOSED;
    const e2e_xmpp_callbacks& cbs = core_->callbacks();
    std::string message = "the peer ended the session (" + (name.empty() ? "no reason" : name) +
                          (text.empty() ? "" : ": " + text) + ")";
    if (cbs.failed != nullptr) {
      cbs.failed(cbs.user, this, code, message.c_str());
    }
    return;
  }
  if (action == "session-info" || action == "security-info") {
    Ack(iq);  // XEP-0166: an empty session-info is a ping
    return;
  }
  // Other actions (content-*, transport-*) are not part of this application.
  core_->Send(ErrorIq(core_->ctx(), std::string(AttrOf(iq, "id")), peer_, "cancel",
                      "feature-not-implemented"));
}

void Session::OnResponse(xmpp_stanza_t* iq) {
  std::string id(AttrOf(iq, "id"));
  bool error = AttrOf(iq, "type") == "error";
  std::string condition = error ? ErrorCondition(iq) : "";
  if (id == terminate_iq_id_) {
    return;  // acknowledgement of our terminate: nothing more to do
  }
  if (id == close_iq_id_) {
    close_iq_id_.clear();
    if (state_ == State::kClosing) {
      SendTerminate("success", "");
      Finish();
    }
    return;
  }
  if (id == initiate_iq_id_) {
    initiate_iq_id_.clear();
    if (error && state_ < State::kHandshaking) {
      e2e_xmpp_code code = condition == "forbidden" || condition == "not-authorized"
                               ? E2E_XMPP_ERR_DECLINED
                               : E2E_XMPP_ERR_UNAVAILABLE;
      state_ = State::kDone;
      const e2e_xmpp_callbacks& cbs = core_->callbacks();
      std::string message = "the session request to " + peer_ +
                            " failed: " + (condition.empty() ? "error" : condition) +
                            " (peer offline, unknown, or without this feature)";
      if (cbs.failed != nullptr) {
        cbs.failed(cbs.user, this, code, message.c_str());
      }
    } else if (state_ == State::kInitiating) {
      state_ = State::kWaitingAccept;
    }
    return;
  }
  if (id == accept_iq_id_) {
    accept_iq_id_.clear();
    if (error) {
      Fail(E2E_XMPP_ERR_CLOSED, "the peer rejected our session-accept: " + condition, nullptr);
    }
    return;
  }
  if (id == open_iq_id_) {
    open_iq_id_.clear();
    if (error) {
      Fail(E2E_XMPP_ERR_PROTOCOL, "the peer refused the in-band bytestream: " + condition,
           "failed-transport");
    } else if (state_ == State::kOpening) {
      StartTls();
    }
    return;
  }
  // A data acknowledgement.
  if (error) {
    Fail(E2E_XMPP_ERR_CLOSED, "the peer rejected a data block: " + condition, "connectivity-error");
    return;
  }
  if (outstanding_ > 0) {
    --outstanding_;
  }
  oldest_ack_due_ = Clock::now() + kAckTimeout;
  FlushBlocks();
}

// --- Ends -----------------------------------------------------------------------------------

void Session::OnTick(Clock::time_point now) {
  Resume();
  if (state_ == State::kDone) {
    return;
  }
  if (state_ == State::kClosing) {
    if (now >= deadline_) {
      Finish();
    }
    return;
  }
  if (state_ != State::kOpen && now >= deadline_) {
    Fail(E2E_XMPP_ERR_TIMEOUT,
         "no authentication within " + std::to_string(core_->settings().timeout.count() / 1000) +
             " s (" + StateName(state_) + ")",
         "timeout");
    return;
  }
  if (outstanding_ > 0 && now >= oldest_ack_due_) {
    Fail(E2E_XMPP_ERR_TIMEOUT, "the peer stopped acknowledging data", "timeout");
  }
}

void Session::OnDisconnected() {
  if (state_ == State::kDone) {
    return;
  }
  if (state_ == State::kClosing) {
    Finish();
    return;
  }
  state_ = State::kDone;
  person_.Cancel();
  const e2e_xmpp_callbacks& cbs = core_->callbacks();
  if (cbs.failed != nullptr) {
    cbs.failed(cbs.user, this, E2E_XMPP_ERR_CLOSED, "the XMPP connection was lost");
  }
}

void Session::Fail(e2e_xmpp_code code, const std::string& reason, const char* jingle_reason) {
  if (state_ == State::kDone) {
    return;
  }
  person_.Cancel();  // a step waiting for its person ends with "no" (worker joined)
  after_step_ = nullptr;
  if (jingle_reason != nullptr) {
    // The last inner line (a FAIL) must reach the peer before the terminate: send what is queued
    // regardless of the window (XMPP keeps the order of stanzas between two entities).
    while (!queued_.empty() && !core_->disconnected()) {
      size_t before = queued_.size();
      outstanding_ = 0;
      FlushBlocks();
      if (queued_.size() == before) {
        break;
      }
    }
    if (state_ == State::kDone) {
      return;
    }
    SendTerminate(jingle_reason, reason);
  }
  state_ = State::kDone;
  OPENSSL_cleanse(password_.data(), password_.size());
  client_.reset();
  server_.reset();
  const e2e_xmpp_callbacks& cbs = core_->callbacks();
  if (cbs.failed != nullptr) {
    cbs.failed(cbs.user, this, code, reason.c_str());
  }
}

void Session::Finish() {
  if (state_ == State::kDone) {
    return;
  }
  state_ = State::kDone;
  const e2e_xmpp_callbacks& cbs = core_->callbacks();
  if (cbs.closed != nullptr) {
    cbs.closed(cbs.user, this);
  }
}

void Session::Close() {
  switch (state_) {
    case State::kDone:
    case State::kClosing:
      return;
    case State::kOpen:
      if (!said_bye_ && !core_->settings().relay) {
        SendInner("BYE");
        said_bye_ = true;
      }
      tls_->Close();
      state_ = State::kClosing;
      deadline_ = Clock::now() + kCloseTimeout;
      FlushTls();
      FlushBlocks();
      return;
    default:
      Fail(E2E_XMPP_ERR_CLOSED, "closed by this end " + StateName(state_), "cancel");
      return;
  }
}

}  // namespace e2esasl::xmpp
