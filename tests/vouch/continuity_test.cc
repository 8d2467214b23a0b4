// continuity_test.cc: VOUCH key continuity (plugins/vouch/continuity.h): first contact stored,
// the same key accepted, a changed key refused (or accepted and warned) with the evidence kept,
// a corrupted / truncated / wrong-version / wrong-mode store refused with a clear error and left
// untouched, and several processes updating one store at once.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "support/store_files.h"

#include "vouch/continuity.h"
#include "vouch/keys.h"
#include "vouch_test_util.h"

namespace {

namespace fs = std::filesystem;
using e2esasl::Failure;
using e2esasl::Status;
namespace vouch = e2esasl::vouch;

std::string TempDir() {
  return e2esasl::testing::NewTempDir("e2esasl-vouch");
}
using e2esasl::testing::B64;
using e2esasl::testing::ReadWhole;
using e2esasl::testing::WriteWhole;

const std::string kThumb1(43, 'A');
const std::string kThumb2 = std::string(42, 'B') + "A";

vouch::Observation Seen(const std::string& identity, const std::string& thumbprint) {
  return vouch::Observation{identity, "phone-1", thumbprint, "header.payload.signature"};
}

}  // namespace

// At global scope: Debian's CppUnit names suites by the fully qualified type name.
class VouchContinuityTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VouchContinuityTest);
  CPPUNIT_TEST(ParsesAndSerializesBack);
  CPPUNIT_TEST(MalformedLinesNamed);
  CPPUNIT_TEST(FirstContactThenSameKey);
  CPPUNIT_TEST(ChangedKeyRefusedWithEvidence);
  CPPUNIT_TEST(ChangedKeyAcceptedAndWarned);
  CPPUNIT_TEST(BadStoreLeftUntouched);
  CPPUNIT_TEST(TwoProcessesAtOnce);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { dir_ = TempDir(); }
  void tearDown() override { fs::remove_all(dir_); }

  void ParsesAndSerializesBack() {
    const std::string text = std::string(vouch::kContinuityHeader) + "\nkey " +
                             B64("bob@biloxi.net") + " " + B64("phone-1") + " " + kThumb1 +
                             " 1700000000 1700000100\nkey " + B64("bob@biloxi.net") + " " +
                             B64("laptop") + " " + kThumb2 + " 5 5\n";
    Failure failure;
    std::optional<vouch::ContinuityFile> file = vouch::ParseContinuity(text, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, file.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, file->keys.size());
    CPPUNIT_ASSERT_EQUAL(std::string("laptop"), file->keys[1].device_id);
    CPPUNIT_ASSERT_EQUAL(int64_t{1700000100}, file->keys[0].last_seen);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, file->ForIdentity("bob@biloxi.net").size());
    CPPUNIT_ASSERT_EQUAL(text, vouch::SerializeContinuity(*file));
  }

  void MalformedLinesNamed() {
    const std::string head = std::string(vouch::kContinuityHeader) + "\n";
    const std::string good = "key " + B64("bob") + " " + B64("d") + " " + kThumb1 + " 1 2\n";
    struct Case {
      std::string text;
      const char* detail;
    };
    const Case cases[] = {
        {"", "line 1: empty file"},
        {"e2esasl-vouch-continuity 2\n", "line 1: unsupported version"},
        {"e2esasl-sas-retained 1\n", "line 1: not an e2esasl VOUCH key-continuity store"},
        {head.substr(0, head.size() - 1), "line 1: the last line does not end with a newline"},
        {head + good.substr(0, good.size() - 1), "line 2: the last line does not end"},
        {head + "peer x\n", "line 2: expected a key line"},
        {head + "key a b c\n", "line 2: a key line has 6 fields"},
        {head + good + "key  " + B64("d") + " " + kThumb1 + " 1 2\n", "line 3: identity"},
        {head + "key " + B64("bob") + " " + B64("d e") + " " + kThumb1 + " 1 2\n",
         "line 2: device id"},
        {head + "key " + B64("bob") + " " + B64("d") + " " + kThumb1.substr(1) + " 1 2\n",
         "line 2: thumbprint"},
        {head + "key " + B64("bob") + " " + B64("d") + " " + kThumb1 + " -1 2\n", "line 2: times"},
        {head + "key " + B64("bob") + " " + B64("d") + " " + kThumb1 + " 01 2\n", "line 2: times"},
        {head + "key " + B64("bob") + " " + B64("d") + " " + kThumb1 + " 3 2\n",
         "line 2: last seen is before first seen"},
        {head + good + good, "line 3: the same identity and key twice"},
        {head + "key " + B64(std::string("b\0b", 3)) + " " + B64("d") + " " + kThumb1 + " 1 2\n",
         "line 2: identity"},
    };
    for (const Case& c : cases) {
      Failure failure;
      CPPUNIT_ASSERT_MESSAGE(c.detail, !vouch::ParseContinuity(c.text, &failure));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.detail, Status::kMalformed, failure.status);
      CPPUNIT_ASSERT_MESSAGE(std::string(c.detail) + " vs " + failure.detail,
                             failure.detail.rfind(c.detail, 0) == 0);
    }
  }

  void FirstContactThenSameKey() {
    vouch::ContinuityOptions options = Options(100);
    vouch::ContinuityReport report;
    Failure failure;
    CPPUNIT_ASSERT_MESSAGE(
        failure.detail,
        vouch::ObserveKey(options, Seen("bob@biloxi.net", kThumb1), &report, &failure));
    CPPUNIT_ASSERT(report.verdict == vouch::KeyVerdict::kFirstContact);
    CPPUNIT_ASSERT(report.accepted);
    CPPUNIT_ASSERT(report.known.empty());
    struct stat st;
    CPPUNIT_ASSERT_EQUAL(0, stat(options.store_path.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL(0600u, static_cast<unsigned>(st.st_mode & 0777));

    options.now = 250;
    CPPUNIT_ASSERT_MESSAGE(
        failure.detail,
        vouch::ObserveKey(options, Seen("bob@biloxi.net", kThumb1), &report, &failure));
    CPPUNIT_ASSERT(report.verdict == vouch::KeyVerdict::kKnownKey);
    CPPUNIT_ASSERT(report.accepted);
    std::optional<vouch::ContinuityFile> file = vouch::LoadContinuity(options.store_path, &failure);
    CPPUNIT_ASSERT(file.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, file->keys.size());
    CPPUNIT_ASSERT_EQUAL(int64_t{100}, file->keys[0].first_seen);
    CPPUNIT_ASSERT_EQUAL(int64_t{250}, file->keys[0].last_seen);
    // Another identity is a first contact of its own.
    CPPUNIT_ASSERT(
        vouch::ObserveKey(options, Seen("carol@biloxi.net", kThumb2), &report, &failure));
    CPPUNIT_ASSERT(report.verdict == vouch::KeyVerdict::kFirstContact);
  }

  void ChangedKeyRefusedWithEvidence() {
    vouch::ContinuityOptions options = Options(100);
    options.evidence_dir = dir_ + "/evidence";
    CPPUNIT_ASSERT(fs::create_directory(options.evidence_dir));
    vouch::ContinuityReport report;
    Failure failure;
    CPPUNIT_ASSERT(vouch::ObserveKey(options, Seen("bob@biloxi.net", kThumb1), &report, &failure));
    const std::string before = ReadWhole(options.store_path);
    options.now = 200;
    CPPUNIT_ASSERT(!vouch::ObserveKey(options, Seen("bob@biloxi.net", kThumb2), &report, &failure));
    CPPUNIT_ASSERT(report.verdict == vouch::KeyVerdict::kChangedKey);
    CPPUNIT_ASSERT(!report.accepted);
    CPPUNIT_ASSERT_EQUAL(Status::kAuthFailed, failure.status);
    CPPUNIT_ASSERT_EQUAL(std::string("key continuity: the device key vouched for bob@biloxi.net is "
                                     "not one seen before (known keys first seen at 100); refused"),
                         failure.detail);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, report.known.size());
    CPPUNIT_ASSERT_EQUAL(kThumb1, report.known[0].thumbprint);
    // The store is unchanged: the next attempt is reported again.
    CPPUNIT_ASSERT_EQUAL(before, ReadWhole(options.store_path));
    CPPUNIT_ASSERT_EQUAL(options.evidence_dir + "/200-" + kThumb2 + ".evidence",
                         report.evidence_path);
    const std::string evidence = ReadWhole(report.evidence_path);
    CPPUNIT_ASSERT(evidence.find("new-key " + kThumb2 + "\n") != std::string::npos);
    CPPUNIT_ASSERT(evidence.find("known-key " + kThumb1 + " 100 100\n") != std::string::npos);
    CPPUNIT_ASSERT(evidence.find("statement header.payload.signature\n") != std::string::npos);
    struct stat st;
    CPPUNIT_ASSERT_EQUAL(0, stat(report.evidence_path.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL(0600u, static_cast<unsigned>(st.st_mode & 0777));
  }

  void ChangedKeyAcceptedAndWarned() {
    vouch::ContinuityOptions options = Options(100);
    options.policy = vouch::ChangedKeyPolicy::kAcceptAndWarn;
    vouch::ContinuityReport report;
    Failure failure;
    CPPUNIT_ASSERT(vouch::ObserveKey(options, Seen("bob@biloxi.net", kThumb1), &report, &failure));
    options.now = 300;
    CPPUNIT_ASSERT(vouch::ObserveKey(options, Seen("bob@biloxi.net", kThumb2), &report, &failure));
    CPPUNIT_ASSERT(report.verdict == vouch::KeyVerdict::kChangedKey);
    CPPUNIT_ASSERT(report.accepted);
    CPPUNIT_ASSERT(report.evidence_path.empty());
    // Both keys are known from now on.
    CPPUNIT_ASSERT(vouch::ObserveKey(options, Seen("bob@biloxi.net", kThumb2), &report, &failure));
    CPPUNIT_ASSERT(report.verdict == vouch::KeyVerdict::kKnownKey);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, report.known.size());
  }

  void BadStoreLeftUntouched() {
    const std::string good = std::string(vouch::kContinuityHeader) + "\nkey " + B64("bob") + " " +
                             B64("d") + " " + kThumb1 + " 1 2\n";
    struct Case {
      const char* name;
      std::string text;
      mode_t mode;
      const char* detail;
    };
    const Case cases[] = {
        {"corrupted", good.substr(0, 40) + "#" + good.substr(41), 0600, "line 2:"},
        {"truncated", good.substr(0, good.size() - 5), 0600, "line 2: the last line"},
        {"wrong version", "e2esasl-vouch-continuity 9\n", 0600, "line 1: unsupported version"},
        {"wrong mode", good, 0644, ""},
    };
    for (const Case& c : cases) {
      vouch::ContinuityOptions options = Options(500);
      WriteWhole(options.store_path, c.text, c.mode);
      struct stat before;
      CPPUNIT_ASSERT_EQUAL(0, stat(options.store_path.c_str(), &before));
      vouch::ContinuityReport report;
      Failure failure;
      CPPUNIT_ASSERT_MESSAGE(c.name,
                             !vouch::ObserveKey(options, Seen("bob", kThumb2), &report, &failure));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.name, Status::kUnavailable, failure.status);
      CPPUNIT_ASSERT_MESSAGE(std::string(c.name) + ": " + failure.detail,
                             failure.detail.rfind(options.store_path + ": ", 0) == 0 ||
                                 failure.detail.find(options.store_path) != std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(std::string(c.name) + ": " + failure.detail,
                             failure.detail.find(c.detail) != std::string::npos);
      CPPUNIT_ASSERT(!vouch::LoadContinuity(options.store_path, &failure).has_value());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.name, c.text, ReadWhole(options.store_path));
      struct stat after;
      CPPUNIT_ASSERT_EQUAL(0, stat(options.store_path.c_str(), &after));
      CPPUNIT_ASSERT_EQUAL(before.st_ino, after.st_ino);
      CPPUNIT_ASSERT_EQUAL(before.st_mode, after.st_mode);
      fs::remove(options.store_path);
    }
  }

  void TwoProcessesAtOnce() {
    // Two processes each record 40 identities of their own in one store at the same time; the
    // lock serializes the read-modify-write, so no update is lost.
    const vouch::ContinuityOptions options = Options(1000);
    constexpr int kPerProcess = 40;
    pid_t children[2];
    for (int p = 0; p < 2; ++p) {
      children[p] = fork();
      CPPUNIT_ASSERT(children[p] >= 0);
      if (children[p] == 0) {
        int status = 0;
        for (int i = 0; i < kPerProcess; ++i) {
          vouch::ContinuityReport report;
          Failure failure;
          const std::string identity = "user" + std::to_string(p) + "-" + std::to_string(i);
          if (!vouch::ObserveKey(options, Seen(identity, p == 0 ? kThumb1 : kThumb2), &report,
                                 &failure) ||
              report.verdict != vouch::KeyVerdict::kFirstContact) {
            status = 1;
          }
        }
        _exit(status);
      }
    }
    for (pid_t child : children) {
      int status = 0;
      CPPUNIT_ASSERT_EQUAL(child, waitpid(child, &status, 0));
      CPPUNIT_ASSERT(WIFEXITED(status));
      CPPUNIT_ASSERT_EQUAL(0, WEXITSTATUS(status));
    }
    Failure failure;
    std::optional<vouch::ContinuityFile> file = vouch::LoadContinuity(options.store_path, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, file.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{2 * kPerProcess}, file->keys.size());
  }

 private:
  vouch::ContinuityOptions Options(int64_t now) const {
    vouch::ContinuityOptions options;
    options.store_path = dir_ + "/continuity";
    options.now = now;
    return options;
  }

  std::string dir_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(VouchContinuityTest);
