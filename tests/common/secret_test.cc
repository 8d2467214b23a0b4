// SecretTest: wiping, FixedSecret's destructor and move, SecretString.
#include <algorithm>
#include <new>

#include <cppunit/extensions/HelperMacros.h>

#include "common/secret.h"
#include "common/test_util.h"

namespace e2esasl {
namespace {

bool AllZero(ByteView bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace
}  // namespace e2esasl

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl;  // NOLINT(google-build-using-namespace)

class SecretTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SecretTest);
  CPPUNIT_TEST(testWipeZeroesSpan);
  CPPUNIT_TEST(testWipeMemoryAcceptsEmpty);
  CPPUNIT_TEST(testFixedSecretDestructorWipes);
  CPPUNIT_TEST(testFixedSecretMoveWipesSource);
  CPPUNIT_TEST(testFixedSecretCopyFromChecksSize);
  CPPUNIT_TEST(testSecretBytesHoldsData);
  CPPUNIT_TEST(testSecretStringHoldsTextAndClears);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testWipeZeroesSpan() {
    Bytes data = {1, 2, 3, 4, 5};
    Wipe(std::span<uint8_t>(data).subspan(1, 3));
    E2E_ASSERT_BYTES_EQUAL(Bytes({1, 0, 0, 0, 5}), data);
    char text[] = "secret";
    Wipe(std::span<char>(text, 6));
    CPPUNIT_ASSERT(std::all_of(text, text + 6, [](char c) { return c == 0; }));
  }

  void testWipeMemoryAcceptsEmpty() {
    WipeMemory(nullptr, 0);
    uint8_t byte = 0x42;
    WipeMemory(&byte, 0);
    CPPUNIT_ASSERT_EQUAL(uint8_t{0x42}, byte);
  }

  void testFixedSecretDestructorWipes() {
    // Construct in storage we own, destroy explicitly, and inspect the storage afterwards.
    alignas(FixedSecret<16>) unsigned char storage[sizeof(FixedSecret<16>)];
    auto* secret = new (storage) FixedSecret<16>();
    std::fill(secret->span().begin(), secret->span().end(), uint8_t{0xa5});
    CPPUNIT_ASSERT(!AllZero(ByteView(storage, sizeof(storage))));
    secret->~FixedSecret<16>();
    CPPUNIT_ASSERT(AllZero(ByteView(storage, sizeof(storage))));
  }

  void testFixedSecretMoveWipesSource() {
    FixedSecret<4> source;
    const Bytes value = {9, 8, 7, 6};
    CPPUNIT_ASSERT(source.CopyFrom(value));
    FixedSecret<4> moved(std::move(source));
    E2E_ASSERT_BYTES_EQUAL(value, moved.view());
    CPPUNIT_ASSERT(AllZero(source.view()));  // NOLINT(bugprone-use-after-move): checked on purpose
    FixedSecret<4> assigned;
    assigned = std::move(moved);
    E2E_ASSERT_BYTES_EQUAL(value, assigned.view());
    CPPUNIT_ASSERT(AllZero(moved.view()));  // NOLINT(bugprone-use-after-move)
  }

  void testFixedSecretCopyFromChecksSize() {
    FixedSecret<3> secret;
    CPPUNIT_ASSERT(AllZero(secret.view()));
    CPPUNIT_ASSERT(!secret.CopyFrom(Bytes({1, 2})));
    CPPUNIT_ASSERT(!secret.CopyFrom(Bytes({1, 2, 3, 4})));
    CPPUNIT_ASSERT(AllZero(secret.view()));
    CPPUNIT_ASSERT(secret.CopyFrom(Bytes({1, 2, 3})));
    E2E_ASSERT_BYTES_EQUAL(Bytes({1, 2, 3}), secret.view());
    CPPUNIT_ASSERT_EQUAL(size_t{3}, FixedSecret<3>::size());
  }

  void testSecretBytesHoldsData() {
    SecretBytes secret = ToSecretBytes(Bytes({1, 2, 3}));
    for (int i = 0; i < 100; ++i) {
      secret.push_back(static_cast<uint8_t>(i));  // reallocations go through the allocator
    }
    CPPUNIT_ASSERT_EQUAL(size_t{103}, secret.size());
    CPPUNIT_ASSERT_EQUAL(uint8_t{3}, secret[2]);
    CPPUNIT_ASSERT_EQUAL(uint8_t{99}, secret[102]);
    const ByteView view = secret;
    CPPUNIT_ASSERT_EQUAL(size_t{103}, view.size());
  }

  void testSecretStringHoldsTextAndClears() {
    SecretString password("pencil");
    CPPUNIT_ASSERT_EQUAL(std::string("pencil"), std::string(password.view()));
    CPPUNIT_ASSERT_EQUAL(size_t{6}, password.bytes().size());
    password.Append(std::string_view("\0x", 2));  // embedded NUL is kept, nothing truncates
    CPPUNIT_ASSERT_EQUAL(size_t{8}, password.size());
    password.Clear();
    CPPUNIT_ASSERT(password.empty());
    CPPUNIT_ASSERT(SecretString().empty());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SecretTest);
