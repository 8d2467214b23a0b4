// peer.h: what both VOUCH-ES256-PLUS ends configure and do with the other end's statement: the
// own statement and device key, the trust store, the clock and its tolerance, key continuity;
// the checks of the peer's statement and key, and the continuity observation once the peer has
// proved its key on this channel. Shared by client.h and server.h; no Cyrus types.
#ifndef E2ESASL_VOUCH_PEER_H_
#define E2ESASL_VOUCH_PEER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "vouch/continuity.h"
#include "vouch/key_schedule.h"
#include "vouch/keys.h"
#include "vouch/statement.h"
#include "vouch/trust_store.h"

namespace e2esasl::vouch {

// KeyReporter: told about every continuity observation of a verified peer (the plugin calls the
// application's E2ESASL_CB_VOUCH_KEY and logs a line). kOk lets the exchange go on as the policy
// decided; another Status refuses it with *failure (ignored when the policy already refused).
using KeyReporter =
    std::function<Status(const Statement& peer, const ContinuityReport& report, Failure* failure)>;

// VouchConfig: one end's VOUCH inputs.
//   statement        this end's statement (a compact JWS), sent as it is
//   device_key       this end's device key (the key the statement's cnf names)
//   trust            the issuer keys this end accepts the peer's statement from
//   now              the time the statements are judged at (Unix seconds)
//   max_skew, max_lifetime   VerifyOptions
//   continuity       key continuity; an empty store_path turns it off (now is set from above)
//   use_statement_cache  VerifyOptions::use_cache
//   report           may be empty
struct VouchConfig {
  std::string statement;
  std::shared_ptr<const PrivateKey> device_key;
  std::shared_ptr<const TrustStore> trust;
  int64_t now = 0;
  int64_t max_skew = kDefaultMaxSkew;
  int64_t max_lifetime = kDefaultMaxLifetime;
  ContinuityOptions continuity;
  bool use_statement_cache = true;
  KeyReporter report;
};

// VerifiedPeer: the peer's statement (its signature and claims checked) and its device key (the
// one cnf names; possession not yet proved).
struct VerifiedPeer {
  Statement statement;
  PublicKey key;
};

// CheckOwnConfig: this end can take part (a statement, a device key, a trust store):
// kUnavailable naming what is missing otherwise. *point receives the own device key's point.
Status CheckOwnConfig(const VouchConfig& config, Point* point, Failure* failure);

// CheckPeer verifies the peer's statement against the trust store (VerifyStatement, with
// expected_subject) and that point is the key its cnf names. The failure's detail starts with
// "<who>'s statement: " or "<who>'s device key: " (who: "the client", "the server").
std::optional<VerifiedPeer> CheckPeer(const VouchConfig& config, std::string_view who,
                                      std::string_view statement, const Point& point,
                                      std::string_view expected_subject, Failure* failure);

// ObservePeer runs key continuity for a peer that proved its key (nothing when it is off), then
// the reporter: kOk to go on; kAuthFailed for a changed key under the refuse policy or a
// reporter's refusal; kUnavailable when the store cannot be read or written.
Status ObservePeer(const VouchConfig& config, const VerifiedPeer& peer, Failure* failure);

// SignatureDetail: the detail of a peer signature that does not verify.
std::string SignatureDetail(std::string_view who);

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_PEER_H_
