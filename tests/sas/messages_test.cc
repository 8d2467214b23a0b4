// messages_test.cc: SAS-R255-PLUS wire messages: canonical round trips and a malformed-input
// table with the exact error detail of each case.
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/base64.h"
#include "sas/messages.h"

using namespace e2esasl;       // NOLINT: test file
using namespace e2esasl::sas;  // NOLINT: test file

namespace {

const std::string kElement = Base64Encode(Bytes(32, 0x11));
const std::string kHash = Base64Encode(Bytes(64, 0x22));
const std::string kId = Base64Encode(Bytes(16, 0x33));  // a device id, nonce or identifier

struct BadCase {
  int message;  // 0 client-first, 1 server-first, 2 client-reveal, 3 server-confirm, 4
                // client-confirm
  std::string text;
  std::string detail;
};

std::optional<std::string> ParseDetail(int message, const std::string& text) {
  Failure f;
  bool ok = false;
  switch (message) {
    case 0:
      ok = ClientFirst::Parse(AsBytes(text), &f).has_value();
      break;
    case 1:
      ok = ServerFirst::Parse(AsBytes(text), &f).has_value();
      break;
    case 2:
      ok = ClientReveal::Parse(AsBytes(text), &f).has_value();
      break;
    case 3:
      ok = ServerConfirm::Parse(AsBytes(text), &f).has_value();
      break;
    default:
      ok = ClientConfirm::Parse(AsBytes(text), &f).has_value();
      break;
  }
  if (ok) {
    return std::nullopt;
  }
  CPPUNIT_ASSERT(f.status == Status::kMalformed);
  return f.detail;
}

}  // namespace

class SasMessagesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SasMessagesTest);
  CPPUNIT_TEST(testClientFirstRoundTrip);
  CPPUNIT_TEST(testContinuityRoundTrip);
  CPPUNIT_TEST(testElementAndConfirmRoundTrip);
  CPPUNIT_TEST(testMalformedTable);
  CPPUNIT_TEST(testSerializeRefusesInvalid);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testClientFirstRoundTrip() {
    const std::string text = "p=tls-exporter,a=bob,n=al=2Cice,d=12,c=" + kHash;
    const std::optional<ClientFirst> m = ClientFirst::Parse(AsBytes(text));
    CPPUNIT_ASSERT(m.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("al,ice"), m->authcid);
    CPPUNIT_ASSERT_EQUAL(std::string("bob"), m->gs2_header.authzid);
    CPPUNIT_ASSERT_EQUAL(12u, m->digits);
    CPPUNIT_ASSERT_EQUAL(text, ToString(Serialized(*m)));
    CPPUNIT_ASSERT_EQUAL(std::string("p=tls-exporter,a=bob,n=al=2Cice,d=12"),
                         ToString(m->Prefix()));
  }

  // The continuity fields: client-first with and without identifiers, server-first with z=
  // and with z= and r=; the commitment's prefix covers them.
  void testContinuityRoundTrip() {
    const std::string offer = ",z=" + kId + ",w=" + kId;
    for (const std::string& ids : {std::string(), ",r=" + kId, ",r=" + kId + ":" + kId}) {
      const std::string text = "p=tls-exporter,,n=alice,d=10" + offer + ids + ",c=" + kHash;
      const std::optional<ClientFirst> m = ClientFirst::Parse(AsBytes(text));
      CPPUNIT_ASSERT_MESSAGE(text, m.has_value() && m->continuity.has_value());
      CPPUNIT_ASSERT_EQUAL(text, ToString(Serialized(*m)));
      CPPUNIT_ASSERT_EQUAL("p=tls-exporter,,n=alice,d=10" + offer + ids, ToString(m->Prefix()));
    }
    for (const std::string& text :
         {"y=" + kElement + ",z=" + kId, "y=" + kElement + ",z=" + kId + ",r=" + kId}) {
      const std::optional<ServerFirst> m = ServerFirst::Parse(AsBytes(text));
      CPPUNIT_ASSERT_MESSAGE(text, m.has_value() && m->device.has_value());
      CPPUNIT_ASSERT_EQUAL(text, ToString(Serialized(*m)));
    }
    // Nine identifiers: one too many to write.
    ClientFirst nine =
        *ClientFirst::Parse(AsBytes("p=tls-exporter,,n=alice,d=10" + offer + ",c=" + kHash));
    nine.continuity->ids.resize(9);
    CPPUNIT_ASSERT(Serialized(nine).empty());
    ServerFirst r_without_z;
    r_without_z.matched.emplace();
    CPPUNIT_ASSERT(Serialized(r_without_z).empty());
  }

  void testElementAndConfirmRoundTrip() {
    CPPUNIT_ASSERT_EQUAL("y=" + kElement,
                         ToString(Serialized(*ServerFirst::Parse(AsBytes("y=" + kElement)))));
    CPPUNIT_ASSERT_EQUAL("x=" + kElement,
                         ToString(Serialized(*ClientReveal::Parse(AsBytes("x=" + kElement)))));
    CPPUNIT_ASSERT_EQUAL("v=" + kHash,
                         ToString(Serialized(*ServerConfirm::Parse(AsBytes("v=" + kHash)))));
    CPPUNIT_ASSERT_EQUAL("v=" + kHash,
                         ToString(Serialized(*ClientConfirm::Parse(AsBytes("v=" + kHash)))));
  }

  void testMalformedTable() {
    const std::string cf = "p=tls-exporter,,n=alice,";
    const std::vector<BadCase> cases = {
        {0, "", "client-first: empty or longer than 4096 bytes"},
        {0, std::string(4097, 'a'), "client-first: empty or longer than 4096 bytes"},
        {0, "q=x,,n=alice,d=10,c=" + kHash,
         "client-first: gs2 header: unknown channel-binding flag (expected \"n\", \"y\" or "
         "\"p=\")"},
        {0, "p=tls-exporter,,m=alice,d=10,c=" + kHash, "client-first: expected n=<authcid>"},
        {0, "p=tls-exporter,,n=al=ice,d=10,c=" + kHash, "client-first: n= is not a valid saslname"},
        {0, "p=tls-exporter,,n=,d=10,c=" + kHash, "client-first: n= is not a valid saslname"},
        {0, cf + "c=" + kHash, "client-first: expected d=<digits>"},
        {0, cf + "d=9,c=" + kHash, "client-first: d= must be a decimal number from 10 to 18"},
        {0, cf + "d=19,c=" + kHash, "client-first: d= must be a decimal number from 10 to 18"},
        {0, cf + "d=010,c=" + kHash, "client-first: d= must be a decimal number from 10 to 18"},
        {0, cf + "d=+1,c=" + kHash, "client-first: d= must be a decimal number from 10 to 18"},
        {0, cf + "d=10", "client-first: expected c=<64-byte base64 commitment>"},
        {0, cf + "d=10,c=" + kElement, "client-first: expected c=<64-byte base64 commitment>"},
        {0, cf + "d=10,c=" + kHash.substr(0, 86) + "A=",
         "client-first: expected c=<64-byte base64 commitment>"},
        {0, cf + "d=10,c=" + kHash + ",e=1", "client-first: unexpected data after c="},
        {0, cf + "d=10,z=" + kId + ",c=" + kHash,
         "client-first: expected w=<16-byte base64 nonce>"},
        {0, cf + "d=10,w=" + kId + ",c=" + kHash,
         "client-first: expected c=<64-byte base64 commitment>"},
        {0, cf + "d=10,z=" + kElement + ",w=" + kId + ",c=" + kHash,
         "client-first: expected z=<16-byte base64 device id>"},
        {0, cf + "d=10,z=" + kId + ",w=" + kId + ",r=,c=" + kHash,
         "client-first: r= must be 1 to 8 identifiers (16-byte base64) separated by ':'"},
        {0, cf + "d=10,z=" + kId + ",w=" + kId + ",r=" + kId + ":,c=" + kHash,
         "client-first: r= must be 1 to 8 identifiers (16-byte base64) separated by ':'"},
        {0, cf + "d=10,z=" + kId + ",w=" + kId + ",r=" + kId + "::" + kId + ",c=" + kHash,
         "client-first: r= must be 1 to 8 identifiers (16-byte base64) separated by ':'"},
        {0, cf + "d=10,z=" + kId + ",w=" + kId + ",r=" + kElement + ",c=" + kHash,
         "client-first: r= must be 1 to 8 identifiers (16-byte base64) separated by ':'"},
        {0,
         cf + "d=10,z=" + kId + ",w=" + kId + ",r=" + kId + ":" + kId + ":" + kId + ":" + kId +
             ":" + kId + ":" + kId + ":" + kId + ":" + kId + ":" + kId + ",c=" + kHash,
         "client-first: r= must be 1 to 8 identifiers (16-byte base64) separated by ':'"},
        {0, cf + "d=10,z=" + kId + ",w=" + kId + ",r=" + kId + ",r=" + kId + ",c=" + kHash,
         "client-first: expected c=<64-byte base64 commitment>"},
        {1, "y=" + kElement + ",r=" + kId, "server-first: unexpected data after y="},
        {1, "y=" + kElement + ",z=" + kElement,
         "server-first: expected z=<16-byte base64 device id>"},
        {1, "y=" + kElement + ",z=" + kId + ",r=" + kHash,
         "server-first: expected r=<16-byte base64 retained-secret identifier>"},
        {1, "y=" + kElement + ",z=" + kId + ",r=" + kId + ",r=" + kId,
         "server-first: unexpected data after r="},
        {1, "", "server-first: empty or longer than 4096 bytes"},
        {1, "x=" + kElement, "server-first: expected y=<32-byte base64 element>"},
        {1, "y=" + kHash, "server-first: expected y=<32-byte base64 element>"},
        {1, "y=" + kElement + ",", "server-first: unexpected data after y="},
        {2, "y=" + kElement, "client-reveal: expected x=<32-byte base64 element>"},
        {2, "x=" + kElement.substr(1), "client-reveal: expected x=<32-byte base64 element>"},
        {2, "x=" + kElement + "x", "client-reveal: expected x=<32-byte base64 element>"},
        {3, "v=" + kElement, "server-confirm: expected v=<64-byte base64 tag>"},
        {3, "v=" + kHash + ",x=1", "server-confirm: unexpected data after v="},
        {4, "t=" + kHash, "client-confirm: expected v=<64-byte base64 tag>"},
        {4, std::string(5000, 'v'), "client-confirm: empty or longer than 4096 bytes"},
    };
    for (const BadCase& c : cases) {
      const std::optional<std::string> detail = ParseDetail(c.message, c.text);
      CPPUNIT_ASSERT_MESSAGE("accepted: " + c.text.substr(0, 80), detail.has_value());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.text.substr(0, 80), c.detail, *detail);
    }
  }

  void testSerializeRefusesInvalid() {
    ClientFirst m;
    m.authcid = "";  // no valid saslname
    CPPUNIT_ASSERT(Serialized(m).empty());
    m.authcid = "alice";
    m.digits = 9;
    CPPUNIT_ASSERT(Serialized(m).empty());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SasMessagesTest);
