// ByteReaderTest: bounded reads leave the reader unchanged on failure; the writer's error bit is
// sticky and its cap is enforced.
#include <cppunit/extensions/HelperMacros.h>

#include "common/byte_reader.h"
#include "common/test_util.h"

namespace e2esasl {
namespace {}  // namespace
}  // namespace e2esasl

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl;  // NOLINT(google-build-using-namespace)

class ByteReaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ByteReaderTest);
  CPPUNIT_TEST(testReadsBigEndianIntegers);
  CPPUNIT_TEST(testShortReadsLeaveReaderUnchanged);
  CPPUNIT_TEST(testReadsAndCopiesFixedBytes);
  CPPUNIT_TEST(testSubReaderAndLengthPrefix);
  CPPUNIT_TEST(testTruncatedLengthPrefixLeavesReaderUnchanged);
  CPPUNIT_TEST(testReadUntilStopsBeforeDelimiter);
  CPPUNIT_TEST(testReadFieldSplitsTextAttributes);
  CPPUNIT_TEST(testLiteralAndExpected);
  CPPUNIT_TEST(testReadRestEmptiesReader);
  CPPUNIT_TEST(testWriterWritesBigEndian);
  CPPUNIT_TEST(testWriterCapIsStickyError);
  CPPUNIT_TEST(testWriterLengthPrefixTooLong);
  CPPUNIT_TEST(testWriterFinishIsFinal);
  CPPUNIT_TEST(testWriterMarkFailed);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testReadsBigEndianIntegers() {
    const Bytes data = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
    ByteReader reader{ByteView(data)};
    uint8_t u8 = 0;
    uint16_t u16 = 0;
    uint32_t u32 = 0;
    CPPUNIT_ASSERT(reader.ReadU8(&u8));
    CPPUNIT_ASSERT_EQUAL(uint8_t{0x01}, u8);
    CPPUNIT_ASSERT(reader.ReadU16(&u16));
    CPPUNIT_ASSERT_EQUAL(uint16_t{0x0203}, u16);
    CPPUNIT_ASSERT(reader.ReadU32(&u32));
    CPPUNIT_ASSERT_EQUAL(uint32_t{0x04050607}, u32);
    CPPUNIT_ASSERT(reader.Empty());
    CPPUNIT_ASSERT(!reader.ReadU8(&u8));
  }

  void testShortReadsLeaveReaderUnchanged() {
    const Bytes data = {0xaa, 0xbb, 0xcc};
    ByteReader reader{ByteView(data)};
    uint32_t u32 = 0x11111111;
    ByteView view;
    CPPUNIT_ASSERT(!reader.ReadU32(&u32));
    CPPUNIT_ASSERT_EQUAL(uint32_t{0x11111111}, u32);
    CPPUNIT_ASSERT(!reader.ReadBytes(&view, 4));
    CPPUNIT_ASSERT(!reader.Skip(4));
    ByteReader sub{ByteView()};
    CPPUNIT_ASSERT(!reader.ReadSubReader(&sub, 4));
    CPPUNIT_ASSERT_EQUAL(size_t{3}, reader.Remaining());
    uint16_t u16 = 0;
    CPPUNIT_ASSERT(reader.ReadU16(&u16));
    CPPUNIT_ASSERT_EQUAL(uint16_t{0xaabb}, u16);
    CPPUNIT_ASSERT(!reader.ReadU16(&u16));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, reader.Remaining());
  }

  void testReadsAndCopiesFixedBytes() {
    const Bytes data = {1, 2, 3, 4, 5};
    ByteReader reader{ByteView(data)};
    ByteView view;
    CPPUNIT_ASSERT(reader.ReadBytes(&view, 2));
    E2E_ASSERT_BYTES_EQUAL(Bytes({1, 2}), view);
    uint8_t copy[2] = {0, 0};
    CPPUNIT_ASSERT(reader.CopyBytes(copy));
    CPPUNIT_ASSERT_EQUAL(uint8_t{3}, copy[0]);
    CPPUNIT_ASSERT_EQUAL(uint8_t{4}, copy[1]);
    uint8_t too_big[2] = {9, 9};
    CPPUNIT_ASSERT(!reader.CopyBytes(too_big));
    CPPUNIT_ASSERT_EQUAL(uint8_t{9}, too_big[0]);
    CPPUNIT_ASSERT(reader.ReadBytes(&view, 0));
    CPPUNIT_ASSERT(view.empty());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, reader.Remaining());
  }

  void testSubReaderAndLengthPrefix() {
    const Bytes data = {0x00, 0x02, 0xde, 0xad, 0xff};
    ByteReader reader{ByteView(data)};
    ByteReader inner{ByteView()};
    CPPUNIT_ASSERT(reader.ReadU16LengthPrefixed(&inner));
    CPPUNIT_ASSERT_EQUAL(size_t{2}, inner.Remaining());
    E2E_ASSERT_BYTES_EQUAL(Bytes({0xde, 0xad}), inner.Peek());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, reader.Remaining());
    ByteReader sub{ByteView()};
    CPPUNIT_ASSERT(reader.ReadSubReader(&sub, 1));
    uint8_t last = 0;
    CPPUNIT_ASSERT(sub.ReadU8(&last));
    CPPUNIT_ASSERT_EQUAL(uint8_t{0xff}, last);
    CPPUNIT_ASSERT(sub.Empty());
    CPPUNIT_ASSERT(reader.Empty());
  }

  void testTruncatedLengthPrefixLeavesReaderUnchanged() {
    const Bytes data = {0x00, 0x05, 0x01, 0x02};  // says 5, holds 2
    ByteReader reader{ByteView(data)};
    ByteReader inner{ByteView()};
    CPPUNIT_ASSERT(!reader.ReadU16LengthPrefixed(&inner));
    CPPUNIT_ASSERT_EQUAL(size_t{4}, reader.Remaining());
    const Bytes one = {0x00};
    ByteReader short_reader{ByteView(one)};
    CPPUNIT_ASSERT(!short_reader.ReadU16LengthPrefixed(&inner));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, short_reader.Remaining());
  }

  void testReadUntilStopsBeforeDelimiter() {
    ByteReader reader(std::string_view("abc,def"));
    ByteView field;
    CPPUNIT_ASSERT(reader.ReadUntil(&field, ','));
    CPPUNIT_ASSERT_EQUAL(std::string("abc"), ToString(field));
    CPPUNIT_ASSERT(reader.ReadExpected(','));
    CPPUNIT_ASSERT(!reader.ReadUntil(&field, ','));  // no delimiter left
    CPPUNIT_ASSERT_EQUAL(size_t{3}, reader.Remaining());
    ByteReader leading(std::string_view(",x"));
    CPPUNIT_ASSERT(leading.ReadUntil(&field, ','));
    CPPUNIT_ASSERT(field.empty());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, leading.Remaining());
  }

  void testReadFieldSplitsTextAttributes() {
    ByteReader reader(std::string_view("n=user,r=abc,"));
    CPPUNIT_ASSERT_EQUAL(std::string("n=user"), ToString(reader.ReadField(',')));
    CPPUNIT_ASSERT(reader.ReadExpected(','));
    CPPUNIT_ASSERT_EQUAL(std::string("r=abc"), ToString(reader.ReadField(',')));
    CPPUNIT_ASSERT(reader.ReadExpected(','));
    // The trailing comma leaves an empty last field, so a parser sees it and can reject it.
    CPPUNIT_ASSERT(reader.ReadField(',').empty());
    CPPUNIT_ASSERT(reader.Empty());
    ByteReader no_delim(std::string_view("last"));
    CPPUNIT_ASSERT_EQUAL(std::string("last"), ToString(no_delim.ReadField(',')));
    CPPUNIT_ASSERT(no_delim.Empty());
  }

  void testLiteralAndExpected() {
    ByteReader reader(std::string_view("p=tls"));
    CPPUNIT_ASSERT(!reader.ReadLiteral("p=tlsx"));
    CPPUNIT_ASSERT(!reader.ReadLiteral("q="));
    CPPUNIT_ASSERT_EQUAL(size_t{5}, reader.Remaining());
    CPPUNIT_ASSERT(reader.ReadLiteral("p="));
    CPPUNIT_ASSERT(!reader.ReadExpected('x'));
    uint8_t peeked = 0;
    CPPUNIT_ASSERT(reader.PeekU8(&peeked));
    CPPUNIT_ASSERT_EQUAL(uint8_t{'t'}, peeked);
    CPPUNIT_ASSERT(reader.ReadExpected('t'));
    CPPUNIT_ASSERT_EQUAL(size_t{2}, reader.Remaining());
  }

  void testReadRestEmptiesReader() {
    ByteReader reader(std::string_view("xyz"));
    CPPUNIT_ASSERT(reader.Skip(1));
    CPPUNIT_ASSERT_EQUAL(std::string("yz"), ToString(reader.ReadRest()));
    CPPUNIT_ASSERT(reader.Empty());
    CPPUNIT_ASSERT(reader.ReadRest().empty());
  }

  void testWriterWritesBigEndian() {
    ByteWriter writer;
    writer.AddU8(0x01);
    writer.AddU16(0x0203);
    writer.AddU32(0x04050607);
    writer.AddString("ab");
    writer.AddU16LengthPrefixed(Bytes({0xee}));
    std::optional<Bytes> out = writer.Finish();
    CPPUNIT_ASSERT(out.has_value());
    E2E_ASSERT_BYTES_EQUAL(Bytes({1, 2, 3, 4, 5, 6, 7, 'a', 'b', 0x00, 0x01, 0xee}), *out);
  }

  void testWriterCapIsStickyError() {
    ByteWriter writer(4);
    writer.AddU32(0xdeadbeef);
    CPPUNIT_ASSERT(writer.ok());
    writer.AddU8(0x00);  // the fifth byte exceeds the cap
    CPPUNIT_ASSERT(!writer.ok());
    writer.AddBytes(Bytes());  // later adds are ignored, the error stays
    CPPUNIT_ASSERT(!writer.ok());
    CPPUNIT_ASSERT_EQUAL(size_t{4}, writer.size());
    CPPUNIT_ASSERT(!writer.Finish().has_value());

    ByteWriter exact(3);
    exact.AddString("abc");
    std::optional<SecretBytes> secret = exact.FinishSecret();
    CPPUNIT_ASSERT(secret.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{3}, secret->size());
  }

  void testWriterLengthPrefixTooLong() {
    ByteWriter writer;
    const Bytes big(0x10000, 0x55);
    writer.AddU16LengthPrefixed(big);
    CPPUNIT_ASSERT(!writer.ok());
    CPPUNIT_ASSERT_EQUAL(size_t{0}, writer.size());
    ByteWriter fits;
    fits.AddU16LengthPrefixed(Bytes(0xffff, 0x55));
    CPPUNIT_ASSERT(fits.ok());
    CPPUNIT_ASSERT_EQUAL(size_t{0x10001}, fits.size());
  }

  void testWriterFinishIsFinal() {
    ByteWriter writer;
    writer.AddU8(7);
    CPPUNIT_ASSERT(writer.Finish().has_value());
    writer.AddU8(8);
    CPPUNIT_ASSERT(!writer.Finish().has_value());
  }

  void testWriterMarkFailed() {
    ByteWriter writer;
    writer.AddU8(7);
    writer.MarkFailed();
    CPPUNIT_ASSERT(!writer.Finish().has_value());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ByteReaderTest);
