// records.cc: the stored-record text and the fake record of unknown users.
#include "opaque/records.h"

#include "common/base64.h"
#include "common/hash.h"
#include "opaque/oprf.h"

namespace e2esasl::opaque {
namespace {

constexpr std::string_view kVersion = "v1$";
constexpr size_t kRecordSize = kElementSize + kHashSize + kEnvelopeSize;
// The label does not end in "OprfKey", so no credential identifier's OPRF-key info
// (credential_identifier || "OprfKey", RFC 9807 s5.2.2) can equal it.
constexpr std::string_view kFakeKeyLabel = "e2esasl OPAQUE-R255 fake records";
// crypto_core_ristretto255_from_hash takes 64 uniform bytes.
constexpr size_t kFakeElementInputSize = ristretto255::kHashSize;

// NextField returns the text before the next '$' (or all that is left when last) and consumes it.
std::optional<std::string_view> NextField(std::string_view* text, bool last) {
  const size_t end = last ? text->size() : text->find('$');
  if (end == std::string_view::npos || (last && text->find('$') != std::string_view::npos)) {
    return std::nullopt;
  }
  const std::string_view field = text->substr(0, end);
  text->remove_prefix(last ? end : end + 1);
  return field;
}

}  // namespace

std::optional<StoredRecord> StoredRecord::Parse(std::string_view text) {
  if (text.substr(0, kVersion.size()) != kVersion) {
    return std::nullopt;
  }
  text.remove_prefix(kVersion.size());
  const auto ksf_text = NextField(&text, false);
  const auto id_text = ksf_text ? NextField(&text, false) : std::nullopt;
  const auto record_text = id_text ? NextField(&text, true) : std::nullopt;
  if (!record_text) {
    return std::nullopt;
  }
  std::optional<KsfParams> ksf = KsfParams::Parse(*ksf_text);
  std::optional<Bytes> id = Base64Decode(*id_text, kMaxCredentialIdentifierBytes);
  std::optional<SecretBytes> record_bytes = Base64DecodeSecret(*record_text, kRecordSize);
  if (!ksf || !id || id->empty() || !record_bytes) {
    return std::nullopt;
  }
  std::optional<RegistrationRecord> record = RegistrationRecord::Parse(*record_bytes);
  if (!record || !ristretto255::IsValidElement(record->client_public_key)) {
    return std::nullopt;
  }
  StoredRecord stored;
  stored.ksf = *ksf;
  stored.credential_identifier = std::move(*id);
  stored.record = *record;
  return stored;
}

SecretString StoredRecord::Serialize() const {
  ByteWriter writer;
  record.Serialize(writer);
  const std::optional<SecretBytes> record_bytes = writer.FinishSecret();
  SecretString out;
  out.Append(kVersion);
  out.Append(ksf.Serialize());
  out.Append("$");
  out.Append(Base64Encode(credential_identifier));
  out.Append("$");
  std::string encoded = Base64Encode(record_bytes.value_or(SecretBytes()));
  out.Append(encoded);
  WipeMemory(encoded.data(), encoded.size());
  return out;
}

bool FakeRecordFor(const ServerKeyMaterial& keys, ByteView credential_identifier,
                   RegistrationRecord* out) {
  // fake_key = Expand(oprf_seed, label, Nh); material = Expand(fake_key, credential_identifier,
  // 64 + Nh): uniform bytes for the fake client public key, then the fake masking key.
  std::optional<SecretBytes> fake_key =
      HkdfExpand(HashAlg::kSha512, keys.oprf_seed.view(), AsBytes(kFakeKeyLabel), kHashSize);
  std::optional<SecretBytes> material =
      fake_key ? HkdfExpand(HashAlg::kSha512, *fake_key, credential_identifier,
                            kFakeElementInputSize + kHashSize)
               : std::nullopt;
  if (!material) {
    return false;
  }
  const ByteView view(*material);
  // The fake public key is an element nobody knows the discrete log of (the one-way map of
  // uniform bytes, one square root), not sk * G: a real user's login decodes its stored key (one
  // square root as well), so neither path does a scalar multiplication the other does not, and
  // the time to answer does not tell a registered user from an unknown one.
  Element client_public_key;
  if (!ristretto255::ElementFromHash(view.first(kFakeElementInputSize), client_public_key)) {
    return false;
  }
  *out = MakeFakeRecord(client_public_key, view.subspan(kFakeElementInputSize));
  return true;
}

}  // namespace e2esasl::opaque
