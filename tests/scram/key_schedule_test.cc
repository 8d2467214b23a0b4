// ScramKeyScheduleTest: RFC 5802 s3 key schedule, the server's proof check, Normalize, and the
// StoredCredentials text form (with a malformed-input table for its Parse).
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "common/base64.h"
#include "common/random.h"
#include "scram/key_schedule.h"
#include "scram/messages.h"

namespace e2esasl::scram {
namespace {

Bytes B64(std::string_view text) {
  return Base64Decode(text, 1024).value();
}

// Verifiers of user "user" / password "pencil", 4096 iterations, with the salts of the RFC 5802
// s5 (SHA-1) and RFC 7677 s3 (SHA-256, and the same salt for SHA-512) examples. Recomputed
// independently with Python's hashlib (pbkdf2_hmac, hmac) from the RFC 5802 s3 formulas; the
// SHA-1 line has the layout and values of RFC 5803's authPassword example.
const char* const kSha1Verifier =
    "SCRAM-SHA-1$4096:QSXCR+Q6sek8bf92$6dlGYMOdZcOPutkcNY8U2g7vK9Y=:D+CSWLOshSulAsxiupA+qs2/fTE=";
const char* const kSha256Verifier =
    "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
    "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";
const char* const kSha512Verifier =
    "SCRAM-SHA-512$4096:W22ZaJ0SNY7soEsUEjb6gQ==$6AAub3065EYRmyFpM2RNwqK+eGnrkYuEWbXn19LsEmBqzu8Q"
    "aCXNc1FwpnX9NhH2hK/60dzj9DoO5DvVkOHbvg==:jZHbYjC1aHh0/hKbxyBuGFjDrgjgKTT1esA7awWiKcRZ0o/0b1"
    "yWEebBeSVkkCFewf91nLDfKF24mvD5nmE6rA==";

}  // namespace
}  // namespace e2esasl::scram

using namespace e2esasl;         // NOLINT: test file
using namespace e2esasl::scram;  // NOLINT: test file

// The fixture lives at global scope: CppUnit names a suite after typeid(fixture), and the runner
// selects suites by that name (SUITES in CMakeLists.txt).
class ScramKeyScheduleTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ScramKeyScheduleTest);
  CPPUNIT_TEST(testDeriveMatchesIndependentComputation);
  CPPUNIT_TEST(testStoredCredentialsRoundTrip);
  CPPUNIT_TEST(testStoredCredentialsMalformed);
  CPPUNIT_TEST(testVerifyClientProofRfc5802);
  CPPUNIT_TEST(testClientProofNeedsEqualLengths);
  CPPUNIT_TEST(testNormalizeIsSaslPrepStored);
  CPPUNIT_TEST(testGenerateDrawsTheSalt);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testDeriveMatchesIndependentComputation() {
    const struct {
      HashAlg alg;
      const char* salt;
      const char* text;
    } cases[] = {{HashAlg::kSha1, "QSXCR+Q6sek8bf92", kSha1Verifier},
                 {HashAlg::kSha256, "W22ZaJ0SNY7soEsUEjb6gQ==", kSha256Verifier},
                 {HashAlg::kSha512, "W22ZaJ0SNY7soEsUEjb6gQ==", kSha512Verifier}};
    for (const auto& c : cases) {
      std::optional<StoredCredentials> derived =
          StoredCredentials::Derive(c.alg, "pencil", B64(c.salt), 4096);
      CPPUNIT_ASSERT(derived.has_value());
      std::optional<SecretString> text = derived->Serialize();
      CPPUNIT_ASSERT(text.has_value());
      CPPUNIT_ASSERT_EQUAL(std::string(c.text), std::string(text->view()));
    }
    CPPUNIT_ASSERT_EQUAL(std::string("SCRAM-SHA-512"),
                         std::string(MechanismName(HashAlg::kSha512)));
  }

  void testStoredCredentialsRoundTrip() {
    for (const char* text : {kSha1Verifier, kSha256Verifier, kSha512Verifier}) {
      const HashAlg alg = std::string_view(text).starts_with("SCRAM-SHA-1$")     ? HashAlg::kSha1
                          : std::string_view(text).starts_with("SCRAM-SHA-256$") ? HashAlg::kSha256
                                                                                 : HashAlg::kSha512;
      std::optional<StoredCredentials> parsed = StoredCredentials::Parse(alg, text);
      CPPUNIT_ASSERT(parsed.has_value());
      CPPUNIT_ASSERT_EQUAL(uint32_t{4096}, parsed->iterations);
      CPPUNIT_ASSERT_EQUAL(HashSize(alg), parsed->stored_key.size());
      CPPUNIT_ASSERT_EQUAL(std::string(text), std::string(parsed->Serialize()->view()));
    }
    StoredCredentials empty;
    CPPUNIT_ASSERT(!empty.Serialize().has_value());
  }

  void testStoredCredentialsMalformed() {
    const std::string keys = "$6dlGYMOdZcOPutkcNY8U2g7vK9Y=:D+CSWLOshSulAsxiupA+qs2/fTE=";
    const std::string good = std::string("SCRAM-SHA-1$4096:QSXCR+Q6sek8bf92") + keys;
    const struct {
      const char* rule;
      std::string bad;
      std::string good;
    } rows[] = {
        {"empty", "", good},
        {"other mechanism", "SCRAM-SHA-256$4096:QSXCR+Q6sek8bf92" + keys, good},
        {"mechanism lower case", "scram-sha-1$4096:QSXCR+Q6sek8bf92" + keys, good},
        {"no iteration separator", "SCRAM-SHA-1$4096QSXCR+Q6sek8bf92" + keys, good},
        {"iterations zero", "SCRAM-SHA-1$0:QSXCR+Q6sek8bf92" + keys,
         "SCRAM-SHA-1$1:QSXCR+Q6sek8bf92" + keys},
        {"iterations leading zero", "SCRAM-SHA-1$04096:QSXCR+Q6sek8bf92" + keys, good},
        {"iterations above uint32", "SCRAM-SHA-1$4294967296:QSXCR+Q6sek8bf92" + keys,
         "SCRAM-SHA-1$4294967295:QSXCR+Q6sek8bf92" + keys},
        {"empty salt", "SCRAM-SHA-1$4096:" + keys, "SCRAM-SHA-1$4096:QQ==" + keys},
        {"salt not canonical base64", "SCRAM-SHA-1$4096:QR==" + keys,
         "SCRAM-SHA-1$4096:QQ==" + keys},
        {"ServerKey of the wrong length",
         "SCRAM-SHA-1$4096:QQ==$6dlGYMOdZcOPutkcNY8U2g7vK9Y=:D+CSWLOshSulAsxiupA+qs2/fQ==",
         "SCRAM-SHA-1$4096:QQ==$6dlGYMOdZcOPutkcNY8U2g7vK9Y=:D+CSWLOshSulAsxiupA+qs2/fTE="},
        {"trailing field", good + ":QQ==", good},
        {"trailing whitespace", good + " ", good},
        {"keys separator missing",
         "SCRAM-SHA-1$4096:QSXCR+Q6sek8bf92$6dlGYMOdZcOPutkcNY8U2g7vK9Y=D+CSWLOshSulAsxiupA+qs2/"
         "fTE=",
         good},
    };
    for (const auto& row : rows) {
      CPPUNIT_ASSERT_MESSAGE(std::string(row.rule) + " (twin parses)",
                             StoredCredentials::Parse(HashAlg::kSha1, row.good).has_value());
      CPPUNIT_ASSERT_MESSAGE(std::string(row.rule) + " (rejected)",
                             !StoredCredentials::Parse(HashAlg::kSha1, row.bad).has_value());
    }
  }

  void testVerifyClientProofRfc5802() {
    std::optional<StoredCredentials> stored =
        StoredCredentials::Parse(HashAlg::kSha1, kSha1Verifier);
    CPPUNIT_ASSERT(stored.has_value());
    // RFC 5802 s5 AuthMessage and ClientProof (p=) of the example exchange.
    const std::string auth =
        "n=user,r=fyko+d2lbbFgONRv9qkxdawL,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
        "s=QSXCR+Q6sek8bf92,i=4096,c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j";
    Bytes proof = B64("v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
    CPPUNIT_ASSERT(VerifyClientProof(HashAlg::kSha1, stored->stored_key, AsBytes(auth), proof) ==
                   Status::kOk);
    std::optional<SecretBytes> signature =
        ServerSignature(HashAlg::kSha1, stored->server_key, AsBytes(auth));
    CPPUNIT_ASSERT_EQUAL(std::string("rmF9pqV8S7suAoZWja4dJRkFsKQ="), Base64Encode(*signature));
    for (size_t i : {size_t{0}, size_t{19}}) {
      Bytes flipped = proof;
      flipped[i] ^= 0x01;
      CPPUNIT_ASSERT(VerifyClientProof(HashAlg::kSha1, stored->stored_key, AsBytes(auth),
                                       flipped) == Status::kAuthFailed);
    }
    CPPUNIT_ASSERT(VerifyClientProof(HashAlg::kSha1, stored->stored_key, AsBytes(auth + "x"),
                                     proof) == Status::kAuthFailed);
    proof.pop_back();
    CPPUNIT_ASSERT(VerifyClientProof(HashAlg::kSha1, stored->stored_key, AsBytes(auth), proof) ==
                   Status::kAuthFailed);
  }

  void testClientProofNeedsEqualLengths() {
    const Bytes a(20, 0x0f);
    const Bytes b(21, 0xf0);
    CPPUNIT_ASSERT(!ClientProof(a, b).has_value());
    std::optional<SecretBytes> x = ClientProof(a, Bytes(20, 0xf0));
    CPPUNIT_ASSERT(x.has_value() && *x == SecretBytes(20, 0xff));
  }

  void testNormalizeIsSaslPrepStored() {
    // RFC 4013 s3 examples: SOFT HYPHEN maps to nothing, U+00AA NFKC-maps to "a", U+0007 is
    // prohibited. U+0221 is unassigned in Unicode 3.2: prohibited for stored strings.
    CPPUNIT_ASSERT_EQUAL(std::string("IX"), std::string(NormalizePassword("I\xC2\xADX")->view()));
    CPPUNIT_ASSERT_EQUAL(std::string("a"), std::string(NormalizePassword("\xC2\xAA")->view()));
    CPPUNIT_ASSERT(!NormalizePassword("\x07").has_value());
    CPPUNIT_ASSERT(!NormalizePassword("pass\xC8\xA1").has_value());
    CPPUNIT_ASSERT(!NormalizePassword("").has_value());
    CPPUNIT_ASSERT(!StoredCredentials::Derive(HashAlg::kSha256, "\x07", B64("QQ=="), 1));
    CPPUNIT_ASSERT(!StoredCredentials::Derive(HashAlg::kSha256, "pw", B64("QQ=="), 0));
    CPPUNIT_ASSERT(!StoredCredentials::Derive(HashAlg::kSha256, "pw", Bytes(), 1));
  }

  void testGenerateDrawsTheSalt() {
    FixedRng rng(Bytes(16, 0x42));
    std::optional<StoredCredentials> generated =
        StoredCredentials::Generate(HashAlg::kSha256, rng, "pencil", 64);
    CPPUNIT_ASSERT(generated.has_value());
    CPPUNIT_ASSERT(generated->salt == Bytes(16, 0x42));
    CPPUNIT_ASSERT_EQUAL(uint32_t{64}, generated->iterations);
    CPPUNIT_ASSERT_EQUAL(size_t{0}, rng.Remaining());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ScramKeyScheduleTest);
