// retained_test.cc: SAS-R255-PLUS's retained-secret store (plugins/sas/retained.h): the file
// format both ways, every malformed line refused with its line number, the file checks (mode,
// owner, symbolic link), atomic replacement, and several processes updating one store at once.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "support/store_files.h"

#include "sas/retained.h"

namespace {

namespace fs = std::filesystem;
using e2esasl::Failure;
using e2esasl::Status;
using e2esasl::SystemRandom;
namespace sas = e2esasl::sas;

std::string TempDir() {
  return e2esasl::testing::NewTempDir("e2esasl-retained");
}
using e2esasl::testing::B64;
using e2esasl::testing::ReadWhole;
using e2esasl::testing::WriteWhole;

const std::string kSelf = B64("0123456789abcdef");
const std::string kDev = B64("device-of-bob-01");
const std::string kRs = B64(std::string(32, 'r'));
const std::string kRs2 = B64(std::string(32, 's'));

std::string Valid() {
  return "e2esasl-sas-retained 1\nself " + kSelf + "\npeer " + B64("bob@biloxi.net") + " " + kDev +
         " 1 1700000000 1700000100 1700000200 " + kRs + " " + kRs2 + "\npeer " + B64("carol") +
         " " + kDev + " 0 1 2 3 " + kRs + " -\n";
}

sas::RetainedPeer NewPeer(const std::string& identity, unsigned char device, unsigned char rs) {
  sas::RetainedPeer peer;
  peer.identity = identity;
  peer.device.fill(device);
  const std::string secret(32, static_cast<char>(rs));
  CPPUNIT_ASSERT(peer.rs1.CopyFrom(e2esasl::AsBytes(secret)));
  return peer;
}

}  // namespace

// At global scope: Debian's CppUnit names suites by the fully qualified type name.
class SasRetainedTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SasRetainedTest);
  CPPUNIT_TEST(testParsesAndSerializesBack);
  CPPUNIT_TEST(testRefusesEveryMalformedLine);
  CPPUNIT_TEST(testMissingFileIsAnEmptyStore);
  CPPUNIT_TEST(testFirstUpdateMakesAStableSelfId);
  CPPUNIT_TEST(testUnsafeFilesAreRefusedAndLeftAlone);
  CPPUNIT_TEST(testCorruptedStoreIsNeverOverwritten);
  CPPUNIT_TEST(testForgetRemovesEveryDeviceOfAPeer);
  CPPUNIT_TEST(testConcurrentProcessesLoseNoUpdate);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testParsesAndSerializesBack() {
    Failure failure;
    std::optional<sas::RetainedFile> file = sas::ParseRetained(Valid(), &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, file.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, file->peers.size());
    const sas::RetainedPeer& bob = file->peers[0];
    CPPUNIT_ASSERT_EQUAL(std::string("bob@biloxi.net"), bob.identity);
    CPPUNIT_ASSERT(bob.verified);
    CPPUNIT_ASSERT_EQUAL(int64_t{1700000000}, bob.created);
    CPPUNIT_ASSERT_EQUAL(int64_t{1700000100}, bob.confirmed);
    CPPUNIT_ASSERT_EQUAL(int64_t{1700000200}, bob.updated);
    CPPUNIT_ASSERT(bob.rs1.view()[0] == 'r' && bob.rs2.has_value() && bob.rs2->view()[31] == 's');
    CPPUNIT_ASSERT(!file->peers[1].verified && !file->peers[1].rs2.has_value());
    CPPUNIT_ASSERT_EQUAL(Valid(), std::string(sas::SerializeRetained(*file).view()));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, file->ForIdentity("carol").size());
    CPPUNIT_ASSERT(file->Find("bob@biloxi.net", bob.device) == &file->peers[0]);
    CPPUNIT_ASSERT(file->Find("bob", bob.device) == nullptr);
  }

  void testRefusesEveryMalformedLine() {
    const std::string head = "e2esasl-sas-retained 1\nself " + kSelf + "\n";
    const std::string peer = "peer " + B64("bob") + " " + kDev + " 1 1 2 3 " + kRs;
    const struct {
      std::string text;
      std::string detail;
    } cases[] = {
        {"", "line 1: empty file"},
        {"e2esasl-sas-retained 2\n", "line 1: unsupported version (this program reads version 1)"},
        {"something else\n", "line 1: not an e2esasl SAS retained-secret store"},
        {"e2esasl-sas-retained 1\n", "line 2: no self line"},
        {"e2esasl-sas-retained 1", "line 1: the last line does not end with a newline"},
        {"e2esasl-sas-retained 1\nself AAAA\n", "line 2: expected self <base64 of 16 bytes>"},
        {head + peer + " -", "line 3: the last line does not end with a newline"},
        {head + peer + "\n", "line 3: a peer line has 9 fields"},
        {head + peer + " - extra\n", "line 3: a peer line has 9 fields"},
        {head + "friend x\n", "line 3: expected a peer line"},
        {head + "peer = " + kDev + " 1 1 2 3 " + kRs + " -\n",
         "line 3: identity: expected base64 of 1 to 1024 bytes, no NUL"},
        {head + "peer " + B64(std::string(1025, 'x')) + " " + kDev + " 1 1 2 3 " + kRs + " -\n",
         "line 3: identity: expected base64 of 1 to 1024 bytes, no NUL"},
        {head + "peer " + B64("bob") + " " + B64("short") + " 1 1 2 3 " + kRs + " -\n",
         "line 3: device: expected base64 of 16 bytes"},
        {head + "peer " + B64("bob") + " " + kDev + " yes 1 2 3 " + kRs + " -\n",
         "line 3: verified: expected 0 or 1"},
        {head + "peer " + B64("bob") + " " + kDev + " 1 -1 2 3 " + kRs + " -\n",
         "line 3: times: expected Unix seconds"},
        {head + "peer " + B64("bob") + " " + kDev + " 1 01 2 3 " + kRs + " -\n",
         "line 3: times: expected Unix seconds"},
        {head + "peer " + B64("bob") + " " + kDev + " 1 1 2 3 " +
             B64("31 bytes of secret material..") + " -\n",
         "line 3: rs1: expected base64 of 32 bytes"},
        {head + peer + " " + B64(std::string(33, 'x')) + "\n",
         "line 3: rs2: expected base64 of 32 bytes or -"},
        {head + peer + " -\n" + peer + " " + kRs2 + "\n",
         "line 4: the same identity and device twice"},
        {head + peer + "  -\n", "line 3: a peer line has 9 fields"},
        {head + "peer " + B64(std::string("b\0b", 3)) + " " + kDev + " 1 1 2 3 " + kRs + " -\n",
         "line 3: identity: expected base64 of 1 to 1024 bytes, no NUL"},
    };
    for (const auto& c : cases) {
      Failure failure;
      CPPUNIT_ASSERT_MESSAGE(c.text, !sas::ParseRetained(c.text, &failure).has_value());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.text, Status::kMalformed, failure.status);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.text, c.detail, failure.detail);
    }
  }

  void testMissingFileIsAnEmptyStore() {
    const std::string dir = TempDir();
    Failure failure;
    bool exists = true;
    const auto file = sas::LoadRetained(dir + "/store", &failure, &exists);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, file.has_value());
    CPPUNIT_ASSERT(!exists && file->peers.empty());
    CPPUNIT_ASSERT(!fs::exists(dir + "/store"));
    fs::remove_all(dir);
  }

  void testFirstUpdateMakesAStableSelfId() {
    const std::string dir = TempDir();
    const std::string path = dir + "/store";
    Failure failure;
    CPPUNIT_ASSERT(sas::UpdateRetained(
        path, SystemRandom(), [](sas::RetainedFile&) { return false; }, &failure));
    struct stat st {};
    CPPUNIT_ASSERT_EQUAL(0, stat(path.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL(0600u, static_cast<unsigned>(st.st_mode & 0777));
    const auto first = sas::LoadRetained(path, &failure);
    CPPUNIT_ASSERT(first.has_value() && first->self != sas::DeviceId{});
    CPPUNIT_ASSERT(sas::UpdateRetained(
        path, SystemRandom(),
        [](sas::RetainedFile& f) {
          f.peers.push_back(NewPeer("bob", 1, 7));
          return true;
        },
        &failure));
    const auto second = sas::LoadRetained(path, &failure);
    CPPUNIT_ASSERT(second.has_value() && second->self == first->self);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, second->peers.size());
    // No temporary file is left beside the store.
    size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) {
      ++entries;
    }
    CPPUNIT_ASSERT_EQUAL(size_t{2}, entries);  // store and store.lock
    fs::remove_all(dir);
  }

  void testUnsafeFilesAreRefusedAndLeftAlone() {
    const std::string dir = TempDir();
    const std::string path = dir + "/store";
    WriteWhole(path, Valid(), 0640);
    Failure failure;
    CPPUNIT_ASSERT(!sas::LoadRetained(path, &failure).has_value());
    CPPUNIT_ASSERT_EQUAL(Status::kUnavailable, failure.status);
    CPPUNIT_ASSERT_EQUAL(path + ": readable or writable by group or others (use mode 0600)",
                         failure.detail);
    CPPUNIT_ASSERT(!sas::UpdateRetained(
        path, SystemRandom(), [](sas::RetainedFile&) { return true; }, &failure));
    CPPUNIT_ASSERT_EQUAL(Valid(), ReadWhole(path));
    // A symbolic link in the last component.
    CPPUNIT_ASSERT_EQUAL(0, chmod(path.c_str(), 0600));
    const std::string link = dir + "/link";
    CPPUNIT_ASSERT_EQUAL(0, symlink(path.c_str(), link.c_str()));
    CPPUNIT_ASSERT(!sas::LoadRetained(link, &failure).has_value());
    CPPUNIT_ASSERT_EQUAL(link + ": is a symbolic link", failure.detail);
    // Owned by another user (only root can make one).
    if (geteuid() == 0) {
      CPPUNIT_ASSERT_EQUAL(0, chown(path.c_str(), 65534, 65534));
      CPPUNIT_ASSERT(!sas::LoadRetained(path, &failure).has_value());
      CPPUNIT_ASSERT_MESSAGE(failure.detail,
                             failure.detail.find("owned by uid 65534") != std::string::npos);
      CPPUNIT_ASSERT(!sas::UpdateRetained(
          path, SystemRandom(), [](sas::RetainedFile&) { return true; }, &failure));
      CPPUNIT_ASSERT_EQUAL(Valid(), ReadWhole(path));
    }
    // A directory where the file should be.
    const std::string sub = dir + "/sub";
    CPPUNIT_ASSERT(fs::create_directory(sub));
    CPPUNIT_ASSERT(!sas::LoadRetained(sub, &failure).has_value());
    CPPUNIT_ASSERT_EQUAL(Status::kUnavailable, failure.status);
    fs::remove_all(dir);
  }

  void testCorruptedStoreIsNeverOverwritten() {
    const std::string dir = TempDir();
    const std::string path = dir + "/store";
    const std::string valid = Valid();
    for (const std::string& bad :
         {valid.substr(0, valid.size() - 10), valid.substr(0, valid.size() / 2),
          "e2esasl-sas-retained 9\n" + valid.substr(valid.find('\n') + 1),
          std::string("\0\0", 2)}) {
      WriteWhole(path, bad);
      Failure failure;
      bool called = false;
      CPPUNIT_ASSERT(!sas::UpdateRetained(
          path, SystemRandom(),
          [&](sas::RetainedFile&) {
            called = true;
            return true;
          },
          &failure));
      CPPUNIT_ASSERT(!called);
      CPPUNIT_ASSERT_EQUAL(Status::kUnavailable, failure.status);
      CPPUNIT_ASSERT_MESSAGE(failure.detail, failure.detail.rfind(path + ": line ", 0) == 0);
      CPPUNIT_ASSERT(bad == ReadWhole(path));
    }
    fs::remove_all(dir);
  }

  void testForgetRemovesEveryDeviceOfAPeer() {
    sas::RetainedFile file;
    file.peers.push_back(NewPeer("bob", 1, 1));
    file.peers.push_back(NewPeer("bob", 2, 2));
    file.peers.push_back(NewPeer("carol", 1, 3));
    CPPUNIT_ASSERT_EQUAL(size_t{2}, file.Forget("bob"));
    CPPUNIT_ASSERT_EQUAL(size_t{0}, file.Forget("bob"));
    CPPUNIT_ASSERT_EQUAL(size_t{1}, file.peers.size());
    CPPUNIT_ASSERT_EQUAL(std::string("carol"), file.peers[0].identity);
  }

  // Four processes add 25 peers each to one store, one update at a time each: every one of the
  // 100 is there afterwards (the lock serialises read-modify-write; rename keeps readers whole).
  void testConcurrentProcessesLoseNoUpdate() {
    const std::string dir = TempDir();
    const std::string path = dir + "/store";
    constexpr int kProcesses = 4, kEach = 25;
    pid_t pids[kProcesses];
    for (int p = 0; p < kProcesses; ++p) {
      pids[p] = fork();
      CPPUNIT_ASSERT(pids[p] >= 0);
      if (pids[p] == 0) {
        for (int i = 0; i < kEach; ++i) {
          Failure failure;
          const bool ok = sas::UpdateRetained(
              path, SystemRandom(),
              [&](sas::RetainedFile& f) {
                f.peers.push_back(NewPeer("peer-" + std::to_string(p) + "-" + std::to_string(i),
                                          static_cast<unsigned char>(p), 9));
                return true;
              },
              &failure);
          // A reader between the writes always sees a whole file.
          if (!ok || !sas::LoadRetained(path, &failure).has_value()) {
            _exit(1);
          }
        }
        _exit(0);
      }
    }
    for (pid_t pid : pids) {
      int status = 0;
      CPPUNIT_ASSERT_EQUAL(pid, waitpid(pid, &status, 0));
      CPPUNIT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    Failure failure;
    const auto file = sas::LoadRetained(path, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, file.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{kProcesses * kEach}, file->peers.size());
    fs::remove_all(dir);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SasRetainedTest);
