// parse_test.cc: the OPAQUE-R255 SASL messages (plugins/opaque/messages.cc) on their own: the
// canonical forms round-trip, and each Parse refuses every malformed input with kMalformed and a
// detail naming the broken part (the same table, through libsasl2, is plugin_malformed_test.cc).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "opaque/messages.h"

namespace {

using e2esasl::AsBytes;
using e2esasl::ByteWriter;
using e2esasl::Failure;
using e2esasl::Status;
namespace opaque = e2esasl::opaque;

// Canonical base64 of all-zero KE1 (96 bytes), KE2 (320) and KE3 (64).
const std::string kKe1(128, 'A');
const std::string kKe2 = std::string(424, 'A') + "AAA=";
const std::string kKe3 = std::string(84, 'A') + "AA==";
const std::string kClientFirst = "n,,n=alice,k=" + kKe1;
const std::string kServerFirst = "k=" + kKe2 + ",f=argon2id:1024:1:4";
const std::string kClientFinal = "k=" + kKe3;

// Reserialized: Serialize(Parse(in)), or "" when either fails.
template <class Message>
std::string Reserialized(const std::string& in) {
  const std::optional<Message> message = Message::Parse(AsBytes(in));
  if (!message) {
    return "";
  }
  ByteWriter out;
  message->Serialize(out);
  const std::optional<e2esasl::Bytes> bytes = out.Finish();
  return bytes ? std::string(bytes->begin(), bytes->end()) : "";
}

// ParseFailure: whether Parse refused in, and with what.
struct ParseFailure {
  bool refused;
  Failure failure;
};

template <class Message>
ParseFailure Refuse(const std::string& in) {
  ParseFailure out{};
  out.refused = !Message::Parse(AsBytes(in), &out.failure).has_value();
  return out;
}

}  // namespace

// At global scope: CppUnit names suites by their qualified type name.
class OpaqueParseTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OpaqueParseTest);
  CPPUNIT_TEST(testRoundTrips);
  CPPUNIT_TEST(testMalformed);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRoundTrips() {
    CPPUNIT_ASSERT_EQUAL(kClientFirst, Reserialized<opaque::ClientFirst>(kClientFirst));
    const std::string bound = "p=tls-exporter,a=bob,n=al=2Cice,k=" + kKe1;
    CPPUNIT_ASSERT_EQUAL(bound, Reserialized<opaque::ClientFirst>(bound));
    CPPUNIT_ASSERT_EQUAL(std::string("al,ice"),
                         opaque::ClientFirst::Parse(AsBytes(bound))->authcid);
    CPPUNIT_ASSERT_EQUAL(kServerFirst, Reserialized<opaque::ServerFirst>(kServerFirst));
    CPPUNIT_ASSERT_EQUAL(kClientFinal, Reserialized<opaque::ClientFinal>(kClientFinal));
  }

  void testMalformed() {
    struct Case {
      std::function<ParseFailure(const std::string&)> parse;
      std::string in;
      const char* detail;
    };
    const auto client_first = Refuse<opaque::ClientFirst>;
    const auto server_first = Refuse<opaque::ServerFirst>;
    const auto client_final = Refuse<opaque::ClientFinal>;
    const std::vector<Case> cases = {
        {client_first, "", "client-first: empty or longer than 4096 bytes"},
        {client_first, kClientFirst + std::string(4096, 'A'),
         "client-first: empty or longer than 4096 bytes"},
        {client_first, "x" + kClientFirst, "client-first"},
        {client_first, "n,,k=" + kKe1, "client-first"},
        {client_first, "n,,n=al=ice,k=" + kKe1, "saslname"},
        {client_first, "n,,n=alice", "client-first: expected k=<96-byte base64 KE1>"},
        {client_first, "n,,n=alice,k=" + kKe1.substr(4),
         "client-first: expected k=<96-byte base64 KE1>"},
        {client_first, "n,,n=alice,k=" + kKe1 + "AAAA",
         "client-first: expected k=<96-byte base64 KE1>"},
        {client_first, "n,,n=alice,x=" + kKe1, "client-first: expected k=<96-byte base64 KE1>"},
        {client_first, kClientFirst + ",e=1", "client-first: unexpected data after k="},
        {server_first, "", "server-first: empty or longer than 4096 bytes"},
        {server_first, "k=" + kKe2.substr(4) + ",f=argon2id:1024:1:4",
         "server-first: expected k=<320-byte base64 KE2>"},
        {server_first, "f=argon2id:1024:1:4", "server-first: expected k=<320-byte base64 KE2>"},
        {server_first, "k=" + kKe2, "server-first: expected f=<ksf>"},
        {server_first, "k=" + kKe2 + ",g=argon2id:1024:1:4", "server-first: expected f=<ksf>"},
        {server_first, "k=" + kKe2 + ",f=scrypt:1024:1:4",
         "server-first: f= is not argon2id:<m>:<t>:<p> within limits"},
        {server_first, "k=" + kKe2 + ",f=argon2id:01024:1:4",
         "server-first: f= is not argon2id:<m>:<t>:<p> within limits"},
        {server_first, "k=" + kKe2 + ",f=argon2id:1024:1",
         "server-first: f= is not argon2id:<m>:<t>:<p> within limits"},
        {server_first, kServerFirst + ",x=1", "server-first"},
        {client_final, "", "client-final: empty or longer than 4096 bytes"},
        {client_final, "k=", "client-final: expected k=<64-byte base64 KE3>"},
        {client_final, "k=" + kKe3.substr(0, 84) + "AA=A",
         "client-final: expected k=<64-byte base64 KE3>"},
        {client_final, "v=" + kKe3, "client-final: expected k=<64-byte base64 KE3>"},
        {client_final, kClientFinal + ",", "client-final: unexpected data after k="},
    };
    for (const Case& c : cases) {
      const ParseFailure got = c.parse(c.in);
      const std::string what = c.in.substr(0, 60) + " -> " + got.failure.detail;
      CPPUNIT_ASSERT_MESSAGE(what, got.refused);
      CPPUNIT_ASSERT_MESSAGE(what, got.failure.status == Status::kMalformed);
      CPPUNIT_ASSERT_MESSAGE(what + " (want: " + c.detail + ")",
                             got.failure.detail.find(c.detail) != std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OpaqueParseTest);
