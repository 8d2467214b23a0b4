// mechanism.h: what a mechanism family gives the Cyrus glue, and what the glue gives it.
//
// A family (scram, cpace, opaque, sas) describes its mechanisms in a Family table in its
// plugin.cc and exports sasl_client_plug_init / sasl_server_plug_init that call ClientPlugInit /
// ServerPlugInit below. The glue does everything Cyrus-specific: callbacks and prompts,
// canon_user, auxprop, channel-binding disposition, error codes and sasl_errdetail(), and the
// guard that keeps exceptions inside. The family's sessions are pure C++ state machines.
#ifndef E2ESASL_SASL_MECHANISM_H_
#define E2ESASL_SASL_MECHANISM_H_

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "common/bytes.h"
#include "common/cb_negotiation.h"
#include "common/gs2.h"
#include "common/random.h"
#include "common/secret.h"
#include "common/session.h"
#include "common/status.h"
#include "sasl/auxprop.h"
#include "sasl/options.h"

namespace e2esasl::sasl {

// kMaxMessageBytes caps every message a peer may send to any of our mechanisms.
inline constexpr size_t kMaxMessageBytes = 16384;

// ClientSession: one client exchange. Step is first called with an empty `in` (the mechanisms
// are client-first). It returns kContinue with the next message in *out, kOk when the exchange
// is complete (the server's last message verified; *out may be empty), or a failure Status with
// *failure set. After a failure the session is finished.
//
// Asking a person (optional; see include/e2esasl/confirm.h): when Step returns kContinue and
// PendingConfirmation() then has a value, *out is empty and the session waits for a person's
// answer. The glue asks (the E2ESASL_CB_SAS_CONFIRM callback, or a SASL_INTERACT echo prompt and
// re-entry) and calls Confirm with the answer; Confirm returns what Step would have (the next
// message with kContinue / kOk, or a failure; a rejection is kAuthFailed). When Step returns
// kContinue and Announcement() has a value, the glue shows it to the person (E2ESASL_CB_SAS_SHOW,
// if the application has it) before it sends *out; no answer is awaited.
class ClientSession {
 public:
  virtual ~ClientSession() = default;
  virtual Status Step(ByteView in, Bytes* out, Failure* failure) = 0;
  virtual std::optional<std::string> PendingConfirmation() const { return std::nullopt; }
  virtual std::optional<std::string> Announcement() const { return std::nullopt; }
  virtual Status Confirm(bool /*accepted*/, Bytes* /*out*/, Failure* failure) {
    return Fail(failure, Status::kInternal, "no confirmation was pending");
  }
};

// ClientSetup: everything the glue collected before the first step: the session's ClientInputs
// (authcid as the application gave it, the password, empty for mechanisms that need none, the
// GS2 header ready to serialize, the binding data when gs2.flag == kUsed), and
struct ClientSetup : ClientInputs {
  std::string authzid;  // empty: authorize as authcid (also in gs2.authzid)
  const Options* options = nullptr;
  Rng* rng = nullptr;
  const sasl_utils_t* utils = nullptr;  // the connection's (application callbacks, log)
  std::string server_fqdn;              // the serverFQDN given to sasl_client_new ("" if none)
};

// ServerSession: one server exchange. Step returns kContinue with the next challenge, kOk with
// the final server message (possibly empty) once the client is authenticated, or a failure.
class ServerSession {
 public:
  virtual ~ServerSession() = default;
  virtual Status Step(ByteView in, Bytes* out, Failure* failure) = 0;
  // authzid: after kOk, the authorization identity the client asked for (empty: none).
  virtual std::string_view authzid() const = 0;
  // disposition: after kOk, the client's gs2-cb-flag (reported to libsasl2).
  virtual cb::Disposition disposition() const = 0;
  // PendingConfirmation / Confirm / Announcement: as on ClientSession; the server glue asks only
  // through the E2ESASL_CB_SAS_CONFIRM callback and shows only through E2ESASL_CB_SAS_SHOW
  // (either missing when needed: the exchange fails, kUnavailable).
  virtual std::optional<std::string> PendingConfirmation() const { return std::nullopt; }
  virtual std::optional<std::string> Announcement() const { return std::nullopt; }
  virtual Status Confirm(bool /*accepted*/, Bytes* /*out*/, Failure* failure) {
    return Fail(failure, Status::kInternal, "no confirmation was pending");
  }
};

// ServerSetup: what the server glue hands a new session.
struct ServerSetup {
  std::optional<cb::ChannelBindingRef> binding;  // the server's binding; views libsasl2's copy
  bool plus_advertised = false;  // libsasl2 offers "-PLUS" names whenever a binding is set
  Identity* identity = nullptr;  // canon_user + auxprop for this connection
  const Options* options = nullptr;
  Rng* rng = nullptr;
  const sasl_utils_t* utils = nullptr;  // the connection's (application callbacks, log)
};

// AsksPerson: a family session that asks a person (PendingConfirmation and Confirm, as on
// ClientSession / ServerSession above). Announces: one that also shows the string (Announcement).
template <class Session>
concept AsksPerson = requires(Session& session, Bytes* out, Failure* failure) {
  session.PendingConfirmation();
  session.Confirm(true, out, failure);
};
template <class Session>
concept Announces = requires(const Session& session) {
  session.Announcement();
};

// ClientAdapter presents a family's client session as a ClientSession. Session is built from
// (Rng&, Config) and has Step(in, out, failure) as above; PendingConfirmation, Announcement and
// Confirm are forwarded when Session has them (AsksPerson, Announces), otherwise the defaults
// above apply. rng must outlive the adapter.
template <class Session>
class ClientAdapter final : public ClientSession {
 public:
  template <class Config>
  ClientAdapter(Rng& rng, Config config) : session_(rng, std::move(config)) {}

  Status Step(ByteView in, Bytes* out, Failure* failure) override {
    return session_.Step(in, out, failure);
  }
  std::optional<std::string> PendingConfirmation() const override {
    if constexpr (AsksPerson<Session>) {
      return session_.PendingConfirmation();
    } else {
      return ClientSession::PendingConfirmation();
    }
  }
  std::optional<std::string> Announcement() const override {
    if constexpr (Announces<Session>) {
      return session_.Announcement();
    } else {
      return ClientSession::Announcement();
    }
  }
  Status Confirm(bool accepted, Bytes* out, Failure* failure) override {
    if constexpr (AsksPerson<Session>) {
      return session_.Confirm(accepted, out, failure);
    } else {
      return ClientSession::Confirm(accepted, out, failure);
    }
  }

 private:
  Session session_;
};

// NoSource: the ServerAdapter Source of a family whose server reads no stored secret (SAS).
struct NoSource {};

// ServerAdapter presents a family's server session as a ServerSession, and owns the Source the
// session reads the users' secrets from (built from *setup.identity; it outlives the session).
// Session is built from (Rng&, Source&, Config), or from (Rng&, Config) when Source is NoSource,
// and has Step(in, out, failure), Authzid() and Disposition(); PendingConfirmation, Confirm and
// Announcement are forwarded when Session has them (AsksPerson, Announces), otherwise the
// defaults above apply.
// setup.rng and setup.identity must outlive the adapter.
template <class Session, class Source = NoSource>
class ServerAdapter final : public ServerSession {
 public:
  template <class Config>
  ServerAdapter(const ServerSetup& setup, Config config)
      : source_(MakeSource(setup)), session_(MakeSession(setup, source_, std::move(config))) {}

  Status Step(ByteView in, Bytes* out, Failure* failure) override {
    return session_.Step(in, out, failure);
  }
  std::string_view authzid() const override { return session_.Authzid(); }
  cb::Disposition disposition() const override { return session_.Disposition(); }
  std::optional<std::string> PendingConfirmation() const override {
    if constexpr (AsksPerson<Session>) {
      return session_.PendingConfirmation();
    } else {
      return ServerSession::PendingConfirmation();
    }
  }
  std::optional<std::string> Announcement() const override {
    if constexpr (Announces<Session>) {
      return session_.Announcement();
    } else {
      return ServerSession::Announcement();
    }
  }
  Status Confirm(bool accepted, Bytes* out, Failure* failure) override {
    if constexpr (AsksPerson<Session>) {
      return session_.Confirm(accepted, out, failure);
    } else {
      return ServerSession::Confirm(accepted, out, failure);
    }
  }

 private:
  static constexpr bool kHasSource = !std::is_same_v<Source, NoSource>;

  static Source MakeSource([[maybe_unused]] const ServerSetup& setup) {
    if constexpr (kHasSource) {
      return Source(*setup.identity);
    } else {
      return NoSource{};
    }
  }
  template <class Config>
  static Session MakeSession(const ServerSetup& setup, [[maybe_unused]] Source& source,
                             Config config) {
    if constexpr (kHasSource) {
      return Session(*setup.rng, source, std::move(config));
    } else {
      return Session(*setup.rng, std::move(config));
    }
  }

  [[no_unique_address]] Source source_;
  Session session_;
};

struct MechanismSpec;

// NewClient<Session, kConfigure>: a MechanismSpec::new_client. Session::Config derives from
// ClientInputs, which it gets from the setup; kConfigure, when given, fills the family's own
// fields: bool (const MechanismSpec&, const Options&, Session::Config*, Failure*), or with
// const ClientSetup& in place of the Options when it needs more of the setup (the server's
// name, the application's callbacks); false (with *failure set) when the session cannot
// start. The session runs in a ClientAdapter.
template <class Session, auto kConfigure = nullptr>
std::unique_ptr<ClientSession> NewClient(const MechanismSpec& spec, ClientSetup setup,
                                         Failure* failure) {
  typename Session::Config config;
  static_cast<ClientInputs&>(config) = std::move(static_cast<ClientInputs&>(setup));
  if constexpr (std::is_invocable_v<decltype(kConfigure), const MechanismSpec&, const ClientSetup&,
                                    typename Session::Config*, Failure*>) {
    if (!kConfigure(spec, setup, &config, failure)) {
      return nullptr;
    }
  } else if constexpr (kConfigure != nullptr) {
    if (!kConfigure(spec, *setup.options, &config, failure)) {
      return nullptr;
    }
  }
  return std::make_unique<ClientAdapter<Session>>(*setup.rng, std::move(config));
}

// NewServer<Session, Source, kConfigure>: a MechanismSpec::new_server. Session::Config derives
// from ServerInputs (the binding, copied, and whether -PLUS was offered); kConfigure, when given,
// fills the family's own fields: bool (const MechanismSpec&, const ServerSetup&,
// Session::Config*, Failure*), false (with *failure set) when the session cannot start. The
// session runs in a ServerAdapter that owns its Source.
template <class Session, class Source = NoSource, auto kConfigure = nullptr>
std::unique_ptr<ServerSession> NewServer(const MechanismSpec& spec, ServerSetup setup,
                                         Failure* failure) {
  typename Session::Config config;
  config.binding = cb::CopyBinding(setup.binding);
  config.plus_advertised = setup.plus_advertised;
  if constexpr (kConfigure != nullptr) {
    if (!kConfigure(spec, setup, &config, failure)) {
      return nullptr;
    }
  }
  return std::make_unique<ServerAdapter<Session, Source>>(setup, std::move(config));
}

// SecretEncoder: turns a password given to sasl_setpass() into the text a family stores for the
// user under its auxprop property PropertyName(spec). kOk with *out set; kUnavailable: the
// family is not configured here (its property is left alone: SASL_NOCHANGE, the detail logged
// as a note); another Status: SASL_BADPARAM with the detail as the error. Removing a user's
// secret (SASL_SET_DISABLE, no password) needs no encoder call.
using SecretEncoder = Status (*)(const MechanismSpec& spec, const Options& options,
                                 std::string_view user, std::string_view password,
                                 SecretString* out, Failure* failure);

// PropertyName: a mechanism's own auxprop property, "e2esasl-<NAME>", so provisioning one
// mechanism never overwrites another's; with for_lookup, "*" first (the authentication
// identity's property).
std::string PropertyName(const MechanismSpec& spec, bool for_lookup);

// kFeatures: every family's SASL_FEAT_* (proxy authorization through the GS2 header's a=, and
// channel binding, which libsasl2 turns into the -PLUS names).
inline constexpr unsigned kFeatures = SASL_FEAT_ALLOWS_PROXY | SASL_FEAT_CHANNEL_BINDING;

// kPakeSecurityFlags: CPace's and OPAQUE's security flags: one online guess per attempt and
// nothing offline (NODICTIONARY, NOACTIVE), explicit authentication both ways (MUTUAL_AUTH),
// ephemeral scalars or keyshares (FORWARD_SECRECY), a SHA-512 transcript.
inline constexpr unsigned kPakeSecurityFlags =
    SASL_SEC_NOPLAINTEXT | SASL_SEC_NOANONYMOUS | SASL_SEC_NOACTIVE | SASL_SEC_NODICTIONARY |
    SASL_SEC_FORWARD_SECRECY | SASL_SEC_MUTUAL_AUTH | SASL_SET_HASH_STRENGTH_BITS(512);

// MechanismSpec: one mechanism of a family.
struct MechanismSpec {
  const char* name;         // base name, <= 15 characters (libsasl2 appends "-PLUS")
  unsigned security_flags;  // SASL_SEC_*
  unsigned features;        // SASL_FEAT_* (SASL_FEAT_CHANNEL_BINDING for -PLUS support)
  bool client_needs_password;
  bool requires_binding;  // offered only when the application set a channel binding
  int variant;            // the family's own selector (e.g. the hash)
  // new_client / new_server: nullptr with *failure set when the session cannot start.
  std::unique_ptr<ClientSession> (*new_client)(const MechanismSpec& spec, ClientSetup setup,
                                               Failure* failure);
  std::unique_ptr<ServerSession> (*new_server)(const MechanismSpec& spec, ServerSetup setup,
                                               Failure* failure);
  // encode_secret: what setpass stores; nullptr when the family stores no secret.
  SecretEncoder encode_secret;
  // needs_person: the sessions ask a person (PendingConfirmation). The server offers the
  // mechanism only when the application registered E2ESASL_CB_SAS_CONFIRM and
  // E2ESASL_CB_SAS_SHOW (its person must see the string before the client's is asked); the
  // client refuses to start when it can neither call the confirm callback nor prompt.
  bool needs_person = false;
  // required_options: null, or a null-terminated list of options (read under the family's
  // plugin name) without which the server does not offer the mechanism (VOUCH: its statement,
  // device key and trust store): a server that cannot run it does not list it.
  const char* const* required_options = nullptr;
};

// Family: a plugin module's mechanisms and the name its options are read under.
struct Family {
  const char* plugin_name;  // e.g. "e2esasl-scram": getopt scope and log prefix
  std::span<const MechanismSpec> mechanisms;
};

// ClientPlugInit / ServerPlugInit implement sasl_client_plug_init / sasl_server_plug_init for
// family (which must have static storage duration). The plug tables are built once, thread-safely.
int ClientPlugInit(const Family& family, const sasl_utils_t* utils, int max_version,
                   int* out_version, sasl_client_plug_t** pluglist, int* plugcount) noexcept;
int ServerPlugInit(const Family& family, const sasl_utils_t* utils, int max_version,
                   int* out_version, sasl_server_plug_t** pluglist, int* plugcount) noexcept;

// E2ESASL_PLUGIN_ENTRY_POINTS(family) defines a module's two exported entry points,
// sasl_client_plug_init and sasl_server_plug_init, for `family` (a Family with static storage
// duration). Use it once, at global scope, in the family's plugin.cc.
#define E2ESASL_PLUGIN_ENTRY_POINTS(family)                                                        \
  extern "C" __attribute__((visibility("default"))) int sasl_client_plug_init(                     \
      const sasl_utils_t* utils, int max_version, int* out_version, sasl_client_plug_t** pluglist, \
      int* plugcount) {                                                                            \
    return ::e2esasl::sasl::ClientPlugInit((family), utils, max_version, out_version, pluglist,    \
                                           plugcount);                                             \
  }                                                                                                \
  extern "C" __attribute__((visibility("default"))) int sasl_server_plug_init(                     \
      const sasl_utils_t* utils, int max_version, int* out_version, sasl_server_plug_t** pluglist, \
      int* plugcount) {                                                                            \
    return ::e2esasl::sasl::ServerPlugInit((family), utils, max_version, out_version, pluglist,    \
                                           plugcount);                                             \
  }

// BindingRef views a libsasl2 channel binding (nullopt when there is none).
std::optional<cb::ChannelBindingRef> BindingRef(const sasl_channel_binding_t* binding);

}  // namespace e2esasl::sasl

#endif  // E2ESASL_SASL_MECHANISM_H_
