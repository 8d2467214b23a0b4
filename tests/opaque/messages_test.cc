// messages_test.cc: the parsers of plugins/opaque beyond the SASL exchange tests: KSF text, stored
// records, the key file format and the key file's creation (mode 0600, reuse), and the Argon2id
// KSF itself (p = 4 through libargon2).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/random.h"
#include "opaque/key_file.h"
#include "opaque/ksf.h"
#include "opaque/records.h"

using namespace e2esasl;          // NOLINT: test file
using namespace e2esasl::opaque;  // NOLINT: test file

class OpaqueMessagesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OpaqueMessagesTest);
  CPPUNIT_TEST(testKsfText);
  CPPUNIT_TEST(testArgon2id);
  CPPUNIT_TEST(testStoredRecordRoundTrip);
  CPPUNIT_TEST(testKeyFile);
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
    const KsfParams cap{KsfKind::kArgon2id, 1024, 2, 4};
    CPPUNIT_ASSERT((KsfParams{KsfKind::kArgon2id, 1024, 2, 4}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 1025, 2, 4}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 1024, 3, 4}.WithinCap(cap)));
    CPPUNIT_ASSERT(!(KsfParams{KsfKind::kArgon2id, 1024, 2, 5}.WithinCap(cap)));
    CPPUNIT_ASSERT(!KsfParams::Identity().WithinCap(cap));
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(OpaqueMessagesTest);
