// RandomTest: the replaying test RNG, and that the system RNG produces fresh bytes.
#include <algorithm>
#include <stdexcept>

#include <cppunit/extensions/HelperMacros.h>

#include "common/random.h"
#include "common/test_util.h"

namespace e2esasl {
namespace {}  // namespace
}  // namespace e2esasl

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl;  // NOLINT(google-build-using-namespace)

class RandomTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RandomTest);
  CPPUNIT_TEST(testFixedRngReplaysInOrder);
  CPPUNIT_TEST(testFixedRngThrowsWhenExhausted);
  CPPUNIT_TEST(testSystemRngFillsFreshBytes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testFixedRngReplaysInOrder() {
    FixedRng rng(Bytes({1, 2, 3, 4, 5}));
    Rng& as_rng = rng;
    Bytes first(2);
    Bytes second(3);
    CPPUNIT_ASSERT(as_rng.Fill(first));
    CPPUNIT_ASSERT(as_rng.Fill(second));
    E2E_ASSERT_BYTES_EQUAL(Bytes({1, 2}), first);
    E2E_ASSERT_BYTES_EQUAL(Bytes({3, 4, 5}), second);
    CPPUNIT_ASSERT_EQUAL(size_t{0}, rng.Remaining());
    CPPUNIT_ASSERT(as_rng.Fill(std::span<uint8_t>()));  // zero bytes always available
  }

  void testFixedRngThrowsWhenExhausted() {
    FixedRng rng(Bytes({1, 2}));
    Bytes three(3, 0xee);
    CPPUNIT_ASSERT_THROW(static_cast<void>(rng.Fill(three)), std::logic_error);
    E2E_ASSERT_BYTES_EQUAL(Bytes(3, 0xee), three);  // nothing partially written
    CPPUNIT_ASSERT_EQUAL(size_t{2}, rng.Remaining());
  }

  void testSystemRngFillsFreshBytes() {
    Bytes a(32, 0);
    Bytes b(32, 0);
    CPPUNIT_ASSERT(SystemRandom().Fill(a));
    CPPUNIT_ASSERT(SystemRandom().Fill(b));
    // 2^-256 chance of a false failure for each check.
    CPPUNIT_ASSERT(std::any_of(a.begin(), a.end(), [](uint8_t x) { return x != 0; }));
    CPPUNIT_ASSERT(a != b);
    CPPUNIT_ASSERT(&SystemRandom() == &SystemRandom());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RandomTest);
