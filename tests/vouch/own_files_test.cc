// own_files_test.cc: an end's own VOUCH files as the plugin reads them at every exchange
// (plugins/vouch/own_files.h): the device key and the trust directory are parsed once while their
// files stay the same, and read (and checked) again as soon as one is replaced, edited, re-moded
// or added.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "support/store_files.h"
#include "vouch/own_files.h"
#include "vouch_files.h"

using namespace e2esasl;           // NOLINT: test file
using namespace e2esasl::vouch;    // NOLINT: test file
using namespace e2esasl::testing;  // NOLINT: test file

class VouchOwnFilesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VouchOwnFilesTest);
  CPPUNIT_TEST(testDeviceKeyReadAgainWhenItChanges);
  CPPUNIT_TEST(testTrustDirectoryReadAgainWhenItChanges);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { dir_ = NewTempDir("e2esasl-vouch-own"); }
  void tearDown() override { std::filesystem::remove_all(dir_); }

  void testDeviceKeyReadAgainWhenItChanges() {
    test::VouchFiles files(dir_);
    const std::string path = files.Device("device");
    Failure failure;
    std::shared_ptr<const PrivateKey> first = ReadDeviceKeyFile(path, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, first != nullptr);
    // Unchanged: the same parsed key.
    CPPUNIT_ASSERT(ReadDeviceKeyFile(path, &failure) == first);
    // Readable by others now: refused, though it was accepted before.
    CPPUNIT_ASSERT_EQUAL(0, chmod(path.c_str(), 0644));
    Failure refused;
    CPPUNIT_ASSERT(ReadDeviceKeyFile(path, &refused) == nullptr);
    CPPUNIT_ASSERT_MESSAGE(refused.detail, refused.detail.find(path) != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(0, chmod(path.c_str(), 0600));
    // Another key in its place (written anew, as device-keygen does): the new key.
    const std::string other = files.Device("other");
    std::filesystem::rename(other, path);
    std::shared_ptr<const PrivateKey> replaced = ReadDeviceKeyFile(path, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, replaced != nullptr);
    CPPUNIT_ASSERT(replaced->kid() != first->kid());
  }

  void testTrustDirectoryReadAgainWhenItChanges() {
    test::VouchFiles files(dir_);
    files.Issuer("atlanta.example");
    Failure failure;
    std::shared_ptr<const TrustStore> first = ReadTrustDirectory(files.TrustDir(), &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, first != nullptr);
    CPPUNIT_ASSERT(first->HasDomain("atlanta.example"));
    CPPUNIT_ASSERT(ReadTrustDirectory(files.TrustDir(), &failure) == first);
    // A new domain's file: read again, with it.
    files.Issuer("biloxi.example");
    std::shared_ptr<const TrustStore> more = ReadTrustDirectory(files.TrustDir(), &failure);
    CPPUNIT_ASSERT(more != nullptr && more != first && more->HasDomain("biloxi.example"));
    // A file edited in place (the directory itself unchanged): read again; broken: refused.
    const std::string atlanta = files.TrustDir() + "/atlanta.example.jwks";
    WriteWhole(atlanta, "{\"keys\": [}", 0644);
    Failure broken;
    CPPUNIT_ASSERT(ReadTrustDirectory(files.TrustDir(), &broken) == nullptr);
    CPPUNIT_ASSERT_MESSAGE(broken.detail, !broken.detail.empty());
  }

 private:
  std::string dir_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(VouchOwnFilesTest);
