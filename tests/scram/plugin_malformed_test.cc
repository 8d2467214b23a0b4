// plugin_malformed_test.cc: every kind of malformed or hostile SCRAM message, injected into a
// real libsasl2 exchange between our client and our server: each gets the documented SASL code
// on the side that receives it and an error detail that says what was wrong; none crashes.
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "support/sasl_harness.h"

using e2esasl::test::Exchange;
using e2esasl::test::ExchangeSpec;
using e2esasl::test::RunExchange;
using e2esasl::test::SetPassword;
using e2esasl::test::TempDir;

namespace {

// Row: which message to rewrite (from the client or the server, its index), how, and what the
// receiving side must answer.
struct Row {
  const char* name;
  bool from_client;
  int index;
  std::function<std::string(const std::string&)> rewrite;
  int expected;               // SASL code of the receiving side
  const char* detail_substr;  // must appear in the receiver's sasl_errdetail ("" = any)
};

// Attr replaces the value of attribute `letter` (the first "letter=" after a comma or at the
// start) in a SCRAM message; Drop removes it.
std::string Attr(const std::string& m, char letter, const std::string& value) {
  const std::string key = std::string(1, letter) + "=";
  size_t pos = m.rfind(key, 0) == 0 ? 0 : m.find("," + key);
  if (pos == std::string::npos) {
    return m;
  }
  if (pos != 0) {
    ++pos;
  }
  const size_t end = m.find(',', pos);
  return m.substr(0, pos) + key + value + (end == std::string::npos ? "" : m.substr(end));
}

std::string Drop(const std::string& m, char letter) {
  const std::string key = "," + std::string(1, letter) + "=";
  const size_t pos = m.find(key);
  if (pos == std::string::npos) {
    return m;
  }
  const size_t end = m.find(',', pos + 1);
  return m.substr(0, pos) + (end == std::string::npos ? "" : m.substr(end));
}

std::string Flip(std::string b64) {
  // Change the first base64 character to another valid one (the value changes, stays valid).
  b64[0] = b64[0] == 'A' ? 'B' : 'A';
  return b64;
}

std::string Value(const std::string& m, char letter) {
  const std::string key = std::string(1, letter) + "=";
  size_t pos = m.rfind(key, 0) == 0 ? 0 : m.find("," + key) + 1;
  const size_t end = m.find(',', pos);
  return m.substr(pos + 2, end == std::string::npos ? std::string::npos : end - pos - 2);
}

std::vector<Row> Rows() {
  return {
      // client-first-message, received by the server
      {"bad gs2 flag", true, 0, [](const std::string& m) { return "x" + m.substr(1); },
       SASL_BADPROT, "client-first-message: gs2 header: unknown channel-binding flag"},
      {"no nonce", true, 0, [](const std::string& m) { return Drop(m, 'r'); }, SASL_BADPROT,
       "client-first-message: missing nonce (r=)"},
      {"mandatory extension", true, 0,
       [](const std::string& m) { return "n,,m=ext," + m.substr(3); }, SASL_BADPROT,
       "client-first-message: unsupported mandatory extension (m=)"},
      {"bad saslname escape", true, 0,
       [](const std::string& m) { return Attr(m, 'n', "al=41ice"); }, SASL_BADPROT,
       "client-first-message: invalid username encoding (only =2C and =3D may follow '=')"},
      {"nonce with comma-less garbage", true, 0, [](const std::string& m) { return m + ",x"; },
       SASL_BADPROT, "client-first-message: extension x without '='"},
      {"binary garbage", true, 0,
       [](const std::string&) { return std::string("\xff\xfe\x00\x01", 4); }, SASL_BADPROT,
       "client-first-message: gs2 header: unknown channel-binding flag"},
      {"oversized", true, 0, [](const std::string& m) { return m + "," + std::string(20000, 'a'); },
       SASL_BADPROT, "too long"},
      {"p= without server binding", true, 0,
       [](const std::string& m) { return "p=tls-unique" + m.substr(1); }, SASL_BADBINDING,
       "server has no channel binding"},
      {"y flag (no server binding: accepted) with authzid garbage", true, 0,
       [](const std::string& m) { return "y,a=," + m.substr(3); }, SASL_BADPROT,
       "client-first-message: gs2 header: empty authzid after \"a=\""},
      // client-final-message, received by the server
      {"no proof", true, 1, [](const std::string& m) { return Drop(m, 'p'); }, SASL_BADPROT,
       "client-final-message: proof (p=) missing or not last"},
      {"nonce changed", true, 1,
       [](const std::string& m) { return Attr(m, 'r', Value(m, 'r') + "X"); }, SASL_BADAUTH,
       "client-final-message: nonce differs from server-first"},
      {"c= not base64", true, 1, [](const std::string& m) { return Attr(m, 'c', "!!!"); },
       SASL_BADPROT, "client-final-message: channel binding is not valid base64"},
      {"c= other gs2 header", true, 1, [](const std::string& m) { return Attr(m, 'c', "eSws"); },
       SASL_BADBINDING, "channel binding mismatch"},
      {"wrong proof", true, 1,
       [](const std::string& m) { return Attr(m, 'p', Flip(Value(m, 'p'))); }, SASL_BADAUTH,
       "invalid client proof"},
      {"trailing data", true, 1, [](const std::string& m) { return m + ",x=1"; }, SASL_BADPROT,
       "client-final-message: trailing data after the proof"},
      {"empty client-final", true, 1, [](const std::string&) { return std::string(); },
       SASL_BADPROT, "client-final-message: empty message"},
      // server-first-message, received by the client
      {"server nonce not extending ours", false, 0,
       [](const std::string& m) { return Attr(m, 'r', "somebodyelse"); }, SASL_BADAUTH,
       "server-first-message: nonce does not extend the client's"},
      {"iteration count 1 (offline-attack bait)", false, 0,
       [](const std::string& m) { return Attr(m, 'i', "1"); }, SASL_BADAUTH, "iteration"},
      {"iteration count huge", false, 0,
       [](const std::string& m) { return Attr(m, 'i', "4000000000"); }, SASL_BADAUTH, "iteration"},
      {"iteration count not a number", false, 0,
       [](const std::string& m) { return Attr(m, 'i', "abc"); }, SASL_BADPROT,
       "server-first-message: iteration count is not a positive decimal number"},
      {"salt not base64", false, 0, [](const std::string& m) { return Attr(m, 's', "@@"); },
       SASL_BADPROT, "server-first-message: salt is not valid base64"},
      {"server error instead", false, 0,
       [](const std::string&) { return std::string("e=other-error"); }, SASL_BADAUTH,
       "other-error"},
      // server-final-message, received by the client
      {"wrong server signature", false, 1,
       [](const std::string& m) { return Attr(m, 'v', Flip(Value(m, 'v'))); }, SASL_BADAUTH,
       "server signature does not verify"},
      {"server signature not base64", false, 1,
       [](const std::string&) { return std::string("v=%%%"); }, SASL_BADPROT,
       "server-final-message: verifier is not valid base64"},
      {"server-final missing", false, 1, [](const std::string&) { return std::string(); },
       SASL_BADPROT, "server-final-message: empty message"},
  };
}

}  // namespace

class ScramPluginMalformedTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ScramPluginMalformedTest);
  CPPUNIT_TEST(testTable);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testTable() {
    TempDir dir;
    const std::string sasldb = dir.path() + "/sasldb2";
    CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(sasldb, "alice", "correct horse"));
    int rows = 0;
    for (const char* mech : {"SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512"}) {
      for (const Row& row : Rows()) {
        ExchangeSpec spec;
        spec.client_mechlist = mech;
        spec.identity.authcid = "alice";
        spec.identity.password = "correct horse";
        spec.sasldb_path = sasldb;
        bool applied = false;
        spec.tamper = [&](bool from_client, int index, const std::string& m) {
          if (from_client == row.from_client && index == row.index) {
            applied = true;
            return row.rewrite(m);
          }
          return m;
        };
        const Exchange ex = RunExchange(spec);
        const std::string what = std::string(mech) + " / " + row.name;
        CPPUNIT_ASSERT_MESSAGE(what + ": the message was never rewritten", applied);
        CPPUNIT_ASSERT_MESSAGE(what + ": authentication succeeded", !ex.ok());
        // The side that received the rewritten message rejects it.
        const int got = row.from_client ? ex.server_result : ex.client_result;
        const std::string& detail = row.from_client ? ex.server_detail : ex.client_detail;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + detail, row.expected, got);
        CPPUNIT_ASSERT_MESSAGE(what + ": no error detail", detail.find(mech) != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(what + ": detail lacks '" + row.detail_substr + "': " + detail,
                               detail.find(row.detail_substr) != std::string::npos);
        std::printf("%-14s %-48s -> %d %s\n", mech, row.name, got, detail.c_str());
        // Nothing secret leaks into the text: never the password.
        CPPUNIT_ASSERT(detail.find("correct horse") == std::string::npos);
        ++rows;
      }
    }
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(Rows().size()) * 3, rows);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ScramPluginMalformedTest);
