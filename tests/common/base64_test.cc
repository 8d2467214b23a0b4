// Base64Test: RFC 4648 section 10 vectors, and a table of inputs the strict decoder rejects.
#include <string>
#include <string_view>

#include <cppunit/extensions/HelperMacros.h>

#include "common/base64.h"
#include "common/test_util.h"

namespace e2esasl {
namespace {

struct Rfc4648Vector {
  std::string_view decoded;
  std::string_view encoded;
};

// RFC 4648 section 10 "Test Vectors" (BASE64 lines).
constexpr Rfc4648Vector kRfc4648Vectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

struct Malformed {
  std::string_view input;
  const char* why;
};

const Malformed kMalformed[] = {
    {"Zg", "missing padding"},
    {"Zg=", "length not a multiple of 4"},
    {"Zm9vY", "length not a multiple of 4"},
    {"Zh==", "non-canonical: unused bits set before \"==\""},
    {"Zm9=", "non-canonical: unused bits set before \"=\""},
    {"Z===", "three padding characters"},
    {"====", "only padding"},
    {"=Zm8", "padding first"},
    {"Zm=8", "padding in the middle"},
    {"Zg==Zg==", "padding before more data"},
    {"Zm8 ", "space"},
    {" Zm8=", "leading space"},
    {"Zm9v\n", "line break"},
    {"Zm9v\r\nZm9v", "CRLF inside"},
    {"Zm9-", "base64url character '-'"},
    {"Zm9_", "base64url character '_'"},
    {"Zm9.", "character outside both alphabets"},
    {std::string_view("Zm\0v", 4), "NUL"},
    {"Zm9\xc3", "non-ASCII byte"},
};

// RFC 4648 section 10's vectors in the section 5 alphabet without padding (RFC 7515 section 2),
// plus the two characters that differ: 0xfb 0xff -> "-_8" ("+/8=" in the standard alphabet).
constexpr Rfc4648Vector kBase64UrlVectors[] = {
    {"", ""},          {"f", "Zg"},         {"fo", "Zm8"},           {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"},
};

const Malformed kMalformedUrl[] = {
    {"Zg==", "padding"},
    {"Zm8=", "padding"},
    {"Z", "one character: no byte"},
    {"Zm9vY", "length 1 modulo 4"},
    {"Zh", "non-canonical: unused bits set"},
    {"Zm9", "non-canonical: unused bits set"},
    {"+_8", "standard character '+'"},
    {"-/8", "standard character '/'"},
    {"Zm9v\n", "line break"},
    {"Zm 9v", "space"},
    {"Zm9.", "character outside both alphabets"},
    {std::string_view("Zm\0v", 4), "NUL"},
};

}  // namespace
}  // namespace e2esasl

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl;  // NOLINT(google-build-using-namespace)

class Base64Test : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(Base64Test);
  CPPUNIT_TEST(testEncodesRfc4648Vectors);
  CPPUNIT_TEST(testDecodesRfc4648Vectors);
  CPPUNIT_TEST(testRejectsMalformed);
  CPPUNIT_TEST(testEnforcesMaximumSize);
  CPPUNIT_TEST(testRoundTripsAllByteValues);
  CPPUNIT_TEST(testSecretVariantAgrees);
  CPPUNIT_TEST(testBase64UrlVectors);
  CPPUNIT_TEST(testBase64UrlRejectsMalformed);
  CPPUNIT_TEST(testBase64UrlRoundTripsAndSizes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEncodesRfc4648Vectors() {
    for (const Rfc4648Vector& v : kRfc4648Vectors) {
      CPPUNIT_ASSERT_EQUAL(std::string(v.encoded), Base64Encode(AsBytes(v.decoded)));
      CPPUNIT_ASSERT_EQUAL(v.encoded.size(), Base64EncodedSize(v.decoded.size()));
    }
  }

  void testDecodesRfc4648Vectors() {
    for (const Rfc4648Vector& v : kRfc4648Vectors) {
      std::optional<Bytes> decoded = Base64Decode(v.encoded, 64);
      CPPUNIT_ASSERT_MESSAGE(std::string(v.encoded), decoded.has_value());
      CPPUNIT_ASSERT_EQUAL(std::string(v.decoded), ToString(*decoded));
    }
  }

  void testRejectsMalformed() {
    for (const Malformed& m : kMalformed) {
      CPPUNIT_ASSERT_MESSAGE(m.why, !Base64Decode(m.input, 64).has_value());
      CPPUNIT_ASSERT_MESSAGE(m.why, !Base64DecodeSecret(m.input, 64).has_value());
    }
    // The canonical neighbours of the non-canonical inputs are accepted.
    CPPUNIT_ASSERT(Base64Decode("Zg==", 64).has_value());
    CPPUNIT_ASSERT(Base64Decode("Zm8=", 64).has_value());
  }

  void testEnforcesMaximumSize() {
    CPPUNIT_ASSERT(!Base64Decode("Zm9vYmFy", 5).has_value());
    CPPUNIT_ASSERT(Base64Decode("Zm9vYmFy", 6).has_value());
    CPPUNIT_ASSERT(!Base64Decode("Zm9vYmE=", 4).has_value());
    CPPUNIT_ASSERT(Base64Decode("Zm9vYmE=", 5).has_value());
    CPPUNIT_ASSERT(Base64Decode("", 0).has_value());
  }

  void testRoundTripsAllByteValues() {
    Bytes all(256);
    for (size_t i = 0; i < all.size(); ++i) {
      all[i] = static_cast<uint8_t>(i);
    }
    for (size_t len = 0; len <= all.size(); len += 37) {
      const ByteView prefix = ByteView(all).first(len);
      std::optional<Bytes> back = Base64Decode(Base64Encode(prefix), 256);
      CPPUNIT_ASSERT(back.has_value());
      E2E_ASSERT_BYTES_EQUAL(prefix, *back);
    }
  }

  void testSecretVariantAgrees() {
    std::optional<SecretBytes> secret = Base64DecodeSecret("Zm9vYmE=", 5);
    CPPUNIT_ASSERT(secret.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("fooba"), ToString(*secret));
  }

  void testBase64UrlVectors() {
    for (const Rfc4648Vector& v : kBase64UrlVectors) {
      CPPUNIT_ASSERT_EQUAL(std::string(v.encoded), Base64UrlEncode(AsBytes(v.decoded)));
      std::optional<Bytes> decoded = Base64UrlDecode(v.encoded, 64);
      CPPUNIT_ASSERT_MESSAGE(std::string(v.encoded), decoded.has_value());
      CPPUNIT_ASSERT_EQUAL(std::string(v.decoded), ToString(*decoded));
    }
  }

  void testBase64UrlRejectsMalformed() {
    for (const Malformed& m : kMalformedUrl) {
      CPPUNIT_ASSERT_MESSAGE(m.why, !Base64UrlDecode(m.input, 64).has_value());
    }
    CPPUNIT_ASSERT(Base64UrlDecode("Zg", 64).has_value());
    CPPUNIT_ASSERT(Base64UrlDecode("Zm8", 64).has_value());
  }

  void testBase64UrlRoundTripsAndSizes() {
    Bytes all(256);
    for (size_t i = 0; i < all.size(); ++i) {
      all[i] = static_cast<uint8_t>(255 - i);
    }
    for (size_t len = 0; len <= all.size(); ++len) {
      const ByteView prefix = ByteView(all).first(len);
      const std::string text = Base64UrlEncode(prefix);
      CPPUNIT_ASSERT_EQUAL((len * 4 + 2) / 3, text.size());  // unpadded length
      std::optional<Bytes> back = Base64UrlDecode(text, len);
      CPPUNIT_ASSERT(back.has_value());
      E2E_ASSERT_BYTES_EQUAL(prefix, *back);
      if (len > 0) {
        CPPUNIT_ASSERT(!Base64UrlDecode(text, len - 1).has_value());  // the size cap
      }
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Base64Test);
