// inner.cc: the line protocol inside the inner TLS (the same as e2e-demo's, docs/xmpp.md):
//   responder -> "MECHS <space-separated mechanism names>"
//   initiator -> "AUTH <mech>" [" " <base64 initial response> | " =" (empty)]
//   responder -> "C <base64 | =>"        initiator -> "R <base64 | =>"
//   responder -> "OK" [" " <base64 success data | =>]  or  "FAIL <reason>"
//   either    -> "FAIL <reason>" to give up
//   then both ways: "MSG <text>" ..., "BYE".
#include <algorithm>
#include <memory>

#include <openssl/crypto.h>

#include "common/base64.h"
#include "session.h"

namespace e2esasl::xmpp {
namespace {

namespace cb = e2esasl::channelbind;

std::pair<std::string, std::string> SplitCommand(const std::string& line) {
  size_t space = line.find(' ');
  if (space == std::string::npos) {
    return {line, ""};
  }
  return {line.substr(0, space), line.substr(space + 1)};
}

std::string EncodeData(const Bytes& data) {
  return data.empty() ? "=" : Base64Encode(ByteView(data.data(), data.size()));
}

std::optional<Bytes> DecodeData(const std::string& field) {
  if (field == "=") {
    return Bytes{};
  }
  return Base64Decode(field, kMaxLine);
}

std::string Shorten(const std::string& text) {
  return text.size() <= 80 ? text : text.substr(0, 80) + "...";
}

}  // namespace

bool Session::MakeBinding() {
  const Settings& s = core_->settings();
  if (s.binding_mode == BindingMode::kNone) {
    binding_name_ = "none";
    return true;
  }
  cb::Type type = s.binding_type;
  if (s.binding_mode == BindingMode::kBest) {
    auto best = tls_->BestType();
    if (!best) {
      SendInner("FAIL no channel binding on this connection");
      Fail(E2E_XMPP_ERR_TLS,
           "no channel binding type is defined on the inner TLS: " + best.error().message,
           "security-error");
      return false;
    }
    type = best.value();
  }
  auto data = tls_->Binding(type);
  if (!data) {
    SendInner("FAIL no channel binding on this connection");
    Fail(E2E_XMPP_ERR_TLS,
         std::string(cb::TypeName(type)) + " is unavailable on the inner TLS (" +
             std::string(cb::ErrorCodeName(data.error().code)) + "): " + data.error().message,
         "security-error");
    return false;
  }
  auto binding = cb::SaslChannelBinding::Standard(type, std::move(data.value()), /*critical=*/true);
  if (!binding) {
    SendInner("FAIL no channel binding on this connection");
    Fail(E2E_XMPP_ERR_TLS, binding.error().message, "security-error");
    return false;
  }
  binding_name_ = std::string(cb::TypeName(type));
  binding_ = std::make_unique<cb::SaslChannelBinding>(std::move(binding).value());
  return true;
}

void Session::OnTlsUp() {
  if (core_->settings().relay) {
    state_ = State::kOpen;
    const e2e_xmpp_callbacks& cbs = core_->callbacks();
    if (cbs.authenticated != nullptr) {
      cbs.authenticated(cbs.user, this, "", "relay", "none");
    }
    return;
  }
  if (!MakeBinding()) {
    return;
  }
  state_ = State::kAuthenticating;
  if (!initiator_) {
    ResponderStart();
  }
}

void Session::SendInner(const std::string& line) {
  if (!tls_ || !tls_->HandshakeDone() || state_ == State::kDone) {
    return;
  }
  if (tls_->Write(line + "\n") != TlsEngine::Result::kOk) {
    Fail(E2E_XMPP_ERR_TLS, tls_->error(), "security-error");
    return;
  }
  FlushTls();
}

void Session::OnLine(const std::string& line) {
  if (state_ == State::kOpen || state_ == State::kClosing) {
    const e2e_xmpp_callbacks& cbs = core_->callbacks();
    if (core_->settings().relay) {
      if (cbs.data != nullptr && state_ == State::kOpen) {
        cbs.data(cbs.user, this, line.c_str(), line.size());
      }
      return;
    }
    auto [command, rest] = SplitCommand(line);
    if (command == "MSG") {
      if (cbs.data != nullptr && state_ == State::kOpen) {
        cbs.data(cbs.user, this, rest.c_str(), rest.size());
      }
      return;
    }
    if (command == "BYE") {
      peer_said_bye_ = true;
      Close();
      return;
    }
    Fail(E2E_XMPP_ERR_PROTOCOL,
         "unexpected inner line after authentication: '" + Shorten(command) + "'",
         "failed-application");
    return;
  }
  if (state_ != State::kAuthenticating) {
    Fail(E2E_XMPP_ERR_PROTOCOL, "an inner line before the channel binding was set",
         "failed-application");
    return;
  }
  auto [command, rest] = SplitCommand(line);
  if (person_.running() && command != "FAIL") {
    // Lock-step: while our step waits for the person, the peer waits for us.
    Fail(E2E_XMPP_ERR_PROTOCOL,
         "the peer sent '" + Shorten(command) + "' while this end's person was deciding",
         "failed-application");
    return;
  }
  if (command == "FAIL") {
    std::string what = mechanism_.empty() ? "the session" : mechanism_;
    Fail(E2E_XMPP_ERR_REFUSED, "the peer refused " + what + ": " + rest, "security-error");
    return;
  }
  if (initiator_) {
    InitiatorLine(command, rest);
  } else {
    ResponderLine(command, rest);
  }
}

void Session::ResponderStart() {
  std::string error;
  server_ = SaslServerEnd::New(core_->settings().sasl, binding_.get(), &hooks_, &error);
  if (!server_) {
    SendInner("FAIL the peer cannot authenticate now");
    Fail(E2E_XMPP_ERR_SETUP, error, "failed-application");
    return;
  }
  std::vector<std::string> offered;
  const std::vector<std::string>& allowed = core_->settings().mechanisms;
  for (const std::string& m : SplitWords(server_->Mechanisms())) {
    std::string base = m.ends_with("-PLUS") ? m.substr(0, m.size() - 5) : m;
    if (allowed.empty() || std::find(allowed.begin(), allowed.end(), m) != allowed.end() ||
        std::find(allowed.begin(), allowed.end(), base) != allowed.end()) {
      offered.push_back(m);
    }
  }
  if (offered.empty()) {
    SendInner("FAIL no mechanism available");
    Fail(E2E_XMPP_ERR_SETUP,
         "no SASL mechanism to offer (plugins not found, or none allowed with this binding)",
         "failed-application");
    return;
  }
  std::string list;
  for (const std::string& m : offered) {
    list += (list.empty() ? "" : " ") + m;
  }
  mechanism_.clear();
  requested_mech_ = list;  // responder: what it offered
  SendInner("MECHS " + list);
}

void Session::ResponderLine(const std::string& command, const std::string& rest) {
  if (command == "AUTH" && mechanism_.empty()) {
    auto [mech, initial_field] = SplitCommand(rest);
    std::vector<std::string> offered = SplitWords(requested_mech_);
    if (mech.empty() || std::find(offered.begin(), offered.end(), mech) == offered.end()) {
      SendInner("FAIL " + Shorten(mech) + " was not offered");
      Fail(E2E_XMPP_ERR_REFUSED, "the peer asked for " + Shorten(mech) + ", which was not offered",
           "security-error");
      return;
    }
    mechanism_ = mech;
    std::optional<Bytes> initial;
    if (!initial_field.empty()) {
      initial = DecodeData(initial_field);
      if (!initial) {
        SendInner("FAIL bad base64");
        Fail(E2E_XMPP_ERR_PROTOCOL, "the peer's initial response is not base64",
             "failed-application");
        return;
      }
    }
    RunSaslStep(
        mech.starts_with("SAS-"),
        [this, name = std::string(mech), initial] { return server_->Start(name, initial); },
        [this](SaslStep done) { ResponderStepDone(std::move(done)); });
    return;
  } else if (command == "R" && !mechanism_.empty()) {
    std::optional<Bytes> data = DecodeData(rest);
    if (!data) {
      SendInner("FAIL bad base64");
      Fail(E2E_XMPP_ERR_PROTOCOL, "the peer's response is not base64", "failed-application");
      return;
    }
    RunSaslStep(
        mechanism_.starts_with("SAS-"), [this, in = std::move(*data)] { return server_->Step(in); },
        [this](SaslStep done) { ResponderStepDone(std::move(done)); });
    return;
  } else {
    SendInner("FAIL unexpected " + Shorten(command));
    Fail(E2E_XMPP_ERR_PROTOCOL,
         "expected " + std::string(mechanism_.empty() ? "AUTH" : "R") + ", got '" +
             Shorten(command) + "'",
         "failed-application");
    return;
  }
}

void Session::ResponderStepDone(SaslStep step) {
  if (state_ == State::kDone) {
    return;
  }
  if (step.rc == SASL_OK) {
    std::string user = server_->Username();
    SendInner(step.out ? "OK " + EncodeData(*step.out) : std::string("OK"));
    if (state_ != State::kDone) {
      Authenticated(user);
    }
    return;
  }
  if (step.rc != SASL_CONTINUE) {
    std::string why = server_->ErrorText(step.rc);
    SendInner("FAIL " + why);
    Fail(E2E_XMPP_ERR_REFUSED, "refused the peer's " + mechanism_ + ": " + why, "security-error");
    return;
  }
  SendInner("C " + EncodeData(step.out.value_or(Bytes{})));
}

void Session::InitiatorLine(const std::string& command, const std::string& rest) {
  if (command == "MECHS" && !client_) {
    std::vector<std::string> offered = SplitWords(rest);
    std::string mechlist;
    if (!requested_mech_.empty()) {
      mechlist = requested_mech_;
    } else {
      for (const std::string& m : offered) {
        if (!m.starts_with("SAS-") || (hooks_.confirm && hooks_.show)) {
          mechlist += (mechlist.empty() ? "" : " ") + m;
        }
      }
    }
    std::string error;
    client_ = SaslClientEnd::New(core_->settings().sasl, user_, password_, authzid_, binding_.get(),
                                  &hooks_, BareJid(peer_), &error);
    OPENSSL_cleanse(password_.data(), password_.size());
    password_.clear();
    if (!client_) {
      SendInner("FAIL the peer cannot authenticate now");
      Fail(E2E_XMPP_ERR_SETUP, error, "failed-application");
      return;
    }
    auto mech = std::make_shared<std::string>();
    bool any_plus = std::any_of(offered.begin(), offered.end(),
                                [](const std::string& m) { return m.ends_with("-PLUS"); });
    RunSaslStep(
        mechlist.find("SAS-") != std::string::npos,
        [this, mechlist, mech] { return client_->Start(mechlist, mech.get()); },
        [this, mechlist, mech, any_plus](SaslStep step) {
          if (step.rc != SASL_OK && step.rc != SASL_CONTINUE) {
            std::string why = client_->ErrorText(step.rc);
            if (step.rc == SASL_NOMECH && binding_ && !any_plus) {
              why = "no channel-bound (-PLUS) mechanism offered: downgrade refused (" + why + ")";
            }
            SendInner("FAIL no usable mechanism");
            Fail(E2E_XMPP_ERR_REFUSED, why, "security-error");
            return;
          }
          // libsasl2 returns the base name; it used "-PLUS" iff a binding is set and the list
          // names the -PLUS variant.
          std::vector<std::string> chosen_from = SplitWords(mechlist);
          bool plus = binding_ != nullptr && std::find(chosen_from.begin(), chosen_from.end(),
                                                       *mech + "-PLUS") != chosen_from.end();
          mechanism_ = plus ? *mech + "-PLUS" : *mech;
          sasl_done_ = step.rc == SASL_OK;
          SendInner("AUTH " + mechanism_ +
                    (step.out ? " " + EncodeData(*step.out) : std::string()));
        });
    return;
  }
  if (command == "C" && client_ && !sasl_done_) {
    std::optional<Bytes> data = DecodeData(rest);
    if (!data) {
      SendInner("FAIL bad base64");
      Fail(E2E_XMPP_ERR_PROTOCOL, "the peer's challenge is not base64", "failed-application");
      return;
    }
    RunSaslStep(
        mechanism_.starts_with("SAS-"), [this, in = std::move(*data)] { return client_->Step(in); },
        [this](SaslStep step) {
          if (step.rc != SASL_OK && step.rc != SASL_CONTINUE) {
            std::string why = client_->ErrorText(step.rc);
            SendInner("FAIL " + why);
            Fail(E2E_XMPP_ERR_REFUSED, "refused the peer's " + mechanism_ + " challenge: " + why,
                 "security-error");
            return;
          }
          sasl_done_ = step.rc == SASL_OK;
          SendInner("R " + EncodeData(step.out.value_or(Bytes{})));
        });
    return;
  }
  if (command == "OK" && client_) {
    if (sasl_done_ && rest.empty()) {
      Authenticated(user_);
      return;
    }
    // Success data (e.g. SCRAM's server signature): the client must verify it.
    std::optional<Bytes> data = DecodeData(rest.empty() ? "=" : rest);
    if (!data) {
      SendInner("FAIL not base64");
      Fail(E2E_XMPP_ERR_REFUSED, "the peer's success message did not verify: not base64",
           "security-error");
      return;
    }
    RunSaslStep(
        mechanism_.starts_with("SAS-"), [this, in = std::move(*data)] { return client_->Step(in); },
        [this](SaslStep step) {
          if (step.rc != SASL_OK) {
            std::string why = client_->ErrorText(step.rc);
            SendInner("FAIL " + why);
            Fail(E2E_XMPP_ERR_REFUSED, "the peer's success message did not verify: " + why,
                 "security-error");
            return;
          }
          Authenticated(user_);
        });
    return;
  }
  SendInner("FAIL unexpected " + Shorten(command));
  Fail(E2E_XMPP_ERR_PROTOCOL, "unexpected inner line '" + Shorten(command) + "'",
       "failed-application");
}

void Session::RunSaslStep(bool may_ask_person, std::function<SaslStep()> step,
                          std::function<void(SaslStep)> then) {
  if (!may_ask_person || !hooks_.confirm) {
    SaslStep done = step();
    DeliverContinuity();
    if (state_ != State::kDone) {
      then(std::move(done));
    }
    return;
  }
  after_step_ = std::move(then);
  person_.Run(std::move(step));
  DriveSaslStep();
}

void Session::DriveSaslStep() {
  if (!after_step_ || state_ == State::kDone) {
    return;
  }
  if (person_.Drive(ask_) != PersonStep::Outcome::kDone || state_ == State::kDone) {
    return;  // the person answers later, or the session ended meanwhile
  }
  std::function<void(SaslStep)> then = std::move(after_step_);
  after_step_ = nullptr;
  DeliverContinuity();
  then(person_.Take());
}

void Session::Resume() {
  if (resume_) {
    resume_ = false;
    DriveSaslStep();
  }
}

int Session::SasAnswer(bool same) {
  if (state_ == State::kDone || !person_.Answer(same)) {
    return -1;
  }
  resume_ = true;
  return 0;
}

void Session::Authenticated(const std::string& identity) {
  state_ = State::kOpen;
  OPENSSL_cleanse(password_.data(), password_.size());
  client_.reset();
  server_.reset();
  const e2e_xmpp_callbacks& cbs = core_->callbacks();
  if (cbs.authenticated != nullptr) {
    cbs.authenticated(cbs.user, this, identity.c_str(), mechanism_.c_str(), binding_name_.c_str());
  }
}

int Session::SendLine(std::string_view text) {
  if (state_ != State::kOpen || text.size() > kMaxLine ||
      text.find_first_of("\n\r") != std::string_view::npos) {
    return -1;
  }
  SendInner(core_->settings().relay ? std::string(text) : "MSG " + std::string(text));
  return state_ == State::kOpen || state_ == State::kClosing ? 0 : -1;
}

}  // namespace e2esasl::xmpp
