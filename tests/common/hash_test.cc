// HashTest: RFC 4231 HMAC and RFC 5869 HKDF vectors (data files under tests/vectors/common/), the
// keyed-once HMAC agreeing with the one-shot, and argument limits. PBKDF2: pbkdf2_test.cc.
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "common/hash.h"
#include "common/test_util.h"
#include "support/vector_file.h"

namespace e2esasl {
namespace {

using test::VectorFile;

}  // namespace
}  // namespace e2esasl

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl;  // NOLINT(google-build-using-namespace)

class HashTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HashTest);
  CPPUNIT_TEST(testNamesAndSizes);
  CPPUNIT_TEST(testDigestFips180Abc);
  CPPUNIT_TEST(testHmacRfc4231);
  CPPUNIT_TEST(testHmacKeyAgreesWithOneShot);
  CPPUNIT_TEST(testHmacStreamIsSpentAfterFinish);
  CPPUNIT_TEST(testHmacEmptyKeyEqualsZeroKey);
  CPPUNIT_TEST(testHkdfRfc5869);
  CPPUNIT_TEST(testHkdfExpandLimits);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testNamesAndSizes() {
    CPPUNIT_ASSERT_EQUAL(std::string("SHA-1"), std::string(HashName(HashAlg::kSha1)));
    CPPUNIT_ASSERT_EQUAL(std::string("SHA-256"), std::string(HashName(HashAlg::kSha256)));
    CPPUNIT_ASSERT_EQUAL(std::string("SHA-512"), std::string(HashName(HashAlg::kSha512)));
    CPPUNIT_ASSERT_EQUAL(size_t{20}, HashSize(HashAlg::kSha1));
    CPPUNIT_ASSERT_EQUAL(size_t{32}, HashSize(HashAlg::kSha256));
    CPPUNIT_ASSERT_EQUAL(size_t{64}, HashSize(HashAlg::kSha512));
  }

  void testDigestFips180Abc() {
    // FIPS 180-2 Appendix A.1 / B.1 / C.1: the one-block message "abc".
    const struct {
      HashAlg alg;
      const char* hex;
    } cases[] = {
        {HashAlg::kSha1, "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {HashAlg::kSha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {HashAlg::kSha512,
         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c2"
         "3a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
    };
    for (const auto& c : cases) {
      std::optional<SecretBytes> digest = Digest(c.alg, AsBytes("abc"));
      CPPUNIT_ASSERT(digest.has_value());
      CPPUNIT_ASSERT_EQUAL(std::string(c.hex), test::Hex(*digest));
    }
    std::optional<SecretBytes> empty = Digest(HashAlg::kSha256, ByteView());
    CPPUNIT_ASSERT(empty.has_value());
    CPPUNIT_ASSERT_EQUAL(
        std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        test::Hex(*empty));
  }

  void testHmacRfc4231() {
    VectorFile file = VectorFile::Load("common/hmac-rfc4231.txt");
    CPPUNIT_ASSERT_EQUAL(size_t{7}, file.blocks().size());
    for (test::VectorBlock& block : file.blocks()) {
      const Bytes key = block.Hex("Key");
      const Bytes data = block.Hex("Data");
      size_t truncate_bytes = 0;
      if (block.Has("truncation-bits")) {
        truncate_bytes = block.Uint("truncation-bits") / 8;
      }
      const struct {
        HashAlg alg;
        const char* field;
      } algs[] = {{HashAlg::kSha256, "HMAC-SHA-256"}, {HashAlg::kSha512, "HMAC-SHA-512"}};
      for (const auto& a : algs) {
        const Bytes expected = block.Hex(a.field);
        std::optional<SecretBytes> mac = Hmac(a.alg, key, data);
        CPPUNIT_ASSERT_MESSAGE(block.name(), mac.has_value());
        ByteView got = *mac;
        if (truncate_bytes != 0) {
          got = got.first(truncate_bytes);
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE(block.name() + " " + a.field, test::Hex(expected),
                                     test::Hex(got));
      }
    }
    file.CheckAllRead();
  }

  void testHmacKeyAgreesWithOneShot() {
    const Bytes key = {0x0b, 0x0b, 0x0b};
    std::optional<HmacKey> hmac = HmacKey::Create(HashAlg::kSha256, key);
    CPPUNIT_ASSERT(hmac.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{32}, hmac->size());
    std::optional<SecretBytes> one_shot = Hmac(HashAlg::kSha256, key, AsBytes("Client Key"));
    // The same keyed object gives the same MAC every time (it is duplicated, never consumed).
    for (int i = 0; i < 3; ++i) {
      std::optional<SecretBytes> keyed = hmac->Compute(AsBytes("Client Key"));
      CPPUNIT_ASSERT(keyed.has_value());
      E2E_ASSERT_BYTES_EQUAL(*one_shot, *keyed);
    }
    // Pieces MAC as their concatenation.
    std::optional<SecretBytes> parts =
        hmac->Compute({AsBytes("Client"), ByteView(), AsBytes(" Key")});
    CPPUNIT_ASSERT(parts.has_value());
    E2E_ASSERT_BYTES_EQUAL(*one_shot, *parts);
    std::optional<HmacStream> stream = hmac->Start();
    CPPUNIT_ASSERT(stream.has_value());
    CPPUNIT_ASSERT(stream->Update(AsBytes("Clie")));
    CPPUNIT_ASSERT(stream->Update(AsBytes("nt Key")));
    std::optional<SecretBytes> streamed = stream->Finish();
    CPPUNIT_ASSERT(streamed.has_value());
    E2E_ASSERT_BYTES_EQUAL(*one_shot, *streamed);
    // A different message gives a different MAC.
    std::optional<SecretBytes> other = hmac->Compute(AsBytes("Server Key"));
    CPPUNIT_ASSERT(test::Hex(*other) != test::Hex(*one_shot));
  }

  void testHmacStreamIsSpentAfterFinish() {
    std::optional<HmacKey> hmac = HmacKey::Create(HashAlg::kSha1, AsBytes("k"));
    CPPUNIT_ASSERT(hmac.has_value());
    std::optional<HmacStream> stream = hmac->Start();
    CPPUNIT_ASSERT(stream.has_value());
    CPPUNIT_ASSERT(stream->Finish().has_value());
    CPPUNIT_ASSERT(!stream->Update(AsBytes("x")));
    CPPUNIT_ASSERT(!stream->Finish().has_value());
  }

  void testHmacEmptyKeyEqualsZeroKey() {
    // HMAC pads the key with zeros to the block size, so "" and 32 zero bytes are the same key
    // (this is what makes an absent HKDF salt equal to HashLen zeros).
    std::optional<SecretBytes> empty = Hmac(HashAlg::kSha256, ByteView(), AsBytes("ikm"));
    std::optional<SecretBytes> zeros = Hmac(HashAlg::kSha256, Bytes(32, 0), AsBytes("ikm"));
    CPPUNIT_ASSERT(empty.has_value() && zeros.has_value());
    E2E_ASSERT_BYTES_EQUAL(*zeros, *empty);
    std::optional<SecretBytes> one = Hmac(HashAlg::kSha256, Bytes(1, 1), AsBytes("ikm"));
    CPPUNIT_ASSERT(test::Hex(*one) != test::Hex(*empty));
  }

  void testHkdfRfc5869() {
    VectorFile file = VectorFile::Load("common/hkdf-rfc5869.txt");
    test::VectorBlock& block = file.Block("A.1 Test Case 1");
    CPPUNIT_ASSERT_EQUAL(std::string("SHA-256"), block.Text("Hash"));
    const Bytes ikm = block.Hex("IKM");
    const Bytes salt = block.Hex("salt");
    const Bytes info = block.Hex("info");
    const size_t length = block.Uint("L");
    std::optional<SecretBytes> prk = HkdfExtract(HashAlg::kSha256, salt, ikm);
    CPPUNIT_ASSERT(prk.has_value());
    CPPUNIT_ASSERT_EQUAL(test::Hex(block.Hex("PRK")), test::Hex(*prk));
    std::optional<SecretBytes> okm = HkdfExpand(HashAlg::kSha256, *prk, info, length);
    CPPUNIT_ASSERT(okm.has_value());
    CPPUNIT_ASSERT_EQUAL(test::Hex(block.Hex("OKM")), test::Hex(*okm));
    // A prefix of the output is the output for a shorter length.
    std::optional<SecretBytes> shorter = HkdfExpand(HashAlg::kSha256, *prk, info, 10);
    E2E_ASSERT_BYTES_EQUAL(ByteView(*okm).first(10), *shorter);
    file.CheckAllRead();
  }

  void testHkdfExpandLimits() {
    const Bytes prk(64, 0x42);
    CPPUNIT_ASSERT(!HkdfExpand(HashAlg::kSha512, prk, ByteView(), 255 * 64 + 1).has_value());
    std::optional<SecretBytes> max = HkdfExpand(HashAlg::kSha512, prk, ByteView(), 255 * 64);
    CPPUNIT_ASSERT(max.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{255 * 64}, max->size());
    std::optional<SecretBytes> none = HkdfExpand(HashAlg::kSha512, prk, ByteView(), 0);
    CPPUNIT_ASSERT(none.has_value() && none->empty());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HashTest);
