// continuity.cc: see continuity.h.
#include "vouch/continuity.h"

#include <algorithm>
#include <set>
#include <utility>

#include "common/base64.h"
#include "common/secret_file.h"
#include "common/text_record.h"
#include "vouch/keys.h"
#include "vouch/statement.h"

namespace e2esasl::vouch {
namespace {

bool ParseKey(const std::vector<std::string_view>& f, size_t n, SeenKey* key, Failure* failure) {
  if (f.size() != 6) {
    return MalformedLine(failure, n, "a key line has 6 fields");
  }
  if (!ParseIdentityField(f[1], n, &key->identity, failure)) {
    return false;
  }
  const std::optional<Bytes> device = Base64Decode(f[2], kMaxDeviceIdSize);
  if (!device || device->empty() ||
      std::any_of(device->begin(), device->end(), [](uint8_t c) { return c < 0x21 || c > 0x7e; })) {
    return MalformedLine(failure, n, "device id: expected base64 of 1 to 128 printable characters");
  }
  key->device_id.assign(device->begin(), device->end());
  if (!IsThumbprint(f[3])) {
    return MalformedLine(failure, n, "thumbprint: expected 43 base64url characters");
  }
  key->thumbprint = std::string(f[3]);
  if (!ParseUnixTime(f[4], &key->first_seen) || !ParseUnixTime(f[5], &key->last_seen)) {
    return MalformedLine(failure, n, "times: expected Unix seconds");
  }
  if (key->last_seen < key->first_seen) {
    return MalformedLine(failure, n, "last seen is before first seen");
  }
  return true;
}

std::pair<std::string, std::string> KeyOf(const SeenKey& key) {
  return {key.identity, key.thumbprint};
}

constexpr StoreFormat<ContinuityFile, SeenKey, std::pair<std::string, std::string>>
    kContinuityFormat{kContinuityHeader,
                      "VOUCH key-continuity store",
                      nullptr,
                      "",
                      {"key", "keys", "the same identity and key twice", &ParseKey, &KeyOf},
                      &ContinuityFile::keys};

std::optional<ContinuityFile> LoadLocked(const std::string& path, Failure* failure) {
  return LoadParsedStore(path, &ParseContinuity, failure, nullptr);
}

std::string EvidenceText(const Observation& observation, const std::vector<SeenKey>& known,
                         int64_t now) {
  std::string out = "e2esasl-vouch-evidence 1\n";
  out += "time " + std::to_string(now) + "\n";
  out += "identity " + Base64Encode(AsBytes(observation.identity)) + "\n";
  out += "device " + Base64Encode(AsBytes(observation.device_id)) + "\n";
  out += "new-key " + observation.thumbprint + "\n";
  for (const SeenKey& key : known) {
    out += "known-key " + key.thumbprint + " " + std::to_string(key.first_seen) + " " +
           std::to_string(key.last_seen) + "\n";
  }
  out += "statement " + observation.statement + "\n";
  return out;
}

}  // namespace

SeenKey* ContinuityFile::Find(std::string_view identity, std::string_view thumbprint) {
  const auto it = std::find_if(keys.begin(), keys.end(), [&](const SeenKey& key) {
    return key.identity == identity && key.thumbprint == thumbprint;
  });
  return it == keys.end() ? nullptr : &*it;
}

std::vector<const SeenKey*> ContinuityFile::ForIdentity(std::string_view identity) const {
  return RecordsOf(keys, identity);
}

std::optional<ContinuityFile> ParseContinuity(std::string_view text, Failure* failure) {
  return ParseStore(text, kContinuityFormat, failure);
}

std::string SerializeContinuity(const ContinuityFile& file) {
  std::string out(kContinuityHeader);
  out += "\n";
  for (const SeenKey& key : file.keys) {
    out += "key " + Base64Encode(AsBytes(key.identity)) + " " +
           Base64Encode(AsBytes(key.device_id)) + " " + key.thumbprint + " " +
           std::to_string(key.first_seen) + " " + std::to_string(key.last_seen) + "\n";
  }
  return out;
}

std::optional<ContinuityFile> LoadContinuity(const std::string& path, Failure* failure) {
  SecretFileLock lock;
  if (!lock.Acquire(path, /*exclusive=*/false, failure)) {
    return std::nullopt;
  }
  return LoadLocked(path, failure);
}

bool ObserveKey(const ContinuityOptions& options, const Observation& observation,
                ContinuityReport* report, Failure* failure) {
  *report = ContinuityReport();
  if (observation.identity.empty() || observation.identity.size() > kMaxStoreIdentitySize ||
      observation.identity.find('\0') != std::string::npos ||
      !IsThumbprint(observation.thumbprint) || observation.device_id.empty() ||
      observation.device_id.size() > kMaxDeviceIdSize) {
    Fail(failure, Status::kInternal,
         "key continuity: an observation without a valid identity, "
         "device id or thumbprint");
    return false;
  }
  SecretFileLock lock;
  if (!lock.Acquire(options.store_path, /*exclusive=*/true, failure)) {
    return false;
  }
  std::optional<ContinuityFile> file = LoadLocked(options.store_path, failure);
  if (!file) {
    return false;
  }
  for (const SeenKey* key : file->ForIdentity(observation.identity)) {
    report->known.push_back(*key);
  }
  if (SeenKey* key = file->Find(observation.identity, observation.thumbprint)) {
    report->verdict = KeyVerdict::kKnownKey;
    key->last_seen = std::max(key->last_seen, options.now);
    key->device_id = observation.device_id;
  } else if (report->known.empty()) {
    report->verdict = KeyVerdict::kFirstContact;
  } else {
    report->verdict = KeyVerdict::kChangedKey;
    if (!options.evidence_dir.empty()) {
      const std::string path = options.evidence_dir + "/" + std::to_string(options.now) + "-" +
                               observation.thumbprint + ".evidence";
      if (!WriteSecretFile(path, EvidenceText(observation, report->known, options.now), failure)) {
        return false;
      }
      report->evidence_path = path;
    }
    if (options.policy == ChangedKeyPolicy::kRefuse) {
      std::string detail = "key continuity: the device key vouched for " + observation.identity +
                           " is not one seen before (known keys first seen at";
      for (const SeenKey& key : report->known) {
        detail += " " + std::to_string(key.first_seen);
      }
      detail += "); refused";
      Fail(failure, Status::kAuthFailed, std::move(detail));
      return false;
    }
  }
  if (report->verdict != KeyVerdict::kKnownKey) {
    if (file->keys.size() >= kMaxStoreRecords) {
      Fail(failure, Status::kUnavailable,
           options.store_path + ": full (" + std::to_string(kMaxStoreRecords) + " keys)");
      return false;
    }
    file->keys.push_back(SeenKey{observation.identity, observation.device_id,
                                 observation.thumbprint, options.now, options.now});
  }
  if (!WriteSecretFile(options.store_path, SerializeContinuity(*file), failure)) {
    return false;
  }
  report->accepted = true;
  return true;
}

}  // namespace e2esasl::vouch
