// vouch_fuzz_keys.h: the fixed keys the VOUCH fuzz targets verify against: RFC 7515 Appendix
// A.3's P-256 key (public half) as biloxi.net's issuer key, kid = its RFC 7638 thumbprint. The seed
// statements in corpus/vouch_statement/ were issued with that key's private half (published in
// the RFC), so the fuzzer starts from statements that verify.
#ifndef E2ESASL_TESTS_FUZZ_VOUCH_FUZZ_KEYS_H_
#define E2ESASL_TESTS_FUZZ_VOUCH_FUZZ_KEYS_H_

#include <string_view>

namespace e2esasl::vouch::fuzz {

inline constexpr std::string_view kIssuerJwks =
    R"({"keys":[{"kid":"oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U",)"
    R"("kty":"EC","crv":"P-256",)"
    R"("x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
    R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})";
// kSeedNow: the verification time of the seeds (their iat is 1767225600, 2026-01-01).
inline constexpr int64_t kSeedNow = 1767225610;

}  // namespace e2esasl::vouch::fuzz

#endif  // E2ESASL_TESTS_FUZZ_VOUCH_FUZZ_KEYS_H_
