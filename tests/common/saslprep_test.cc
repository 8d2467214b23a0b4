// SaslPrepTest: RFC 4013 section 3 examples, stored vs query mode, invalid UTF-8, the size cap.
// Utf8Test: the strict UTF-8 validator SASLprep and the GS2 header rely on.
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "common/saslprep.h"
#include "common/utf8.h"

namespace e2esasl {
namespace {

std::string Prep(std::string_view in, SaslPrepMode mode = SaslPrepMode::kStored) {
  std::optional<SecretString> out = SaslPrep(in, mode);
  return out ? std::string(out->view()) : std::string("<error>");
}

}  // namespace
}  // namespace e2esasl

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl;  // NOLINT(google-build-using-namespace)

class SaslPrepTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SaslPrepTest);
  CPPUNIT_TEST(testRfc4013Examples);
  CPPUNIT_TEST(testMapsNonAsciiSpaceToSpace);
  CPPUNIT_TEST(testUnassignedDependsOnMode);
  CPPUNIT_TEST(testRejectsInvalidUtf8);
  CPPUNIT_TEST(testRejectsProhibited);
  CPPUNIT_TEST(testHandlesLargeExpansion);
  CPPUNIT_TEST(testEnforcesInputCap);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRfc4013Examples() {
    // RFC 4013 section 3 "Examples".
    CPPUNIT_ASSERT_EQUAL(std::string("IX"), Prep("I\xc2\xad"
                                                 "X"));        // 1. SOFT HYPHEN mapped to nothing
    CPPUNIT_ASSERT_EQUAL(std::string("user"), Prep("user"));   // 2. no transformation
    CPPUNIT_ASSERT_EQUAL(std::string("USER"), Prep("USER"));   // 3. case preserved
    CPPUNIT_ASSERT_EQUAL(std::string("a"), Prep("\xc2\xaa"));  // 4. U+00AA output is NFKC
    CPPUNIT_ASSERT_EQUAL(std::string("IX"), Prep("\xe2\x85\xa8"));  // 5. U+2168 output is NFKC
    CPPUNIT_ASSERT(!SaslPrep("\x07", SaslPrepMode::kStored));       // 6. prohibited character
    CPPUNIT_ASSERT(!SaslPrep("\x07", SaslPrepMode::kQuery));
    CPPUNIT_ASSERT(
        !SaslPrep("\xd8\xa7"
                  "1",
                  SaslPrepMode::kStored));  // 7. bidi check
    CPPUNIT_ASSERT(
        !SaslPrep("\xd8\xa7"
                  "1",
                  SaslPrepMode::kQuery));
  }

  void testMapsNonAsciiSpaceToSpace() {
    // RFC 4013 s2.1: non-ASCII space (C.1.2, here U+00A0) maps to SPACE.
    CPPUNIT_ASSERT_EQUAL(std::string("a b"), Prep("a\xc2\xa0"
                                                  "b"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), Prep(""));
    CPPUNIT_ASSERT_EQUAL(std::string(""), Prep("\xc2\xad"));  // maps to nothing: empty result
  }

  void testUnassignedDependsOnMode() {
    // U+0221 was unassigned in Unicode 3.2 (stringprep's table A.1).
    CPPUNIT_ASSERT(!SaslPrep("a\xc8\xa1", SaslPrepMode::kStored).has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("a\xc8\xa1"), Prep("a\xc8\xa1", SaslPrepMode::kQuery));
  }

  void testRejectsInvalidUtf8() {
    const char* inputs[] = {"\xff",         "abc\xc3",          "\xc0\xaf", "\xe0\x80\xaf",
                            "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80"};
    for (const char* input : inputs) {
      CPPUNIT_ASSERT(!SaslPrep(input, SaslPrepMode::kQuery).has_value());
    }
    CPPUNIT_ASSERT(!SaslPrep(std::string_view("a\0b", 3), SaslPrepMode::kQuery).has_value());
  }

  void testRejectsProhibited() {
    CPPUNIT_ASSERT(!SaslPrep("\xee\x80\x80", SaslPrepMode::kQuery));  // U+E000 private use
    CPPUNIT_ASSERT(!SaslPrep("\xef\xbf\xbe", SaslPrepMode::kQuery));  // U+FFFE non-character
    CPPUNIT_ASSERT(!SaslPrep("a\x7f", SaslPrepMode::kQuery));         // DEL, ASCII control
  }

  void testHandlesLargeExpansion() {
    // U+FDFA expands to 18 code points under NFKC: exercises the buffer growth.
    std::optional<SecretString> out = SaslPrep("\xef\xb7\xba", SaslPrepMode::kStored);
    CPPUNIT_ASSERT(out.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{33}, out->size());  // 15 two-byte letters + 3 spaces
    CPPUNIT_ASSERT(utf8::IsValid(out->view()));
  }

  void testEnforcesInputCap() {
    const std::string at_cap(kMaxSaslPrepInputBytes, 'a');
    CPPUNIT_ASSERT_EQUAL(at_cap, Prep(at_cap));
    CPPUNIT_ASSERT(!SaslPrep(at_cap + "a", SaslPrepMode::kQuery).has_value());
  }
};

class Utf8Test : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(Utf8Test);
  CPPUNIT_TEST(testAcceptsWellFormed);
  CPPUNIT_TEST(testRejectsIllFormed);
  CPPUNIT_TEST(testEncodeDecodeRoundTrip);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testAcceptsWellFormed() {
    const char* inputs[] = {"",
                            "ascii",
                            "\xc3\xa9",
                            "\xe2\x82\xac",
                            "\xf0\x9f\x98\x80",
                            "\xf4\x8f\xbf\xbf",
                            "\xed\x9f\xbf"};
    for (const char* input : inputs) {
      CPPUNIT_ASSERT_MESSAGE(input, utf8::IsValid(input));
    }
  }

  void testRejectsIllFormed() {
    const char* inputs[] = {"\x80",
                            "\xc1\xbf",
                            "\xe0\x9f\xbf",
                            "\xed\xa0\x80",
                            "\xf0\x8f\xbf\xbf",
                            "\xf4\x90\x80\x80",
                            "\xf5\x80\x80\x80",
                            "\xc3",
                            "\xe2\x82",
                            "\xc3\x28"};
    for (const char* input : inputs) {
      CPPUNIT_ASSERT(!utf8::IsValid(input));
    }
  }

  void testEncodeDecodeRoundTrip() {
    std::vector<uint32_t, ZeroizingAllocator<uint32_t>> cps;
    CPPUNIT_ASSERT(utf8::Decode(&cps, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
    CPPUNIT_ASSERT_EQUAL(size_t{4}, cps.size());
    CPPUNIT_ASSERT_EQUAL(uint32_t{0x1f600}, cps[3]);
    SecretString out;
    CPPUNIT_ASSERT(utf8::Encode(&out, std::span<const uint32_t>(cps.data(), cps.size())));
    CPPUNIT_ASSERT_EQUAL(std::string("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
                         std::string(out.view()));
    const uint32_t surrogate[] = {0x41, 0xd800};
    CPPUNIT_ASSERT(!utf8::Encode(&out, surrogate));
    CPPUNIT_ASSERT(out.empty());
    const uint32_t too_big[] = {0x110000};
    CPPUNIT_ASSERT(!utf8::Encode(&out, too_big));
    std::vector<uint32_t, ZeroizingAllocator<uint32_t>> bad;
    CPPUNIT_ASSERT(!utf8::Decode(&bad, "ab\xff"));
    CPPUNIT_ASSERT(bad.empty());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SaslPrepTest);
CPPUNIT_TEST_SUITE_REGISTRATION(Utf8Test);
