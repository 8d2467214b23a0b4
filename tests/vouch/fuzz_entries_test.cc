// fuzz_entries_test.cc: the VOUCH fuzz entry functions on a genuine exchange of their fixed
// world (a smoke run of each target, and proof that the recorded seeds still reach the end):
// unedited both ends complete, an edited client-final is refused, every genuine message
// round-trips. With E2ESASL_VOUCH_WRITE_SEEDS=<dir> set it also writes the seeds of
// tests/fuzz/corpus/vouch_*/ there (how they were made).
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "vouch/fuzz_entries.h"

using namespace e2esasl;  // NOLINT: test file

namespace {

Bytes Join(std::initializer_list<Bytes> parts, bool nul) {
  Bytes out;
  for (const Bytes& part : parts) {
    if (nul && !out.empty()) {
      out.push_back(0);
    }
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

Bytes Prefixed(uint8_t first, const Bytes& rest) {
  return Join({Bytes{first}, rest}, false);
}

void MaybeWrite(const std::string& name, const Bytes& seed) {
  const char* dir = std::getenv("E2ESASL_VOUCH_WRITE_SEEDS");
  if (dir != nullptr) {
    std::ofstream(std::string(dir) + "/" + name, std::ios::binary)
        .write(reinterpret_cast<const char*>(seed.data()),
               static_cast<std::streamsize>(seed.size()));
  }
}

}  // namespace

class VouchFuzzEntriesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VouchFuzzEntriesTest);
  CPPUNIT_TEST(testGenuineExchangeThroughEveryEntry);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testGenuineExchangeThroughEveryEntry() {
    const std::vector<Bytes> messages = fuzz::GenuineExchange();
    CPPUNIT_ASSERT_EQUAL(size_t{3}, messages.size());
    const std::vector<std::pair<std::string, Bytes>> seeds = {
        {"messages_client_first", Prefixed(0, messages[0])},
        {"messages_server_first", Prefixed(1, messages[1])},
        {"messages_client_final", Prefixed(2, messages[2])},
        {"server_session_genuine", Join({messages[0], messages[2]}, true)},
        {"client_session_genuine", Join({messages[1], Bytes()}, true)},
        {"transcript_unedited", Bytes{0}},
        {"transcript_critical", Bytes{1}},
        {"transcript_flip_client_final", Bytes{0, 2, 1, 20, 1}},
        {"transcript_flip_server_statement", Bytes{0, 1, 1, 200, 4}},
    };
    for (const auto& [name, seed] : seeds) {
      const std::string family = name.substr(0, name.find('_'));
      int (*entry)(const uint8_t*, size_t) = family == "messages" ? &fuzz::FuzzVouchMessages
                                             : family == "server" ? &fuzz::FuzzVouchServerSession
                                             : family == "client" ? &fuzz::FuzzVouchClientSession
                                                                  : &fuzz::FuzzVouchTranscript;
      CPPUNIT_ASSERT_EQUAL_MESSAGE(name, 0, entry(seed.data(), seed.size()));
      MaybeWrite(name, seed);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VouchFuzzEntriesTest);
