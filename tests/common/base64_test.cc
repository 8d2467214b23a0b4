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
};

CPPUNIT_TEST_SUITE_REGISTRATION(Base64Test);
