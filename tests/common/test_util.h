// test_util.h: small helpers shared by the tests of plugins/common.
#ifndef E2ESASL_TESTS_COMMON_TEST_UTIL_H_
#define E2ESASL_TESTS_COMMON_TEST_UTIL_H_

#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "common/bytes.h"
#include "support/vector_file.h"

namespace e2esasl::test {

// Hex of any byte container, for readable assertion failures.
template <typename Container>
std::string Hex(const Container& bytes) {
  return HexEncode(bytes.data(), bytes.size());
}

}  // namespace e2esasl::test

// Compare two byte containers by their hex, so a failure prints both values.
#define E2E_ASSERT_BYTES_EQUAL(expected, actual) \
  CPPUNIT_ASSERT_EQUAL(::e2esasl::test::Hex(expected), ::e2esasl::test::Hex(actual))

#endif  // E2ESASL_TESTS_COMMON_TEST_UTIL_H_
