// adapter_test.cc: the glue's own pieces without libsasl2 running: ClientAdapter / ServerAdapter
// (plugins/sasl/mechanism.h) forward to a family's session what it has and give the documented
// defaults for what it lacks, ServerAdapter owns the Source its session reads, and ToSaslCode
// (plugins/sasl/errors.h) maps every Status.
#include <cstdarg>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/random.h"
#include "sasl/errors.h"
#include "sasl/mechanism.h"
#include "sasl/plug_table.h"

namespace {

using e2esasl::Bytes;
using e2esasl::ByteView;
using e2esasl::Failure;
using e2esasl::Rng;
using e2esasl::Status;
namespace cb = e2esasl::cb;
namespace sasl = e2esasl::sasl;

struct Config {
  std::string name;
};

// Plain: a session that asks nobody; Step echoes the config's name and the input size.
class Plain {
 public:
  Plain(Rng&, Config config) : config_(std::move(config)) {}
  Status Step(ByteView in, Bytes* out, Failure*) {
    *out = Bytes(config_.name.begin(), config_.name.end());
    out->push_back(static_cast<uint8_t>(in.size()));
    return Status::kContinue;
  }
  std::string_view Authzid() const { return "zed"; }
  cb::Disposition Disposition() const { return cb::Disposition::kUsed; }

 private:
  Config config_;
};

// Asking: a session that asks a person and announces the string.
class Asking : public Plain {
 public:
  using Plain::Plain;
  std::optional<std::string> PendingConfirmation() const { return "123 456"; }
  std::optional<std::string> Announcement() const { return "shown"; }
  Status Confirm(bool accepted, Bytes* out, Failure*) {
    *out = {accepted ? uint8_t{1} : uint8_t{0}};
    return accepted ? Status::kOk : Status::kAuthFailed;
  }
};

// Source / Reading: a server session that reads a Source the adapter owns.
struct Source {
  explicit Source(sasl::Identity& identity) : identity(&identity) {}
  sasl::Identity* identity;
};
class Reading : public Plain {
 public:
  Reading(Rng& rng, Source& source, Config config)
      : Plain(rng, std::move(config)), source_(source) {}
  Status Step(ByteView in, Bytes* out, Failure* failure) {
    seen_identity = source_.identity;
    return Plain::Step(in, out, failure);
  }
  static inline const sasl::Identity* seen_identity = nullptr;

 private:
  Source& source_;
};

// RecordError: a seterror callback that keeps the last detail set (sasl_errdetail()'s text).
std::string last_error;
void RecordError(sasl_conn_t* /*conn*/, unsigned /*flags*/, const char* fmt, ...) {
  char text[700];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(text, sizeof(text), fmt, args);
  va_end(args);
  last_error = text;
}

void Dispose(void* /*conn_context*/, const sasl_utils_t* /*utils*/) {}

const sasl::MechanismSpec kSpecs[] = {
    sasl::MechanismSpec{"ONE", 1, 2, true, false, 0, nullptr, nullptr, nullptr},
    sasl::MechanismSpec{"TWO", 4, 8, false, true, 0, nullptr, nullptr, nullptr},
};
const sasl::Family kTestFamily{"e2esasl-test", kSpecs};

void CompleteTestPlug(sasl::PlugEntry& /*entry*/, sasl_server_plug_t* plug) {
  plug->mech_dispose = &Dispose;
}
sasl::PlugTable<sasl_server_plug_t>& TestTable(const sasl::Family& family) {
  static sasl::PlugTable<sasl_server_plug_t> table(family, &CompleteTestPlug);
  return table;
}

}  // namespace

// At global scope: CppUnit names suites by their qualified type name.
class SaslAdapterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SaslAdapterTest);
  CPPUNIT_TEST(testClientAdapterForwardsStep);
  CPPUNIT_TEST(testClientAdapterDefaults);
  CPPUNIT_TEST(testClientAdapterForwardsPerson);
  CPPUNIT_TEST(testServerAdapterWithoutSource);
  CPPUNIT_TEST(testServerAdapterOwnsSource);
  CPPUNIT_TEST(testToSaslCode);
  CPPUNIT_TEST(testBeginStep);
  CPPUNIT_TEST(testPlugTable);
  CPPUNIT_TEST(testPlugInit);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testClientAdapterForwardsStep() {
    sasl::ClientAdapter<Plain> adapter(e2esasl::SystemRandom(), Config{"ab"});
    Bytes out;
    Failure failure;
    CPPUNIT_ASSERT(adapter.Step(Bytes(3, 0), &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(out == Bytes({'a', 'b', 3}));
  }

  // A session without PendingConfirmation / Announcement / Confirm: nothing to ask or show, and
  // a Confirm out of turn is kInternal.
  void testClientAdapterDefaults() {
    sasl::ClientAdapter<Plain> adapter(e2esasl::SystemRandom(), Config{"ab"});
    CPPUNIT_ASSERT(!adapter.PendingConfirmation().has_value());
    CPPUNIT_ASSERT(!adapter.Announcement().has_value());
    Bytes out;
    Failure failure;
    CPPUNIT_ASSERT(adapter.Confirm(true, &out, &failure) == Status::kInternal);
    CPPUNIT_ASSERT(failure.status == Status::kInternal);
    CPPUNIT_ASSERT_EQUAL(std::string("no confirmation was pending"), failure.detail);
  }

  void testClientAdapterForwardsPerson() {
    sasl::ClientAdapter<Asking> adapter(e2esasl::SystemRandom(), Config{"ab"});
    CPPUNIT_ASSERT_EQUAL(std::string("123 456"), adapter.PendingConfirmation().value());
    CPPUNIT_ASSERT_EQUAL(std::string("shown"), adapter.Announcement().value());
    Bytes out;
    Failure failure;
    CPPUNIT_ASSERT(adapter.Confirm(true, &out, &failure) == Status::kOk);
    CPPUNIT_ASSERT(out == Bytes({1}));
    CPPUNIT_ASSERT(adapter.Confirm(false, &out, &failure) == Status::kAuthFailed);
    CPPUNIT_ASSERT(out == Bytes({0}));
  }

  void testServerAdapterWithoutSource() {
    sasl::ServerSetup setup;
    setup.rng = &e2esasl::SystemRandom();
    sasl::ServerAdapter<Plain> plain(setup, Config{"s"});
    Bytes out;
    Failure failure;
    CPPUNIT_ASSERT(plain.Step({}, &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(out == Bytes({'s', 0}));
    CPPUNIT_ASSERT_EQUAL(std::string("zed"), std::string(plain.authzid()));
    CPPUNIT_ASSERT(plain.disposition() == cb::Disposition::kUsed);
    CPPUNIT_ASSERT(!plain.PendingConfirmation().has_value());
    CPPUNIT_ASSERT(plain.Confirm(true, &out, &failure) == Status::kInternal);
    sasl::ServerAdapter<Asking> asking(setup, Config{"s"});
    CPPUNIT_ASSERT_EQUAL(std::string("123 456"), asking.PendingConfirmation().value());
    CPPUNIT_ASSERT_EQUAL(std::string("shown"), asking.Announcement().value());
    CPPUNIT_ASSERT(asking.Confirm(true, &out, &failure) == Status::kOk);
  }

  // The Source is built from the setup's Identity and handed to the session by reference.
  void testServerAdapterOwnsSource() {
    sasl::Identity identity(nullptr, nullptr, "TEST");
    sasl::ServerSetup setup;
    setup.rng = &e2esasl::SystemRandom();
    setup.identity = &identity;
    sasl::ServerAdapter<Reading, Source> adapter(setup, Config{"r"});
    Bytes out;
    Failure failure;
    CPPUNIT_ASSERT(adapter.Step({}, &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(out == Bytes({'r', 0}));
    CPPUNIT_ASSERT(Reading::seen_identity == &identity);
  }

  void testToSaslCode() {
    const std::pair<Status, int> table[] = {
        {Status::kOk, SASL_OK},
        {Status::kContinue, SASL_CONTINUE},
        {Status::kMalformed, SASL_BADPROT},
        {Status::kAuthFailed, SASL_BADAUTH},
        {Status::kBadBinding, SASL_BADBINDING},
        {Status::kUnavailable, SASL_UNAVAIL},
        {Status::kInternal, SASL_FAIL},
    };
    for (const auto& [status, code] : table) {
      CPPUNIT_ASSERT_EQUAL(code, sasl::ToSaslCode(status));
    }
  }

  // BeginStep: the output cleared on every call; a message at the cap passes, one byte more
  // ends the exchange (SASL_BADPROT), and every step after the end is SASL_FAIL.
  void testBeginStep() {
    sasl_utils_t utils{};
    utils.seterror = &RecordError;
    last_error.clear();
    const char* out = "stale";
    unsigned out_len = 5;
    bool finished = false;
    CPPUNIT_ASSERT_EQUAL(
        SASL_OK, sasl::BeginStep(&utils, "M", "server", 16384, 16384, &finished, &out, &out_len));
    CPPUNIT_ASSERT(out == nullptr);
    CPPUNIT_ASSERT_EQUAL(0u, out_len);
    CPPUNIT_ASSERT(!finished);
    CPPUNIT_ASSERT(last_error.empty());
    out = "stale";
    out_len = 5;
    CPPUNIT_ASSERT_EQUAL(SASL_BADPROT, sasl::BeginStep(&utils, "M", "client", 16385, 16384,
                                                       &finished, &out, &out_len));
    CPPUNIT_ASSERT(out == nullptr);
    CPPUNIT_ASSERT_EQUAL(0u, out_len);
    CPPUNIT_ASSERT(finished);
    CPPUNIT_ASSERT_EQUAL(std::string("M: client message too long"), last_error);
    CPPUNIT_ASSERT_EQUAL(
        SASL_FAIL, sasl::BeginStep(&utils, "M", "client", 0, 16384, &finished, &out, &out_len));
    CPPUNIT_ASSERT_EQUAL(std::string("M: the exchange is already over"), last_error);
  }

  // PlugTable: one plug per mechanism, the shared fields from its spec, glob_context its entry,
  // and the end's own fields from the complete function.
  void testPlugTable() {
    sasl::PlugTable<sasl_server_plug_t>& table = TestTable(kTestFamily);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, table.plugs.size());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, table.entries.size());
    for (size_t i = 0; i < 2; ++i) {
      const sasl_server_plug_t& plug = table.plugs[i];
      CPPUNIT_ASSERT_EQUAL(std::string(kSpecs[i].name), std::string(plug.mech_name));
      CPPUNIT_ASSERT_EQUAL(0u, plug.max_ssf);
      CPPUNIT_ASSERT_EQUAL(kSpecs[i].security_flags, plug.security_flags);
      CPPUNIT_ASSERT_EQUAL(kSpecs[i].features | SASL_FEAT_WANT_CLIENT_FIRST, plug.features);
      CPPUNIT_ASSERT(plug.glob_context == &table.entries[i]);
      CPPUNIT_ASSERT(table.entries[i].family == &kTestFamily);
      CPPUNIT_ASSERT(table.entries[i].spec == &kSpecs[i]);
      CPPUNIT_ASSERT(plug.mech_dispose == &Dispose);
    }
  }

  // PlugInit: a libsasl2 below the version is refused with the detail; else the table is handed
  // out, the same one every time.
  void testPlugInit() {
    sasl_utils_t utils{};
    utils.seterror = &RecordError;
    int version = 0;
    sasl_server_plug_t* plugs = nullptr;
    int count = 0;
    CPPUNIT_ASSERT_EQUAL(
        SASL_BADVERS,
        sasl::PlugInit(kTestFamily, &utils, SASL_SERVER_PLUG_VERSION - 1, SASL_SERVER_PLUG_VERSION,
                       "libsasl2 is too old", &TestTable, &version, &plugs, &count));
    CPPUNIT_ASSERT_EQUAL(std::string("e2esasl-test: libsasl2 is too old"), last_error);
    CPPUNIT_ASSERT(plugs == nullptr);
    CPPUNIT_ASSERT_EQUAL(SASL_OK, sasl::PlugInit(kTestFamily, &utils, SASL_SERVER_PLUG_VERSION,
                                                 SASL_SERVER_PLUG_VERSION, "libsasl2 is too old",
                                                 &TestTable, &version, &plugs, &count));
    CPPUNIT_ASSERT_EQUAL(SASL_SERVER_PLUG_VERSION, version);
    CPPUNIT_ASSERT_EQUAL(2, count);
    CPPUNIT_ASSERT(plugs == TestTable(kTestFamily).plugs.data());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SaslAdapterTest);
