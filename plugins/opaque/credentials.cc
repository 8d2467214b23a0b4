// credentials.cc: RFC 9807 s4 (envelope), s5 (registration) and s6.3 (credential retrieval).
#include "opaque/credentials.h"

#include <algorithm>
#include <string_view>

#include "common/byte_reader.h"
#include "common/ct.h"
#include "common/hash.h"

namespace e2esasl::opaque {
namespace {

constexpr HashAlg kHash = HashAlg::kSha512;

// Expand(prk, info1 || info2, length) with HKDF-SHA512.
std::optional<SecretBytes> Expand(ByteView prk, ByteView info1, std::string_view info2,
                                  size_t length) {
  Bytes info(info1.begin(), info1.end());
  info.insert(info.end(), info2.begin(), info2.end());
  return HkdfExpand(kHash, prk, info, length);
}

// CleartextCredentials (RFC 9807 s4.1.2): server_public_key || I2OSP(len(server_identity), 2) ||
// server_identity || I2OSP(len(client_identity), 2) || client_identity; a nil identity is the
// corresponding public key.
Bytes CleartextCredentials(const Element& server_public_key, ByteView server_identity,
                           ByteView client_identity) {
  ByteWriter writer;
  writer.AddBytes(server_public_key);
  writer.AddU16LengthPrefixed(server_identity);
  writer.AddU16LengthPrefixed(client_identity);
  return writer.Finish().value_or(Bytes());
}

Bytes IdentityOr(const std::optional<Bytes>& identity, const Element& public_key) {
  return identity ? *identity : Bytes(public_key.begin(), public_key.end());
}

// EnvelopeKeys: what Store and Recover derive from randomized_password and envelope_nonce.
struct EnvelopeKeys {
  SecretBytes masking_key;
  SecretBytes auth_key;
  SecretBytes export_key;
  Scalar client_private_key;
  Element client_public_key{};
};

bool DeriveEnvelopeKeys(ByteView randomized_password, const Nonce& nonce, EnvelopeKeys* out) {
  // RFC 9807 s4.1.2 / s4.1.3:
  // masking_key = Expand(randomized_password, "MaskingKey", Nh)
  // auth_key = Expand(randomized_password, concat(envelope_nonce, "AuthKey"), Nh)
  // export_key = Expand(randomized_password, concat(envelope_nonce, "ExportKey"), Nh)
  // seed = Expand(randomized_password, concat(envelope_nonce, "PrivateKey"), Nseed)
  auto masking_key = Expand(randomized_password, {}, "MaskingKey", kHashSize);
  auto auth_key = Expand(randomized_password, nonce, "AuthKey", kHashSize);
  auto export_key = Expand(randomized_password, nonce, "ExportKey", kHashSize);
  auto seed = Expand(randomized_password, nonce, "PrivateKey", kSeedSize);
  if (!masking_key || !auth_key || !export_key || !seed) {
    return false;
  }
  out->masking_key = std::move(*masking_key);
  out->auth_key = std::move(*auth_key);
  out->export_key = std::move(*export_key);
  // (client_private_key, client_public_key) = DeriveDiffieHellmanKeyPair(seed)
  return DeriveDiffieHellmanKeyPair(*seed, &out->client_private_key, &out->client_public_key);
}

// RandomizedPassword: oprf_output = Finalize(password, blind, evaluated_element);
// stretched_oprf_output = Stretch(oprf_output);
// randomized_password = Extract("", concat(oprf_output, stretched_oprf_output)) (s5.2.3, s6.3.2.3)
Status RandomizedPassword(ByteView password, const Scalar& blind, const Element& evaluated,
                          const KsfParams& ksf, SecretBytes* out) {
  std::optional<SecretBytes> oprf_output = Finalize(password, blind, evaluated);
  if (!oprf_output) {
    return Status::kMalformed;  // invalid evaluated element (or identity)
  }
  std::optional<SecretBytes> stretched = Stretch(ksf, *oprf_output);
  if (!stretched) {
    return Status::kInternal;
  }
  SecretBytes ikm = *oprf_output;
  ikm.insert(ikm.end(), stretched->begin(), stretched->end());
  std::optional<SecretBytes> prk = HkdfExtract(kHash, {}, ikm);
  if (!prk) {
    return Status::kInternal;
  }
  *out = std::move(*prk);
  return Status::kOk;
}

std::optional<SecretBytes> AuthTag(ByteView auth_key, const Nonce& nonce, ByteView cleartext) {
  // auth_tag = MAC(auth_key, concat(envelope_nonce, cleartext_credentials))
  std::optional<HmacKey> key = HmacKey::Create(kHash, auth_key);
  if (!key) {
    return std::nullopt;
  }
  return key->Compute({ByteView(nonce), cleartext});
}

}  // namespace

bool DeriveOprfKey(ByteView oprf_seed, ByteView credential_identifier, Scalar* out_key) {
  // seed = Expand(oprf_seed, concat(credential_identifier, "OprfKey"), Nok)
  std::optional<SecretBytes> seed = Expand(oprf_seed, credential_identifier, "OprfKey", 32);
  if (!seed) {
    return false;
  }
  // (oprf_key, _) = DeriveKeyPair(seed, "OPAQUE-DeriveKeyPair"): the public key is not used
  return DeriveKeyPair(*seed, AsBytes("OPAQUE-DeriveKeyPair"), out_key, nullptr);
}

bool DeriveDiffieHellmanKeyPair(ByteView seed, Scalar* out_sk, Element* out_pk) {
  return DeriveKeyPair(seed, AsBytes("OPAQUE-DeriveDiffieHellmanKeyPair"), out_sk, out_pk);
}

bool CreateRegistrationResponse(const RegistrationRequest& request,
                                const Element& server_public_key, ByteView credential_identifier,
                                ByteView oprf_seed, RegistrationResponse* out_response) {
  Scalar oprf_key;
  if (!DeriveOprfKey(oprf_seed, credential_identifier, &oprf_key)) {
    return false;
  }
  // blinded_element = DeserializeElement(request.blinded_message);
  // evaluated_element = BlindEvaluate(oprf_key, blinded_element)
  if (!BlindEvaluate(oprf_key, request.blinded_message, &out_response->evaluated_message)) {
    return false;
  }
  out_response->server_public_key = server_public_key;
  return true;
}

bool RegistrationClient::Start(Rng& rng, ByteView password, RegistrationRequest* out_request) {
  // (blind, blinded_element) = Blind(password)
  if (!Blind(rng, password, &blind_, &out_request->blinded_message)) {
    return false;
  }
  password_ = ToSecretBytes(password);
  started_ = true;
  return true;
}

bool RegistrationClient::Finish(Rng& rng, const RegistrationResponse& response,
                                const Identities& identities, const KsfParams& ksf,
                                RegistrationRecord* out_record, SecretBytes* out_export_key,
                                RegistrationTrace* trace) {
  if (!started_) {
    return false;
  }
  started_ = false;
  SecretBytes randomized_password;
  if (RandomizedPassword(password_, blind_, response.evaluated_message, ksf,
                         &randomized_password) != Status::kOk) {
    return false;
  }
  Wipe(password_);
  // Store (s4.1.2): envelope_nonce = random(Nn)
  Nonce nonce;
  if (!rng.Fill(nonce)) {
    return false;
  }
  EnvelopeKeys keys;
  if (!DeriveEnvelopeKeys(randomized_password, nonce, &keys)) {
    return false;
  }
  const Bytes cleartext = CleartextCredentials(
      response.server_public_key, IdentityOr(identities.server, response.server_public_key),
      IdentityOr(identities.client, keys.client_public_key));
  std::optional<SecretBytes> tag = AuthTag(keys.auth_key, nonce, cleartext);
  if (!tag) {
    return false;
  }
  // Envelope envelope = (envelope_nonce, auth_tag); record = (client_public_key, masking_key,
  // envelope) (s5.2.3)
  out_record->client_public_key = keys.client_public_key;
  std::copy(keys.masking_key.begin(), keys.masking_key.end(), out_record->masking_key.begin());
  out_record->envelope.nonce = nonce;
  std::copy(tag->begin(), tag->end(), out_record->envelope.auth_tag.begin());
  *out_export_key = std::move(keys.export_key);
  if (trace != nullptr) {
    trace->randomized_password = std::move(randomized_password);
    trace->auth_key = std::move(keys.auth_key);
  }
  return true;
}

RegistrationRecord MakeFakeRecord(const Element& client_public_key, ByteView masking_key) {
  RegistrationRecord record;
  record.client_public_key = client_public_key;
  std::copy_n(masking_key.begin(), std::min(masking_key.size(), record.masking_key.size()),
              record.masking_key.begin());
  return record;  // envelope: Ne zero bytes
}

bool CreateCredentialResponse(Rng& rng, const Element& blinded_message,
                              const Element& server_public_key, const RegistrationRecord& record,
                              ByteView credential_identifier, ByteView oprf_seed,
                              CredentialResponse* out_response) {
  Scalar oprf_key;
  if (!DeriveOprfKey(oprf_seed, credential_identifier, &oprf_key)) {
    return false;
  }
  // evaluated_element = BlindEvaluate(oprf_key, blinded_element)
  if (!BlindEvaluate(oprf_key, blinded_message, &out_response->evaluated_message)) {
    return false;
  }
  // masking_nonce = random(Nn)
  if (!rng.Fill(out_response->masking_nonce)) {
    return false;
  }
  // credential_response_pad = Expand(record.masking_key, concat(masking_nonce,
  //                                  "CredentialResponsePad"), Npk + Nn + Nm)
  std::optional<SecretBytes> pad = Expand(record.masking_key, out_response->masking_nonce,
                                          "CredentialResponsePad", kMaskedResponseSize);
  if (!pad) {
    return false;
  }
  // masked_response = xor(credential_response_pad, concat(server_public_key, record.envelope))
  ByteWriter plain;
  plain.AddBytes(server_public_key);
  record.envelope.Serialize(plain);
  const ByteView view = plain.View();
  for (size_t i = 0; i < kMaskedResponseSize; ++i) {
    out_response->masked_response[i] = (*pad)[i] ^ view[i];
  }
  return true;
}

Status RecoverCredentials(ByteView password, const Scalar& blind,
                          const CredentialResponse& response, const Identities& identities,
                          const KsfParams& ksf, RecoveredCredentials* out,
                          RegistrationTrace* trace) {
  SecretBytes randomized_password;
  const Status status =
      RandomizedPassword(password, blind, response.evaluated_message, ksf, &randomized_password);
  if (status != Status::kOk) {
    return status;
  }
  // masking_key = Expand(randomized_password, "MaskingKey", Nh)
  // credential_response_pad = Expand(masking_key, concat(masking_nonce,
  //                                  "CredentialResponsePad"), Npk + Nn + Nm)
  std::optional<SecretBytes> masking_key = Expand(randomized_password, {}, "MaskingKey", kHashSize);
  std::optional<SecretBytes> pad = masking_key
                                       ? Expand(*masking_key, response.masking_nonce,
                                                "CredentialResponsePad", kMaskedResponseSize)
                                       : std::nullopt;
  if (!pad) {
    return Status::kInternal;
  }
  // concat(server_public_key, envelope) = xor(credential_response_pad, masked_response)
  SecretBytes unmasked(kMaskedResponseSize);
  for (size_t i = 0; i < kMaskedResponseSize; ++i) {
    unmasked[i] = (*pad)[i] ^ response.masked_response[i];
  }
  ByteReader reader(unmasked);
  Element server_public_key;
  std::optional<Envelope> envelope;
  if (!reader.CopyBytes(server_public_key) || !(envelope = Envelope::Parse(reader))) {
    return Status::kInternal;
  }
  // Recover (s4.1.3)
  EnvelopeKeys keys;
  if (!DeriveEnvelopeKeys(randomized_password, envelope->nonce, &keys)) {
    return Status::kInternal;
  }
  Bytes server_identity = IdentityOr(identities.server, server_public_key);
  Bytes client_identity = IdentityOr(identities.client, keys.client_public_key);
  const Bytes cleartext = CleartextCredentials(server_public_key, server_identity, client_identity);
  // expected_tag = MAC(auth_key, concat(envelope.nonce, cleartext_credentials));
  // if !ct_equal(envelope.auth_tag, expected_tag): raise EnvelopeRecoveryError
  std::optional<SecretBytes> expected = AuthTag(keys.auth_key, envelope->nonce, cleartext);
  if (!expected) {
    return Status::kInternal;
  }
  if (!CtEqual(*expected, envelope->auth_tag)) {
    return Status::kAuthFailed;
  }
  out->client_private_key = std::move(keys.client_private_key);
  out->client_public_key = keys.client_public_key;
  out->server_public_key = server_public_key;
  out->client_identity = std::move(client_identity);
  out->server_identity = std::move(server_identity);
  out->export_key = std::move(keys.export_key);
  if (trace != nullptr) {
    trace->randomized_password = std::move(randomized_password);
    trace->auth_key = std::move(keys.auth_key);
  }
  return Status::kOk;
}

}  // namespace e2esasl::opaque
