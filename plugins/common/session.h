// session.h: what every family's client and server sessions share, whatever their messages: the
// inputs the glue hands them (ClientInputs / ServerInputs, the bases of each family's
// ClientConfig / ServerConfig), the final-state machine (SessionBase: out-of-turn calls, a
// failure that wipes the secrets and is final, the server's empty opening challenge), the
// server's view of the GS2 header it accepted, and the client's checks of its own inputs. No
// Cyrus types.
#ifndef E2ESASL_COMMON_SESSION_H_
#define E2ESASL_COMMON_SESSION_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/bytes.h"
#include "common/cb_negotiation.h"
#include "common/gs2.h"
#include "common/secret.h"
#include "common/status.h"

namespace e2esasl {

// ClientInputs: what the glue collects for every client session; each family's ClientConfig
// derives from it and adds its own options.
//   authcid   the authentication identity as the application gave it (the session SASLpreps it)
//   password  the password (empty for a family that needs none); the session clears it
//   gs2       the GS2 header (flag, cb-name, authzid) decided by cb::ChooseClientFlag
//   cb_data   the binding data, non-empty exactly when gs2.flag is kUsed
struct ClientInputs {
  std::string authcid;
  SecretString password;
  gs2::Gs2Header gs2;
  Bytes cb_data;
};

// ServerBinding: the channel binding a server holds (Cyrus params->cbinding), copied.
using ServerBinding = cb::OwnedBinding;

// ServerInputs: what the glue hands every server session; each family's ServerConfig derives
// from it and adds its own options.
//   binding          the server's own channel binding (Cyrus params->cbinding, copied), if any
//   plus_advertised  the server offered -PLUS (then "y" from the client is a downgrade)
struct ServerInputs {
  std::optional<ServerBinding> binding;
  bool plus_advertised = false;
};

// UserSource: where a server session finds what it stores for a user (Secret: a password, a
// record, ...). Lookup is called at most once, from the Step that handles client-first, with
// the authcid as the client sent it; nullopt when the user is unknown or has nothing usable: the
// session then runs on with a fake secret and fails exactly like a wrong password.
template <class Secret>
class UserSource {
 public:
  virtual ~UserSource() = default;
  virtual std::optional<Secret> Lookup(std::string_view authcid) = 0;
};

// kCompleteDetail: the detail of a Step after the exchange completed (kInternal).
inline constexpr std::string_view kCompleteDetail = "the exchange is already complete";

// SessionBase: the final-state machine under every family session (CRTP: Session derives from
// SessionBase<Session, State>). State is the session's state enum: it has kStart, kComplete and
// kFailed; a server's also kAwaitClientFirst, and one that asks a person kAwaitPerson.
//
// Session declares its transitions, `static const Transition kTransitions[N]` (the states that
// take a peer message, each with its handler), and `void WipeSecrets()`, and befriends its
// SessionBase. Step clears *out and answers what no transition takes: after completion kInternal
// (and the session fails), after a failure the same Status and detail again, while a person's
// answer is pending kInternal; at a server an empty first message, once, means the client sent
// no initial response: kContinue with an empty challenge, and kStart then takes client-first as
// kAwaitClientFirst does; at a client a message before client-first is kMalformed. Abort makes the
// session fail for good: WipeSecrets runs, the failure is kept. A Session's destructor calls
// WipeSecrets itself. Not thread-safe.
template <class Session, class State>
class SessionBase {
 public:
  // Handler: what the session does with the peer's message in one state.
  using Handler = Status (Session::*)(ByteView in, Bytes* out, Failure* failure);
  // Transition: a state that takes a message, and its handler.
  struct Transition {
    State state;
    Handler handle;
  };

  SessionBase(const SessionBase&) = delete;
  SessionBase& operator=(const SessionBase&) = delete;

  Status Step(ByteView in, Bytes* out, Failure* failure) {
    out->clear();
    State lookup = state_;
    if constexpr (kIsServer) {
      if (state_ == State::kStart && in.empty()) {
        // No initial response: send an empty challenge, once (RFC 4422 s5 item 2a).
        state_ = State::kAwaitClientFirst;
        return Status::kContinue;
      }
      if (state_ == State::kStart) {
        lookup = State::kAwaitClientFirst;
      }
    } else if (state_ == State::kStart && !in.empty()) {
      // The mechanisms are client-first: the server has nothing to say before client-first.
      return Abort(failure, Status::kMalformed,
                   "the server sent data before client-first (the mechanism is client-first)");
    }
    if (state_ == State::kFailed) {
      return Repeat(failure);
    }
    if (state_ == State::kComplete) {
      return Abort(failure, Status::kInternal, std::string(kCompleteDetail));
    }
    for (const Transition& transition : Session::kTransitions) {
      if (transition.state == lookup) {
        return (static_cast<Session*>(this)->*transition.handle)(in, out, failure);
      }
    }
    if constexpr (requires { State::kAwaitPerson; }) {
      if (state_ == State::kAwaitPerson) {
        return Abort(failure, Status::kInternal, "a person's answer is pending: call Confirm");
      }
    }
    return Abort(failure, Status::kInternal, "invalid state");
  }

  bool IsComplete() const { return state_ == State::kComplete; }

 protected:
  SessionBase() = default;
  ~SessionBase() = default;

  // Abort: the session fails for good (secrets wiped); returns status with *failure set.
  Status Abort(Failure* failure, Status status, std::string detail) {
    state_ = State::kFailed;
    static_cast<Session*>(this)->WipeSecrets();
    failure_ = Failure{status, detail};
    return Fail(failure, status, std::move(detail));
  }
  // ReceiveEmptySuccess: a client's handler of the server's empty success data (kOk, complete);
  // anything in it is kMalformed.
  Status ReceiveEmptySuccess(ByteView in, Bytes* /*out*/, Failure* failure) {
    if (!in.empty()) {
      return Abort(failure, Status::kMalformed, "server-final: expected no data");
    }
    state_ = State::kComplete;
    return Status::kOk;
  }
  // Receive parses the peer's message with Message::Parse: the message, or nullopt when the
  // parse failed (the session then failed with its Status and detail: return failure_.status).
  template <class Message>
  std::optional<Message> Receive(ByteView in, Failure* failure) {
    Failure parse_failure;
    std::optional<Message> message = Message::Parse(in, &parse_failure);
    if (!message) {
      Abort(failure, parse_failure.status, std::move(parse_failure.detail));
    }
    return message;
  }
  // Advance<kHandle, kNext> is a transition's handler that runs kHandle and, when it succeeded
  // (kContinue, or kOk at the end), moves the session to kNext, so that kHandle need not (the
  // tables of TwoRoundClient and TwoRoundServer); a handler that failed has aborted already.
  template <Handler kHandle, State kNext>
  Status Advance(ByteView in, Bytes* out, Failure* failure) {
    const Status status = (static_cast<Session*>(this)->*kHandle)(in, out, failure);
    if (status == Status::kContinue || status == Status::kOk) {
      state_ = kNext;
    }
    return status;
  }
  // Repeat answers a call after a failure: the same Status and detail.
  Status Repeat(Failure* failure) const { return Fail(failure, failure_.status, failure_.detail); }

  State state_ = State::kStart;
  Failure failure_;

 private:
  static constexpr bool kIsServer = requires { State::kAwaitClientFirst; };
};

// TwoRoundClientState / TwoRoundClient: the client of a family with two client messages and a
// server-final to check (SCRAM, CPace, OPAQUE, VOUCH). Session derives from
// TwoRoundClient<Session, ClientConfig>, which keeps the config (config_; Session::Config names
// its type for the glue), and has, besides WipeSecrets, the three handlers SendClientFirst (an
// empty `in`: client-first, kContinue), SendClientFinal (server-first: client-final, kContinue)
// and VerifyServerFinal (server-final: kOk once the server is authenticated), and befriends
// TwoRoundClient and SessionBase. The transition table is this one, and it moves the session to
// the next state after each handler that succeeded (the handlers do not set state_).
enum class TwoRoundClientState { kStart, kSentClientFirst, kSentClientFinal, kComplete, kFailed };

template <class Session, class ConfigType>
class TwoRoundClient : public SessionBase<Session, TwoRoundClientState> {
 public:
  using Config = ConfigType;
  using Transition = typename SessionBase<Session, TwoRoundClientState>::Transition;
  static constexpr Transition kTransitions[3] = {
      {TwoRoundClientState::kStart,
       &TwoRoundClient::template Advance<&Session::SendClientFirst,
                                         TwoRoundClientState::kSentClientFirst>},
      {TwoRoundClientState::kSentClientFirst,
       &TwoRoundClient::template Advance<&Session::SendClientFinal,
                                         TwoRoundClientState::kSentClientFinal>},
      {TwoRoundClientState::kSentClientFinal,
       &TwoRoundClient::template Advance<&Session::VerifyServerFinal,
                                         TwoRoundClientState::kComplete>},
  };

 protected:
  using State = TwoRoundClientState;
  explicit TwoRoundClient(Config config) : config_(std::move(config)) {}
  ~TwoRoundClient() = default;

  Config config_;
};

// AcceptedGs2: the GS2 header a server session accepted, and what the glue asks about it.
class AcceptedGs2 {
 public:
  // Authzid: the authorization identity the client asked for (empty: none). Disposition: the
  // Cyrus disposition of the received gs2-cb-flag. Meaningful once client-first was accepted.
  // ReceivedCbFlag: the gs2-cb-flag received. CbName: the binding type for "p=", else empty
  // (oparams->cbindingname).
  std::string_view Authzid() const { return gs2_.authzid; }
  cb::Disposition Disposition() const { return cb::DispositionOf(gs2_.flag); }
  gs2::CbFlag ReceivedCbFlag() const { return gs2_.flag; }
  std::string_view CbName() const { return gs2_.cb_name; }

 protected:
  // JudgeGs2 keeps header and decides its flag against the server's binding (the negotiation of
  // cb_negotiation.h, the same for every family): kOk, or the verdict's failure in *failure.
  Status JudgeGs2(const gs2::Gs2Header& header, const ServerInputs& inputs, Failure* failure);
  // BindingData: the server's binding data when the accepted flag is "p=", else empty.
  ByteView BindingData(const ServerInputs& inputs) const;

  gs2::Gs2Header gs2_;
};

// TwoRoundServerState / TwoRoundServer: the server of a family that takes client-first and
// client-final (CPace, OPAQUE, VOUCH). Session derives from TwoRoundServer<Session,
// ServerConfig>, which keeps the config (config_; Session::Config names its type for the glue),
// and has, besides WipeSecrets, the two handlers HandleClientFirst (client-first: server-first,
// kContinue) and HandleClientFinal (client-final: kOk once the client is authenticated), and
// befriends TwoRoundServer and SessionBase. The transition table is this one, and it moves the
// session to the next state after each handler that succeeded (the handlers do not set state_).
enum class TwoRoundServerState { kStart, kAwaitClientFirst, kSentServerFirst, kComplete, kFailed };

template <class Session, class ConfigType>
class TwoRoundServer : public SessionBase<Session, TwoRoundServerState>, public AcceptedGs2 {
 public:
  using Config = ConfigType;
  using Transition = typename SessionBase<Session, TwoRoundServerState>::Transition;
  static constexpr Transition kTransitions[2] = {
      {TwoRoundServerState::kAwaitClientFirst,
       &TwoRoundServer::template Advance<&Session::HandleClientFirst,
                                         TwoRoundServerState::kSentServerFirst>},
      {TwoRoundServerState::kSentServerFirst,
       &TwoRoundServer::template Advance<&Session::HandleClientFinal,
                                         TwoRoundServerState::kComplete>},
  };

 protected:
  using State = TwoRoundServerState;
  explicit TwoRoundServer(Config config) : config_(std::move(config)) {}
  ~TwoRoundServer() = default;

  // ReceiveClientFirst parses client-first into *message (Message::Parse, as Receive) and runs
  // JudgeGs2 on its GS2 header against config_ (the same channel-binding negotiation as every
  // family, cb_negotiation.h): true, or false when the session failed (with the parser's or the
  // verdict's Status and detail: return failure_.status; *message is then unspecified).
  template <class Message>
  bool ReceiveClientFirst(ByteView in, Message* message, Failure* failure) {
    std::optional<Message> parsed = this->template Receive<Message>(in, failure);
    if (!parsed) {
      return false;
    }
    *message = std::move(*parsed);
    Failure verdict;
    if (JudgeGs2(message->gs2_header, config_, &verdict) != Status::kOk) {
      this->Abort(failure, verdict.status, std::move(verdict.detail));
      return false;
    }
    return true;
  }

  Config config_;
};

// CheckClientInputs checks a client's own inputs before client-first: the binding (a valid
// cb-name and data exactly for "p=", none otherwise; else kBadBinding) and the authcid, which is
// SASLprep'd as a query (RFC 4013, RFC 3454 s7) into *authcid (empty or rejected: kInternal).
// kOk, or the failure in *failure (the session aborts with it).
Status CheckClientInputs(const ClientInputs& inputs, std::string* authcid, Failure* failure);

// PreparePassword SASLpreps *password as a query into *prepared and clears *password. kOk, or
// kInternal (empty or rejected) with *failure set.
Status PreparePassword(SecretString* password, SecretString* prepared, Failure* failure);

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_SESSION_H_
