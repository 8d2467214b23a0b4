// session.cc: Jingle negotiation, the in-band bytestream and the inner TLS of one session (see
// session.h; the inner line protocol is in inner.cc).
#include "session.h"

#include <charconv>

#include <openssl/crypto.h>

#include "common/base64.h"

namespace e2esasl::xmpp {
namespace {

constexpr const char* kContentName = "e2esasl";

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

}  // namespace

Session::Session(Core* core, std::string peer, std::string sid, bool initiator)
    : core_(core),
      peer_(std::move(peer)),
      sid_(std::move(sid)),
      initiator_(initiator),
      state_(initiator ? State::kInitiating : State::kAsking),
      deadline_(Clock::now() + core->settings().timeout),
      block_size_(core->settings().block_size) {
  const e2e_xmpp_callbacks& cbs = core_->callbacks();
  if (cbs.sas_confirm != nullptr) {
    hooks_.confirm = [this](const std::string& sas, bool is_server) {
      const e2e_xmpp_callbacks& c = core_->callbacks();
      return c.sas_confirm(c.user, this, sas.c_str(), is_server ? 1 : 0) == 1;
    };
  }
  if (cbs.sas_show != nullptr) {
    hooks_.show = [this](const std::string& sas) {
      const e2e_xmpp_callbacks& c = core_->callbacks();
      c.sas_show(c.user, this, sas.c_str());
    };
  }
}

Session::~Session() {
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

// --- In-band bytestream ---------------------------------------------------------------------

void Session::OpenBytestream() {
  xmpp_ctx_t* ctx = core_->ctx();
  Stanza open = Stanza::Element(ctx, "open", E2E_XMPP_NS_IBB);
  open.Attr("block-size", std::to_string(block_size_)).Attr("sid", ibb_sid_).Attr("stanza", "iq");
  std::string id = core_->NewId();
  Stanza iq = Stanza::Iq(ctx, "set", id, peer_);
  iq.Add(std::move(open));
  state_ = State::kOpening;
  open_iq_id_ = id;
  if (!core_->SendIq(this, std::move(iq), id)) {
    Fail(E2E_XMPP_ERR_CLOSED, "the XMPP connection refused to send", nullptr);
  }
}

void Session::OnIbb(xmpp_stanza_t* iq, xmpp_stanza_t* element) {
  std::string_view name = NameOf(element);
  if (name == "open") {
    std::optional<unsigned> size = ParseUnsigned(AttrOf(element, "block-size"), kMaxBlockSize);
    if (initiator_ || state_ != State::kAccepted) {
      AnswerError(iq, "cancel", "unexpected-request");
      return;
    }
    if (!size || *size == 0 || *size > block_size_) {
      // XEP-0047 s2.1: a block size we do not accept.
      AnswerError(iq, "modify", "resource-constraint");
      Fail(E2E_XMPP_ERR_PROTOCOL,
           "the peer opened the bytestream with a block size over the "
           "negotiated " +
               std::to_string(block_size_),
           "failed-transport");
      return;
    }
    std::string_view stanza_kind = AttrOf(element, "stanza");
    if (!stanza_kind.empty() && stanza_kind != "iq") {
      AnswerError(iq, "cancel", "feature-not-implemented");
      Fail(E2E_XMPP_ERR_PROTOCOL, "the peer asked for IBB over message stanzas (only iq)",
           "failed-transport");
      return;
    }
    block_size_ = *size;
    Ack(iq);
    StartTls();
    return;
  }
  if (name == "close") {
    Ack(iq);
    ibb_closed_ = true;
    if (state_ == State::kClosing || (state_ == State::kOpen && peer_said_bye_)) {
      return;  // the session-terminate follows
    }
    Fail(E2E_XMPP_ERR_CLOSED, "the peer closed the bytestream " + StateName(state_),
         "connectivity-error");
    return;
  }
  // <data/>
  if (state_ < State::kHandshaking || state_ == State::kDone) {
    AnswerError(iq, "cancel", "unexpected-request");
    return;
  }
  std::optional<unsigned> seq = ParseUnsigned(AttrOf(element, "seq"), 65535);
  if (!seq) {
    AnswerError(iq, "modify", "bad-request");
    Fail(E2E_XMPP_ERR_PROTOCOL, "an IBB data block without a valid seq", "failed-transport");
    return;
  }
  if (*seq != seq_in_) {
    // XEP-0047 s2.2: a lost or repeated block: do not process it, close the bytestream.
    AnswerError(iq, "cancel", "unexpected-request");
    Fail(E2E_XMPP_ERR_PROTOCOL,
         "IBB data out of sequence (seq " + std::to_string(*seq) + ", expected " +
             std::to_string(seq_in_) + ")",
         "failed-transport");
    return;
  }
  std::string text = TextOf(element);
  if (text.size() > Base64EncodedSize(block_size_)) {
    AnswerError(iq, "modify", "not-acceptable");
    Fail(E2E_XMPP_ERR_LIMIT,
         "an IBB data block over the negotiated block size of " + std::to_string(block_size_) +
             " bytes",
         "failed-transport");
    return;
  }
  std::optional<Bytes> data = Base64Decode(text, block_size_);
  if (!data) {
    AnswerError(iq, "modify", "bad-request");
    Fail(E2E_XMPP_ERR_PROTOCOL, "an IBB data block that is not valid base64", "failed-transport");
    return;
  }
  seq_in_ = static_cast<uint16_t>(seq_in_ + 1);
  Ack(iq);
  if (state_ < State::kOpen) {
    received_unauthenticated_ += data->size();
    if (received_unauthenticated_ > core_->settings().max_unauthenticated) {
      Fail(E2E_XMPP_ERR_LIMIT,
           "the peer sent more than " + std::to_string(core_->settings().max_unauthenticated) +
               " bytes before authentication",
           "failed-application");
      return;
    }
  }
  OnCiphertext(*data);
}

void Session::SendIbbClose() {
  xmpp_ctx_t* ctx = core_->ctx();
  Stanza close = Stanza::Element(ctx, "close", E2E_XMPP_NS_IBB);
  close.Attr("sid", ibb_sid_);
  std::string id = core_->NewId();
  Stanza iq = Stanza::Iq(ctx, "set", id, peer_);
  iq.Add(std::move(close));
  close_iq_id_ = id;
  core_->SendIq(this, std::move(iq), id);
}

void Session::FlushBlocks() {
  while (outstanding_ < kMaxOutstandingBlocks && !queued_.empty() && state_ != State::kDone) {
    size_t n = std::min<size_t>(queued_.size(), block_size_);
    xmpp_ctx_t* ctx = core_->ctx();
    Stanza data = Stanza::Element(ctx, "data", E2E_XMPP_NS_IBB);
    data.Attr("seq", std::to_string(seq_out_)).Attr("sid", ibb_sid_);
    // One block off the front: O(n) in a deque (a vector's front erase moved all the rest,
    // quadratic in what is queued).
    const auto block_end = queued_.begin() + static_cast<std::ptrdiff_t>(n);
    const Bytes block(queued_.begin(), block_end);
    queued_.erase(queued_.begin(), block_end);
    data.Text(Base64Encode(ByteView(block.data(), block.size())));
    seq_out_ = static_cast<uint16_t>(seq_out_ + 1);
    std::string id = core_->NewId();
    Stanza iq = Stanza::Iq(ctx, "set", id, peer_);
    iq.Add(std::move(data));
    if (outstanding_ == 0) {
      oldest_ack_due_ = Clock::now() + kAckTimeout;
    }
    ++outstanding_;
    if (!core_->SendIq(this, std::move(iq), id)) {
      Fail(E2E_XMPP_ERR_CLOSED, "the XMPP connection refused to send", nullptr);
      return;
    }
  }
  if (state_ == State::kClosing && queued_.empty() && outstanding_ == 0 && close_iq_id_.empty() &&
      !ibb_closed_) {
    SendIbbClose();
  } else if (state_ == State::kClosing && queued_.empty() && outstanding_ == 0 && ibb_closed_) {
    SendTerminate("success", "");
    Finish();
  }
}

// --- Inner TLS ------------------------------------------------------------------------------

void Session::StartTls() {
  state_ = State::kHandshaking;
  std::string error;
  const Settings& s = core_->settings();
  const TlsCredentials* creds = nullptr;
  if (!initiator_) {
    try {
      creds = &core_->credentials();
    } catch (const std::runtime_error& e) {
      Fail(E2E_XMPP_ERR_SETUP, e.what(), "failed-application");
      return;
    }
  }
  tls_ = TlsEngine::New(s.tls_lib, s.tls_version, /*server=*/!initiator_, creds, &error);
  if (!tls_) {
    Fail(E2E_XMPP_ERR_SETUP, error, "failed-application");
    return;
  }
  Pump();
}

void Session::OnCiphertext(const Bytes& data) {
  if (!tls_) {
    return;
  }
  tls_->Feed(data);
  Pump();
}

void Session::Pump() {
  std::string plain;
  bool was_up = tls_->HandshakeDone();
  TlsEngine::Result r = tls_->Pump(&plain);
  FlushTls();
  if (state_ == State::kDone) {
    return;
  }
  if (r == TlsEngine::Result::kFailed) {
    Fail(E2E_XMPP_ERR_TLS, tls_->error(), "security-error");
    return;
  }
  if (!was_up && tls_->HandshakeDone()) {
    OnTlsUp();
    if (state_ == State::kDone) {
      return;
    }
  }
  lines_ += plain;
  size_t start = 0;
  for (size_t nl; (nl = lines_.find('\n', start)) != std::string::npos && state_ != State::kDone;
       start = nl + 1) {
    std::string line = lines_.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    OnLine(line);
  }
  if (state_ == State::kDone) {
    return;
  }
  lines_.erase(0, start);
  if (lines_.size() > kMaxLine + 16) {
    Fail(E2E_XMPP_ERR_LIMIT, "an inner line longer than " + std::to_string(kMaxLine) + " bytes",
         "failed-application");
    return;
  }
  if (r == TlsEngine::Result::kClosed && state_ != State::kClosing) {
    if (state_ == State::kOpen && peer_said_bye_) {
      return;
    }
    Fail(E2E_XMPP_ERR_CLOSED, "the peer closed the inner TLS " + StateName(state_),
         "connectivity-error");
  }
}

void Session::FlushTls() {
  if (!tls_) {
    return;
  }
  Bytes out = tls_->TakeOutgoing();
  if (out.empty()) {
    return;
  }
  if (queued_.size() + out.size() > kMaxQueuedBytes) {
    Fail(E2E_XMPP_ERR_LIMIT,
         "more than " + std::to_string(kMaxQueuedBytes) +
             " bytes waiting for the peer's acknowledgements",
         "failed-application");
    return;
  }
  queued_.insert(queued_.end(), out.begin(), out.end());
  FlushBlocks();
}

// --- Ends -----------------------------------------------------------------------------------

void Session::OnTick(Clock::time_point now) {
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
  const e2e_xmpp_callbacks& cbs = core_->callbacks();
  if (cbs.failed != nullptr) {
    cbs.failed(cbs.user, this, E2E_XMPP_ERR_CLOSED, "the XMPP connection was lost");
  }
}

void Session::Fail(e2e_xmpp_code code, const std::string& reason, const char* jingle_reason) {
  if (state_ == State::kDone) {
    return;
  }
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
