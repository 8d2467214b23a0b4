// vouch_statement_fuzz: a VOUCH statement from the peer (plugins/vouch/statement.h) - the
// compact JWS split, the protected header, the claims, the cnf key - verified against a fixed
// trust store; and the same bytes as a device proof. Invariants: an accepted statement names
// its issuer's own domain and has exp after iat; nothing else is accepted by chance.
// The trust store and the device key are built once per process (both are only read by the
// verifiers): importing the two P-256 keys per input took about 98 % of the target's time.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "fuzz_check.h"
#include "vouch/keys.h"
#include "vouch/statement.h"
#include "vouch/trust_store.h"
#include "vouch_fuzz_keys.h"

namespace {

namespace vouch = e2esasl::vouch;

const vouch::TrustStore& Trust() {
  static const vouch::TrustStore trust = [] {
    vouch::TrustStore store;
    e2esasl::Failure failure;
    FUZZ_CHECK(store.AddJwks("biloxi.net", vouch::fuzz::kIssuerJwks, &failure));
    return store;
  }();
  return trust;
}

// DeviceKey: the issuer's key as a device key (a fixed public JWK).
const vouch::PublicKey& DeviceKey() {
  static const vouch::PublicKey key = [] {
    e2esasl::Failure failure;
    std::optional<vouch::PublicKey> device = vouch::PublicKey::FromJson(
        R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
        R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})",
        &failure);
    FUZZ_CHECK(device.has_value());
    return std::move(*device);
  }();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = e2esasl::AsStringView(e2esasl::fuzz::Input(data, size));
  e2esasl::Failure failure;
  vouch::VerifyOptions options;
  options.now = vouch::fuzz::kSeedNow;
  std::optional<vouch::Statement> statement =
      vouch::VerifyStatement(text, Trust(), options, &failure);
  if (statement) {
    FUZZ_CHECK(statement->issuer == "biloxi.net");
    FUZZ_CHECK(vouch::SubjectDomain(statement->subject) == statement->issuer);
    FUZZ_CHECK(statement->expires_at > statement->issued_at);
    FUZZ_CHECK(vouch::IsThumbprint(statement->cnf.Thumbprint()));
  } else {
    FUZZ_CHECK(!failure.detail.empty());
  }
  // The same bytes as a device proof over a fixed message, by the issuer key.
  (void)vouch::VerifyDeviceSignature(DeviceKey(), e2esasl::AsBytes("message"), text, &failure);
  return 0;
}
