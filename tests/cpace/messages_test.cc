// messages_test.cc: the CPACE-R255 message parsers and printers: round trips, and a
// malformed-input table for each Parse (every entry must be refused with kMalformed and a detail).
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "cpace/messages.h"

namespace e2esasl::test {
namespace {

// Canonical base64 of 16, 32 and 64 bytes (0x00.., 0x01.., 0x02..).
const std::string kNonce = "AAAAAAAAAAAAAAAAAAAAAA==";
const std::string kShare = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
const std::string kTag =
    "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg==";

template <typename T>
std::string Serialized(const T& message) {
  ByteWriter writer;
  message.Serialize(writer);
  std::optional<Bytes> bytes = writer.Finish();
  CPPUNIT_ASSERT(bytes.has_value());
  return ToString(*bytes);
}

template <typename T>
void AssertRoundTrip(const std::string& text) {
  Failure failure;
  const std::optional<T> parsed = T::Parse(AsBytes(text), &failure);
  CPPUNIT_ASSERT_MESSAGE(text + ": " + failure.detail, parsed.has_value());
  CPPUNIT_ASSERT_EQUAL(text, Serialized(*parsed));
}

template <typename T>
void AssertRejected(const std::vector<std::string>& table) {
  for (const std::string& text : table) {
    Failure failure;
    CPPUNIT_ASSERT_MESSAGE("accepted: " + text, !T::Parse(AsBytes(text), &failure).has_value());
    CPPUNIT_ASSERT_MESSAGE(text, failure.status == Status::kMalformed);
    CPPUNIT_ASSERT_MESSAGE(text, !failure.detail.empty());
  }
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl;         // NOLINT: test file
using namespace e2esasl::cpace;  // NOLINT: test file
using namespace e2esasl::test;   // NOLINT: test file

class CpaceMessagesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CpaceMessagesTest);
  CPPUNIT_TEST(testClientFirstRoundTrip);
  CPPUNIT_TEST(testClientFirstFields);
  CPPUNIT_TEST(testClientFirstMalformed);
  CPPUNIT_TEST(testServerFirst);
  CPPUNIT_TEST(testServerFirstMalformed);
  CPPUNIT_TEST(testClientFinal);
  CPPUNIT_TEST(testClientFinalMalformed);
  CPPUNIT_TEST(testServerFinal);
  CPPUNIT_TEST(testServerFinalMalformed);
  CPPUNIT_TEST(testSerializeRefusesInvalid);
  CPPUNIT_TEST(testSessionId);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testClientFirstRoundTrip() {
    for (const std::string& text :
         {"n,,n=alice,r=" + kNonce, "y,,n=alice,r=" + kNonce, "p=tls-exporter,,n=alice,r=" + kNonce,
          "n,a=bob,n=alice,r=" + kNonce, "p=ldap,a=b=2Cc,n=a=3Db,r=" + kNonce,
          "n,,n=\xc3\xa9l\xc3\xa8ve,r=" + kNonce}) {
      AssertRoundTrip<ClientFirst>(text);
    }
  }

  void testClientFirstFields() {
    const auto m = ClientFirst::Parse(AsBytes("p=tls-unique,a=b=2Cc,n=a=3Db,r=" + kNonce));
    CPPUNIT_ASSERT(m.has_value());
    CPPUNIT_ASSERT(m->gs2_header.flag == gs2::CbFlag::kUsed);
    CPPUNIT_ASSERT_EQUAL(std::string("tls-unique"), m->gs2_header.cb_name);
    CPPUNIT_ASSERT_EQUAL(std::string("b,c"), m->gs2_header.authzid);
    CPPUNIT_ASSERT_EQUAL(std::string("a=b"), m->authcid);
    CPPUNIT_ASSERT(m->nonce == Nonce{});
    CPPUNIT_ASSERT_EQUAL(std::string("p=tls-unique,a=b=2Cc,"), ToString(m->gs2_header.ToBytes()));
  }

  void testClientFirstMalformed() {
    const std::string r = ",r=" + kNonce;
    AssertRejected<ClientFirst>({
        "",                                        // empty
        "n,,",                                     // header only
        "x,,n=alice" + r,                          // unknown cb flag
        "F,n,,n=alice" + r,                        // gs2-nonstd-flag
        "p=,,n=alice" + r,                         // empty cb-name
        "p=tls exporter,,n=alice" + r,             // bad cb-name
        "n,a=,n=alice" + r,                        // empty authzid
        "n,,alice" + r,                            // no n=
        "n,,n=" + r,                               // empty authcid
        "n,,n=al=2Xce" + r,                        // bad escape
        "n,,n=al=2cce" + r,                        // lower-case escape
        std::string("n,,n=al\xff") + "ce" + r,     // invalid UTF-8
        std::string("n,,n=al\0ce", 10) + r,        // NUL
        "n,,n=alice",                              // no nonce
        "n,,n=alice,",                             // empty attribute
        "n,,n=alice,r=",                           // empty nonce
        "n,,n=alice,r=AAAAAAAAAAAAAAAAAAAA",       // 15-byte nonce
        "n,,n=alice,r=AAAAAAAAAAAAAAAAAAAAAAAA",   // 18-byte nonce
        "n,,n=alice,r=AAAAAAAAAAAAAAAAAAAAAB==",   // non-canonical padding bits
        "n,,n=alice,r=AAAAAAAAAAAAAAAAAAAAAA=",    // bad padding
        "n,,n=alice,r=AAAAAAAAAA AAAAAAAAAAAA==",  // space
        "n,,n=alice,s=" + kNonce,                  // wrong letter
        "n,,r=" + kNonce + ",n=alice",             // wrong order
        "n,,n=alice" + r + ",",                    // trailing comma
        "n,,n=alice" + r + ",x=1",                 // extension
        "n,,n=alice" + r + "\n",                   // trailing newline
        "n,,m=ext,n=alice" + r,                    // reserved-mext
        "n,,n=" + std::string(5000, 'a') + r,      // too long
    });
  }

  void testServerFirst() {
    AssertRoundTrip<ServerFirst>("r=" + kNonce + ",y=" + kShare);
    const auto m = ServerFirst::Parse(AsBytes("r=" + kNonce + ",y=" + kShare));
    CPPUNIT_ASSERT(m->share[0] == 1 && m->share[31] == 1);
  }

  void testServerFirstMalformed() {
    AssertRejected<ServerFirst>({
        "", "r=" + kNonce, "r=" + kNonce + ",",
        "r=" + kNonce + ",y=", "y=" + kShare + ",r=" + kNonce, "r=" + kNonce + ",y=" + kShare + ",",
        "r=" + kNonce + ",y=" + kShare + ",t=" + kTag,
        "r=" + kNonce + ",y=" + kNonce,                      // 16-byte share
        "r=" + kNonce + ",y=" + kTag,                        // 64-byte share
        "r=" + kShare + ",y=" + kShare,                      // 32-byte nonce
        "r=" + kNonce + ",Y=" + kShare,                      // letters are case-sensitive
        "r=" + kNonce + ", y=" + kShare,                     // space
        "e=other-error",                                     // no error message in this mechanism
        "r=" + kNonce + ",y=" + kShare.substr(0, 43) + "F",  // non-canonical
    });
  }

  void testClientFinal() { AssertRoundTrip<ClientFinal>("y=" + kShare + ",t=" + kTag); }

  void testClientFinalMalformed() {
    AssertRejected<ClientFinal>({
        "",
        "y=" + kShare,
        "t=" + kTag + ",y=" + kShare,
        "y=" + kShare + ",t=" + kShare,
        "y=" + kTag + ",t=" + kTag,
        "y=" + kShare + ",t=" + kTag + ",",
        "y=" + kShare + ",t=" + kTag + "=",
        "y=" + kShare + ",,t=" + kTag,
        "r=" + kNonce + ",y=" + kShare,  // a server-first played back
        std::string(5000, 'y'),
    });
  }

  void testServerFinal() { AssertRoundTrip<ServerFinal>("t=" + kTag); }

  void testServerFinalMalformed() {
    AssertRejected<ServerFinal>({
        "", "t=", "t=" + kShare, "t=" + kTag + ",", "v=" + kTag, "t=" + kTag + kTag,
        "e=invalid-proof", "t=" + kTag.substr(0, 86) + "A=",  // non-canonical padding bits
    });
  }

  void testSerializeRefusesInvalid() {
    ClientFirst m;
    m.authcid = "";  // an empty saslname cannot be written
    ByteWriter writer;
    m.Serialize(writer);
    CPPUNIT_ASSERT(!writer.Finish().has_value());
    m.authcid = std::string(3000, ',');  // escapes beyond the cap
    ByteWriter writer2;
    m.Serialize(writer2);
    CPPUNIT_ASSERT(!writer2.Finish().has_value());
  }

  void testSessionId() {
    Nonce a{}, b{};
    a.fill(1);
    b.fill(2);
    const Bytes sid = SessionId(a, b);
    CPPUNIT_ASSERT_EQUAL(size_t{32}, sid.size());
    CPPUNIT_ASSERT(sid[0] == 1 && sid[15] == 1 && sid[16] == 2 && sid[31] == 2);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CpaceMessagesTest);
