// keys.cc: see keys.h.
#include "vouch/keys.h"

extern "C" {
#include <jose/openssl.h>
}

#include <utility>

#include "vouch/es256.h"
#include "vouch/jws.h"

namespace e2esasl::vouch {
namespace {

// P-256 coordinates and scalars are 32 bytes (RFC 7518 section 6.2.1.2, 6.2.2.1).
constexpr size_t kCoordinateSize = 32;

bool Malformed(Failure* failure, const std::string& why) {
  Fail(failure, Status::kMalformed, why);
  return false;
}

bool IsCoordinate(const json_t* jwk, const char* name) {
  const std::optional<std::string_view> text = StringMember(jwk, name);
  if (!text || text->size() != 43) {  // 32 bytes in base64url without padding
    return false;
  }
  const std::optional<Bytes> bytes = Base64UrlDecode(*text, kCoordinateSize);
  return bytes && bytes->size() == kCoordinateSize;
}

// CheckEcShape: kty EC, crv P-256, x and y of 32 bytes, and only allowed members.
bool CheckEcShape(const json_t* jwk, bool private_key, Failure* failure) {
  if (!json_is_object(jwk)) {
    return Malformed(failure, "JWK: not a JSON object");
  }
  const std::optional<std::string_view> kty = StringMember(jwk, "kty");
  if (!kty || *kty != "EC") {
    return Malformed(failure, "JWK: kty must be \"EC\"");
  }
  const std::optional<std::string_view> crv = StringMember(jwk, "crv");
  if (!crv || *crv != "P-256") {
    return Malformed(failure, "JWK: crv must be \"P-256\"");
  }
  if (!IsCoordinate(jwk, "x") || !IsCoordinate(jwk, "y")) {
    return Malformed(failure, "JWK: x and y must be base64url of 32 bytes");
  }
  const json_t* d = json_object_get(jwk, "d");
  if (private_key && !IsCoordinate(jwk, "d")) {
    return Malformed(failure, "JWK: d must be base64url of 32 bytes");
  }
  if (!private_key && d != nullptr) {
    return Malformed(failure, "JWK: a private key (member d) where a public key belongs");
  }
  const json_t* alg = json_object_get(jwk, "alg");
  if (alg != nullptr &&
      (!json_is_string(alg) || std::string_view(json_string_value(alg)) != "ES256")) {
    return Malformed(failure, "JWK: alg must be \"ES256\"");
  }
  const json_t* use = json_object_get(jwk, "use");
  if (use != nullptr &&
      (!json_is_string(use) || std::string_view(json_string_value(use)) != "sig")) {
    return Malformed(failure, "JWK: use must be \"sig\"");
  }
  const json_t* kid = json_object_get(jwk, "kid");
  if (kid != nullptr &&
      (!json_is_string(kid) || json_string_length(kid) == 0 || json_string_length(kid) > 256)) {
    return Malformed(failure, "JWK: kid must be a string of 1 to 256 characters");
  }
  return true;
}

// PublicMembers copies kty, crv, x and y.
JsonPtr PublicMembers(const json_t* jwk) {
  return JsonPtr(json_pack("{s:O,s:O,s:O,s:O}", "kty", json_object_get(jwk, "kty"), "crv",
                           json_object_get(jwk, "crv"), "x", json_object_get(jwk, "x"), "y",
                           json_object_get(jwk, "y")));
}

// Coordinates decodes x and y into 0x04 || x || y (CheckEcShape has checked their sizes).
bool Coordinates(const json_t* jwk, std::array<uint8_t, kPublicPointSize>* point) {
  const std::optional<Bytes> x = Base64UrlDecode(*StringMember(jwk, "x"), kCoordinateSize);
  const std::optional<Bytes> y = Base64UrlDecode(*StringMember(jwk, "y"), kCoordinateSize);
  if (!x || !y || x->size() != kCoordinateSize || y->size() != kCoordinateSize) {
    return false;
  }
  (*point)[0] = 0x04;  // SEC 1 section 2.3.3
  std::copy(x->begin(), x->end(), point->begin() + 1);
  std::copy(y->begin(), y->end(), point->begin() + 1 + kCoordinateSize);
  return true;
}

// PrivateEvpKey: libjose turns the private JWK into an OpenSSL key (once per key: at load or
// generation); EVP_PKEY_check then checks the point and that d matches x and y.
EvpPkeyPtr PrivateEvpKey(const json_t* jwk) {
  JoseCfg cfg = NewJoseCfg();
  if (!cfg) {
    return EvpPkeyPtr();
  }
  EvpPkeyPtr pkey(jose_openssl_jwk_to_EVP_PKEY(cfg.get(), jwk));
  if (!pkey || EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_EC) {
    return EvpPkeyPtr();
  }
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(pkey.get(), nullptr));
  if (!ctx || EVP_PKEY_check(ctx.get()) != 1) {
    return EvpPkeyPtr();
  }
  return pkey;
}

}  // namespace

std::optional<std::string> Thumbprint(const json_t* jwk) {
  JoseCfg cfg = NewJoseCfg();
  if (!cfg) {
    return std::nullopt;
  }
  // RFC 7638 section 3: SHA-256 over the required members in lexicographic order, base64url.
  JsonPtr thp(jose_jwk_thp(cfg.get(), jwk, "S256"));
  if (!json_is_string(thp.get())) {
    return std::nullopt;
  }
  return std::string(json_string_value(thp.get()), json_string_length(thp.get()));
}

bool IsThumbprint(std::string_view text) {
  if (text.size() != kThumbprintSize) {
    return false;
  }
  const std::optional<Bytes> bytes = Base64UrlDecode(text, 32);
  return bytes && bytes->size() == 32;
}

std::optional<PublicKey> PublicKey::FromJwk(const json_t* jwk, Failure* failure) {
  if (!CheckEcShape(jwk, /*private_key=*/false, failure)) {
    return std::nullopt;
  }
  PublicKey key;
  key.jwk_ = PublicMembers(jwk);
  if (!key.jwk_) {
    Fail(failure, Status::kInternal, "JWK: out of memory");
    return std::nullopt;
  }
  if (Coordinates(jwk, &key.point_)) {
    key.pkey_ = NewP256PublicKey(key.point_);
  }
  if (!key.pkey_) {
    Malformed(failure, "JWK: x and y are not a point on P-256");
    return std::nullopt;
  }
  std::optional<std::string> thumbprint = Thumbprint(key.jwk_.get());
  if (!thumbprint) {
    Fail(failure, Status::kInternal, "JWK: thumbprint failed");
    return std::nullopt;
  }
  key.thumbprint_ = std::move(*thumbprint);
  return key;
}

std::optional<PublicKey> PublicKey::FromJson(std::string_view text, Failure* failure) {
  if (text.size() > kMaxJwkSize) {
    Malformed(failure, "JWK: larger than " + std::to_string(kMaxJwkSize) + " bytes");
    return std::nullopt;
  }
  std::string why;
  JsonPtr jwk = ParseJsonObject(text, &why);
  if (!jwk) {
    Malformed(failure, "JWK: " + why);
    return std::nullopt;
  }
  return FromJwk(jwk.get(), failure);
}

PublicKey::PublicKey(const PublicKey& other)
    : jwk_(json_deep_copy(other.jwk_.get())), thumbprint_(other.thumbprint_), point_(other.point_) {
  if (!jwk_ || (other.pkey_ && EVP_PKEY_up_ref(other.pkey_.get()) != 1)) {
    throw std::bad_alloc();
  }
  pkey_.reset(other.pkey_.get());
}

PublicKey& PublicKey::operator=(const PublicKey& other) {
  if (this != &other) {
    PublicKey copy(other);
    *this = std::move(copy);
  }
  return *this;
}

namespace {

// MakePrivate builds the private key object: the given JWK reduced to kty, crv, x, y, d plus kid,
// alg and use.
bool MakePrivate(const json_t* jwk, Failure* failure, std::optional<PublicKey>* out_public,
                 JsonPtr* out_jwk) {
  std::optional<PublicKey> pub = PublicKey::FromJwk(PublicMembers(jwk).get(), failure);
  if (!pub) {
    return false;
  }
  // "d" is copied into a string of its own ("s%", not a shared reference): the caller wipes
  // the source object's.
  const json_t* d = json_object_get(jwk, "d");
  JsonPtr full(json_pack("{s:O,s:O,s:O,s:O,s:s%,s:s,s:s,s:s}", "kty", json_object_get(jwk, "kty"),
                         "crv", json_object_get(jwk, "crv"), "x", json_object_get(jwk, "x"), "y",
                         json_object_get(jwk, "y"), "d", json_string_value(d),
                         json_string_length(d), "kid", pub->thumbprint().c_str(), "alg", "ES256",
                         "use", "sig"));
  if (!full) {
    Fail(failure, Status::kInternal, "JWK: out of memory");
    return false;
  }
  *out_public = std::move(pub);
  *out_jwk = std::move(full);
  return true;
}

}  // namespace

std::optional<PrivateKey> PrivateKey::Generate(Failure* failure) {
  JoseCfg cfg = NewJoseCfg();
  JsonPtr jwk(json_pack("{s:s,s:s}", "kty", "EC", "crv", "P-256"));
  if (!cfg || !jwk || !jose_jwk_gen(cfg.get(), jwk.get())) {
    Fail(failure, Status::kInternal, "key generation failed");
    return std::nullopt;
  }
  std::optional<PublicKey> pub;
  JsonPtr full;
  EvpPkeyPtr pkey;
  if (MakePrivate(jwk.get(), failure, &pub, &full)) {
    pkey = PrivateEvpKey(full.get());
  }
  WipeStringMember(jwk.get(), "d");
  if (!pub || !pkey) {
    WipeStringMember(full.get(), "d");
    if (pub) {
      Fail(failure, Status::kInternal, "key generation failed");
    }
    return std::nullopt;
  }
  return PrivateKey(std::move(full), std::move(*pub), std::move(pkey));
}

std::optional<PrivateKey> PrivateKey::FromJson(std::string_view text, Failure* failure) {
  if (text.size() > kMaxJwkSize) {
    Malformed(failure, "private JWK: larger than " + std::to_string(kMaxJwkSize) + " bytes");
    return std::nullopt;
  }
  std::string why;
  JsonPtr jwk = ParseJsonObject(text, &why);
  if (!jwk) {
    Malformed(failure, "private JWK: " + why);
    return std::nullopt;
  }
  std::optional<PublicKey> pub;
  JsonPtr full;
  EvpPkeyPtr pkey;
  if (CheckEcShape(jwk.get(), /*private_key=*/true, failure)) {
    pkey = PrivateEvpKey(jwk.get());
    if (!pkey) {
      Malformed(failure, "private JWK: d does not match x and y");
    } else {
      MakePrivate(jwk.get(), failure, &pub, &full);
    }
  }
  const std::optional<std::string_view> kid = StringMember(jwk.get(), "kid");
  const bool kid_ok = !pub || !kid || *kid == pub->thumbprint();
  WipeStringMember(jwk.get(), "d");
  if (!pub) {
    WipeStringMember(full.get(), "d");
    return std::nullopt;
  }
  if (!kid_ok) {
    WipeStringMember(full.get(), "d");
    Malformed(failure, "private JWK: kid is not the key's RFC 7638 thumbprint");
    return std::nullopt;
  }
  return PrivateKey(std::move(full), std::move(*pub), std::move(pkey));
}

PrivateKey::~PrivateKey() {
  if (jwk_) {
    WipeStringMember(jwk_.get(), "d");
  }
}

PrivateKey& PrivateKey::operator=(PrivateKey&& other) noexcept {
  if (this != &other) {
    if (jwk_) {
      WipeStringMember(jwk_.get(), "d");
    }
    jwk_ = std::move(other.jwk_);
    public_ = std::move(other.public_);
    pkey_ = std::move(other.pkey_);
  }
  return *this;
}

SecretString PrivateKey::ToJson() const {
  return DumpSecretJson(jwk_.get());
}

std::string DeviceProofInput(ByteView message) {
  static const std::string header_b64 = Base64UrlEncode(AsBytes(kDeviceProofHeader));
  return header_b64 + '.' + Base64UrlEncode(message);
}

std::optional<std::string> SignWithDeviceKey(const PrivateKey& key, ByteView message,
                                             Failure* failure) {
  const std::optional<Es256Signature> signature =
      Es256Sign(key.pkey(), DeviceProofInput(message));
  if (!signature) {
    Fail(failure, Status::kInternal, "JWS: signing failed");
    return std::nullopt;
  }
  // The compact form with the payload detached (RFC 7515 Appendix F): "<header>..<signature>".
  return Base64UrlEncode(AsBytes(kDeviceProofHeader)) + ".." + Base64UrlEncode(*signature);
}

bool VerifyDeviceSignature(const PublicKey& key, ByteView message, std::string_view proof,
                           Failure* failure) {
  Failure parse;
  std::optional<CompactJws> jws = ParseCompactJws(proof, &parse);
  if (!jws) {
    return Fail(failure, Status::kMalformed, "device proof: " + parse.detail) == Status::kOk;
  }
  if (json_object_size(jws->header.get()) != 1) {
    return Fail(failure, Status::kMalformed,
                "device proof: the protected header must be {\"alg\":\"ES256\"}") == Status::kOk;
  }
  if (!VerifyEs256(*jws, key, &message, failure)) {
    if (failure != nullptr && failure->status == Status::kAuthFailed) {
      failure->detail = "device proof: the signature does not verify with the vouched key";
    }
    return false;
  }
  return true;
}

std::string PublicJwks(const std::vector<const PrivateKey*>& keys) {
  JsonPtr list(json_array());
  if (!list) {
    return "";
  }
  for (const PrivateKey* key : keys) {
    JsonPtr jwk(json_deep_copy(key->public_key().jwk()));
    if (!jwk || json_object_set_new(jwk.get(), "kid", json_string(key->kid().c_str())) != 0 ||
        json_object_set_new(jwk.get(), "alg", json_string("ES256")) != 0 ||
        json_object_set_new(jwk.get(), "use", json_string("sig")) != 0 ||
        json_array_append(list.get(), jwk.get()) != 0) {
      return "";
    }
  }
  JsonPtr jwks(json_pack("{s:O}", "keys", list.get()));
  return jwks ? DumpJson(jwks.get()) : "";
}

}  // namespace e2esasl::vouch
