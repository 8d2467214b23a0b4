// CbNegotiationTest: the client and server channel-binding decision tables, the bytes a family
// binds, and client/server combinations end to end (client choice -> header -> server verdict).
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "common/base64.h"
#include "common/cb_negotiation.h"
#include "common/test_util.h"

namespace e2esasl::cb {
namespace {

using gs2::CbFlag;
using gs2::Gs2Header;

const Bytes kExporterData = {0x01, 0x02, 0x03, 0x04};

ChannelBindingRef Binding(std::string_view name, bool critical) {
  return ChannelBindingRef{name, critical, ByteView(kExporterData)};
}

Gs2Header Header(CbFlag flag, std::string cb_name = "") {
  return Gs2Header{flag, std::move(cb_name), ""};
}

}  // namespace
}  // namespace e2esasl::cb

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl;      // NOLINT(google-build-using-namespace)
using namespace e2esasl::cb;  // NOLINT(google-build-using-namespace)

class CbNegotiationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CbNegotiationTest);
  CPPUNIT_TEST(testClientPlusWithBindingSendsP);
  CPPUNIT_TEST(testClientPlusWithoutBindingFails);
  CPPUNIT_TEST(testClientNonPlusWithBindingSendsY);
  CPPUNIT_TEST(testClientNonPlusWithCriticalBindingFails);
  CPPUNIT_TEST(testClientWithoutBindingSendsN);
  CPPUNIT_TEST(testClientRejectsInvalidBindingName);
  CPPUNIT_TEST(testEmptyBindingDataRejected);
  CPPUNIT_TEST(testServerTable);
  CPPUNIT_TEST(testServerDetailsNameTheProblem);
  CPPUNIT_TEST(testDispositionMirrorsFlag);
  CPPUNIT_TEST(testChannelBindingInputAppendsDataOnlyForP);
  CPPUNIT_TEST(testEndToEndCombinations);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testClientPlusWithBindingSendsP() {
    for (bool critical : {false, true}) {
      ClientChoice choice;
      Failure failure;
      CPPUNIT_ASSERT(ChooseClientFlag(&choice, &failure, true, Binding("tls-exporter", critical)) ==
                     Status::kOk);
      CPPUNIT_ASSERT(choice.flag == CbFlag::kUsed);
      CPPUNIT_ASSERT_EQUAL(std::string("tls-exporter"), std::string(choice.cb_name));
    }
    ClientChoice ldap;
    CPPUNIT_ASSERT(ChooseClientFlag(&ldap, nullptr, true, Binding("ldap", false)) == Status::kOk);
    CPPUNIT_ASSERT_EQUAL(std::string("ldap"), std::string(ldap.cb_name));
  }

  void testClientPlusWithoutBindingFails() {
    ClientChoice choice{CbFlag::kWant, "untouched"};
    Failure failure;
    CPPUNIT_ASSERT(ChooseClientFlag(&choice, &failure, true, std::nullopt) == Status::kBadBinding);
    CPPUNIT_ASSERT(failure.status == Status::kBadBinding);
    CPPUNIT_ASSERT(!failure.detail.empty());
    CPPUNIT_ASSERT(choice.flag == CbFlag::kWant);  // output untouched on failure
  }

  void testClientNonPlusWithBindingSendsY() {
    ClientChoice choice;
    CPPUNIT_ASSERT(ChooseClientFlag(&choice, nullptr, false, Binding("tls-unique", false)) ==
                   Status::kOk);
    CPPUNIT_ASSERT(choice.flag == CbFlag::kWant);  // not "n", unlike Cyrus
    CPPUNIT_ASSERT(choice.cb_name.empty());
  }

  void testClientNonPlusWithCriticalBindingFails() {
    ClientChoice choice;
    Failure failure;
    CPPUNIT_ASSERT(ChooseClientFlag(&choice, &failure, false, Binding("tls-unique", true)) ==
                   Status::kBadBinding);
    CPPUNIT_ASSERT(failure.detail.find("critical") != std::string::npos);
  }

  void testClientWithoutBindingSendsN() {
    ClientChoice choice{CbFlag::kUsed, "x"};
    CPPUNIT_ASSERT(ChooseClientFlag(&choice, nullptr, false, std::nullopt) == Status::kOk);
    CPPUNIT_ASSERT(choice.flag == CbFlag::kNone);
    CPPUNIT_ASSERT(choice.cb_name.empty());
  }

  void testClientRejectsInvalidBindingName() {
    ClientChoice choice;
    CPPUNIT_ASSERT(ChooseClientFlag(&choice, nullptr, true, Binding("tls unique", false)) ==
                   Status::kBadBinding);
    CPPUNIT_ASSERT(ChooseClientFlag(&choice, nullptr, true, Binding("", false)) ==
                   Status::kBadBinding);
  }

  // A binding whose data is empty binds nothing: refused on both ends, whatever the flag.
  void testEmptyBindingDataRejected() {
    const ChannelBindingRef empty{"tls-exporter", false, ByteView()};
    for (const bool plus : {true, false}) {
      ClientChoice choice;
      Failure failure;
      CPPUNIT_ASSERT(ChooseClientFlag(&choice, &failure, plus, empty) == Status::kBadBinding);
      CPPUNIT_ASSERT_EQUAL(std::string("the application's channel binding \"tls-exporter\" has no "
                                       "data (a binding of nothing binds nothing)"),
                           failure.detail);
    }
    for (const CbFlag flag : {CbFlag::kUsed, CbFlag::kWant, CbFlag::kNone}) {
      const ServerVerdict verdict =
          JudgeServerFlag(Header(flag, flag == CbFlag::kUsed ? "tls-exporter" : ""), empty, true);
      CPPUNIT_ASSERT(verdict.status == Status::kBadBinding);
      CPPUNIT_ASSERT_EQUAL(std::string("the server's channel binding \"tls-exporter\" has no data "
                                       "(a binding of nothing binds nothing)"),
                           verdict.detail);
    }
  }

  void testServerTable() {
    const std::optional<ChannelBindingRef> none;
    const std::optional<ChannelBindingRef> soft = Binding("tls-exporter", false);
    const std::optional<ChannelBindingRef> hard = Binding("tls-exporter", true);
    const std::optional<ChannelBindingRef> ldap = Binding("ldap", false);
    const struct {
      const char* row;
      Gs2Header header;
      const std::optional<ChannelBindingRef>* binding;
      bool plus_advertised;
      Status status;
      Disposition disposition;
    } table[] = {
        {"p without server binding", Header(CbFlag::kUsed, "tls-exporter"), &none, false,
         Status::kBadBinding, Disposition::kUsed},
        {"p with another name", Header(CbFlag::kUsed, "tls-unique"), &soft, true,
         Status::kBadBinding, Disposition::kUsed},
        {"p names compare byte for byte", Header(CbFlag::kUsed, "TLS-EXPORTER"), &soft, true,
         Status::kBadBinding, Disposition::kUsed},
        {"p with the same name", Header(CbFlag::kUsed, "tls-exporter"), &soft, true, Status::kOk,
         Disposition::kUsed},
        {"p with the same name, critical", Header(CbFlag::kUsed, "tls-exporter"), &hard, true,
         Status::kOk, Disposition::kUsed},
        {"p accepted on the base name (Cyrus)", Header(CbFlag::kUsed, "tls-exporter"), &soft, false,
         Status::kOk, Disposition::kUsed},
        {"p with OpenLDAP's opaque name", Header(CbFlag::kUsed, "ldap"), &ldap, true, Status::kOk,
         Disposition::kUsed},
        {"y while holding a binding", Header(CbFlag::kWant), &soft, true, Status::kAuthFailed,
         Disposition::kWant},
        {"y while holding a critical binding", Header(CbFlag::kWant), &hard, true,
         Status::kAuthFailed, Disposition::kWant},
        {"y while advertising PLUS", Header(CbFlag::kWant), &none, true, Status::kAuthFailed,
         Disposition::kWant},
        {"y without binding", Header(CbFlag::kWant), &none, false, Status::kOk, Disposition::kWant},
        {"n with a critical binding", Header(CbFlag::kNone), &hard, true, Status::kBadBinding,
         Disposition::kNone},
        {"n with a non-critical binding", Header(CbFlag::kNone), &soft, true, Status::kOk,
         Disposition::kNone},
        {"n without binding", Header(CbFlag::kNone), &none, false, Status::kOk, Disposition::kNone},
    };
    for (const auto& row : table) {
      const ServerVerdict verdict = JudgeServerFlag(row.header, *row.binding, row.plus_advertised);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row.row, std::string(StatusName(row.status)),
                                   std::string(StatusName(verdict.status)));
      CPPUNIT_ASSERT_MESSAGE(row.row, verdict.disposition == row.disposition);
      CPPUNIT_ASSERT_MESSAGE(row.row, verdict.detail.empty() == (row.status == Status::kOk));
    }
  }

  void testServerDetailsNameTheProblem() {
    ServerVerdict mismatch =
        JudgeServerFlag(Header(CbFlag::kUsed, "tls-unique"), Binding("tls-exporter", false), true);
    CPPUNIT_ASSERT(mismatch.detail.find("tls-unique") != std::string::npos);
    CPPUNIT_ASSERT(mismatch.detail.find("tls-exporter") != std::string::npos);
    ServerVerdict downgrade = JudgeServerFlag(Header(CbFlag::kWant), Binding("ldap", false), true);
    CPPUNIT_ASSERT(downgrade.detail.find("downgrade detected") != std::string::npos);
    ServerVerdict missing =
        JudgeServerFlag(Header(CbFlag::kUsed, "tls-unique"), std::nullopt, false);
    CPPUNIT_ASSERT(missing.detail.find("no channel binding") != std::string::npos);
    ServerVerdict required =
        JudgeServerFlag(Header(CbFlag::kNone), Binding("tls-exporter", true), true);
    CPPUNIT_ASSERT(required.detail.find("requires channel binding") != std::string::npos);
  }

  void testDispositionMirrorsFlag() {
    CPPUNIT_ASSERT(DispositionOf(CbFlag::kNone) == Disposition::kNone);
    CPPUNIT_ASSERT(DispositionOf(CbFlag::kWant) == Disposition::kWant);
    CPPUNIT_ASSERT(DispositionOf(CbFlag::kUsed) == Disposition::kUsed);
  }

  void testChannelBindingInputAppendsDataOnlyForP() {
    // RFC 5802 s5: without channel binding c= is base64("n,,") = "biws".
    CPPUNIT_ASSERT_EQUAL(std::string("biws"), Base64Encode(ChannelBindingInput(
                                                  AsBytes("n,,"), CbFlag::kNone, kExporterData)));
    E2E_ASSERT_BYTES_EQUAL(ToBytes("y,,"),
                           ChannelBindingInput(AsBytes("y,,"), CbFlag::kWant, kExporterData));
    Bytes expected = ToBytes("p=tls-exporter,,");
    expected.insert(expected.end(), kExporterData.begin(), kExporterData.end());
    E2E_ASSERT_BYTES_EQUAL(
        expected, ChannelBindingInput(AsBytes("p=tls-exporter,,"), CbFlag::kUsed, kExporterData));
  }

  void testEndToEndCombinations() {
    // The client chooses, serializes; the server parses and judges (server holds a binding
    // whenever it advertises PLUS, as Cyrus does).
    const struct {
      const char* row;
      bool client_has_binding;
      bool plus_selected;
      bool server_has_binding;
      Status expected;
    } table[] = {
        {"both bound, PLUS", true, true, true, Status::kOk},
        {"both bound, PLUS stripped by a MITM -> y -> downgrade", true, false, true,
         Status::kAuthFailed},
        {"client bound, server not -> y accepted", true, false, false, Status::kOk},
        {"neither bound -> n", false, false, false, Status::kOk},
        {"server bound, client cannot bind -> n accepted (not critical)", false, false, true,
         Status::kOk},
    };
    for (const auto& row : table) {
      std::optional<ChannelBindingRef> client_binding;
      if (row.client_has_binding) {
        client_binding = Binding("tls-exporter", false);
      }
      ClientChoice choice;
      CPPUNIT_ASSERT_MESSAGE(row.row, ChooseClientFlag(&choice, nullptr, row.plus_selected,
                                                       client_binding) == Status::kOk);
      ByteWriter writer;
      Gs2Header{choice.flag, std::string(choice.cb_name), ""}.Serialize(writer);
      std::optional<Bytes> wire = writer.Finish();
      CPPUNIT_ASSERT_MESSAGE(row.row, wire.has_value());
      ByteReader reader{ByteView(*wire)};
      std::optional<Gs2Header> received = Gs2Header::Parse(reader);
      CPPUNIT_ASSERT_MESSAGE(row.row, received.has_value() && reader.Empty());
      std::optional<ChannelBindingRef> server_binding;
      if (row.server_has_binding) {
        server_binding = Binding("tls-exporter", false);
      }
      const ServerVerdict verdict =
          JudgeServerFlag(*received, server_binding, row.server_has_binding);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row.row, std::string(StatusName(row.expected)),
                                   std::string(StatusName(verdict.status)));
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CbNegotiationTest);
