// continuity.cc: see continuity.h.
#include "sas/continuity.h"

#include <algorithm>
#include <ctime>
#include <utility>

#include "common/ct.h"
#include "common/text_record.h"

namespace e2esasl::sas {
namespace {

int64_t Now() {
  return static_cast<int64_t>(std::time(nullptr));
}

// CopySecret copies a retained secret (FixedSecret is move-only).
void CopySecret(const RetainedSecret& from, RetainedSecret* to) {
  (void)to->CopyFrom(from.view());
}

// Uniform returns a uniform integer in [0, n) from rng (rejection sampling); false on an RNG
// failure.
bool Uniform(Rng& rng, uint32_t n, uint32_t* out) {
  const uint32_t limit = UINT32_MAX - UINT32_MAX % n;
  while (true) {
    uint8_t bytes[4];
    if (!rng.Fill(bytes)) {
      return false;
    }
    const uint32_t value = (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
                           (uint32_t{bytes[2]} << 8) | uint32_t{bytes[3]};
    if (value < limit) {
      *out = value % n;
      return true;
    }
  }
}

}  // namespace

std::optional<RememberedPeer> LoadRememberedPeer(const std::string& path, std::string_view peer,
                                                 const std::optional<DeviceId>& device,
                                                 size_t max_secrets, Rng& rng, Failure* failure) {
  RememberedPeer out;
  Failure store_failure;
  // Read under a shared lock; the store is created (with this side's device id) at its first
  // use, under the exclusive lock, so the id is stable from the first exchange on.
  bool exists = false;
  std::optional<RetainedFile> existing = LoadRetained(path, &store_failure, &exists);
  const auto take = [&](RetainedFile& file) {
    out.self = file.self;
    std::vector<const RetainedPeer*> records = file.ForIdentity(peer);
    out.known = !records.empty();
    std::stable_sort(
        records.begin(), records.end(),
        [](const RetainedPeer* a, const RetainedPeer* b) { return a->updated > b->updated; });
    for (const RetainedPeer* record : records) {
      if (device && record->device != *device) {
        continue;
      }
      for (const RetainedSecret* rs : {&record->rs1, record->rs2 ? &*record->rs2 : nullptr}) {
        if (rs != nullptr && out.secrets.size() < max_secrets) {
          RememberedSecret& kept = out.secrets.emplace_back();
          kept.device = record->device;
          CopySecret(*rs, &kept.rs);
        }
      }
    }
    return false;
  };
  const bool loaded = existing && exists
                          ? (take(*existing), true)
                          : existing && UpdateRetained(path, rng, take, &store_failure);
  if (!loaded) {
    Fail(failure, Status::kUnavailable,
         "the store of remembered peers cannot be used: " + store_failure.detail);
    return std::nullopt;
  }
  return out;
}

bool MakeOffer(const RememberedPeer& remembered, Rng& rng, ContinuityOffer* offer) {
  offer->device = remembered.self;
  if (!rng.Fill(offer->nonce)) {
    return false;
  }
  offer->ids.clear();
  for (const RememberedSecret& secret : remembered.secrets) {
    if (offer->ids.size() == kMaxRetainedIds) {
      break;
    }
    if (!ClientRetainedId(secret.rs, offer->nonce, &offer->ids.emplace_back())) {
      return false;
    }
  }
  // Random order (Fisher-Yates): the position of an identifier says nothing about its secret.
  for (size_t i = offer->ids.size(); i > 1; --i) {
    uint32_t j = 0;
    if (!Uniform(rng, static_cast<uint32_t>(i), &j)) {
      return false;
    }
    std::swap(offer->ids[i - 1], offer->ids[j]);
  }
  return true;
}

int MatchOffer(const RememberedPeer& remembered, const ContinuityOffer& offer) {
  int found = -1;
  for (size_t i = 0; i < remembered.secrets.size(); ++i) {
    const RememberedSecret& secret = remembered.secrets[i];
    RetainedId expected{};
    const bool computed =
        secret.device == offer.device && ClientRetainedId(secret.rs, offer.nonce, &expected);
    bool equal = false;
    for (const RetainedId& id : offer.ids) {
      equal |= CtEqual(id, expected);  // every pair compared, no early exit
    }
    if (computed && equal && found < 0) {
      found = static_cast<int>(i);
    }
  }
  return found;
}

int MatchAnswer(const RememberedPeer& remembered, const ContinuityOffer& offer, const Element& y,
                const DeviceId& server_device, const RetainedId& answer) {
  int found = -1;
  for (size_t i = 0; i < remembered.secrets.size(); ++i) {
    const RememberedSecret& secret = remembered.secrets[i];
    RetainedId expected{};
    const bool computed = ServerRetainedId(secret.rs, offer.nonce, y, &expected);
    const bool equal = CtEqual(answer, expected);
    if (computed && equal && secret.device == server_device && found < 0) {
      found = static_cast<int>(i);
    }
  }
  return found;
}

bool Remember(const std::string& path, std::string_view peer, const DeviceId& device,
              const RetainedSecret& next, const RetainedSecret* used, Rng& rng, bool* stored,
              Failure* failure) {
  const int64_t now = Now();
  Failure store_failure;
  bool full = false;
  *stored = false;
  const bool written = UpdateRetained(
      path, rng,
      [&](RetainedFile& file) {
        RetainedPeer* record = file.Find(peer, device);
        if (record == nullptr) {
          if (used != nullptr) {
            return false;  // ratcheting a record that is gone (forgotten meanwhile): keep it gone
          }
          if (file.peers.size() >= kMaxStoreRecords) {
            full = true;
            return false;
          }
          record = &file.peers.emplace_back();
          record->identity = std::string(peer);
          record->device = device;
          record->created = now;
        }
        if (used != nullptr) {
          record->rs2.emplace();
          CopySecret(*used, &*record->rs2);
        } else {
          record->rs2.reset();
          record->verified = true;
          record->confirmed = now;
        }
        CopySecret(next, &record->rs1);
        record->updated = now;
        *stored = true;
        return true;
      },
      &store_failure);
  if (full) {
    Fail(failure, Status::kUnavailable,
         "authenticated, but the peer could not be remembered: the store already holds " +
             std::to_string(kMaxStoreRecords) + " peer devices (forget some)");
    return false;
  }
  if (!written) {
    Fail(failure, Status::kUnavailable,
         "authenticated, but the peer could not be remembered: " + store_failure.detail);
    return false;
  }
  return true;
}

Status Report(const ContinuityConfig& config, ContinuityEvent event, Failure* failure) {
  if (!config.report) {
    return Status::kOk;
  }
  return config.report(event, config.peer, failure);
}

}  // namespace e2esasl::sas
