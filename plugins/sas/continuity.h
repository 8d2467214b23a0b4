// continuity.h: SAS-R255-PLUS remembers its peers (docs/mechanisms/sas.md, "Remembered peers"):
// the sessions' view of the store of retained secrets (retained.h): what a side offers or
// matches at the start of an exchange, and what it keeps once the exchange succeeded. No Cyrus
// types.
//
// Rules (the argument is in docs/mechanisms/sas.md):
// - An identifier of a retained secret is a PRF of it and a fresh nonce (key_schedule.h): it
//   never reveals rs and cannot be linked across sessions.
// - A side that matched mixes rs into the key schedule; the key-confirmation tags then prove it,
//   and the people are not asked. A man in the middle without rs can only make both sides fall
//   back to the people, and each side that remembered the peer reports kNotMatched loudly.
// - A store is written only after a successful exchange: ratcheted (rs2 := the rs used, rs1 :=
//   the new one) when the sides matched, replaced when both people confirmed the string. A
//   mismatch never changes it.
#ifndef E2ESASL_SAS_CONTINUITY_H_
#define E2ESASL_SAS_CONTINUITY_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/status.h"
#include "sas/key_schedule.h"
#include "sas/messages.h"
#include "sas/retained.h"

namespace e2esasl::sas {

// ContinuityEvent: what a side tells its application (E2ESASL_SAS_* in <e2esasl/confirm.h>).
enum class ContinuityEvent {
  kRemembered = 1,  // the peer proved the retained secret: no people are asked
  kFirst = 2,       // nothing is remembered for this peer: the people compare the string
  kNotMatched = 3,  // this peer is remembered but did not prove the secret: a new or changed
                    // device, a lost store, or a man in the middle. The people compare.
  kStored = 4,      // after success: the peer's secret is remembered (new or ratcheted)
};

// ContinuityConfig: one side's continuity settings. Without store_path the side neither offers
// nor remembers anything (the mechanism behaves as without continuity).
//   store_path  the store of retained secrets (retained.h)
//   peer        the peer's identity in the store: at the client the server's name; the server
//               fills it with the client's authcid
//   report      told of every event (may be empty); a Status other than kOk aborts the
//               exchange with it
struct ContinuityConfig {
  std::string store_path;
  std::string peer;
  std::function<Status(ContinuityEvent event, std::string_view peer, Failure* failure)> report;

  bool enabled() const { return !store_path.empty(); }
};

// RememberedSecret: one retained secret a side holds for the peer.
struct RememberedSecret {
  DeviceId device{};
  RetainedSecret rs;
};

// RememberedPeer: what a side's store holds for the peer, read at the start of an exchange.
struct RememberedPeer {
  DeviceId self{};                        // this side's device id (created with the store)
  bool known = false;                     // some device of the peer is remembered
  std::vector<RememberedSecret> secrets;  // rs1 and rs2 of its devices, newest first
};

// LoadRememberedPeer reads the store (creating it, with a new self id, when it does not exist)
// and the retained secrets for peer (at most max_secrets, the most recently updated devices
// first; at the server, only those of `device` when given). kUnavailable with the store's
// detail when the store does not load (it is left as it is).
std::optional<RememberedPeer> LoadRememberedPeer(const std::string& path, std::string_view peer,
                                                 const std::optional<DeviceId>& device,
                                                 size_t max_secrets, Rng& rng, Failure* failure);

// MakeOffer fills client-first's continuity fields: the client's device id, a fresh nonce, and
// one identifier per secret, in random order. False on an RNG or crypto failure.
[[nodiscard]] bool MakeOffer(const RememberedPeer& remembered, Rng& rng, ContinuityOffer* offer);

// MatchOffer (server): the secret among `remembered` (the client device's rs1 and rs2) whose
// client identifier is one of offer.ids, or -1. Every pair is compared in constant time.
int MatchOffer(const RememberedPeer& remembered, const ContinuityOffer& offer);

// MatchAnswer (client): the secret among `remembered` of device `server_device` whose server
// identifier (with the offer's nonce and the server's element) equals `answer`, or -1. Every
// candidate is computed and compared in constant time.
int MatchAnswer(const RememberedPeer& remembered, const ContinuityOffer& offer, const Element& y,
                const DeviceId& server_device, const RetainedId& answer);

// Remember writes the store after a successful exchange with (peer, device): with `used` (the
// sides matched that rs) rs2 := used and rs1 := next; without (the people confirmed the string)
// the device's record is replaced by rs1 := next, verified, confirmed now (created kept when the
// device was known). *stored tells whether a record was written (a ratchet of a record that
// was forgotten meanwhile writes nothing: only people start a chain). kUnavailable with the
// store's detail when it cannot be written or is full.
[[nodiscard]] bool Remember(const std::string& path, std::string_view peer, const DeviceId& device,
                            const RetainedSecret& next, const RetainedSecret* used, Rng& rng,
                            bool* stored, Failure* failure);

// Report calls config.report (if any): kOk, or its failure.
Status Report(const ContinuityConfig& config, ContinuityEvent event, Failure* failure);

// Shared error details.
inline constexpr std::string_view kServerClaimDetail =
    "the server claimed a remembered secret this client does not hold for it: aborted (a man in "
    "the middle?)";
inline constexpr std::string_view kUnofferedDeviceDetail =
    "server-first: z= or r= answers a continuity offer the client did not make";

}  // namespace e2esasl::sas

#endif  // E2ESASL_SAS_CONTINUITY_H_
