// fuzz_smoke_test.cc: runs the OPAQUE-R255 session fuzz entry functions (fuzz_sessions.cc) over
// their seed corpora (tests/fuzz/corpus/opaque_*_session/), over a genuine transcript this test
// records from a real client and server, its truncations and deterministic random mutations, so
// the sanitizer build exercises them even where no libFuzzer toolchain is wired up. On the
// genuine transcript it asserts how each entry ends: the server accepts client-first and then
// refuses the recorded KE3 (made for another KE2), the client refuses the recorded server-first
// (made for another blind), and a server-first above the client's KSF cap is refused as such.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/bytes.h"
#include "common/random.h"
#include "common/status.h"
#include "fuzz/fuzz_check.h"
#include "opaque/client.h"
#include "opaque/credentials.h"
#include "opaque/fuzz_entries.h"
#include "opaque/key_file.h"
#include "opaque/messages.h"
#include "opaque/records.h"
#include "opaque/server.h"
#include "support/fuzz_smoke.h"

namespace e2esasl::test {
namespace {

constexpr char kNul = '\0';

// ReadCorpus returns the files of tests/fuzz/corpus/<name>/ (E2ESASL_SOURCE_DIR, set by CTest).
std::vector<std::string> ReadCorpus(const std::string& name) {
  std::vector<std::string> seeds;
  const char* source = std::getenv("E2ESASL_SOURCE_DIR");
  CPPUNIT_ASSERT_MESSAGE("E2ESASL_SOURCE_DIR is not set", source != nullptr);
  const std::filesystem::path dir = std::filesystem::path(source) / "tests/fuzz/corpus" / name;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream file(entry.path(), std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  return seeds;
}

std::string AsString(ByteView bytes) {
  return std::string(bytes.begin(), bytes.end());
}

Failure Server(const std::string& input, int* continued) {
  return fuzz::RunOpaqueServer(AsBytes(input), continued);
}

Failure Client(const std::string& input) {
  return fuzz::RunOpaqueClient(AsBytes(input));
}

// Transcript: one genuine exchange between a real client and server ("alice", "correct horse",
// the fuzz client's KSF parameters).
struct Transcript {
  std::string client_first, server_first, client_final, server_final;
};

class MapRecords final : public opaque::RecordSource {
 public:
  std::optional<opaque::StoredRecord> Lookup(std::string_view authcid) override {
    if (authcid != "alice") {
      return std::nullopt;
    }
    return opaque::StoredRecord{record.ksf, record.credential_identifier, record.record};
  }
  opaque::StoredRecord record;
};

std::optional<Transcript> RecordTranscript() {
  std::optional<opaque::ServerKeyMaterial> keys = opaque::GenerateKeyMaterial(SystemRandom());
  if (!keys) {
    return std::nullopt;
  }
  MapRecords records;
  records.record.ksf = opaque::KsfParams{opaque::KsfKind::kArgon2id, 8, 1, 1};
  records.record.credential_identifier = ToBytes("alice");
  opaque::RegistrationClient registration;
  opaque::RegistrationRequest request;
  opaque::RegistrationResponse response;
  SecretBytes export_key;
  if (!registration.Start(SystemRandom(), AsBytes("correct horse"), &request) ||
      !opaque::CreateRegistrationResponse(request, keys->public_key,
                                          records.record.credential_identifier,
                                          keys->oprf_seed.view(), &response) ||
      !registration.Finish(SystemRandom(), response, opaque::Identities{}, records.record.ksf,
                           &records.record.record, &export_key)) {
    return std::nullopt;
  }
  opaque::ServerConfig server_config;
  server_config.keys = std::move(*keys);
  server_config.fake_ksf = records.record.ksf;
  opaque::ServerSession server(SystemRandom(), records, std::move(server_config));
  opaque::ClientConfig client_config;
  client_config.authcid = "alice";
  client_config.password = SecretString("correct horse");
  opaque::ClientSession client(SystemRandom(), std::move(client_config));

  Bytes client_first, server_first, client_final, server_final, none;
  Failure failure;
  if (client.Step({}, &client_first, &failure) != Status::kContinue ||
      server.Step(client_first, &server_first, &failure) != Status::kContinue ||
      client.Step(server_first, &client_final, &failure) != Status::kContinue ||
      server.Step(client_final, &server_final, &failure) != Status::kOk ||
      client.Step(server_final, &none, &failure) != Status::kOk || !client.IsComplete() ||
      !server.IsComplete()) {
    return std::nullopt;
  }
  return Transcript{AsString(client_first), AsString(server_first), AsString(client_final),
                    AsString(server_final)};
}

// WithKsf returns server_first with its f= replaced by ksf.
std::string WithKsf(const std::string& server_first, const opaque::KsfParams& ksf) {
  std::optional<opaque::ServerFirst> message = opaque::ServerFirst::Parse(AsBytes(server_first));
  CPPUNIT_ASSERT(message.has_value());
  message->ksf = ksf;
  const std::optional<Bytes> bytes = fuzz::Serialized(*message);
  CPPUNIT_ASSERT(bytes.has_value());
  return AsString(*bytes);
}

void AssertFailure(const Failure& expected, const Failure& actual) {
  CPPUNIT_ASSERT_EQUAL(std::string(StatusName(expected.status)),
                       std::string(StatusName(actual.status)));
  CPPUNIT_ASSERT_EQUAL(expected.detail, actual.detail);
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl;        // NOLINT: test file
using namespace e2esasl::test;  // NOLINT: test file

class OpaqueFuzzSmokeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OpaqueFuzzSmokeTest);
  CPPUNIT_TEST(testServerOnGenuineTranscript);
  CPPUNIT_TEST(testClientOnGenuineTranscript);
  CPPUNIT_TEST(testClientKsfCap);
  CPPUNIT_TEST(testCorpora);
  CPPUNIT_TEST(testMutations);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    std::optional<Transcript> recorded = RecordTranscript();
    CPPUNIT_ASSERT_MESSAGE("a real client and server did not complete", recorded.has_value());
    run_ = std::move(*recorded);
    CPPUNIT_ASSERT(run_.server_final.empty());
  }

  // The server accepts the recorded client-first and refuses the recorded KE3 (it answered with
  // a fresh KE2); with a critical binding (size % 4 == 3) it refuses the "n" client-first.
  void testServerOnGenuineTranscript() {
    const Failure auth_failed{Status::kAuthFailed, std::string(opaque::kAuthFailedDetail)};
    const Failure critical{Status::kBadBinding,
                           "the server requires channel binding but the client sent \"n\""};
    // With an initial response, and without one (an empty first message).
    for (const std::string& prefix : {std::string(), std::string(1, kNul)}) {
      const int asked = prefix.empty() ? 0 : 1;
      for (int pad = 0; pad < 4; ++pad) {
        const std::string input = prefix + run_.client_first + kNul + run_.client_final +
                                  std::string(static_cast<size_t>(pad), kNul);
        int continued = -1;
        const Failure failure = Server(input, &continued);
        if (input.size() % 4 == 3) {
          AssertFailure(critical, failure);
          CPPUNIT_ASSERT_EQUAL(asked, continued);
        } else {
          AssertFailure(auth_failed, failure);
          CPPUNIT_ASSERT_EQUAL(asked + 1, continued);
        }
      }
    }
    // Truncated client-first: Parse's own failure; an empty client-final: ClientFinal's.
    int continued = -1;
    const std::string cut = run_.client_first.substr(0, run_.client_first.size() - 1);
    Failure parse_failure;
    CPPUNIT_ASSERT(!opaque::ClientFirst::Parse(AsBytes(cut), &parse_failure));
    AssertFailure(parse_failure, Server(cut + kNul + run_.client_final, &continued));
    CPPUNIT_ASSERT_EQUAL(0, continued);
    CPPUNIT_ASSERT(!opaque::ClientFinal::Parse(ByteView(), &parse_failure));
    std::string no_final = run_.client_first + kNul;
    if (no_final.size() % 4 == 3) {
      no_final += kNul;  // not the critical binding
    }
    AssertFailure(parse_failure, Server(no_final, &continued));
    CPPUNIT_ASSERT_EQUAL(1, continued);
  }

  // The client refuses the recorded server-first (made for another client's blind), whatever
  // its gs2 flag (size % 3); a truncated one with ServerFirst::Parse's failure.
  void testClientOnGenuineTranscript() {
    const Failure auth_failed{Status::kAuthFailed, std::string(opaque::kAuthFailedDetail)};
    for (int pad = 0; pad < 3; ++pad) {
      const std::string input = run_.server_first + kNul + run_.server_final +
                                std::string(static_cast<size_t>(pad), kNul);
      AssertFailure(auth_failed, Client(input));
    }
    const std::string cut = run_.server_first.substr(0, run_.server_first.size() - 1);
    Failure parse_failure;
    CPPUNIT_ASSERT(!opaque::ServerFirst::Parse(AsBytes(cut), &parse_failure));
    AssertFailure(parse_failure, Client(cut));
  }

  // The client's cap (64 KiB, 2 passes, 1 lane in fuzz_sessions.cc) refuses any costlier
  // parameter before running the KSF, and runs what is at the cap.
  void testClientKsfCap() {
    using opaque::KsfKind;
    using opaque::KsfParams;
    const std::string prefix = "the server asks for KSF costs above this client's cap (";
    for (const KsfParams& above :
         {KsfParams{KsfKind::kArgon2id, 65536, 3, 4}, KsfParams{KsfKind::kArgon2id, 72, 2, 1},
          KsfParams{KsfKind::kArgon2id, 64, 3, 1}, KsfParams{KsfKind::kArgon2id, 64, 2, 2},
          KsfParams{KsfKind::kArgon2id, 16777216, 65536, 255}}) {
      const Failure failure = Client(WithKsf(run_.server_first, above));
      CPPUNIT_ASSERT_EQUAL(std::string("AuthFailed"), std::string(StatusName(failure.status)));
      CPPUNIT_ASSERT_MESSAGE(failure.detail, failure.detail.starts_with(prefix));
      CPPUNIT_ASSERT_MESSAGE(failure.detail,
                             failure.detail.find(above.Serialize()) != std::string::npos);
    }
    // At the cap: the KSF runs, and the envelope does not open.
    AssertFailure(Failure{Status::kAuthFailed, std::string(opaque::kAuthFailedDetail)},
                  Client(WithKsf(run_.server_first, KsfParams{KsfKind::kArgon2id, 64, 2, 1})));
  }

  // The checked-in seeds, and their truncations.
  void testCorpora() {
    const std::vector<std::string> server_seeds = ReadCorpus("opaque_server_session");
    const std::vector<std::string> client_seeds = ReadCorpus("opaque_client_session");
    CPPUNIT_ASSERT(server_seeds.size() >= 3);
    CPPUNIT_ASSERT(client_seeds.size() >= 3);
    Exercise(&fuzz::FuzzOpaqueServerSession, server_seeds, 0, 13);
    Exercise(&fuzz::FuzzOpaqueClientSession, client_seeds, 0, 13);
  }

  // Deterministic random mutations of the genuine transcript.
  void testMutations() {
    Exercise(&fuzz::FuzzOpaqueServerSession, {run_.client_first + kNul + run_.client_final}, 300,
             13);
    Exercise(&fuzz::FuzzOpaqueClientSession, {run_.server_first + kNul + run_.server_final}, 300,
             13);
  }

 private:
  Transcript run_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(OpaqueFuzzSmokeTest);
