// transport.cc: the in-band bytestream (XEP-0047 over XEP-0261) and the inner TLS of one
// session (see session.h; Jingle and the session's ends are in session.cc, the inner line
// protocol in inner.cc).
#include <openssl/crypto.h>

#include "common/base64.h"
#include "session.h"

namespace e2esasl::xmpp {

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

}  // namespace e2esasl::xmpp
