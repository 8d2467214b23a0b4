// server.h: the OPAQUE-R255 SASL server session, a small state machine with no Cyrus types. The
// Cyrus adapter (plugin.cc) supplies the key material and the users' records.
#ifndef E2ESASL_OPAQUE_SERVER_H_
#define E2ESASL_OPAQUE_SERVER_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/cb_negotiation.h"
#include "common/random.h"
#include "common/status.h"
#include "opaque/ake.h"
#include "opaque/credentials.h"
#include "opaque/ksf.h"
#include "opaque/messages.h"
#include "opaque/records.h"

namespace e2esasl::opaque {

// RecordSource: where the session finds a user's registration. Called once, from the step that
// handles client-first, with the authcid as sent. nullopt for an unknown user or one without a
// (valid) record: the session then answers with the fake record, indistinguishably.
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  virtual std::optional<StoredRecord> Lookup(std::string_view authcid) = 0;
};

// ServerBinding: the channel binding the server holds (Cyrus params->cbinding), copied.
using ServerBinding = cb::OwnedBinding;

// ServerConfig: the server's inputs.
//   keys             the long-term key material (key_file.h)
//   binding          the server's own channel binding, if any
//   plus_advertised  the server offered -PLUS (then "y" from the client is a downgrade)
//   server_identity  RFC 9807 server_identity used at registration (nullopt: the public key)
//   fake_ksf         the KSF parameters announced to unknown users (new records get the same)
struct ServerConfig {
  ServerKeyMaterial keys;
  std::optional<ServerBinding> binding;
  bool plus_advertised = false;
  std::optional<Bytes> server_identity;
  KsfParams fake_ksf;
};

// ServerSession: one authentication as an OPAQUE-R255 server. Not thread-safe.
//
// Step(in, out, failure):
//   1. client-first -> server-first (KE2 and the record's KSF parameters), kContinue. An empty
//      `in` here, once, means the client sent no initial response: empty *out, kContinue.
//   2. client-final -> empty server-final, kOk, only when KE3 verified.
// Failures are final:
//   kMalformed   a client message breaks the ABNF; an invalid element in KE1
//   kBadBinding  "p=" without a server binding or with another name; "n" with a critical binding
//   kAuthFailed  "y" while the server holds a binding (downgrade); KE3 does not verify (wrong
//                password, unknown user, other binding data alike: kAuthFailedDetail)
//   kInternal    RNG or library failure, Step after completion
class ServerSession final {
 public:
  ServerSession(Rng& rng, RecordSource& records, ServerConfig config);
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  Status Step(ByteView in, Bytes* out, Failure* failure);

  bool IsComplete() const { return state_ == State::kComplete; }
  std::string_view Authcid() const { return client_first_.authcid; }
  std::string_view Authzid() const { return client_first_.gs2_header.authzid; }
  cb::Disposition Disposition() const { return cb::DispositionOf(client_first_.gs2_header.flag); }
  const SessionKey& session_key() const { return login_.session_key(); }

 private:
  enum class State { kStart, kAwaitClientFirst, kSentServerFirst, kComplete, kFailed };

  Status HandleClientFirst(ByteView in, Bytes* out, Failure* failure);
  Status HandleClientFinal(ByteView in, Bytes* out, Failure* failure);
  Status Abort(Failure* failure, Status status, std::string detail);

  RecordSource& records_;
  ServerConfig config_;
  State state_ = State::kStart;
  Failure failure_;
  ClientFirst client_first_;
  ServerLogin login_;
};

}  // namespace e2esasl::opaque

#endif  // E2ESASL_OPAQUE_SERVER_H_
