// messages_test.cc: VOUCH-ES256-PLUS wire messages: canonical round trips and a malformed-input
// table with the exact error detail of each case.
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/base64.h"
#include "vouch/messages.h"

using namespace e2esasl;         // NOLINT: test file
using namespace e2esasl::vouch;  // NOLINT: test file

namespace {

const std::string kNonce = Base64Encode(Bytes(32, 0x11));
const std::string kPoint = Base64Encode(Bytes(65, 0x04));
const std::string kSig = Base64Encode(Bytes(64, 0x22));
const std::string kJws = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";

// Message: 0 client-first, 1 server-first, 2 client-final.
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
    default:
      ok = ClientFinal::Parse(AsBytes(text), &f).has_value();
      break;
  }
  if (ok) {
    return std::nullopt;
  }
  CPPUNIT_ASSERT(f.status == Status::kMalformed);
  return f.detail;
}

struct BadCase {
  int message;
  std::string text;
  std::string detail;
};

}  // namespace

class VouchMessagesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VouchMessagesTest);
  CPPUNIT_TEST(testRoundTrips);
  CPPUNIT_TEST(testMalformedTable);
  CPPUNIT_TEST(testSerializeRefusesInvalid);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRoundTrips() {
    const std::string cf =
        "p=tls-exporter,a=bob@b.net,n=al=2Cice@a.net,r=" + kNonce + ",k=" + kPoint + ",j=" + kJws;
    const std::optional<ClientFirst> first = ClientFirst::Parse(AsBytes(cf));
    CPPUNIT_ASSERT(first.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("al,ice@a.net"), first->authcid);
    CPPUNIT_ASSERT_EQUAL(std::string("bob@b.net"), first->gs2_header.authzid);
    CPPUNIT_ASSERT_EQUAL(kJws, first->statement);
    CPPUNIT_ASSERT_EQUAL(uint8_t{0x11}, first->nonce[0]);
    CPPUNIT_ASSERT_EQUAL(cf, ToString(Serialized(*first)));
    const std::string sf = "r=" + kNonce + ",k=" + kPoint + ",j=" + kJws + ",s=" + kSig;
    const std::optional<ServerFirst> server = ServerFirst::Parse(AsBytes(sf));
    CPPUNIT_ASSERT(server.has_value());
    CPPUNIT_ASSERT_EQUAL(uint8_t{0x22}, server->signature[63]);
    CPPUNIT_ASSERT_EQUAL(sf, ToString(Serialized(*server)));
    CPPUNIT_ASSERT_EQUAL("s=" + kSig,
                         ToString(Serialized(*ClientFinal::Parse(AsBytes("s=" + kSig)))));
  }

  void testMalformedTable() {
    const std::string gs2 = "p=tls-exporter,,n=alice@a.net,";
    const std::string rk = "r=" + kNonce + ",k=" + kPoint;
    const std::string big(4097, 'a');
    const std::vector<BadCase> cases = {
        {0, "", "client-first: empty or longer than 8192 bytes"},
        {0, std::string(8193, 'a'), "client-first: empty or longer than 8192 bytes"},
        {0, "q=x,,n=alice@a.net," + rk + ",j=" + kJws,
         "client-first: gs2 header: unknown channel-binding flag (expected \"n\", \"y\" or "
         "\"p=\")"},
        {0, "p=tls-exporter,,m=alice," + rk + ",j=" + kJws, "client-first: expected n=<authcid>"},
        {0, "p=tls-exporter,,n=al=ice," + rk + ",j=" + kJws,
         "client-first: n= is not a valid saslname"},
        {0, gs2 + "k=" + kPoint + ",j=" + kJws, "client-first: expected r=<32-byte base64 nonce>"},
        {0, gs2 + "r=" + kSig + ",k=" + kPoint + ",j=" + kJws,
         "client-first: expected r=<32-byte base64 nonce>"},
        {0, gs2 + "r=" + kNonce + ",j=" + kJws,
         "client-first: expected k=<65-byte base64 device key>"},
        {0, gs2 + "r=" + kNonce + ",k=" + kSig + ",j=" + kJws,
         "client-first: expected k=<65-byte base64 device key>"},
        {0, gs2 + rk, "client-first: expected j=<statement>"},
        {0, gs2 + rk + ",j=",
         "client-first: j= must be a compact JWS of at most 4096 characters (base64url and '.')"},
        {0, gs2 + rk + ",j=a+b.c.d",
         "client-first: j= must be a compact JWS of at most 4096 characters (base64url and '.')"},
        {0, gs2 + rk + ",j=" + big,
         "client-first: j= must be a compact JWS of at most 4096 characters (base64url and '.')"},
        {0, gs2 + rk + ",j=" + kJws + ",x=1", "client-first: unexpected data after j="},
        {1, "", "server-first: empty or longer than 8192 bytes"},
        {1, "k=" + kPoint, "server-first: expected r=<32-byte base64 nonce>"},
        {1, rk + ",j=" + kJws, "server-first: expected s=<64-byte base64 signature>"},
        {1, rk + ",j=" + kJws + ",s=" + kNonce,
         "server-first: expected s=<64-byte base64 signature>"},
        {1, rk + ",j=" + kJws + ",s=" + kSig.substr(0, 86) + "A=",
         "server-first: expected s=<64-byte base64 signature>"},
        {1, rk + ",j=" + kJws + "\n,s=" + kSig,
         "server-first: j= must be a compact JWS of at most 4096 characters (base64url and '.')"},
        {1, rk + ",j=" + kJws + ",s=" + kSig + ",", "server-first: unexpected data after s="},
        {2, "", "client-final: empty or longer than 8192 bytes"},
        {2, "t=" + kSig, "client-final: expected s=<64-byte base64 signature>"},
        {2, "s=" + kSig + "x", "client-final: expected s=<64-byte base64 signature>"},
        {2, "s=" + kSig + ",x=1", "client-final: unexpected data after s="},
    };
    for (const BadCase& c : cases) {
      const std::optional<std::string> detail = ParseDetail(c.message, c.text);
      CPPUNIT_ASSERT_MESSAGE("accepted: " + c.text.substr(0, 80), detail.has_value());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.text.substr(0, 80), c.detail, *detail);
    }
  }

  void testSerializeRefusesInvalid() {
    ClientFirst m;
    m.gs2_header.flag = gs2::CbFlag::kUsed;
    m.gs2_header.cb_name = "tls-exporter";
    m.authcid = "alice@a.net";
    m.statement = "not,a,jws";
    CPPUNIT_ASSERT(Serialized(m).empty());
    m.statement = std::string(4097, 'a');
    CPPUNIT_ASSERT(Serialized(m).empty());
    m.statement = kJws;
    m.authcid = "";
    CPPUNIT_ASSERT(Serialized(m).empty());
    ServerFirst s;
    CPPUNIT_ASSERT(Serialized(s).empty());  // no statement
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VouchMessagesTest);
