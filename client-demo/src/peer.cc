// peer.cc: the alice (TLS client, SASL client) and bob (TLS server, SASL server) subcommands.
#include "peer.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>

#include "sas_person.h"
#include "sasl_session.h"
#include "wire.h"

namespace e2esasl::demo {
namespace {

namespace cb = e2esasl::channelbind;

Deadline TimeoutFrom(const PeerOptions& o) {
  return Deadline::After(std::chrono::seconds(o.timeout_s));
}

std::string Field(const std::string& line, size_t max = 80) {
  return line.size() <= max ? line : line.substr(0, max) + "...";
}

// MakeBinding computes this end's channel binding as --cb says (nullptr for --cb none) and
// records it in the report. A binding that is undefined on this connection (e.g. tls-unique on
// TLS 1.3) throws DemoError(kTls).
std::unique_ptr<cb::SaslChannelBinding> MakeBinding(TlsChannel& tls, const PeerOptions& o,
                                                    Report& report) {
  if (o.cb_mode == CbMode::kNone) {
    report.Set("cb", "none");
    if (o.verbose) {
      Log(o, "no channel binding (--cb none)");
    }
    return nullptr;
  }
  cb::Type type = o.cb_type;
  if (o.cb_mode == CbMode::kDefault) {
    auto best = tls.BestType();
    if (!best) {
      throw DemoError(ExitCode::kTls, "no channel binding type is defined on this connection: " +
                                          best.error().message);
    }
    type = best.value();
  }
  auto data = tls.Binding(type);
  if (!data) {
    throw DemoError(ExitCode::kTls, std::string(cb::TypeName(type)) + " unavailable (" +
                                        std::string(cb::ErrorCodeName(data.error().code)) +
                                        "): " + data.error().message);
  }
  // Critical when the user forced a type or asked for a -PLUS mechanism (no unbound fallback).
  bool plus_asked = o.mech.size() > 5 && o.mech.ends_with("-PLUS");
  bool critical = o.cb_mode == CbMode::kForced || plus_asked;
  report.Set("cb", std::string(cb::TypeName(type)) + (critical ? " critical" : " optional"));
  report.Set("binding", Hex(data.value()));
  if (o.verbose) {
    Log(o, "channel binding " + std::string(cb::TypeName(type)) +
               (critical ? " (critical)" : " (optional)") + " = " + Hex(data.value()));
  }
  cb::Result<cb::SaslChannelBinding> binding =
      cb::SaslChannelBinding::Standard(type, std::move(data.value()), critical);
  if (!binding) {
    throw DemoError(ExitCode::kSetup, "channel binding: " + binding.error().message);
  }
  return std::make_unique<cb::SaslChannelBinding>(std::move(binding).value());
}

// BindingOrTellPeer is MakeBinding, telling the peer why before the error propagates (so it
// reports "no channel binding" instead of a closed connection).
std::unique_ptr<cb::SaslChannelBinding> BindingOrTellPeer(TlsChannel& tls, Wire& wire,
                                                          const PeerOptions& o, Report& report,
                                                          const std::string& who) {
  try {
    return MakeBinding(tls, o, report);
  } catch (const DemoError& e) {
    try {
      wire.Send("FAIL " + who + " has no channel binding: " + e.what());
    } catch (const DemoError&) {
      // The peer may already be gone; the binding error is the one to report.
    }
    throw;
  }
}

std::unique_ptr<LineChannel> TlsUp(UniqueFd fd, const TlsConfig& config, const PeerOptions& o,
                                   Report& report) {
  auto tls = TlsChannel::Handshake(std::move(fd), config, TimeoutFrom(o));
  report.Set("tls", std::string(TlsLibName(o.tls)) + " " + tls->VersionName());
  if (o.verbose) {
    Log(o, "TLS up: " + std::string(TlsLibName(o.tls)) + " " + tls->VersionName());
  }
  return std::make_unique<LineChannel>(std::move(tls));
}

// Authenticate runs bob's side of the SASL exchange; returns the authenticated user.
std::string BobAuthenticate(Wire& wire, SaslServerSession& sasl, Report& report) {
  std::string mechs = sasl.Mechanisms();
  report.Set("offered", mechs);
  wire.Send("MECHS " + mechs);
  auto [command, rest] = SplitCommand(wire.Receive());
  if (command == "FAIL") {
    throw DemoError(ExitCode::kRefused, "alice gave up: " + rest);
  }
  if (command != "AUTH" || rest.empty()) {
    throw DemoError(ExitCode::kProtocol, "expected AUTH, got '" + Field(command) + "'");
  }
  auto [mech, initial_field] = SplitCommand(rest);
  report.Set("mech", mech);
  std::optional<Bytes> initial;
  if (!initial_field.empty()) {
    initial = DecodeData(initial_field, "AUTH initial response");
  }
  SaslStep step = sasl.Start(mech, initial);
  for (;;) {
    if (step.rc == SASL_OK) {
      std::string user = sasl.Username();
      wire.Send(step.out ? "OK " + EncodeData(*step.out) : std::string("OK"));
      return user;
    }
    if (step.rc != SASL_CONTINUE) {
      std::string why = sasl.ErrorText(step.rc);
      wire.Send("FAIL " + why);
      throw DemoError(ExitCode::kRefused, "refused alice's " + mech + ": " + why);
    }
    wire.Send("C " + EncodeData(step.out.value_or(Bytes{})));
    auto [reply, data] = SplitCommand(wire.Receive());
    if (reply == "FAIL") {
      throw DemoError(ExitCode::kRefused, "alice gave up: " + data);
    }
    if (reply != "R") {
      throw DemoError(ExitCode::kProtocol, "expected R, got '" + Field(reply) + "'");
    }
    step = sasl.Step(DecodeData(data, "R"));
  }
}

void AliceAuthenticate(Wire& wire, SaslClientSession& sasl, const cb::SaslChannelBinding* binding,
                       const PeerOptions& o, Report& report) {
  auto [command, rest] = SplitCommand(wire.Receive());
  if (command == "FAIL") {
    throw DemoError(ExitCode::kRefused, "bob refused: " + rest);
  }
  if (command != "MECHS") {
    throw DemoError(ExitCode::kProtocol, "expected MECHS, got '" + Field(command) + "'");
  }
  report.Set("offered", rest);
  std::vector<std::string> offered = SplitMechs(rest);
  std::string mechlist = o.mech.empty() ? rest : o.mech;
  if (o.mech.empty() && !o.sas_answer_given) {
    // SAS-R255-PLUS needs a person at each end: negotiation picks it only when --sas-answer
    // says how ours answers (an interactive user opts in with --sas-answer ask or --mech).
    mechlist.clear();
    for (const std::string& m : offered) {
      if (!m.starts_with("SAS-")) {
        mechlist += (mechlist.empty() ? "" : " ") + m;
      }
    }
  }
  if (!o.mech.empty() && std::find(offered.begin(), offered.end(), o.mech) == offered.end()) {
    Log(o, "warning: bob's list does not offer " + o.mech +
               " (was it rewritten on the way?); trying it anyway");
    report.Set("warning", "requested mechanism not in the offered list");
  }
  std::string mech;
  SaslStep step = sasl.Start(mechlist, &mech);
  if (step.rc != SASL_OK && step.rc != SASL_CONTINUE) {
    std::string why = sasl.ErrorText(step.rc);
    bool any_plus = std::any_of(offered.begin(), offered.end(),
                                [](const std::string& m) { return m.ends_with("-PLUS"); });
    if (step.rc == SASL_NOMECH && binding != nullptr && binding->critical() && !any_plus) {
      why = "no channel-bound (-PLUS) mechanism offered: downgrade refused (" + why + ")";
    }
    wire.Send("FAIL no usable mechanism");
    throw DemoError(ExitCode::kRefused, why);
  }
  // Cyrus returns the base name; it used "-PLUS" iff a binding is set and the list it chose
  // from names the -PLUS variant (it orders -PLUS names first).
  std::vector<std::string> chosen_from = SplitMechs(mechlist);
  bool plus = binding != nullptr && std::find(chosen_from.begin(), chosen_from.end(),
                                              mech + "-PLUS") != chosen_from.end();
  std::string wire_mech = plus ? mech + "-PLUS" : mech;
  report.Set("mech", wire_mech);
  // What Cyrus's glue asks the plugin for: "used" (bind, p=), "want" (client could bind but
  // negotiated an unbound mechanism: the plugin sends the "y" downgrade flag) or "none" (our
  // plugins still send "y" when they hold a binding; Cyrus's own send "n").
  std::string disposition =
      plus ? "used" : (binding != nullptr && chosen_from.size() > 1 ? "want" : "none");
  report.Set("cb_disposition", disposition);
  if (o.verbose) {
    Log(o, "mechanism " + wire_mech + " (channel-binding disposition: " + disposition + ")");
  }
  wire.Send("AUTH " + wire_mech + (step.out ? " " + EncodeData(*step.out) : std::string()));
  bool done = step.rc == SASL_OK;
  for (;;) {
    auto [reply, data] = SplitCommand(wire.Receive());
    if (reply == "FAIL") {
      throw DemoError(ExitCode::kRefused,
                      "bob refused " + wire_mech + ": " + data +
                          (disposition == "want" ? " (downgrade detected)" : ""));
    }
    if (reply == "C") {
      if (done) {
        throw DemoError(ExitCode::kProtocol, "challenge after the exchange finished");
      }
      step = sasl.Step(DecodeData(data, "C"));
      if (step.rc != SASL_OK && step.rc != SASL_CONTINUE) {
        std::string why = sasl.ErrorText(step.rc);
        wire.Send("FAIL " + why);
        throw DemoError(ExitCode::kRefused, "refused bob's challenge: " + why);
      }
      done = step.rc == SASL_OK;
      wire.Send("R " + EncodeData(step.out.value_or(Bytes{})));
      continue;
    }
    if (reply != "OK") {
      throw DemoError(ExitCode::kProtocol, "expected C, OK or FAIL, got '" + Field(reply) + "'");
    }
    if (!done || !data.empty()) {
      // Success data (e.g. SCRAM's server signature): the client must verify it.
      step = sasl.Step(DecodeData(data.empty() ? "=" : data, "OK"));
      if (step.rc != SASL_OK) {
        std::string why = sasl.ErrorText(step.rc);
        wire.Send("FAIL " + why);
        throw DemoError(ExitCode::kRefused, "bob's success message did not verify: " + why);
      }
    }
    return;
  }
}

// Finish writes the status file and prints the outcome; returns the exit code.
int Finish(const PeerOptions& o, Report& report, ExitCode code, const std::string& reason) {
  report.Set("outcome", std::string(ExitCodeName(code)));
  report.Set("exit", std::to_string(static_cast<int>(code)));
  if (!reason.empty()) {
    report.Set("reason", reason);
  }
  report.WriteTo(o.status_file);
  if (code != ExitCode::kOk) {
    Log(o, (code == ExitCode::kRefused ? "REFUSED: " : "error: ") + reason);
  }
  return static_cast<int>(code);
}

// ClosingOnError runs body and, if it throws, sends close_notify before rethrowing, so the
// relay and the peer see a clean end instead of a truncated connection.
template <typename Body>
void ClosingOnError(LineChannel& channel, Body body) {
  try {
    body();
  } catch (...) {
    const Deadline deadline = Deadline::After(std::chrono::seconds(1));
    channel.tls().Close(deadline);
    // Wait for the peer to close, so that our last line (a FAIL) reaches it (util.h).
    DrainUntilPeerCloses(channel.tls().fd(), deadline);
    throw;
  }
}

template <typename Body>
int Guarded(const std::vector<std::string>& argv, const std::string& role, Body body) {
  PeerOptions o;
  o.role = role;
  Report report;
  report.Set("role", role);
  try {
    o = ParsePeerOptions(role, argv);
    body(o, report);
    return Finish(o, report, ExitCode::kOk, "");
  } catch (const DemoError& e) {
    return Finish(o, report, e.code(), e.what());
  } catch (const std::exception& e) {
    return Finish(o, report, ExitCode::kSetup, e.what());
  }
}

}  // namespace

int RunBob(const std::vector<std::string>& argv) {
  return Guarded(argv, "bob", [](const PeerOptions& o, Report& report) {
    SaslConfig config{o.plugin_path, o.sasldb, o.realm, o.verbose, "bob", "", "", {}};
    config.sas_store = o.sas_store;
    config.sasl_options = o.sasl_options;
    SaslLibrary library(config, /*server=*/true, /*client=*/false);
    Credentials creds = o.cert_file.empty() ? MakeSelfSigned("bob.e2e-demo.invalid")
                                            : LoadCredentials(o.cert_file, o.key_file);
    UniqueFd listener = o.listen_fd >= 0 ? UniqueFd(o.listen_fd) : Listen(*o.listen);
    if (o.listen) {
      Log(o, "listening on " + o.listen->host + ":" + std::to_string(LocalPort(listener.get())));
    }
    Deadline accept_deadline = o.accept_timeout_s < 0
                                   ? Deadline::Never()
                                   : Deadline::After(std::chrono::seconds(o.accept_timeout_s));
    UniqueFd fd = Accept(listener.get(), accept_deadline);
    listener.Reset();
    TlsConfig tls_config{o.tls, o.version, /*server=*/true, &creds};
    auto channel = TlsUp(std::move(fd), tls_config, o, report);
    Wire wire(*channel, o);
    ClosingOnError(*channel, [&] {
      const std::unique_ptr<cb::SaslChannelBinding> binding =
          BindingOrTellPeer(channel->tls(), wire, o, report, "bob");
      SasCallbacks sas = MakeSasCallbacks(o, report);  // offers SAS-R255-PLUS (with a binding)
      SaslServerSession sasl(library, binding.get(), &sas);
      std::string user = BobAuthenticate(wire, sasl, report);
      report.Set("authenticated", user);
      Log(o, "authenticated " + user + " with " + report.Get("mech") +
                 " (binding: " + report.Get("cb") + ")");
      Chat(wire, o, user.empty() ? "alice" : user, report);
    });
    channel->tls().Close(TimeoutFrom(o));
  });
}

int RunAlice(const std::vector<std::string>& argv) {
  return Guarded(argv, "alice", [](const PeerOptions& o, Report& report) {
    SaslConfig config{o.plugin_path, "", o.realm, o.verbose, "alice", "", "", {}};
    config.sas_store = o.sas_store;
    config.sasl_options = o.sasl_options;
    SaslLibrary library(config, /*server=*/false, /*client=*/true);
    UniqueFd fd = Connect(*o.connect, TimeoutFrom(o));
    TlsConfig tls_config{o.tls, o.version, /*server=*/false, nullptr};
    auto channel = TlsUp(std::move(fd), tls_config, o, report);
    Wire wire(*channel, o);
    ClosingOnError(*channel, [&] {
      const std::unique_ptr<cb::SaslChannelBinding> binding =
          BindingOrTellPeer(channel->tls(), wire, o, report, "alice");
      std::string user = o.user;
      std::optional<std::string> password = o.password;
      SasCallbacks sas = MakeSasCallbacks(o, report);
      SaslClientSession sasl(
          library, user, [&] { return password ? *password : PromptPassword(user); }, binding.get(),
          o.connect->host, &sas);
      AliceAuthenticate(wire, sasl, binding.get(), o, report);
      report.Set("authenticated", "bob");
      Log(o, "authenticated to bob with " + report.Get("mech") + " (binding: " + report.Get("cb") +
                 ")");
      Chat(wire, o, "bob", report);
    });
    channel->tls().Close(TimeoutFrom(o));
  });
}

}  // namespace e2esasl::demo
