// Gs2Test: valid GS2 headers (parsed, consumed exactly, reserialized byte for byte), a table of
// malformed headers, and the saslname escaping.
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "common/gs2.h"
#include "common/test_util.h"

namespace e2esasl::gs2 {
namespace {

struct Valid {
  std::string_view header;
  CbFlag flag;
  std::string_view cb_name;
  std::string_view authzid;
};

const Valid kValid[] = {
    {"n,,", CbFlag::kNone, "", ""},
    {"y,,", CbFlag::kWant, "", ""},
    {"p=tls-unique,,", CbFlag::kUsed, "tls-unique", ""},
    {"p=tls-exporter,,", CbFlag::kUsed, "tls-exporter", ""},
    {"p=tls-server-end-point,,", CbFlag::kUsed, "tls-server-end-point", ""},
    {"p=ldap,,", CbFlag::kUsed, "ldap", ""},
    {"p=X.509-v2,,", CbFlag::kUsed, "X.509-v2", ""},
    {"n,a=admin,", CbFlag::kNone, "", "admin"},
    {"y,a=bob@biloxi.net,", CbFlag::kWant, "", "bob@biloxi.net"},
    {"p=tls-exporter,a=us=2Cer=3D,", CbFlag::kUsed, "tls-exporter", "us,er="},
    {"n,a==3D=3D,", CbFlag::kNone, "", "=="},
    {"n,a=\xc3\xa9l\xc3\xa8ve,", CbFlag::kNone, "", "\xc3\xa9l\xc3\xa8ve"},
};

struct Malformed {
  std::string_view header;
  const char* why;
};

const Malformed kMalformed[] = {
    {"", "empty"},
    {"n", "flag only"},
    {"n,", "second comma missing"},
    {"x,,", "unknown flag"},
    {"N,,", "flags are lower case"},
    {"F,n,,", "GSS-API non-standard flag"},
    {" n,,", "leading space"},
    {"nn,,", "flag repeated"},
    {"n;,", "wrong separator"},
    {"p,,", "p without ="},
    {"p=,,", "empty cb-name"},
    {"p=tls unique,,", "space in cb-name"},
    {"p=tls_unique,,", "underscore in cb-name"},
    {"p=tls-unique", "cb-name not terminated"},
    {"p=tls-unique,", "second comma missing after cb-name"},
    {"y=x,,", "y with a value"},
    {"n,a=,", "empty authzid"},
    {"n,a=user", "authzid not terminated"},
    {"n,a=us=2cer,", "lower-case escape"},
    {"n,a=us=,", "bare ="},
    {"n,a=us=41,", "escape other than =2C/=3D"},
    {"n,a=us=2", "truncated escape"},
    {"n,a=\xff,", "authzid not UTF-8"},
    {"n,a=\xc0\xaf,", "overlong UTF-8"},
    {std::string_view("n,a=u\0x,", 8), "NUL in authzid"},
    {"n,b=x,", "unknown attribute in place of authzid"},
    {"n,x,", "junk in place of authzid"},
};

std::string SerializeToString(const Gs2Header& header, bool* ok) {
  ByteWriter writer;
  header.Serialize(writer);
  std::optional<Bytes> out = writer.Finish();
  *ok = out.has_value();
  return out ? ToString(*out) : std::string();
}

}  // namespace
}  // namespace e2esasl::gs2

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl;       // NOLINT(google-build-using-namespace)
using namespace e2esasl::gs2;  // NOLINT(google-build-using-namespace)

class Gs2Test : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(Gs2Test);
  CPPUNIT_TEST(testParsesValidHeaders);
  CPPUNIT_TEST(testConsumesExactlyTheHeader);
  CPPUNIT_TEST(testRejectsMalformedHeaders);
  CPPUNIT_TEST(testSerializesValidHeaders);
  CPPUNIT_TEST(testSerializeRejectsInvalidStruct);
  CPPUNIT_TEST(testEscapesSaslNames);
  CPPUNIT_TEST(testUnescapeIsStrict);
  CPPUNIT_TEST(testValidatesCbNames);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testParsesValidHeaders() {
    for (const Valid& v : kValid) {
      ByteReader reader(v.header);
      Failure failure;
      ByteView raw;
      std::optional<Gs2Header> header = Gs2Header::Parse(reader, &raw, &failure);
      CPPUNIT_ASSERT_MESSAGE(std::string(v.header) + ": " + failure.detail, header.has_value());
      CPPUNIT_ASSERT(header->flag == v.flag);
      CPPUNIT_ASSERT_EQUAL(std::string(v.cb_name), header->cb_name);
      CPPUNIT_ASSERT_EQUAL(std::string(v.authzid), header->authzid);
      CPPUNIT_ASSERT(reader.Empty());
      CPPUNIT_ASSERT_EQUAL(std::string(v.header), ToString(raw));
    }
  }

  void testConsumesExactlyTheHeader() {
    ByteReader reader(std::string_view("p=tls-exporter,a=admin,n=user,r=fyko+d2lbbFgONRv9qkxdawL"));
    ByteView raw;
    std::optional<Gs2Header> header = Gs2Header::Parse(reader, &raw);
    CPPUNIT_ASSERT(header.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("p=tls-exporter,a=admin,"), ToString(raw));
    CPPUNIT_ASSERT_EQUAL(std::string("n=user,r=fyko+d2lbbFgONRv9qkxdawL"),
                         ToString(reader.ReadRest()));
    // A second "a=" is not part of the header: it is left for the message parser to reject.
    ByteReader twice(std::string_view("n,a=x,a=y,"));
    std::optional<Gs2Header> first = Gs2Header::Parse(twice);
    CPPUNIT_ASSERT(first.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("x"), first->authzid);
    CPPUNIT_ASSERT_EQUAL(std::string("a=y,"), ToString(twice.ReadRest()));
  }

  void testRejectsMalformedHeaders() {
    for (const Malformed& m : kMalformed) {
      ByteReader reader(m.header);
      Failure failure;
      failure.status = Status::kOk;
      ByteView raw;
      std::optional<Gs2Header> header = Gs2Header::Parse(reader, &raw, &failure);
      CPPUNIT_ASSERT_MESSAGE(m.why, !header.has_value());
      CPPUNIT_ASSERT_MESSAGE(m.why, failure.status == Status::kMalformed);
      CPPUNIT_ASSERT_MESSAGE(m.why, failure.detail.rfind("gs2 header: ", 0) == 0);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(m.why, m.header.size(), reader.Remaining());
    }
  }

  void testSerializesValidHeaders() {
    for (const Valid& v : kValid) {
      Gs2Header header;
      header.flag = v.flag;
      header.cb_name = std::string(v.cb_name);
      header.authzid = std::string(v.authzid);
      bool ok = false;
      CPPUNIT_ASSERT_EQUAL(std::string(v.header), SerializeToString(header, &ok));
      CPPUNIT_ASSERT(ok);
    }
  }

  void testSerializeRejectsInvalidStruct() {
    bool ok = true;
    Gs2Header used_without_name{CbFlag::kUsed, "", ""};
    SerializeToString(used_without_name, &ok);
    CPPUNIT_ASSERT(!ok);
    Gs2Header name_without_used{CbFlag::kNone, "tls-unique", ""};
    SerializeToString(name_without_used, &ok);
    CPPUNIT_ASSERT(!ok);
    Gs2Header bad_name{CbFlag::kUsed, "tls unique", ""};
    SerializeToString(bad_name, &ok);
    CPPUNIT_ASSERT(!ok);
    Gs2Header bad_authzid{CbFlag::kNone, "", "\xff"};
    SerializeToString(bad_authzid, &ok);
    CPPUNIT_ASSERT(!ok);
  }

  void testEscapesSaslNames() {
    CPPUNIT_ASSERT_EQUAL(std::string("user"), EscapeSaslName("user").value());
    CPPUNIT_ASSERT_EQUAL(std::string("a=2Cb=3Dc"), EscapeSaslName("a,b=c").value());
    CPPUNIT_ASSERT_EQUAL(std::string("=2C=2C"), EscapeSaslName(",,").value());
    CPPUNIT_ASSERT(!EscapeSaslName("").has_value());
    CPPUNIT_ASSERT(!EscapeSaslName(std::string_view("a\0b", 3)).has_value());
    CPPUNIT_ASSERT(!EscapeSaslName("\xc3").has_value());
    CPPUNIT_ASSERT(!EscapeSaslName(std::string(kMaxSaslNameBytes / 3 + 1, ',')).has_value());
    for (std::string_view name : {"a,b=c", "=", ",", "\xc3\xa9=,x"}) {
      std::optional<std::string> escaped = EscapeSaslName(name);
      CPPUNIT_ASSERT(escaped.has_value());
      CPPUNIT_ASSERT_EQUAL(std::string(name), UnescapeSaslName(*escaped).value());
    }
  }

  void testUnescapeIsStrict() {
    CPPUNIT_ASSERT_EQUAL(std::string("a,b=c"), UnescapeSaslName("a=2Cb=3Dc").value());
    const char* bad[] = {"", "=", "a=", "=2", "=2c", "=3d", "=41", "=2D", "a,b", "=\xff"};
    for (const char* input : bad) {
      CPPUNIT_ASSERT_MESSAGE(input, !UnescapeSaslName(input).has_value());
    }
    CPPUNIT_ASSERT(!UnescapeSaslName(std::string(kMaxSaslNameBytes + 1, 'a')).has_value());
    CPPUNIT_ASSERT(UnescapeSaslName(std::string(kMaxSaslNameBytes, 'a')).has_value());
  }

  void testValidatesCbNames() {
    CPPUNIT_ASSERT(IsValidCbName("tls-exporter"));
    CPPUNIT_ASSERT(IsValidCbName("ldap"));
    CPPUNIT_ASSERT(IsValidCbName("A.b-9"));
    CPPUNIT_ASSERT(!IsValidCbName(""));
    CPPUNIT_ASSERT(!IsValidCbName("tls,unique"));
    CPPUNIT_ASSERT(!IsValidCbName("tls=unique"));
    CPPUNIT_ASSERT(!IsValidCbName(std::string(kMaxCbNameBytes + 1, 'a')));
    CPPUNIT_ASSERT(IsValidCbName(std::string(kMaxCbNameBytes, 'a')));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Gs2Test);
