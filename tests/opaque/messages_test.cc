// messages_test.cc: the parsers of plugins/opaque beyond the SASL exchange tests: KSF text, stored
// records, the key file format and the key file's creation (mode 0600, reuse), and the Argon2id
// KSF itself (p = 4 through libargon2).
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/random.h"
#include "opaque/key_file.h"
#include "opaque/ksf.h"
#include "opaque/oprf.h"
#include "opaque/records.h"

using namespace e2esasl;          // NOLINT: test file
using namespace e2esasl::opaque;  // NOLINT: test file

class OpaqueMessagesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OpaqueMessagesTest);
  CPPUNIT_TEST(testKsfText);
  CPPUNIT_TEST(testDefaultKsfCap);
  CPPUNIT_TEST(testArgon2id);
  CPPUNIT_TEST(testStoredRecordRoundTrip);
  CPPUNIT_TEST(testKeyFile);
  CPPUNIT_TEST(testKeyFileCache);
  CPPUNIT_TEST(testKeyFileOwner);
  CPPUNIT_TEST(testFakeRecord);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testKsfText() {
    const std::optional<KsfParams> ok = KsfParams::Parse("argon2id:65536:3:4");
    CPPUNIT_ASSERT(ok && *ok == KsfParams{});
    CPPUNIT_ASSERT_EQUAL(std::string("argon2id:65536:3:4"), ok->Serialize());
    for (const char* bad :
         {"", "argon2id", "argon2id:1:1:1", "argon2id:65536:3", "argon2id:065536:3:4",
          "argon2id:65536:0:4", "argon2id:65536:3:0", "argon2id:65536:3:4:", "argon2i:65536:3:4",
          "argon2id:+65536:3:4", "argon2id:99999999999:3:4", "argon2id:16777217:1:1",
          "argon2id:65536:3:256"}) {
      CPPUNIT_ASSERT_MESSAGE(bad, !KsfParams::Parse(bad).has_value());
    }
    const KsfCap cap{1024, 2, 4, 2048};
    CPPUNIT_ASSERT((KsfParams{KsfKind::kArgon2id, 1024, 2, 4}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 1025, 2, 4}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 1024, 3, 4}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 1024, 2, 5}.WithinCap(cap)));
    CPPUNIT_ASSERT(!KsfParams::Identity().WithinCap(cap));
    // The total work m * t is capped on its own: each parameter within its cap is not enough.
    const KsfCap work_cap{1024, 2, 4, 1536};
    CPPUNIT_ASSERT((KsfParams{KsfKind::kArgon2id, 768, 2, 4}.WithinCap(work_cap)));
    CPPUNIT_ASSERT((KsfParams{KsfKind::kArgon2id, 1024, 1, 4}.WithinCap(work_cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 769, 2, 4}.WithinCap(work_cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 1024, 2, 4}.WithinCap(work_cap)));
  }

  // The default cap (ksf.h): the default KSF and up to twice its memory and its work pass;
  // more of either, and the review's 1 GiB x 16 passes x 16 lanes, do not.
  void testDefaultKsfCap() {
    const KsfCap cap;
    CPPUNIT_ASSERT_EQUAL(uint32_t{131072}, cap.memory_kib);
    CPPUNIT_ASSERT_EQUAL(uint64_t{393216}, cap.work_kib);
    CPPUNIT_ASSERT_EQUAL(std::string("m<=131072 t<=8 p<=8 m*t<=393216"), cap.Describe());
    CPPUNIT_ASSERT(KsfParams{}.WithinCap(cap));
    CPPUNIT_ASSERT((KsfParams{KsfKind::kArgon2id, 131072, 3, 4}.WithinCap(cap)));
    CPPUNIT_ASSERT((KsfParams{KsfKind::kArgon2id, 65536, 6, 8}.WithinCap(cap)));
    CPPUNIT_ASSERT((KsfParams{KsfKind::kArgon2id, 49152, 8, 8}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 131072, 4, 4}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 65536, 7, 4}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 131080, 1, 4}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 32768, 9, 4}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 65536, 1, 9}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 1u << 20, 16, 16}.WithinCap(cap)));
  }

  void testArgon2id() {
    const KsfParams small{KsfKind::kArgon2id, 64, 1, 4};
    const std::optional<SecretBytes> a = Stretch(small, AsBytes("msg"));
    const std::optional<SecretBytes> b = Stretch(small, AsBytes("msg"));
    const std::optional<SecretBytes> c =
        Stretch(KsfParams{KsfKind::kArgon2id, 64, 1, 2}, AsBytes("msg"));
    CPPUNIT_ASSERT(a && b && c);
    CPPUNIT_ASSERT_EQUAL(size_t{64}, a->size());
    CPPUNIT_ASSERT(*a == *b);
    CPPUNIT_ASSERT(*a != *c);  // p is a real parameter (libsodium could not do p = 4)
    const std::optional<SecretBytes> id = Stretch(KsfParams::Identity(), AsBytes("msg"));
    CPPUNIT_ASSERT(id && ToString(*id) == "msg");
  }

  void testStoredRecordRoundTrip() {
    ServerKeyMaterial keys = *GenerateKeyMaterial(SystemRandom());
    StoredRecord stored;
    stored.credential_identifier = ToBytes("alice");
    CPPUNIT_ASSERT(FakeRecordFor(keys, stored.credential_identifier, &stored.record));
    const SecretString text = stored.Serialize();
    const std::optional<StoredRecord> parsed = StoredRecord::Parse(text.view());
    CPPUNIT_ASSERT(parsed.has_value());
    CPPUNIT_ASSERT(parsed->record == stored.record);
    CPPUNIT_ASSERT(parsed->ksf == stored.ksf);
    // The fake record is stable per identifier and differs between identifiers.
    RegistrationRecord again, other;
    CPPUNIT_ASSERT(FakeRecordFor(keys, ToBytes("alice"), &again));
    CPPUNIT_ASSERT(FakeRecordFor(keys, ToBytes("bob"), &other));
    CPPUNIT_ASSERT(again == stored.record);
    CPPUNIT_ASSERT(!(other == stored.record));
    std::string broken(text.view());
    CPPUNIT_ASSERT(!StoredRecord::Parse(broken + "A").has_value());
    CPPUNIT_ASSERT(!StoredRecord::Parse(broken.substr(0, broken.size() - 4)).has_value());
    CPPUNIT_ASSERT(
        !StoredRecord::Parse("v1$argon2id:65536:3:4$$" + broken.substr(broken.rfind('$') + 1))
             .has_value());
  }

  void testKeyFile() {
    char tmpl[] = "/tmp/e2esasl-opaque-XXXXXX";
    CPPUNIT_ASSERT(mkdtemp(tmpl) != nullptr);
    const std::string path = std::string(tmpl) + "/key";
    Failure failure;
    const std::optional<ServerKeyMaterial> created =
        LoadOrCreateKeyFile(path, SystemRandom(), &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, created.has_value());
    struct stat st {};
    CPPUNIT_ASSERT_EQUAL(0, stat(path.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL(0600u, static_cast<unsigned>(st.st_mode & 0777));
    const std::optional<ServerKeyMaterial> loaded =
        LoadOrCreateKeyFile(path, SystemRandom(), &failure);
    CPPUNIT_ASSERT(loaded && loaded->public_key == created->public_key);
    const SecretString text = SerializeKeyMaterial(*loaded);
    CPPUNIT_ASSERT(ParseKeyMaterial(text.view()).has_value());
    CPPUNIT_ASSERT(!ParseKeyMaterial(std::string(text.view()) + "extra=1\n").has_value());
    CPPUNIT_ASSERT(!ParseKeyMaterial("oprf_seed=AAAA\n").has_value());
    CPPUNIT_ASSERT_EQUAL(0, chmod(path.c_str(), 0640));
    CPPUNIT_ASSERT(!LoadKeyFile(path, &failure).has_value());
    CPPUNIT_ASSERT(failure.status == Status::kUnavailable);
    unlink(path.c_str());
    rmdir(tmpl);
  }

  // The per-login cache returns the file's material while the file is unchanged, and sees every
  // change: a chmod to group-readable is refused at once, a replaced file gives the new keys.
  void testKeyFileCache() {
    char tmpl[] = "/tmp/e2esasl-opaque-XXXXXX";
    CPPUNIT_ASSERT(mkdtemp(tmpl) != nullptr);
    const std::string path = std::string(tmpl) + "/key";
    Failure failure;
    const std::optional<ServerKeyMaterial> created =
        LoadOrCreateKeyFileCached(path, SystemRandom(), &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, created.has_value());
    for (int i = 0; i < 3; ++i) {
      const std::optional<ServerKeyMaterial> again =
          LoadOrCreateKeyFileCached(path, SystemRandom(), &failure);
      CPPUNIT_ASSERT(again && again->public_key == created->public_key);
      CPPUNIT_ASSERT(std::ranges::equal(again->oprf_seed.view(), created->oprf_seed.view()));
      CPPUNIT_ASSERT(std::ranges::equal(again->private_key.view(), created->private_key.view()));
    }
    // Made readable by the group: refused from the next load on, cache or not.
    CPPUNIT_ASSERT_EQUAL(0, chmod(path.c_str(), 0640));
    failure = Failure{};
    CPPUNIT_ASSERT(!LoadOrCreateKeyFileCached(path, SystemRandom(), &failure).has_value());
    CPPUNIT_ASSERT(failure.status == Status::kUnavailable);
    CPPUNIT_ASSERT_EQUAL(0, chmod(path.c_str(), 0600));
    CPPUNIT_ASSERT(LoadOrCreateKeyFileCached(path, SystemRandom(), &failure).has_value());
    // Replaced by other key material (renamed over it, as an administrator's tool would).
    const std::optional<ServerKeyMaterial> other = GenerateKeyMaterial(SystemRandom());
    CPPUNIT_ASSERT(other.has_value());
    const std::string temp = path + ".new";
    {
      std::ofstream out(temp, std::ios::binary);
      out << SerializeKeyMaterial(*other).view();
    }
    CPPUNIT_ASSERT_EQUAL(0, chmod(temp.c_str(), 0600));
    CPPUNIT_ASSERT_EQUAL(0, rename(temp.c_str(), path.c_str()));
    const std::optional<ServerKeyMaterial> replaced =
        LoadOrCreateKeyFileCached(path, SystemRandom(), &failure);
    CPPUNIT_ASSERT(replaced && replaced->public_key == other->public_key);
    CPPUNIT_ASSERT(!(replaced->public_key == created->public_key));
    // Removed: created afresh (new keys), not served from memory.
    CPPUNIT_ASSERT_EQUAL(0, unlink(path.c_str()));
    const std::optional<ServerKeyMaterial> fresh =
        LoadOrCreateKeyFileCached(path, SystemRandom(), &failure);
    CPPUNIT_ASSERT(fresh && !(fresh->public_key == other->public_key));
    unlink(path.c_str());
    rmdir(tmpl);
  }

  // The key file must belong to the effective user (or root): a 0600 file given to another user
  // is refused, by the per-login cache too. Giving a file away (chown) needs root, as in CI;
  // without root the test says it is skipped.
  void testKeyFileOwner() {
    if (geteuid() != 0) {
      std::cerr << "SKIPPED OpaqueMessagesTest::testKeyFileOwner: not root, cannot chown a file "
                   "to another user\n";
      return;
    }
    const passwd* nobody = getpwnam("nobody");
    CPPUNIT_ASSERT_MESSAGE("no user \"nobody\" to give the file to",
                           nobody != nullptr && nobody->pw_uid != 0);
    char tmpl[] = "/tmp/e2esasl-opaque-XXXXXX";
    CPPUNIT_ASSERT(mkdtemp(tmpl) != nullptr);
    const std::string path = std::string(tmpl) + "/key";
    Failure failure;
    CPPUNIT_ASSERT_MESSAGE(failure.detail,
                           LoadOrCreateKeyFileCached(path, SystemRandom(), &failure).has_value());
    CPPUNIT_ASSERT_EQUAL(0, chown(path.c_str(), nobody->pw_uid, nobody->pw_gid));
    struct stat st {};
    CPPUNIT_ASSERT_EQUAL(0, stat(path.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL(0600u, static_cast<unsigned>(st.st_mode & 0777));
    for (int cached = 0; cached < 2; ++cached) {
      failure = Failure{};
      const std::optional<ServerKeyMaterial> keys =
          cached ? LoadOrCreateKeyFileCached(path, SystemRandom(), &failure)
                 : LoadKeyFile(path, &failure);
      CPPUNIT_ASSERT(!keys.has_value());
      CPPUNIT_ASSERT(failure.status == Status::kUnavailable);
      CPPUNIT_ASSERT_MESSAGE(
          failure.detail, failure.detail.find("owned by uid " + std::to_string(nobody->pw_uid)) !=
                              std::string::npos);
    }
    CPPUNIT_ASSERT_EQUAL(0, chown(path.c_str(), 0, 0));
    CPPUNIT_ASSERT(LoadKeyFile(path, &failure).has_value());
    unlink(path.c_str());
    rmdir(tmpl);
  }

  // The fake record of an unknown user: a valid element as its public key, the same for the
  // same user and key material, different for another user or another server.
  void testFakeRecord() {
    const std::optional<ServerKeyMaterial> keys = GenerateKeyMaterial(SystemRandom());
    const std::optional<ServerKeyMaterial> other_keys = GenerateKeyMaterial(SystemRandom());
    CPPUNIT_ASSERT(keys && other_keys);
    RegistrationRecord a, again, b, c;
    CPPUNIT_ASSERT(FakeRecordFor(*keys, ToBytes("mallory"), &a));
    CPPUNIT_ASSERT(FakeRecordFor(*keys, ToBytes("mallory"), &again));
    CPPUNIT_ASSERT(FakeRecordFor(*keys, ToBytes("trudy"), &b));
    CPPUNIT_ASSERT(FakeRecordFor(*other_keys, ToBytes("mallory"), &c));
    CPPUNIT_ASSERT(ristretto255::IsValidElement(a.client_public_key));
    CPPUNIT_ASSERT(a.client_public_key == again.client_public_key);
    CPPUNIT_ASSERT(a.masking_key == again.masking_key);
    CPPUNIT_ASSERT(!(a.client_public_key == b.client_public_key));
    CPPUNIT_ASSERT(!(a.client_public_key == c.client_public_key));
    CPPUNIT_ASSERT(!(a.masking_key == b.masking_key));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OpaqueMessagesTest);
