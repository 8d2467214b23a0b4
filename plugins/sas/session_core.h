// session_core.h: what the SAS-R255-PLUS client and server sessions share (client.h, server.h):
// the final failures, the person's answer with this end's key confirmation, the check of the
// peer's key confirmation, and the string shown to people. No Cyrus types.
#ifndef E2ESASL_SAS_SESSION_CORE_H_
#define E2ESASL_SAS_SESSION_CORE_H_

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/bytes.h"
#include "common/ct.h"
#include "common/session.h"
#include "common/status.h"
#include "sas/continuity.h"
#include "sas/key_schedule.h"
#include "sas/messages.h"

namespace e2esasl::sas {

// Side: the end a session plays.
enum class Side { kClient, kServer };

// SessionCore: the state and the steps both sessions share, on the final-state machine of every
// family (common/session.h); each session derives from it and runs its own opening messages
// (Advance). State is the session's state enum: it must have kStart, kAwaitPerson, kSentConfirm,
// kComplete and kFailed. kSide picks the confirmation this end sends
// (client-confirm "v=" tag_client, or server-confirm "v=" tag_server), the one it checks, and the
// error details. Failures are final: the ephemeral scalar and the secrets are wiped, and every
// later call returns the same Status.
template <class Session, class State, Side kSide>
class SessionCore : public SessionBase<Session, State> {
 public:
  // Confirm takes the person's answer while PendingConfirmation() has a value. Rejected:
  // kAuthFailed. Accepted, at the client: client-confirm in *out and kContinue; at the server
  // (asked last, after the client's confirmation verified): nothing in *out and kOk, the
  // exchange is complete. Out of turn: kInternal.
  Status Confirm(bool accepted, Bytes* out, Failure* failure) {
    out->clear();
    if (state_ == State::kFailed) {
      return Repeat(failure);
    }
    if (state_ != State::kAwaitPerson) {
      return Abort(failure, Status::kInternal, "no confirmation was pending");
    }
    if (!accepted) {
      return Abort(failure, Status::kAuthFailed, std::string(kRejectedDetail));
    }
    if constexpr (kSide == Side::kServer) {
      return Complete(failure);
    }
    *out = OwnConfirmation();
    state_ = State::kSentConfirm;
    return Status::kContinue;
  }

  // PendingConfirmation: the string while the person's answer is awaited; nullopt otherwise.
  std::optional<std::string> PendingConfirmation() const {
    if (state_ != State::kAwaitPerson) {
      return std::nullopt;
    }
    return secrets_->sas;
  }
  // Sas: the string once derived, for tests and logs; nullopt before and after a failure.
  std::optional<std::string> Sas() const {
    if (!secrets_ || state_ == State::kFailed) {
      return std::nullopt;
    }
    return secrets_->sas;
  }
  bool IsComplete() const { return state_ == State::kComplete; }
  // Remembered: both ends proved the same retained secret (continuity.h): no person is asked.
  bool Remembered() const { return matched_.has_value(); }

 protected:
  using Base = SessionBase<Session, State>;
  using Base::Abort;
  using Base::failure_;
  using Base::Repeat;
  using Base::state_;

  SessionCore() = default;
  ~SessionCore() { WipeSecrets(); }

  // WipeSecrets wipes the ephemeral scalar, the derived secrets and the remembered ones (Abort
  // calls it).
  void WipeSecrets() {
    ephemeral_.Wipe();
    sas::WipeSecrets(&secrets_);
    remembered_.reset();
    matched_.reset();
  }

  // Derive computes the secrets from K and TH, with the matched retained secret when there is
  // one (IKM = K || rs).
  bool Derive(const FixedSecret<kElementSize>& k, const TranscriptHash& th, unsigned digits) {
    secrets_ =
        DeriveSecrets(k, th, digits, matched_ ? &remembered_->secrets[*matched_].rs : nullptr);
    return secrets_.has_value();
  }

  // ReportStart tells the application how this exchange starts: kRemembered when the sides
  // matched a retained secret, otherwise kFirst or kNotMatched (the peer is remembered). kOk,
  // or the session fails with the application's refusal.
  Status ReportStart(const ContinuityConfig& continuity, Failure* failure) {
    const ContinuityEvent event = matched_             ? ContinuityEvent::kRemembered
                                  : remembered_->known ? ContinuityEvent::kNotMatched
                                                       : ContinuityEvent::kFirst;
    return ReportOrAbort(continuity, event, failure);
  }

  // ReportOrAbort tells the application of event: kOk, or the session fails with its refusal.
  Status ReportOrAbort(const ContinuityConfig& continuity, ContinuityEvent event,
                       Failure* failure) {
    Failure refusal;
    if (Report(continuity, event, &refusal) != Status::kOk) {
      return Abort(failure, refusal.status, refusal.detail);
    }
    return Status::kOk;
  }

  // RememberPeer writes the store after success (continuity.h Remember) and reports kStored.
  // kOk, or the session fails (kUnavailable: the store cannot be written).
  Status RememberPeer(const ContinuityConfig& continuity, const DeviceId& peer_device, Rng& rng,
                      Failure* failure) {
    const RetainedSecret* used = matched_ ? &remembered_->secrets[*matched_].rs : nullptr;
    bool stored = false;
    Failure store_failure;
    if (!Remember(continuity.store_path, continuity.peer, peer_device, secrets_->retained, used,
                  rng, &stored, &store_failure)) {
      return Abort(failure, store_failure.status, store_failure.detail);
    }
    return stored ? ReportOrAbort(continuity, ContinuityEvent::kStored, failure) : Status::kOk;
  }

  // Complete ends the exchange with success: the session's OnSuccess (remembering the peer),
  // then kComplete and kOk.
  Status Complete(Failure* failure) {
    const Status status = static_cast<Session&>(*this).OnSuccess(failure);
    if (status != Status::kOk) {
      return status;
    }
    state_ = State::kComplete;
    return Status::kOk;
  }

  // OwnConfirmation: this end's confirm message (client-confirm or server-confirm "v=" tag).
  Bytes OwnConfirmation() const {
    OwnConfirm confirm;
    confirm.value = kSide == Side::kClient ? secrets_->client_tag : secrets_->server_tag;
    return Serialized(confirm);
  }

  // ReceivePeerConfirmation: CheckPeerConfirmation, then the person is asked (kAwaitPerson,
  // kContinue with nothing to send).
  // When the sides matched a retained secret, the tag proved it and nobody is asked: the client
  // sends its confirmation at once, the server completes.
  Status ReceivePeerConfirmation(ByteView in, Bytes* out, Failure* failure) {
    const Status status = CheckPeerConfirmation(in, failure);
    if (status != Status::kOk) {
      return status;
    }
    if (matched_) {
      if constexpr (kSide == Side::kServer) {
        return Complete(failure);
      }
      *out = OwnConfirmation();
      state_ = State::kSentConfirm;
      return Status::kContinue;
    }
    state_ = State::kAwaitPerson;
    return Status::kContinue;
  }

  // CheckPeerConfirmation parses the peer's confirm message (server-confirm at the client,
  // client-confirm at the server) and compares its tag with the expected one in constant time.
  // kOk, or the session fails: kMalformed (the parse detail) or kAuthFailed (the tag differs:
  // the two ends hold different channel bindings or keys).
  Status CheckPeerConfirmation(ByteView in, Failure* failure) {
    Failure parse_failure;
    const std::optional<PeerConfirm> confirm = PeerConfirm::Parse(in, &parse_failure);
    if (!confirm) {
      return Abort(failure, parse_failure.status, parse_failure.detail);
    }
    const Tag& expected = kSide == Side::kClient ? secrets_->server_tag : secrets_->client_tag;
    if (!CtEqual(confirm->value, expected)) {
      return Abort(failure, Status::kAuthFailed, std::string(kPeerConfirmationDetail));
    }
    return Status::kOk;
  }

  Ephemeral ephemeral_;
  std::optional<SessionSecrets> secrets_;
  // Continuity: what the store held for the peer (unset without a store), and which of its
  // secrets both sides proved (unset: none; the people compare).
  std::optional<RememberedPeer> remembered_;
  std::optional<size_t> matched_;

 private:
  using OwnConfirm = std::conditional_t<kSide == Side::kClient, ClientConfirm, ServerConfirm>;
  using PeerConfirm = std::conditional_t<kSide == Side::kClient, ServerConfirm, ClientConfirm>;
  static constexpr std::string_view kRejectedDetail =
      kSide == Side::kClient ? kClientRejectedDetail : kServerRejectedDetail;
  static constexpr std::string_view kPeerConfirmationDetail =
      kSide == Side::kClient ? kServerConfirmationDetail : kClientConfirmationDetail;
};

}  // namespace e2esasl::sas

#endif  // E2ESASL_SAS_SESSION_CORE_H_
