// vouch_jwk_fuzz: JSON keys VOUCH reads (plugins/vouch/keys.h, trust_store.h): the bytes as a
// domain's JWKS, a public JWK and a private JWK. Invariants: an accepted JWKS is stored; an
// accepted key has a 43-character thumbprint, and a private key's kid is its public half's.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "vouch/keys.h"
#include "vouch/trust_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace vouch = e2esasl::vouch;
  const std::string_view text = e2esasl::AsStringView(e2esasl::fuzz::Input(data, size));
  e2esasl::Failure failure;
  vouch::TrustStore trust;
  if (trust.AddJwks("biloxi.net", text, &failure)) {
    FUZZ_CHECK(trust.HasDomain("biloxi.net"));
  } else {
    FUZZ_CHECK(!trust.HasDomain("biloxi.net"));
  }
  std::optional<vouch::PublicKey> pub = vouch::PublicKey::FromJson(text, &failure);
  if (pub) {
    FUZZ_CHECK(vouch::IsThumbprint(pub->thumbprint()));
  }
  std::optional<vouch::PrivateKey> key = vouch::PrivateKey::FromJson(text, &failure);
  if (key) {
    FUZZ_CHECK(key->kid() == key->public_key().thumbprint());
    FUZZ_CHECK(vouch::PublicKey::FromJson(key->public_key().ToJson(), &failure).has_value());
  }
  return 0;
}
