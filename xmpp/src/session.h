// session.h: one end-to-end session: Jingle (XEP-0166) negotiation, the XEP-0261 in-band
// bytestream (XEP-0047 IQs), the inner TLS, and the inner line protocol (SASL, then chat). The
// state machine is in docs/xmpp.md.
#ifndef E2ESASL_XMPP_SESSION_H_
#define E2ESASL_XMPP_SESSION_H_

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core.h"
#include "person_step.h"

// The C API's opaque handle is the session itself.
struct e2e_xmpp_session {
  virtual ~e2e_xmpp_session() = default;
};

namespace e2esasl::xmpp {

class Session final : public e2e_xmpp_session {
 public:
  enum class State {
    kInitiating,      // initiator: session-initiate sent, waiting for its ack
    kWaitingAccept,   // initiator: acked, waiting for session-accept
    kAsking,          // responder: incoming callback said "pending"
    kAccepted,        // responder: session-accept sent, waiting for the IBB open
    kOpening,         // initiator: IBB open sent, waiting for its ack
    kHandshaking,     // inner TLS handshake
    kAuthenticating,  // inner SASL exchange
    kOpen,            // authenticated: chat
    kClosing,         // we closed; waiting for the peer's acknowledgements
    kDone,            // finished (callbacks fired); reaped at the end of the entry point
  };

  Session(Core* core, std::string peer, std::string sid, bool initiator);
  ~Session() override;

  // Initiator.
  void Initiate(const e2e_xmpp_start_options& options);
  // Responder: a valid session-initiate arrived (already acked).
  void Incoming(unsigned offered_block_size, std::string ibb_sid);
  int Accept();
  int Decline();

  // Stanzas for this session (from its peer).
  void OnJingle(xmpp_stanza_t* iq, xmpp_stanza_t* jingle);
  void OnIbb(xmpp_stanza_t* iq, xmpp_stanza_t* element);
  void OnResponse(xmpp_stanza_t* iq);
  void OnTick(Clock::time_point now);
  void OnDisconnected();

  int SendLine(std::string_view text);
  void Close();
  // SasAnswer: the person's answer to a sas_confirm that returned E2E_XMPP_PENDING; the step
  // resumes at the next Resume. 0, or -1 when no answer is awaited.
  int SasAnswer(bool same);
  // Resume carries on a SASL step whose person has answered (Core calls it in every entry point).
  void Resume();

  const std::string& peer() const { return peer_; }
  const std::string& sid() const { return sid_; }
  const std::string& ibb_sid() const { return ibb_sid_; }
  bool initiator() const { return initiator_; }
  bool finished() const { return state_ == State::kDone; }
  void* user = nullptr;

 private:
  // Failure ends the session: tells the peer (Jingle reason) when it can, fires `failed`.
  void Fail(e2e_xmpp_code code, const std::string& reason, const char* jingle_reason);
  void Finish();  // fires `closed`
  void SendTerminate(const char* reason, const std::string& text);
  void SendJingle(const char* action, bool with_content);
  void Ack(xmpp_stanza_t* iq);
  void AnswerError(xmpp_stanza_t* iq, const char* type, const char* condition);

  // Transport.
  void OpenBytestream();
  void StartTls();
  void OnCiphertext(const Bytes& data);
  void Pump();
  void FlushTls();
  void FlushBlocks();
  void SendIbbClose();

  // Inner line protocol (inner.cc).
  void OnTlsUp();
  void OnLine(const std::string& line);
  void SendInner(const std::string& line);
  void ResponderStart();
  void ResponderLine(const std::string& command, const std::string& rest);
  void InitiatorLine(const std::string& command, const std::string& rest);
  void Authenticated(const std::string& identity);
  bool MakeBinding();
  // RunSaslStep: step now, then `then` with its result. A step that may ask the person
  // (SAS-R255-PLUS, with the application's sas_confirm) runs on person_'s worker; `then` runs in
  // this thread when it finishes, possibly in a later entry point (after SasAnswer).
  void RunSaslStep(bool may_ask_person, std::function<SaslStep()> step,
                   std::function<void(SaslStep)> then);
  void DriveSaslStep();
  void ResponderStepDone(SaslStep step);

  Core* core_;
  std::string peer_;
  std::string sid_;
  std::string ibb_sid_;
  bool initiator_;
  State state_;
  Clock::time_point deadline_;

  // Negotiated.
  unsigned block_size_ = kDefaultBlockSize;
  std::string mechanism_;  // as on the wire (with -PLUS)
  std::string binding_name_ = "none";

  // IBB.
  uint16_t seq_out_ = 0;
  uint16_t seq_in_ = 0;
  std::deque<uint8_t> queued_;  // ciphertext waiting for the window (taken from the front)
  size_t outstanding_ = 0;      // data IQs not acknowledged yet
  Clock::time_point oldest_ack_due_{};
  size_t received_unauthenticated_ = 0;
  bool ibb_closed_ = false;
  std::string initiate_iq_id_;
  std::string accept_iq_id_;
  std::string open_iq_id_;
  std::string close_iq_id_;
  std::string terminate_iq_id_;

  // TLS and the inner protocol.
  std::unique_ptr<TlsEngine> tls_;
  std::string lines_;
  std::unique_ptr<channelbind::SaslChannelBinding> binding_;
  PersonHooks hooks_;
  // SAS-R255-PLUS's remembered-peer events, queued by hooks_.continuity (maybe on person_'s
  // worker) and handed to the application in its thread by DeliverContinuity: before any
  // question of the same step (ask_) and after each step.
  std::mutex continuity_mu_;
  std::vector<std::pair<int, std::string>> continuity_events_;  // guarded by continuity_mu_
  void DeliverContinuity();
  std::unique_ptr<SaslServerEnd> server_;
  std::unique_ptr<SaslClientEnd> client_;
  // Declared after the SASL ends: destroyed (its worker joined) before them.
  PersonStep person_;
  PersonStep::Ask ask_;
  std::function<void(SaslStep)> after_step_;
  bool resume_ = false;
  bool sasl_done_ = false;  // initiator: its last step returned SASL_OK
  bool peer_said_bye_ = false;
  bool said_bye_ = false;
  // Initiator's credentials until SASL starts (wiped).
  std::string user_;
  std::string password_;
  std::string authzid_;
  std::string requested_mech_;
};

// StateName: what a session in state s is doing, for failure reasons ("during authentication").
std::string StateName(Session::State s);
// ParseUnsigned: a decimal attribute value in 0..max (no sign, no spaces), or std::nullopt.
std::optional<unsigned> ParseUnsigned(std::string_view text, unsigned max);

}  // namespace e2esasl::xmpp

#endif  // E2ESASL_XMPP_SESSION_H_
