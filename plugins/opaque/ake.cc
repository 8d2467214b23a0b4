// ake.cc: OPAQUE-3DH (RFC 9807 s6.4): 3DH shares, the transcript and the key schedule.
#include "opaque/ake.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "common/byte_reader.h"
#include "common/ct.h"
#include "common/hash.h"

namespace e2esasl::opaque {
namespace {

constexpr HashAlg kHash = HashAlg::kSha512;
constexpr size_t kNx = 64;

// Expand-Label(Secret, Label, Context, Length) = Expand(Secret, CustomLabel, Length), with
// CustomLabel = I2OSP(Length, 2) || I2OSP(len("OPAQUE-" || Label), 1) || "OPAQUE-" || Label ||
// I2OSP(len(Context), 1) || Context; Derive-Secret(Secret, Label, Transcript-Hash) =
// Expand-Label(Secret, Label, Transcript-Hash, Nx) (RFC 9807 s6.4.2).
std::optional<SecretBytes> DeriveSecret(ByteView secret, std::string_view label,
                                        ByteView transcript_hash) {
  const std::string full_label = "OPAQUE-" + std::string(label);
  ByteWriter custom;
  custom.AddU16(static_cast<uint16_t>(kNx));
  custom.AddU8(static_cast<uint8_t>(full_label.size()));
  custom.AddString(full_label);
  custom.AddU8(static_cast<uint8_t>(transcript_hash.size()));
  custom.AddBytes(transcript_hash);
  std::optional<Bytes> info = custom.Finish();
  if (!info) {
    return std::nullopt;
  }
  return HkdfExpand(kHash, secret, *info, kNx);
}

// Keys: DeriveKeys(ikm, preamble) (s6.4.2) and the MACs built from them.
struct Keys {
  SecretBytes km2;
  SecretBytes km3;
  SecretBytes session_key;
  SecretBytes handshake_secret;
};

bool DeriveKeys(ByteView ikm, ByteView preamble, Keys* out) {
  // prk = Extract("", ikm)
  std::optional<SecretBytes> prk = HkdfExtract(kHash, {}, ikm);
  std::optional<SecretBytes> preamble_hash = Digest(kHash, preamble);
  if (!prk || !preamble_hash) {
    return false;
  }
  // handshake_secret = Derive-Secret(prk, "HandshakeSecret", Hash(preamble))
  // session_key = Derive-Secret(prk, "SessionKey", Hash(preamble))
  auto handshake_secret = DeriveSecret(*prk, "HandshakeSecret", *preamble_hash);
  auto session_key = DeriveSecret(*prk, "SessionKey", *preamble_hash);
  if (!handshake_secret || !session_key) {
    return false;
  }
  // Km2 = Derive-Secret(handshake_secret, "ServerMAC", "")
  // Km3 = Derive-Secret(handshake_secret, "ClientMAC", "")
  auto km2 = DeriveSecret(*handshake_secret, "ServerMAC", {});
  auto km3 = DeriveSecret(*handshake_secret, "ClientMAC", {});
  if (!km2 || !km3) {
    return false;
  }
  out->km2 = std::move(*km2);
  out->km3 = std::move(*km3);
  out->session_key = std::move(*session_key);
  out->handshake_secret = std::move(*handshake_secret);
  return true;
}

// Macs computes server_mac = MAC(Km2, Hash(preamble)) and
// client_mac = MAC(Km3, Hash(concat(preamble, server_mac))) (s6.4.3 / s6.4.4).
bool Macs(const Keys& keys, ByteView preamble, Mac* out_server_mac, Mac* out_client_mac) {
  std::optional<SecretBytes> preamble_hash = Digest(kHash, preamble);
  std::optional<SecretBytes> server_mac =
      preamble_hash ? Hmac(kHash, keys.km2, *preamble_hash) : std::nullopt;
  if (!server_mac) {
    return false;
  }
  Bytes extended(preamble.begin(), preamble.end());
  extended.insert(extended.end(), server_mac->begin(), server_mac->end());
  std::optional<SecretBytes> extended_hash = Digest(kHash, extended);
  std::optional<SecretBytes> client_mac =
      extended_hash ? Hmac(kHash, keys.km3, *extended_hash) : std::nullopt;
  if (!client_mac) {
    return false;
  }
  std::copy(server_mac->begin(), server_mac->end(), out_server_mac->begin());
  std::copy(client_mac->begin(), client_mac->end(), out_client_mac->begin());
  return true;
}

// Ikm: concat(dh1, dh2, dh3); false when any share is invalid or the identity.
bool Ikm(const Scalar& k1, const Element& p1, const Scalar& k2, const Element& p2, const Scalar& k3,
         const Element& p3, SecretBytes* out) {
  // RFC 9807 s6.4.1: DiffieHellman(k, B) = SerializeElement(k * B)
  ristretto255::SharedElement dh1, dh2, dh3;
  if (!ristretto255::ScalarMult(k1, p1, dh1.span()) ||
      !ristretto255::ScalarMult(k2, p2, dh2.span()) ||
      !ristretto255::ScalarMult(k3, p3, dh3.span())) {
    return false;
  }
  out->assign(dh1.view().begin(), dh1.view().end());
  out->insert(out->end(), dh2.view().begin(), dh2.view().end());
  out->insert(out->end(), dh3.view().begin(), dh3.view().end());
  return true;
}

void FillTrace(const Keys& keys, KeyScheduleTrace* trace) {
  if (trace != nullptr) {
    trace->handshake_secret = keys.handshake_secret;
    trace->server_mac_key = keys.km2;
    trace->client_mac_key = keys.km3;
  }
}

}  // namespace

Bytes Preamble(ByteView context, ByteView client_identity, const Ke1& ke1, ByteView server_identity,
               const CredentialResponse& credential_response, const Nonce& server_nonce,
               const Element& server_public_keyshare) {
  // preamble = concat("OPAQUEv1-", I2OSP(len(context), 2), context,
  //                   I2OSP(len(client_identity), 2), client_identity, ke1,
  //                   I2OSP(len(server_identity), 2), server_identity,
  //                   credential_response, server_nonce, server_public_keyshare)
  ByteWriter writer;
  writer.AddString("OPAQUEv1-");
  writer.AddU16LengthPrefixed(context);
  writer.AddU16LengthPrefixed(client_identity);
  ke1.Serialize(writer);
  writer.AddU16LengthPrefixed(server_identity);
  credential_response.Serialize(writer);
  writer.AddBytes(server_nonce);
  writer.AddBytes(server_public_keyshare);
  return writer.Finish().value_or(Bytes());
}

Status ClientLogin::Abort(Status status) {
  state_ = State::kFailed;
  Wipe(password_);
  password_.clear();
  client_secret_ = Scalar();
  blind_ = Scalar();
  return status;
}

Status ClientLogin::Start(ByteView password, Ke1* out_ke1) {
  if (state_ != State::kStart) {
    return Abort(Status::kInternal);
  }
  // request, blind = CreateCredentialRequest(password): (blind, blinded_element) = Blind(password)
  if (!Blind(rng_, password, &blind_, &ke1_.blinded_message)) {
    return Abort(Status::kInternal);
  }
  // AuthClientStart: client_nonce = random(Nn); client_keyshare_seed = random(Nseed);
  // (client_secret, client_public_keyshare) = DeriveDiffieHellmanKeyPair(client_keyshare_seed)
  FixedSecret<kSeedSize> seed;
  if (!rng_.Fill(ke1_.client_nonce) || !rng_.Fill(seed.span()) ||
      !DeriveDiffieHellmanKeyPair(seed.view(), &client_secret_, &ke1_.client_public_keyshare)) {
    return Abort(Status::kInternal);
  }
  password_ = ToSecretBytes(password);
  *out_ke1 = ke1_;
  state_ = State::kSentKe1;
  return Status::kOk;
}

Status ClientLogin::Finish(const Ke2& ke2, const Identities& identities, const KsfParams& ksf,
                           ByteView context, Ke3* out_ke3, KeyScheduleTrace* trace,
                           RegistrationTrace* registration_trace) {
  if (state_ != State::kSentKe1) {
    return Abort(Status::kInternal);
  }
  // (client_private_key, cleartext_credentials, export_key) = RecoverCredentials(password,
  //     state.blind, ke2.credential_response, server_identity, client_identity)
  RecoveredCredentials recovered;
  const Status recovered_status = RecoverCredentials(
      password_, blind_, ke2.credential_response, identities, ksf, &recovered, registration_trace);
  if (recovered_status != Status::kOk) {
    return Abort(recovered_status);
  }
  // AuthClientFinalize (s6.4.3): dh1 = DH(client_secret, server_public_keyshare),
  // dh2 = DH(client_secret, server_public_key), dh3 = DH(client_private_key,
  // server_public_keyshare)
  SecretBytes ikm;
  if (!Ikm(client_secret_, ke2.server_public_keyshare, client_secret_, recovered.server_public_key,
           recovered.client_private_key, ke2.server_public_keyshare, &ikm)) {
    return Abort(Status::kMalformed);
  }
  const Bytes preamble =
      Preamble(context, recovered.client_identity, ke1_, recovered.server_identity,
               ke2.credential_response, ke2.server_nonce, ke2.server_public_keyshare);
  Keys keys;
  Mac expected_server_mac;
  Mac client_mac;
  if (!DeriveKeys(ikm, preamble, &keys) ||
      !Macs(keys, preamble, &expected_server_mac, &client_mac)) {
    return Abort(Status::kInternal);
  }
  FillTrace(keys, trace);
  // if !ct_equal(ke2.server_mac, expected_server_mac): raise ServerAuthenticationError
  if (!CtEqual(ke2.server_mac, expected_server_mac)) {
    return Abort(Status::kAuthFailed);
  }
  out_ke3->client_mac = client_mac;
  if (!session_key_.CopyFrom(keys.session_key)) {
    return Abort(Status::kInternal);
  }
  export_key_ = std::move(recovered.export_key);
  Wipe(password_);
  password_.clear();
  state_ = State::kComplete;
  return Status::kOk;
}

Status ServerLogin::Abort(Status status) {
  state_ = State::kFailed;
  Wipe(expected_client_mac_);
  return status;
}

Status ServerLogin::Respond(const ServerKeyMaterial& keys, const RegistrationRecord& record,
                            ByteView credential_identifier, const Ke1& ke1,
                            const Identities& identities, ByteView context, Ke2* out_ke2,
                            KeyScheduleTrace* trace) {
  if (state_ != State::kStart) {
    return Abort(Status::kInternal);
  }
  // credential_response = CreateCredentialResponse(ke1.credential_request, server_public_key,
  //     record, credential_identifier, oprf_seed)
  if (!CreateCredentialResponse(rng_, ke1.blinded_message, keys.public_key, record,
                                credential_identifier, keys.oprf_seed.view(),
                                &out_ke2->credential_response)) {
    return Abort(Status::kMalformed);
  }
  // AuthServerRespond (s6.4.4): server_nonce = random(Nn); server_keyshare_seed = random(Nseed);
  // (server_private_keyshare, server_public_keyshare) = DeriveDiffieHellmanKeyPair(seed)
  FixedSecret<kSeedSize> seed;
  Scalar server_private_keyshare;
  if (!rng_.Fill(out_ke2->server_nonce) || !rng_.Fill(seed.span()) ||
      !DeriveDiffieHellmanKeyPair(seed.view(), &server_private_keyshare,
                                  &out_ke2->server_public_keyshare)) {
    return Abort(Status::kInternal);
  }
  // server_identity / client_identity default to the public keys (s4.1.2)
  const Bytes server_identity = identities.server
                                    ? *identities.server
                                    : Bytes(keys.public_key.begin(), keys.public_key.end());
  const Bytes client_identity =
      identities.client ? *identities.client
                        : Bytes(record.client_public_key.begin(), record.client_public_key.end());
  // dh1 = DH(server_private_keyshare, client_public_keyshare),
  // dh2 = DH(server_private_key, client_public_keyshare),
  // dh3 = DH(server_private_keyshare, client_public_key)
  SecretBytes ikm;
  if (!Ikm(server_private_keyshare, ke1.client_public_keyshare, keys.private_key,
           ke1.client_public_keyshare, server_private_keyshare, record.client_public_key, &ikm)) {
    return Abort(Status::kMalformed);
  }
  const Bytes preamble =
      Preamble(context, client_identity, ke1, server_identity, out_ke2->credential_response,
               out_ke2->server_nonce, out_ke2->server_public_keyshare);
  Keys derived;
  if (!DeriveKeys(ikm, preamble, &derived) ||
      !Macs(derived, preamble, &out_ke2->server_mac, &expected_client_mac_) ||
      !session_key_.CopyFrom(derived.session_key)) {
    return Abort(Status::kInternal);
  }
  FillTrace(derived, trace);
  state_ = State::kSentKe2;
  return Status::kOk;
}

Status ServerLogin::Finish(const Ke3& ke3) {
  if (state_ != State::kSentKe2) {
    return Abort(Status::kInternal);
  }
  // if !ct_equal(ke3.client_mac, state.expected_client_mac): raise ClientAuthenticationError
  if (!CtEqual(ke3.client_mac, expected_client_mac_)) {
    session_key_ = SessionKey();
    return Abort(Status::kAuthFailed);
  }
  state_ = State::kComplete;
  return Status::kOk;
}

}  // namespace e2esasl::opaque
