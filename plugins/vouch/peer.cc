// peer.cc: the checks both VOUCH-ES256-PLUS ends run on the other end (see peer.h).
#include "vouch/peer.h"

#include <utility>

#include "common/ct.h"

namespace e2esasl::vouch {

Status CheckOwnConfig(const VouchConfig& config, Point* point, Failure* failure) {
  if (config.statement.empty() || !config.device_key || !config.trust) {
    return Fail(failure, Status::kUnavailable,
                "not configured: this end needs its statement, its device key and a trust store "
                "(e2esasl_vouch_statement, e2esasl_vouch_device_key, e2esasl_vouch_trust_dir)");
  }
  const std::optional<Point> own = EncodePoint(config.device_key->public_key(), failure);
  if (!own) {
    return failure == nullptr ? Status::kInternal : failure->status;
  }
  *point = *own;
  return Status::kOk;
}

std::optional<VerifiedPeer> CheckPeer(const VouchConfig& config, std::string_view who,
                                      std::string_view statement, const Point& point,
                                      std::string_view expected_subject, Failure* failure) {
  VerifyOptions options;
  options.now = config.now;
  options.max_skew = config.max_skew;
  options.max_lifetime = config.max_lifetime;
  options.expected_subject = std::string(expected_subject);
  options.use_cache = config.use_statement_cache;
  Failure why;
  std::optional<Statement> verified = VerifyStatement(statement, *config.trust, options, &why);
  if (!verified) {
    Fail(failure, why.status, std::string(who) + "'s " + why.detail);
    return std::nullopt;
  }
  // RFC 7800 section 3.1: the presenter proves possession of the key cnf names. The point is
  // that key byte for byte when cnf carries the JWK (already checked on the curve), which saves
  // decoding it again; otherwise it is decoded, checked, and its thumbprint compared.
  const std::optional<PublicKey>& named = verified->cnf.jwk;
  std::optional<PublicKey> key;
  if (named && named->point().size() == point.size() && CtEqual(named->point(), point)) {
    key = *named;
  } else {
    key = DecodePoint(point, &why);
  }
  if (!key || !ConfirmDeviceKey(*verified, *key, &why)) {
    Fail(failure, why.status, std::string(who) + "'s " + why.detail);
    return std::nullopt;
  }
  return VerifiedPeer{std::move(*verified), std::move(*key)};
}

Status ObservePeer(const VouchConfig& config, const VerifiedPeer& peer, Failure* failure) {
  if (config.continuity.store_path.empty()) {
    return Status::kOk;
  }
  ContinuityOptions options = config.continuity;
  options.now = config.now;
  const Observation observation{peer.statement.subject, peer.statement.device_id,
                                peer.key.thumbprint(), peer.statement.token};
  ContinuityReport report;
  Failure refused;
  const bool accepted = ObserveKey(options, observation, &report, &refused);
  if (!accepted && refused.status != Status::kAuthFailed) {
    return Fail(failure, refused.status, std::move(refused.detail));  // the store itself failed
  }
  Failure vetoed;
  const Status reported =
      config.report ? config.report(peer.statement, report, &vetoed) : Status::kOk;
  if (!accepted) {
    return Fail(failure, refused.status, std::move(refused.detail));
  }
  if (reported != Status::kOk) {
    return Fail(failure, reported, std::move(vetoed.detail));
  }
  return Status::kOk;
}

std::string SignatureDetail(std::string_view who) {
  return std::string(who) +
         "'s device signature does not verify: it was not made with the vouched key over this "
         "channel (another device's key, or another channel binding: a man in the middle)";
}

}  // namespace e2esasl::vouch
