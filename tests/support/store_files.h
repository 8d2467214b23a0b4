// store_files.h: what the tests of the small secret stores (SAS retained secrets, VOUCH key
// continuity) share: a private temporary directory, whole-file reads and writes with a mode, and
// the base64 of a text. CppUnit assertions: call from a test.
#ifndef E2ESASL_TESTS_SUPPORT_STORE_FILES_H_
#define E2ESASL_TESTS_SUPPORT_STORE_FILES_H_

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <cppunit/TestAssert.h>

#include "common/base64.h"

namespace e2esasl::testing {

// NewTempDir makes a directory /tmp/<prefix>-XXXXXX (the test removes it).
inline std::string NewTempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  const char* dir = mkdtemp(tmpl.data());
  CPPUNIT_ASSERT(dir != nullptr);
  return dir;
}

inline std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// WriteWhole replaces path with text and sets its mode.
inline void WriteWhole(const std::string& path, const std::string& text, mode_t mode = 0600) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
  CPPUNIT_ASSERT_EQUAL(0, chmod(path.c_str(), mode));
}

inline std::string B64(std::string_view text) {
  return Base64Encode(AsBytes(text));
}

}  // namespace e2esasl::testing

#endif  // E2ESASL_TESTS_SUPPORT_STORE_FILES_H_
