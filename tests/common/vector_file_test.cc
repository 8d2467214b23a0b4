// VectorFileTest: the vector-file loader shared by every family's known-answer tests.
#include <stdexcept>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "support/vector_file.h"

namespace e2esasl::test {
namespace {

constexpr std::string_view kSample =
    "# header comment, not a block\n"
    "# more header\n"
    "\n"
    "[First]\n"
    "key = 00ff\n"
    "# a comment inside a block\n"
    "text = a=b, c = d\n"
    "empty =\n"
    "n = 4096\n"
    "\n"
    "\n"
    "[Second]\n"
    "key = ABCD\n";

}  // namespace
}  // namespace e2esasl::test

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl::test;  // NOLINT(google-build-using-namespace)

class VectorFileTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VectorFileTest);
  CPPUNIT_TEST(testParsesBlocksAndValues);
  CPPUNIT_TEST(testUnreadKeysFail);
  CPPUNIT_TEST(testRejectsSyntaxErrors);
  CPPUNIT_TEST(testRejectsBadValues);
  CPPUNIT_TEST(testLoadsFromSourceTree);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testParsesBlocksAndValues() {
    VectorFile file = VectorFile::Parse(kSample, "sample");
    CPPUNIT_ASSERT_EQUAL(size_t{2}, file.blocks().size());
    VectorBlock& first = file.Block("First");
    CPPUNIT_ASSERT(first.Has("key") && !first.Has("missing"));
    const std::vector<uint8_t> key = first.Hex("key");
    CPPUNIT_ASSERT_EQUAL(size_t{2}, key.size());
    CPPUNIT_ASSERT_EQUAL(uint8_t{0xff}, key[1]);
    CPPUNIT_ASSERT_EQUAL(std::string("a=b, c = d"), first.Text("text"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), first.Text("empty"));
    CPPUNIT_ASSERT_EQUAL(uint64_t{4096}, first.Uint("n"));
    CPPUNIT_ASSERT_EQUAL(std::string("abcd"), HexEncode(file.Block("Second").Hex("key")));
    file.CheckAllRead();
    CPPUNIT_ASSERT_THROW(file.Block("Third"), std::runtime_error);
    CPPUNIT_ASSERT_THROW(first.Text("missing"), std::runtime_error);
  }

  void testUnreadKeysFail() {
    VectorFile file = VectorFile::Parse(kSample, "sample");
    file.Block("First").Skip("key");
    file.Block("First").Skip("text");
    file.Block("First").Skip("empty");
    file.Block("Second").Skip("key");
    try {
      file.CheckAllRead();
      CPPUNIT_FAIL("CheckAllRead passed with an unread key");
    } catch (const std::runtime_error& e) {
      CPPUNIT_ASSERT(std::string(e.what()).find("sample:9: n") != std::string::npos);
    }
    file.Block("First").Skip("n");
    file.CheckAllRead();
  }

  void testRejectsSyntaxErrors() {
    CPPUNIT_ASSERT_THROW(VectorFile::Parse("[A]\nkey=value\n", "f"), std::runtime_error);
    CPPUNIT_ASSERT_THROW(VectorFile::Parse("[A]\nk = 1\nk = 2\n", "f"), std::runtime_error);
    CPPUNIT_ASSERT_THROW(VectorFile::Parse("[A]\nk = 1\n[B]\n", "f"), std::runtime_error);
    CPPUNIT_ASSERT_THROW(VectorFile::Parse("[A\nk = 1\n", "f"), std::runtime_error);
    CPPUNIT_ASSERT_THROW(VectorFile::Parse("[A]\n = 1\n", "f"), std::runtime_error);
  }

  void testRejectsBadValues() {
    VectorFile file = VectorFile::Parse("[A]\nodd = abc\nbad = zz\nnum = 12a\n", "f");
    CPPUNIT_ASSERT_THROW(file.Block("A").Hex("odd"), std::runtime_error);
    CPPUNIT_ASSERT_THROW(file.Block("A").Hex("bad"), std::runtime_error);
    CPPUNIT_ASSERT_THROW(file.Block("A").Uint("num"), std::runtime_error);
  }

  void testLoadsFromSourceTree() {
    VectorFile file = VectorFile::Load("common/hkdf-rfc5869.txt");
    CPPUNIT_ASSERT_EQUAL(size_t{1}, file.blocks().size());
    CPPUNIT_ASSERT_THROW(VectorFile::Load("common/no-such-file.txt"), std::runtime_error);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VectorFileTest);
