// vouch_test_util.h: helpers shared by the VOUCH tests: an issuer per domain with its trust
// store, and tokens built by hand (any header, any payload) to feed the verifier bad input.
#ifndef E2ESASL_TESTS_VOUCH_VOUCH_TEST_UTIL_H_
#define E2ESASL_TESTS_VOUCH_VOUCH_TEST_UTIL_H_

#include <stdexcept>
#include <string>
#include <string_view>

#include "vouch/json.h"
#include "vouch/jws.h"
#include "vouch/keys.h"
#include "vouch/statement.h"
#include "vouch/trust_store.h"

namespace e2esasl::vouch::test {

inline PrivateKey NewKey() {
  Failure failure;
  std::optional<PrivateKey> key = PrivateKey::Generate(&failure);
  if (!key) {
    throw std::runtime_error("key generation: " + failure.detail);
  }
  return std::move(*key);
}

// JwksOf: {"keys":[<public JWK with kid>]}.
inline std::string JwksOf(const PrivateKey& key) {
  return R"({"keys":[{"kid":")" + key.kid() + R"(",)" + key.public_key().ToJson().substr(1) + "]}";
}

inline std::string B64u(std::string_view text) {
  return Base64UrlEncode(AsBytes(text));
}

// RawToken: header.payload.signature with the given texts; the signature is 64 bytes of 0x11
// unless given.
inline std::string RawToken(std::string_view header, std::string_view payload,
                            std::string_view signature = std::string_view()) {
  const std::string sig = signature.empty() ? std::string(64, '\x11') : std::string(signature);
  return B64u(header) + "." + B64u(payload) + "." + B64u(sig);
}

// SignedToken: payload signed for real by key under header (JSON text with alg ES256).
inline std::string SignedToken(const PrivateKey& key, std::string_view header,
                               std::string_view payload) {
  std::string why;
  JsonPtr json = ParseJsonObject(header, &why);
  Failure failure;
  std::optional<std::string> token =
      json ? SignEs256(key, json.get(), AsBytes(payload), false, &failure) : std::nullopt;
  if (!token) {
    throw std::runtime_error("SignedToken: " + why + failure.detail);
  }
  return *token;
}

inline std::string StatementHeader(const PrivateKey& key) {
  return R"({"alg":"ES256","kid":")" + key.kid() + R"(","typ":"vouch+jwt"})";
}

}  // namespace e2esasl::vouch::test

#endif  // E2ESASL_TESTS_VOUCH_VOUCH_TEST_UTIL_H_
