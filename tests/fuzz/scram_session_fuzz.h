// scram_session_fuzz.h: the fixed world the SCRAM session targets run in: a deterministic RNG,
// an in-memory CredentialSource, and the way the first input byte picks the hash and the
// channel-binding setup. Everything is deterministic, so a seed that completes an exchange
// (generated once against the real peer) keeps completing it.
#ifndef E2ESASL_TESTS_FUZZ_SCRAM_SESSION_FUZZ_H_
#define E2ESASL_TESTS_FUZZ_SCRAM_SESSION_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "common/bytes.h"
#include "common/hash.h"
#include "common/random.h"
#include "scram/key_schedule.h"
#include "scram/server.h"

namespace e2esasl::fuzz {

// CountingRng: byte i of the stream is (start + i) % 93, so every byte is a nonce character
// index (GenerateNonce discards none) and the stream never runs out (unlike FixedRng).
class CountingRng final : public Rng {
 public:
  explicit CountingRng(uint32_t start) : next_(start) {}
  [[nodiscard]] bool Fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) {
      b = static_cast<uint8_t>(next_++ % 93);
    }
    return true;
  }

 private:
  uint32_t next_;
};

// The users the server knows, and what the client authenticates as.
inline constexpr std::string_view kFuzzUser = "user";
inline constexpr std::string_view kFuzzPassword = "pencil";
// kFuzzUnusableUser has stored credentials of another hash: the server must fail kInternal.
inline constexpr std::string_view kFuzzUnusableUser = "unusable";
// kFuzzIterations: small, so an exchange costs microseconds, not milliseconds.
inline constexpr uint32_t kFuzzIterations = 16;
inline constexpr std::string_view kFuzzBindingName = "tls-exporter";
inline constexpr std::string_view kFuzzBindingData = "fuzz channel binding";
inline constexpr uint32_t kClientRngStart = 0;
inline constexpr uint32_t kServerRngStart = 50;

// AlgOf picks the hash from the config byte.
inline HashAlg AlgOf(uint8_t config) {
  static constexpr HashAlg kAlgs[] = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha512};
  return kAlgs[config % 3];
}

// FuzzCredentials: kFuzzUser with kFuzzPassword (derived once per hash), kFuzzUnusableUser with
// a verifier of the wrong hash; everyone else is unknown.
class FuzzCredentials final : public scram::CredentialSource {
 public:
  explicit FuzzCredentials(HashAlg alg) : alg_(alg) {}

  std::optional<scram::StoredSecret> Lookup(HashAlg, std::string_view authcid,
                                            std::string_view /*authzid*/) override {
    ++lookups_;
    if (authcid == kFuzzUser) {
      return scram::StoredSecret(Copy(alg_));
    }
    if (authcid == kFuzzUnusableUser) {
      served_unusable_ = true;
      return scram::StoredSecret(Copy(alg_ == HashAlg::kSha1 ? HashAlg::kSha256 : HashAlg::kSha1));
    }
    return std::nullopt;
  }

  int lookups_ = 0;
  bool served_unusable_ = false;

 private:
  static scram::StoredCredentials Copy(HashAlg alg) {
    static const scram::StoredCredentials kStored[] = {
        *scram::StoredCredentials::Derive(HashAlg::kSha1, kFuzzPassword, AsBytes("fuzz-salt"),
                                          kFuzzIterations),
        *scram::StoredCredentials::Derive(HashAlg::kSha256, kFuzzPassword, AsBytes("fuzz-salt"),
                                          kFuzzIterations),
        *scram::StoredCredentials::Derive(HashAlg::kSha512, kFuzzPassword, AsBytes("fuzz-salt"),
                                          kFuzzIterations),
    };
    const scram::StoredCredentials& source = kStored[static_cast<int>(alg)];
    scram::StoredCredentials copy;
    copy.alg = source.alg;
    copy.salt = source.salt;
    copy.iterations = source.iterations;
    copy.stored_key = source.stored_key;
    copy.server_key = source.server_key;
    return copy;
  }

  HashAlg alg_;
};

// ServerBindingOf picks the server's binding from the config byte: none, tls-exporter,
// tls-exporter (critical), tls-unique (critical; a client sending p=tls-exporter is refused).
inline std::optional<e2esasl::ServerBinding> ServerBindingOf(uint8_t config) {
  switch ((config / 3) % 4) {
    case 0:
      return std::nullopt;
    case 1:
      return e2esasl::ServerBinding{std::string(kFuzzBindingName), ToBytes(kFuzzBindingData),
                                    false};
    case 2:
      return e2esasl::ServerBinding{std::string(kFuzzBindingName), ToBytes(kFuzzBindingData), true};
    default:
      return e2esasl::ServerBinding{"tls-unique", ToBytes(kFuzzBindingData), true};
  }
}

// FuzzServerConfig: the hash, the binding (advertising -PLUS whenever there is one, as
// libsasl2 does) and a fixed fake secret (the RNG is only asked for the server nonce).
inline scram::ServerConfig FuzzServerConfig(uint8_t config) {
  scram::ServerConfig server;
  server.alg = AlgOf(config);
  server.binding = ServerBindingOf(config);
  server.plus_advertised = server.binding.has_value();
  server.fake_secret = SecretBytes(32, 0x11);
  server.fake_iterations = kFuzzIterations;
  return server;
}

}  // namespace e2esasl::fuzz

#endif  // E2ESASL_TESTS_FUZZ_SCRAM_SESSION_FUZZ_H_
