// scram_stored_credentials_fuzz: scram::StoredCredentials::Parse (plugins/scram/key_schedule.h),
// the stored verifier text read back from auxprop, for each supported hash.
// Invariants: a parsed verifier is IsWellFormed, of the hash asked for, and Serialize gives the
// text back byte for byte; at most one hash accepts a given text (the mechanism name differs).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.h"
#include "common/hash.h"
#include "common/secret.h"
#include "fuzz_check.h"
#include "scram/key_schedule.h"

using namespace e2esasl;  // NOLINT: fuzz target

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsStringView(fuzz::Input(data, size));
  int accepted = 0;
  for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha512}) {
    std::optional<scram::StoredCredentials> credentials =
        scram::StoredCredentials::Parse(alg, text);
    if (!credentials) {
      continue;
    }
    ++accepted;
    FUZZ_CHECK(credentials->alg == alg);
    FUZZ_CHECK(credentials->IsWellFormed());
    std::optional<SecretString> serialized = credentials->Serialize();
    FUZZ_CHECK(serialized.has_value());
    FUZZ_CHECK(serialized->view() == text);
  }
  FUZZ_CHECK(accepted <= 1);
  return 0;
}
