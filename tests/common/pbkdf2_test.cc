// Pbkdf2Test: Pbkdf2 (plugins/common/pbkdf2.cc) against the RFC 6070 (HMAC-SHA-1) and RFC 7914
// s11 (HMAC-SHA-256) vectors, and byte for byte against OpenSSL's PKCS5_PBKDF2_HMAC on many
// seeded-random and boundary inputs for every hash; argument limits.
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "common/hash.h"
#include "common/test_util.h"
#include "support/vector_file.h"

namespace e2esasl {
namespace {

using test::VectorFile;

const EVP_MD* Md(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return EVP_sha1();
    case HashAlg::kSha256:
      return EVP_sha256();
    case HashAlg::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

size_t BlockSize(HashAlg alg) {
  return alg == HashAlg::kSha512 ? 128 : 64;
}

// Reference returns OpenSSL's PKCS5_PBKDF2_HMAC for the same inputs (the implementation Pbkdf2
// replaced); fails the test when OpenSSL fails.
Bytes Reference(HashAlg alg, const Bytes& password, const Bytes& salt, uint32_t iterations,
                size_t out_len) {
  static const uint8_t kEmpty[1] = {0};
  Bytes out(out_len);
  const int ok =
      PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.empty() ? kEmpty : password.data()),
                        static_cast<int>(password.size()), salt.empty() ? kEmpty : salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), Md(alg),
                        static_cast<int>(out_len), out.data());
  CPPUNIT_ASSERT_EQUAL(1, ok);
  return out;
}

struct Case {
  HashAlg alg;
  Bytes password;
  Bytes salt;
  uint32_t iterations;
  size_t out_len;
};

std::string Describe(const Case& c, uint64_t seed) {
  return std::string(HashName(c.alg)) + " password " + std::to_string(c.password.size()) +
         " B, salt " + std::to_string(c.salt.size()) + " B, c " + std::to_string(c.iterations) +
         ", dkLen " + std::to_string(c.out_len) + " (seed " + std::to_string(seed) +
         "): password " + test::Hex(c.password) + ", salt " + test::Hex(c.salt);
}

// Cases: the lengths where an implementation on raw compression calls can go wrong, for each
// hash — passwords around the block size B (RFC 2104 hashes a key longer than B), salts whose
// S || INT(i) ends right at a padding boundary, every dkLen SCRAM uses (20, 32, 64: Hi() takes
// the hash's own length, RFC 5802 s2.2) and multi-block dkLen — plus `random_per_hash` cases
// with lengths and counts drawn from rng.
std::vector<Case> MakeCases(std::mt19937_64& rng, int random_per_hash) {
  auto bytes = [&rng](size_t n) {
    Bytes b(n);
    for (uint8_t& x : b) {
      x = static_cast<uint8_t>(rng());
    }
    return b;
  };
  auto uniform = [&rng](size_t lo, size_t hi) {
    return std::uniform_int_distribution<size_t>(lo, hi)(rng);
  };
  std::vector<Case> cases;
  for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha512}) {
    const size_t b = BlockSize(alg);
    const size_t h = HashSize(alg);
    const size_t length_field = alg == HashAlg::kSha512 ? 16 : 8;
    // Boundaries.
    for (size_t pw : {size_t{0}, size_t{1}, b - 1, b, b + 1, 2 * b + 3}) {
      for (size_t out_len : {size_t{20}, size_t{32}, size_t{64}}) {
        cases.push_back({alg, bytes(pw), bytes(16), 4096, out_len});
      }
    }
    // S || INT(i) of b - 1 - length_field bytes fills the first block's padding exactly; one
    // more spills into a second block.
    for (size_t salt : {size_t{0}, b - 5 - length_field, b - 4 - length_field, b - 3 - length_field,
                        b - 4, b, 2 * b}) {
      cases.push_back({alg, bytes(8), bytes(salt), 3, h});
    }
    for (size_t out_len : {size_t{1}, h - 1, h + 1, 2 * h, 3 * h + 7}) {
      cases.push_back({alg, bytes(12), bytes(16), 5, out_len});
    }
    for (uint32_t iterations : {1u, 2u, 3u, 4096u, 10000u}) {
      cases.push_back({alg, bytes(9), bytes(16), iterations, h});
    }
    // Random.
    for (int i = 0; i < random_per_hash; ++i) {
      Case c{alg, {}, {}, 0, 0};
      c.password = bytes(uniform(0, 3) == 0 ? uniform(b - 2, b + 2) : uniform(0, 300));
      c.salt = bytes(uniform(0, 100));
      c.iterations = uniform(0, 15) == 0 ? 4096 : static_cast<uint32_t>(uniform(1, 40));
      const size_t scram_lengths[] = {20, 32, 64};
      c.out_len = uniform(0, 1) == 0 ? scram_lengths[uniform(0, 2)] : uniform(1, 3 * h + 1);
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

}  // namespace
}  // namespace e2esasl

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl;  // NOLINT(google-build-using-namespace)

class Pbkdf2Test : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(Pbkdf2Test);
  CPPUNIT_TEST(testRfc6070Sha1);
  CPPUNIT_TEST(testRfc7914Sha256);
  CPPUNIT_TEST(testAgreesWithOpenSsl);
  CPPUNIT_TEST(testReferenceSeesEveryInput);
  CPPUNIT_TEST(testRejectsBadArguments);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRfc6070Sha1() { CheckVectors("common/pbkdf2-rfc6070.txt", HashAlg::kSha1, 5); }

  void testRfc7914Sha256() { CheckVectors("common/pbkdf2-sha256-rfc7914.txt", HashAlg::kSha256, 2); }

  // AgreesWithOpenSsl: Pbkdf2 and PKCS5_PBKDF2_HMAC give the same bytes on every case.
  void testAgreesWithOpenSsl() {
    constexpr uint64_t kSeed = 0x5eed'7b6d'f2c0'1915;
    constexpr int kRandomPerHash = 150;
    std::mt19937_64 rng(kSeed);
    const std::vector<Case> cases = MakeCases(rng, kRandomPerHash);
    size_t compared = 0, long_passwords = 0, multi_iteration = 0, multi_block = 0;
    for (const Case& c : cases) {
      const std::string what = Describe(c, kSeed);
      std::optional<SecretBytes> ours = Pbkdf2(c.alg, c.password, c.salt, c.iterations, c.out_len);
      CPPUNIT_ASSERT_MESSAGE(what, ours.has_value());
      const Bytes reference = Reference(c.alg, c.password, c.salt, c.iterations, c.out_len);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(what, c.out_len, ours->size());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(what, test::Hex(reference), test::Hex(*ours));
      ++compared;
      long_passwords += c.password.size() > BlockSize(c.alg);
      multi_iteration += c.iterations > 1;
      multi_block += c.out_len > HashSize(c.alg);
    }
    // Every case ran, and the paths that differ from a plain HMAC were among them.
    CPPUNIT_ASSERT_EQUAL(cases.size(), compared);
    CPPUNIT_ASSERT(compared >= 3 * size_t{kRandomPerHash});
    CPPUNIT_ASSERT(long_passwords >= 30);
    CPPUNIT_ASSERT(multi_iteration >= 300);
    CPPUNIT_ASSERT(multi_block >= 30);
  }

  // ReferenceSeesEveryInput: the comparison above can only catch a difference if both sides
  // depend on every input: changing any one (one bit of password or salt, the count, the hash)
  // changes the reference's output, and ours follows.
  void testReferenceSeesEveryInput() {
    const Bytes password(200, 'p');  // longer than every block size
    const Bytes salt(16, 's');
    for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha512}) {
      const Bytes base = Reference(alg, password, salt, 100, 64);
      Bytes other_password = password;
      other_password.back() ^= 1;
      Bytes other_salt = salt;
      other_salt.front() ^= 0x80;
      const Bytes variants[] = {
          Reference(alg, other_password, salt, 100, 64),
          Reference(alg, password, other_salt, 100, 64),
          Reference(alg, password, salt, 101, 64),
          Reference(alg == HashAlg::kSha1 ? HashAlg::kSha256 : HashAlg::kSha1, password, salt, 100,
                    64),
      };
      for (const Bytes& v : variants) {
        CPPUNIT_ASSERT(test::Hex(base) != test::Hex(v));
      }
      std::optional<SecretBytes> ours = Pbkdf2(alg, other_password, salt, 100, 64);
      CPPUNIT_ASSERT(ours.has_value());
      CPPUNIT_ASSERT_EQUAL(test::Hex(variants[0]), test::Hex(*ours));
    }
  }

  void testRejectsBadArguments() {
    CPPUNIT_ASSERT(!Pbkdf2(HashAlg::kSha256, AsBytes("p"), AsBytes("s"), 0, 32).has_value());
    CPPUNIT_ASSERT(!Pbkdf2(HashAlg::kSha256, AsBytes("p"), AsBytes("s"), 1, 0).has_value());
    CPPUNIT_ASSERT(
        !Pbkdf2(HashAlg::kSha256, AsBytes("p"), AsBytes("s"), 0x80000000u, 32).has_value());
    // Empty password and salt are valid inputs.
    std::optional<SecretBytes> empty = Pbkdf2(HashAlg::kSha256, ByteView(), ByteView(), 1, 32);
    CPPUNIT_ASSERT(empty.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{32}, empty->size());
  }

 private:
  // CheckVectors runs every block of a vector file (P, S, c, dkLen -> DK, hex) through Pbkdf2
  // and through PKCS5_PBKDF2_HMAC.
  static void CheckVectors(const char* path, HashAlg alg, size_t expected_blocks) {
    VectorFile file = VectorFile::Load(path);
    CPPUNIT_ASSERT_EQUAL(expected_blocks, file.blocks().size());
    for (test::VectorBlock& block : file.blocks()) {
      const Bytes password = block.Hex("P");
      const Bytes salt = block.Hex("S");
      const auto iterations = static_cast<uint32_t>(block.Uint("c"));
      const size_t length = block.Uint("dkLen");
      const std::string expected = test::Hex(block.Hex("DK"));
      std::optional<SecretBytes> dk = Pbkdf2(alg, password, salt, iterations, length);
      CPPUNIT_ASSERT_MESSAGE(block.name(), dk.has_value());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(block.name(), expected, test::Hex(*dk));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(block.name(), expected,
                                   test::Hex(Reference(alg, password, salt, iterations, length)));
    }
    file.CheckAllRead();
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Pbkdf2Test);
