// CtEqualTest: the constant-time comparison's results (its timing is not testable here).
#include <cppunit/extensions/HelperMacros.h>

#include "common/ct.h"
#include "common/test_util.h"

namespace e2esasl {
namespace {}  // namespace
}  // namespace e2esasl

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl;  // NOLINT(google-build-using-namespace)

class CtEqualTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CtEqualTest);
  CPPUNIT_TEST(testEqualContents);
  CPPUNIT_TEST(testDifferentContents);
  CPPUNIT_TEST(testDifferentLengths);
  CPPUNIT_TEST(testEmptyInputs);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEqualContents() {
    const Bytes a(64, 0x5a);
    const Bytes b(64, 0x5a);
    CPPUNIT_ASSERT(CtEqual(a, b));
    CPPUNIT_ASSERT(CtEqual(AsBytes("proof"), AsBytes("proof")));
  }

  void testDifferentContents() {
    Bytes a(32, 0x00);
    Bytes b(32, 0x00);
    b[0] = 0x01;
    CPPUNIT_ASSERT(!CtEqual(a, b));
    b[0] = 0x00;
    b[31] = 0x80;
    CPPUNIT_ASSERT(!CtEqual(a, b));
    b[31] = 0x00;
    CPPUNIT_ASSERT(CtEqual(a, b));
  }

  void testDifferentLengths() {
    const Bytes a = {1, 2, 3};
    const Bytes prefix = {1, 2};
    CPPUNIT_ASSERT(!CtEqual(a, prefix));
    CPPUNIT_ASSERT(!CtEqual(prefix, a));
  }

  void testEmptyInputs() {
    CPPUNIT_ASSERT(CtEqual(ByteView(), ByteView()));
    const Bytes one = {0};
    CPPUNIT_ASSERT(!CtEqual(ByteView(), one));
    CPPUNIT_ASSERT(!CtEqual(one, ByteView()));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CtEqualTest);
