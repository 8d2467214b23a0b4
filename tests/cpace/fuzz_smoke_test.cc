// fuzz_smoke_test.cc: runs every CPace libFuzzer entry function over a seed corpus (valid
// messages from a real exchange, and their truncations) and deterministic random mutations, so
// the sanitizer build exercises them even where no libFuzzer toolchain is wired up.
#include <cstdint>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "cpace/fuzz_entries.h"
#include "cpace_test_util.h"
#include "support/fuzz_smoke.h"

using namespace e2esasl;        // NOLINT: test file
using namespace e2esasl::test;  // NOLINT: test file

class CpaceFuzzSmokeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CpaceFuzzSmokeTest);
  CPPUNIT_TEST(testParsers);
  CPPUNIT_TEST(testSessions);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    MapSecrets secrets;
    secrets.passwords["alice"] = "correct horse";
    cpace::ClientConfig config =
        BoundClient("alice", "correct horse", "tls-exporter", Bytes(32, 7));
    config.gs2.authzid = "bob,=x";
    cpace::ClientSession client(SystemRandom(), std::move(config));
    cpace::ServerSession server(SystemRandom(), secrets, BoundServer("tls-exporter", Bytes(32, 7)));
    run_ = RunCore(client, server);
    CPPUNIT_ASSERT(run_.ok());
  }

  void testParsers() {
    Exercise(&fuzz::FuzzCpaceClientFirst,
             {run_.client_messages[0], "n,,n=a,r=AAAAAAAAAAAAAAAAAAAAAA=="}, 20000);
    Exercise(&fuzz::FuzzCpaceServerFirst, {run_.server_messages[0]}, 20000);
    Exercise(&fuzz::FuzzCpaceClientFinal, {run_.client_messages[1]}, 20000);
    Exercise(&fuzz::FuzzCpaceServerFinal, {run_.server_messages[1]}, 20000);
  }

  void testSessions() {
    const std::string nul(1, '\0');
    Exercise(&fuzz::FuzzCpaceServerSession,
             {run_.client_messages[0] + nul + run_.client_messages[1]}, 300);
    Exercise(&fuzz::FuzzCpaceClientSession,
             {run_.server_messages[0] + nul + run_.server_messages[1]}, 300);
  }

 private:
  Run run_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(CpaceFuzzSmokeTest);
