// retained.cc: see retained.h.
#include "sas/retained.h"

#include <algorithm>
#include <set>
#include <utility>

#include "common/base64.h"
#include "common/byte_reader.h"
#include "common/secret_file.h"
#include "common/text_record.h"

namespace e2esasl::sas {
namespace {

bool ParseDevice(std::string_view text, DeviceId* out) {
  const std::optional<Bytes> bytes = Base64Decode(text, kDeviceIdSize);
  if (!bytes || bytes->size() != kDeviceIdSize) {
    return false;
  }
  std::copy(bytes->begin(), bytes->end(), out->begin());
  return true;
}

bool ParseSecret(std::string_view text, RetainedSecret* out) {
  const std::optional<SecretBytes> bytes = Base64DecodeSecret(text, kRetainedSecretSize);
  return bytes && out->CopyFrom(*bytes);
}

bool ParsePeer(const std::vector<std::string_view>& f, size_t n, RetainedPeer* peer,
               Failure* failure) {
  if (f.size() != 9) {
    return MalformedLine(failure, n, "a peer line has 9 fields");
  }
  if (!ParseIdentityField(f[1], n, &peer->identity, failure)) {
    return false;
  }
  if (!ParseDevice(f[2], &peer->device)) {
    return MalformedLine(failure, n, "device: expected base64 of 16 bytes");
  }
  if (f[3] != "0" && f[3] != "1") {
    return MalformedLine(failure, n, "verified: expected 0 or 1");
  }
  peer->verified = f[3] == "1";
  if (!ParseUnixTime(f[4], &peer->created) || !ParseUnixTime(f[5], &peer->confirmed) ||
      !ParseUnixTime(f[6], &peer->updated)) {
    return MalformedLine(failure, n, "times: expected Unix seconds");
  }
  if (!ParseSecret(f[7], &peer->rs1)) {
    return MalformedLine(failure, n, "rs1: expected base64 of 32 bytes");
  }
  if (f[8] != "-") {
    peer->rs2.emplace();
    if (!ParseSecret(f[8], &*peer->rs2)) {
      return MalformedLine(failure, n, "rs2: expected base64 of 32 bytes or -");
    }
  }
  return true;
}

// ParseSelf: the second line, "self <base64 of the device id>".
bool ParseSelf(std::string_view line, RetainedFile* file, Failure* failure) {
  const std::vector<std::string_view> self = SplitFields(line);
  if (self.size() != 2 || self[0] != "self" || !ParseDevice(self[1], &file->self)) {
    return MalformedLine(failure, 2, "expected self <base64 of 16 bytes>");
  }
  return true;
}

std::pair<std::string, DeviceId> PeerKey(const RetainedPeer& peer) {
  return {peer.identity, peer.device};
}

constexpr StoreFormat<RetainedFile, RetainedPeer, std::pair<std::string, DeviceId>> kRetainedFormat{
    kRetainedHeader,
    "SAS retained-secret store",
    &ParseSelf,
    "no self line",
    {"peer", "peers", "the same identity and device twice", &ParsePeer, &PeerKey},
    &RetainedFile::peers};

void AppendSecret(SecretString* out, ByteView secret) {
  std::string text = Base64Encode(secret);
  out->Append(text);
  WipeMemory(text.data(), text.size());
}

}  // namespace

RetainedPeer* RetainedFile::Find(std::string_view identity, const DeviceId& device) {
  const auto it = std::find_if(peers.begin(), peers.end(), [&](const RetainedPeer& peer) {
    return peer.identity == identity && peer.device == device;
  });
  return it == peers.end() ? nullptr : &*it;
}

std::vector<const RetainedPeer*> RetainedFile::ForIdentity(std::string_view identity) const {
  return RecordsOf(peers, identity);
}

size_t RetainedFile::Forget(std::string_view identity) {
  const size_t before = peers.size();
  std::erase_if(peers, [&](const RetainedPeer& peer) { return peer.identity == identity; });
  return before - peers.size();
}

std::optional<RetainedFile> ParseRetained(std::string_view text, Failure* failure) {
  return ParseStore(text, kRetainedFormat, failure);
}

SecretString SerializeRetained(const RetainedFile& file) {
  SecretString out;
  out.Append(kRetainedHeader);
  out.Append("\nself ");
  out.Append(Base64Encode(file.self));
  out.Append("\n");
  for (const RetainedPeer& peer : file.peers) {
    out.Append("peer ");
    out.Append(Base64Encode(AsBytes(peer.identity)));
    out.Append(" ");
    out.Append(Base64Encode(peer.device));
    out.Append(peer.verified ? " 1 " : " 0 ");
    out.Append(std::to_string(peer.created) + " " + std::to_string(peer.confirmed) + " " +
               std::to_string(peer.updated) + " ");
    AppendSecret(&out, peer.rs1.view());
    out.Append(" ");
    if (peer.rs2) {
      AppendSecret(&out, peer.rs2->view());
    } else {
      out.Append("-");
    }
    out.Append("\n");
  }
  return out;
}

namespace {

std::optional<RetainedFile> LoadLocked(const std::string& path, Failure* failure, bool* exists) {
  return LoadParsedStore(path, &ParseRetained, failure, exists);
}

}  // namespace

std::optional<RetainedFile> LoadRetained(const std::string& path, Failure* failure, bool* exists) {
  SecretFileLock lock;
  if (!lock.Acquire(path, /*exclusive=*/false, failure)) {
    return std::nullopt;
  }
  return LoadLocked(path, failure, exists);
}

bool UpdateRetained(const std::string& path, Rng& rng,
                    const std::function<bool(RetainedFile&)>& change, Failure* failure) {
  SecretFileLock lock;
  if (!lock.Acquire(path, /*exclusive=*/true, failure)) {
    return false;
  }
  bool exists = false;
  std::optional<RetainedFile> file = LoadLocked(path, failure, &exists);
  if (!file) {
    return false;
  }
  if (!exists && !rng.Fill(file->self)) {
    Fail(failure, Status::kInternal, "the random generator failed");
    return false;
  }
  if (!change(*file) && exists) {
    return true;
  }
  const SecretString text = SerializeRetained(*file);
  return WriteSecretFile(path, text.view(), failure);
}

}  // namespace e2esasl::sas
