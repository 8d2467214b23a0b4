// conformance_test.cc: what every mechanism must do the same way, run once per mechanism name
// through the real libsasl2 and the built modules (client and server in one process, a fresh
// sasldb per row). One row per name the client can be offered, -PLUS included; each test is one
// shared behaviour:
//   Listed         the base name without a binding, -PLUS only with one (SAS: only -PLUS, and
//                  only with a person to ask; VOUCH: only -PLUS, and only when configured)
//   Success        no binding for a base row, each binding type for a -PLUS row; the GS2
//                  header and the first attribute the family sends
//   RoundTrips     messages per side with and without SASL_SUCCESS_DATA, and the success data
//   OpenLdapForm   the server started under the base name (as slapd does) while the client
//                  sends "p=", with tls-exporter and with OpenLDAP's "ldap" binding
//   Mismatch       the same binding type with different data (a man in the middle's two legs),
//                  and two different binding types
//   DowngradeY     "y" while the server holds a binding (refused) and without one (accepted)
//   CriticalN      "n" while the server's binding is critical
//   WrongSecret    the row's way of getting the secret wrong
//   UnknownUser    the same code, detail and message sizes as a wrong secret (SAS: no stored
//                  secret, any name is a claim the people check; VOUCH: the name must be the
//                  statement's sub)
//   Oversize       a message over the glue's cap, each direction
//   Truncated      the client's last message and the server's first cut in half
// Protocol-specific checks stay in tests/<family>/plugin_test.cc.
#include <memory>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "support/sasl_harness.h"
#include "vouch/vouch_files.h"

namespace e2esasl::test {
namespace {

constexpr const char* kUser = "alice";
constexpr const char* kPassword = "correct horse";

// RowEnv: one row's server side: a temporary directory with its sasldb, and the server options
// the row's provisioning chose.
struct RowEnv {
  TempDir dir;
  std::string sasldb = dir.path() + "/sasldb2";
  OptionMap server_options;
  OptionMap client_options;
};

// Provision stores user's secret for the row (nothing for SAS) and sets the server options.
using Provision = void (*)(RowEnv& env, const std::string& user, const std::string& password);
// Spoil makes the client's secret wrong in spec.
using Spoil = void (*)(ExchangeSpec& spec);

void ProvisionPassword(RowEnv& env, const std::string& user, const std::string& password) {
  CPPUNIT_ASSERT_EQUAL(SASL_OK, SetPassword(env.sasldb, user, password, env.server_options));
}

// Small Argon2id costs so the suite stays fast (and fast under ASan); p = 4 as the RFC's.
void ProvisionOpaqueRecord(RowEnv& env, const std::string& user, const std::string& password) {
  env.server_options = {{"e2esasl_opaque_key_file", env.dir.path() + "/opaque.key"},
                        {"e2esasl_opaque_ksf_memory", "1024"},
                        {"e2esasl_opaque_ksf_time", "1"},
                        {"e2esasl_opaque_ksf_parallelism", "4"}};
  ProvisionPassword(env, user, password);
}

void ProvisionNothing(RowEnv&, const std::string&, const std::string&) {}

// VOUCH: example.org's issuer; the user's device key and statement at the client; bob's (the
// server's identity, which the client expects: e2esasl_vouch_peer) at the server; and another
// device key, "other.key", for the wrong secret.
constexpr const char* kVouchServer = "bob@example.org";
void ProvisionVouch(RowEnv& env, const std::string& user, const std::string&) {
  e2esasl::vouch::test::VouchFiles files(env.dir.path());
  env.client_options = files.Party("alice", user);
  env.client_options["e2esasl_vouch_peer"] = kVouchServer;
  env.server_options = files.Party("bob", kVouchServer);
  files.Device("other");
}

// The client holds another device key than the one its statement vouches for.
void OtherDeviceKey(ExchangeSpec& spec) {
  std::string& path = spec.client_options["e2esasl_vouch_device_key"];
  path.replace(path.rfind("alice.key"), 9, "other.key");
}

void WrongPassword(ExchangeSpec& spec) {
  spec.identity.password = "wrong password";
}

void ClientPersonRejects(ExchangeSpec& spec) {
  spec.client_confirm = [](const std::string&) { return false; };
}

enum class Side { kClient, kServer };

// Outcome: where an exchange must fail, with which code, and a part of that side's detail.
struct Outcome {
  Side side;
  int code;
  const char* detail;
};

// Counts: messages each side sent, and whether the server's outcome carried data.
struct Counts {
  size_t client_messages;
  size_t server_messages;
  bool success_data;
};

struct Row {
  const char* mechanism;  // the name the client is offered
  const char* base;       // the name the module registers (libsasl2 appends "-PLUS")
  bool plus;
  bool needs_person;   // SAS: the server offers it only with a person to ask
  bool stores_secret;  // an unknown user must fail like a wrong secret
  const char* first;   // the client-first message after the GS2 header starts with this
  Provision provision;
  Spoil spoil;
  Outcome wrong_secret;
  Outcome mismatch;  // -PLUS rows: same binding type, different data
  Counts with_success_data;
  Counts without_success_data;
  const char* user = kUser;  // the authcid (VOUCH: the statement's sub, local@domain)
  // unknown_user: set when an unknown name fails its own way (VOUCH: the statement names
  // another identity), not like a wrong secret and not as a claim people check.
  const Outcome* unknown_user = nullptr;
};

constexpr Outcome kScramBadAuth{Side::kServer, SASL_BADAUTH, "authentication failed"};
constexpr Outcome kScramMismatch{Side::kServer, SASL_BADBINDING, "binding"};
constexpr Outcome kCpaceBadAuth{
    Side::kServer, SASL_BADAUTH,
    "authentication failed: the client's key confirmation did not verify"};
constexpr Outcome kOpaqueBadAuth{Side::kClient, SASL_BADAUTH,
                                 "authentication failed (wrong password or user"};
constexpr Outcome kSasRejected{
    Side::kClient, SASL_BADAUTH,
    "SAS-R255: authentication failed: the person at the client rejected the short "
    "authentication string"};
constexpr Outcome kSasMismatch{Side::kClient, SASL_BADAUTH, "key confirmation did not verify"};
constexpr Outcome kVouchBadAuth{Side::kServer, SASL_BADAUTH,
                                "the client's statement: the device key is not the one cnf names"};
constexpr Outcome kVouchMismatch{Side::kClient, SASL_BADAUTH,
                                 "the server's device signature does not verify"};
constexpr Outcome kVouchUnknown{Side::kServer, SASL_BADAUTH,
                                "the client's statement: sub is not the expected identity"};
constexpr Outcome kNone{Side::kServer, SASL_OK, ""};

// The success data is non-empty for SCRAM (v=) and CPace (t=): without SASL_SUCCESS_DATA it
// travels as a last challenge answered by an empty response. OPAQUE and SAS have none.
constexpr Counts kTwoTwoData{2, 2, true};
constexpr Counts kThreeTwo{3, 2, false};
constexpr Counts kTwoOne{2, 1, false};

const Row kRows[] = {
    {"SCRAM-SHA-1", "SCRAM-SHA-1", false, false, true, "n=alice,r=", ProvisionPassword,
     WrongPassword, kScramBadAuth, kNone, kTwoTwoData, kThreeTwo},
    {"SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", true, false, true, "n=alice,r=", ProvisionPassword,
     WrongPassword, kScramBadAuth, kScramMismatch, kTwoTwoData, kThreeTwo},
    {"SCRAM-SHA-256", "SCRAM-SHA-256", false, false, true, "n=alice,r=", ProvisionPassword,
     WrongPassword, kScramBadAuth, kNone, kTwoTwoData, kThreeTwo},
    {"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", true, false, true, "n=alice,r=", ProvisionPassword,
     WrongPassword, kScramBadAuth, kScramMismatch, kTwoTwoData, kThreeTwo},
    {"SCRAM-SHA-512", "SCRAM-SHA-512", false, false, true, "n=alice,r=", ProvisionPassword,
     WrongPassword, kScramBadAuth, kNone, kTwoTwoData, kThreeTwo},
    {"SCRAM-SHA-512-PLUS", "SCRAM-SHA-512", true, false, true, "n=alice,r=", ProvisionPassword,
     WrongPassword, kScramBadAuth, kScramMismatch, kTwoTwoData, kThreeTwo},
    {"CPACE-R255", "CPACE-R255", false, false, true, "n=alice,r=", ProvisionPassword, WrongPassword,
     kCpaceBadAuth, kNone, kTwoTwoData, kThreeTwo},
    {"CPACE-R255-PLUS", "CPACE-R255", true, false, true, "n=alice,r=", ProvisionPassword,
     WrongPassword, kCpaceBadAuth, kCpaceBadAuth, kTwoTwoData, kThreeTwo},
    {"OPAQUE-R255", "OPAQUE-R255", false, false, true, "n=alice,k=", ProvisionOpaqueRecord,
     WrongPassword, kOpaqueBadAuth, kNone, kTwoOne, kTwoOne},
    {"OPAQUE-R255-PLUS", "OPAQUE-R255", true, false, true, "n=alice,k=", ProvisionOpaqueRecord,
     WrongPassword, kOpaqueBadAuth, kOpaqueBadAuth, kTwoOne, kTwoOne},
    {"SAS-R255-PLUS",
     "SAS-R255",
     true,
     true,
     false,
     "n=alice,d=10,c=",
     ProvisionNothing,
     ClientPersonRejects,
     kSasRejected,
     kSasMismatch,
     {3, 2, false},
     {3, 2, false}},
    {"VOUCH-ES256-PLUS", "VOUCH-ES256", true, false, false,
     "n=alice@example.org,r=", ProvisionVouch, OtherDeviceKey, kVouchBadAuth, kVouchMismatch,
     kTwoOne, kTwoOne, "alice@example.org", &kVouchUnknown},
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// WithFlag replaces the gs2-cb-flag of a client-first message ("n," / "y," / "p=...,").
std::string WithFlag(const std::string& message, const std::string& flag) {
  return flag + message.substr(message.find(',') + 1);
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl::test;  // NOLINT: test file

// At global scope: CppUnit names suites by their qualified type name.
class ConformanceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConformanceTest);
  CPPUNIT_TEST(testListed);
  CPPUNIT_TEST(testSuccess);
  CPPUNIT_TEST(testRoundTrips);
  CPPUNIT_TEST(testOpenLdapForm);
  CPPUNIT_TEST(testMismatch);
  CPPUNIT_TEST(testDowngradeY);
  CPPUNIT_TEST(testCriticalN);
  CPPUNIT_TEST(testWrongSecret);
  CPPUNIT_TEST(testUnknownUser);
  CPPUNIT_TEST(testOversize);
  CPPUNIT_TEST(testTruncated);
  CPPUNIT_TEST_SUITE_END();

 public:
  // Provisioned: a fresh sasldb with alice's secret for row.
  static std::unique_ptr<RowEnv> Provisioned(const Row& row) {
    auto env = std::make_unique<RowEnv>();
    row.provision(*env, row.user, kPassword);
    return env;
  }

  // Spec: alice with the right secret, people who accept (ignored by the families that ask
  // nobody), and for a -PLUS row the same tls-exporter binding on both ends.
  static ExchangeSpec Spec(const Row& row, const RowEnv& env) {
    ExchangeSpec spec;
    spec.client_mechlist = row.mechanism;
    spec.identity.authcid = row.user;
    spec.identity.password = kPassword;
    spec.sasldb_path = env.sasldb;
    spec.server_options = env.server_options;
    spec.client_options = env.client_options;
    spec.client_confirm = [](const std::string&) { return true; };
    spec.server_confirm = [](const std::string&) { return true; };
    spec.client_show = [](const std::string&) { return true; };
    spec.server_show = [](const std::string&) { return true; };
    if (row.plus) {
      spec.client_binding = MakeBinding("tls-exporter", 5);
      spec.server_binding = MakeBinding("tls-exporter", 5);
    }
    return spec;
  }

  // Label names the row and the case for an assertion's message.
  static std::string Label(const Row& row, const std::string& what, const Exchange& ex) {
    return std::string(row.mechanism) + " " + what + ": " + ex.What();
  }

  // ExpectFailure asserts ex failed as outcome says.
  static void ExpectFailure(const std::string& label, const Outcome& outcome, const Exchange& ex) {
    const bool client = outcome.side == Side::kClient;
    const int code = client ? ex.client_result : ex.server_result;
    const std::string& detail = client ? ex.client_detail : ex.server_detail;
    CPPUNIT_ASSERT_MESSAGE(label, !ex.ok());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(label, outcome.code, code);
    CPPUNIT_ASSERT_MESSAGE(label, Contains(detail, outcome.detail));
  }

  void testListed() {
    for (const Row& row : kRows) {
      // Provisioned: a family may be listed only where it is configured (VOUCH).
      const auto provisioned = Provisioned(row);
      const RowEnv& env = *provisioned;
      const bool person = row.needs_person;
      const OptionMap& options = env.server_options;
      const std::string plain = ServerMechanisms(env.sasldb, std::nullopt, person, true, options);
      const std::string bound =
          ServerMechanisms(env.sasldb, MakeBinding("tls-exporter", 1), person, true, options);
      const std::string critical =
          ServerMechanisms(env.sasldb, MakeBinding("tls-exporter", 1, true), person, true, options);
      const std::string label = std::string(row.mechanism) + ": " + plain + " / " + bound;
      CPPUNIT_ASSERT_MESSAGE(label, HasToken(bound, row.mechanism));
      // A critical binding: only the -PLUS names, never a base name.
      CPPUNIT_ASSERT_MESSAGE(label + " / " + critical,
                             HasToken(critical, row.mechanism) == row.plus);
      CPPUNIT_ASSERT_MESSAGE(label + " / " + critical, !HasToken(critical, row.base));
      CPPUNIT_ASSERT_MESSAGE(label, HasToken(plain, row.mechanism) == !row.plus);
      if (row.needs_person) {
        // Only with a binding, and only to a server application with a person to ask who can
        // see the string first (both callbacks).
        CPPUNIT_ASSERT_MESSAGE(label, !HasToken(plain, row.base));
        const std::string nobody =
            ServerMechanisms(env.sasldb, MakeBinding("tls-exporter", 1), false);
        CPPUNIT_ASSERT_MESSAGE(nobody,
                               !HasToken(nobody, row.base) && !HasToken(nobody, row.mechanism));
        const std::string blind = ServerMechanisms(env.sasldb, MakeBinding("tls-exporter", 1), true,
                                                   /*show_callback=*/false);
        CPPUNIT_ASSERT_MESSAGE(blind,
                               !HasToken(blind, row.base) && !HasToken(blind, row.mechanism));
      }
    }
  }

  void testSuccess() {
    int runs = 0;
    for (const Row& row : kRows) {
      const auto env = Provisioned(row);
      for (const auto& binding : EveryBinding()) {
        if (binding.has_value() != row.plus) {
          continue;
        }
        ExchangeSpec spec = Spec(row, *env);
        spec.client_binding = binding;
        spec.server_binding = binding;
        const Exchange ex = RunExchange(spec);
        const std::string label =
            Label(row, binding.has_value() ? "with " + binding->name : "plain", ex);
        CPPUNIT_ASSERT_MESSAGE(label, ex.ok());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label, std::string(kUser), ex.server_authid.substr(0, 5));
        // The GS2 header says what was negotiated.
        const std::string gs2 = binding.has_value() ? "p=" + binding->name + ",," : "n,,";
        CPPUNIT_ASSERT_MESSAGE(label + " " + ex.client_messages.front(),
                               StartsWith(ex.client_messages.front(), gs2 + row.first));
        // The default: SASL_SUCCESS_DATA (testRoundTrips covers both).
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label, row.with_success_data.client_messages,
                                     ex.client_messages.size());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label, row.with_success_data.server_messages,
                                     ex.server_messages.size());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label, row.with_success_data.success_data, ex.success_data);
        ++runs;
      }
    }
    // 5 base rows with no binding, 7 -PLUS rows with 4 bindings each.
    CPPUNIT_ASSERT_EQUAL(5 + 7 * 4, runs);
  }

  // libsasl2 turns a server's SASL_OK into SASL_CONTINUE when the server output pointer is not
  // NULL and the application did not pass SASL_SUCCESS_DATA (it tests the pointer, not the
  // length), so a family whose success data is empty must return NULL, or every application
  // without SASL_SUCCESS_DATA pays an extra round trip of empty messages.
  void testRoundTrips() {
    for (const Row& row : kRows) {
      const auto env = Provisioned(row);
      for (const bool with : {true, false}) {
        const Counts& want = with ? row.with_success_data : row.without_success_data;
        ExchangeSpec spec = Spec(row, *env);
        spec.server_flags = with ? SASL_SUCCESS_DATA : 0;
        const Exchange ex = RunExchange(spec);
        const std::string label =
            Label(row, with ? "with SASL_SUCCESS_DATA" : "without SASL_SUCCESS_DATA", ex);
        CPPUNIT_ASSERT_MESSAGE(label, ex.ok());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label, want.client_messages, ex.client_messages.size());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label, want.server_messages, ex.server_messages.size());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label, want.success_data, ex.success_data);
      }
    }
  }

  // Cyrus's client reports the base name and OpenLDAP sends it: the server, started under the
  // base name, must still bind (from the GS2 header and its own binding).
  void testOpenLdapForm() {
    for (const Row& row : kRows) {
      if (!row.plus) {
        continue;
      }
      const auto env = Provisioned(row);
      for (const Binding& binding : {MakeBinding("tls-exporter", 21), OpenLdapBinding(21)}) {
        ExchangeSpec spec = Spec(row, *env);
        spec.client_binding = binding;
        spec.server_binding = binding;
        spec.server_mechanism = row.base;
        const Exchange ex = RunExchange(spec);
        const std::string label = Label(row, "server as " + std::string(row.base), ex);
        CPPUNIT_ASSERT_MESSAGE(label, ex.ok());
        CPPUNIT_ASSERT_MESSAGE(label,
                               StartsWith(ex.client_messages.front(), "p=" + binding.name + ",,"));
      }
    }
  }

  void testMismatch() {
    for (const Row& row : kRows) {
      if (!row.plus) {
        continue;
      }
      const auto env = Provisioned(row);
      ExchangeSpec spec = Spec(row, *env);
      spec.client_binding = MakeBinding("tls-exporter", 1);
      spec.server_binding = MakeBinding("tls-exporter", 2);  // a MITM's other leg
      const Exchange data = RunExchange(spec);
      ExpectFailure(Label(row, "different data", data), row.mismatch, data);
      // Different binding types: refused at the GS2 header.
      spec.client_binding = MakeBinding("tls-unique", 1);
      spec.server_binding = MakeBinding("tls-exporter", 1);
      const Exchange types = RunExchange(spec);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(Label(row, "different types", types), SASL_BADBINDING,
                                   types.server_result);
    }
  }

  // A client holding a binding but told to use the base name sends "y"; a server holding a
  // binding refuses it (someone stripped -PLUS from the list). A -PLUS row's "p=" is rewritten
  // to "y" in flight.
  void testDowngradeY() {
    const Outcome downgrade{Side::kServer, SASL_BADAUTH, "downgrade"};
    for (const Row& row : kRows) {
      const auto env = Provisioned(row);
      ExchangeSpec spec = Spec(row, *env);
      spec.client_binding = MakeBinding("tls-exporter", 1);
      spec.server_binding = MakeBinding("tls-exporter", 1);
      if (row.plus) {
        spec.tamper = [](bool from_client, int index, const std::string& m) {
          return from_client && index == 0 ? WithFlag(m, "y,") : m;
        };
        const Exchange made_y = RunExchange(spec);
        ExpectFailure(Label(row, "p= made y", made_y), downgrade, made_y);
        continue;
      }
      const Exchange ex = RunExchange(spec);
      CPPUNIT_ASSERT_MESSAGE(Label(row, "y", ex), StartsWith(ex.client_messages.front(), "y,,"));
      ExpectFailure(Label(row, "y", ex), downgrade, ex);
      // Without a server binding, "y" is fine.
      spec.server_binding.reset();
      const Exchange ok = RunExchange(spec);
      CPPUNIT_ASSERT_MESSAGE(Label(row, "y, server unbound", ok), ok.ok());
    }
  }

  // "n" while the server's binding is critical: SASL_BADBINDING. A -PLUS row's "p=" is
  // rewritten to "n" in flight.
  void testCriticalN() {
    for (const Row& row : kRows) {
      const auto env = Provisioned(row);
      ExchangeSpec spec = Spec(row, *env);
      spec.server_binding = MakeBinding("tls-exporter", 5, /*critical=*/true);
      spec.server_mechanism = row.base;
      if (row.plus) {
        spec.tamper = [](bool from_client, int index, const std::string& m) {
          return from_client && index == 0 ? WithFlag(m, "n,") : m;
        };
      } else {
        spec.client_binding.reset();
      }
      const Exchange ex = RunExchange(spec);
      CPPUNIT_ASSERT_MESSAGE(Label(row, "n", ex), StartsWith(ex.client_messages.front(), "n,,"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(Label(row, "n", ex), SASL_BADBINDING, ex.server_result);
    }
  }

  void testWrongSecret() {
    for (const Row& row : kRows) {
      const auto env = Provisioned(row);
      ExchangeSpec spec = Spec(row, *env);
      row.spoil(spec);
      const Exchange ex = RunExchange(spec);
      ExpectFailure(Label(row, "wrong secret", ex), row.wrong_secret, ex);
    }
  }

  // An unknown user fails exactly as a wrong secret does: same side, code and detail, the same
  // number of messages and the same message sizes, so the peer cannot tell them apart.
  void testUnknownUser() {
    for (const Row& row : kRows) {
      const auto env = Provisioned(row);
      ExchangeSpec spec = Spec(row, *env);
      spec.identity.authcid = "mallory";
      const Exchange unknown = RunExchange(spec);
      if (row.unknown_user != nullptr) {
        ExpectFailure(Label(row, "unknown user", unknown), *row.unknown_user, unknown);
        continue;
      }
      if (!row.stores_secret) {
        // No stored secret: the name is a claim the people check.
        CPPUNIT_ASSERT_MESSAGE(Label(row, "unknown user", unknown), unknown.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("mallory"), unknown.server_authid.substr(0, 7));
        continue;
      }
      ExchangeSpec wrong_spec = Spec(row, *env);
      row.spoil(wrong_spec);
      const Exchange wrong = RunExchange(wrong_spec);
      const std::string label = Label(row, "unknown user", unknown);
      ExpectFailure(label, row.wrong_secret, unknown);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(label, wrong.server_result, unknown.server_result);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(label, wrong.client_result, unknown.client_result);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(label, wrong.server_detail, unknown.server_detail);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(label, wrong.client_detail, unknown.client_detail);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(label, wrong.client_messages.size(),
                                   unknown.client_messages.size());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(label, wrong.server_messages.size(),
                                   unknown.server_messages.size());
      for (size_t i = 0; i < wrong.server_messages.size(); ++i) {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(label + " server message " + std::to_string(i),
                                     wrong.server_messages[i].size(),
                                     unknown.server_messages[i].size());
      }
    }
  }

  // A message over the glue's cap (16 KiB) ends the exchange before the family parses it.
  void testOversize() {
    for (const Row& row : kRows) {
      const auto env = Provisioned(row);
      for (const bool from_client : {true, false}) {
        ExchangeSpec spec = Spec(row, *env);
        spec.tamper = [from_client](bool from, int index, const std::string& m) {
          return from == from_client && index == 0 ? m + std::string(17000, 'A') : m;
        };
        const Exchange ex = RunExchange(spec);
        const Outcome outcome =
            from_client ? Outcome{Side::kServer, SASL_BADPROT, "client message too long"}
                        : Outcome{Side::kClient, SASL_BADPROT, "server message too long"};
        ExpectFailure(Label(row, from_client ? "client oversize" : "server oversize", ex), outcome,
                      ex);
      }
    }
  }

  // The client's last message and the server's first, cut in half: SASL_BADPROT at the peer.
  void testTruncated() {
    for (const Row& row : kRows) {
      const auto env = Provisioned(row);
      const size_t last = row.with_success_data.client_messages - 1;
      for (const bool from_client : {true, false}) {
        ExchangeSpec spec = Spec(row, *env);
        const int index = from_client ? static_cast<int>(last) : 0;
        spec.tamper = [from_client, index](bool from, int i, const std::string& m) {
          return from == from_client && i == index ? m.substr(0, m.size() / 2) : m;
        };
        const Exchange ex = RunExchange(spec);
        const Outcome outcome{from_client ? Side::kServer : Side::kClient, SASL_BADPROT, ""};
        ExpectFailure(Label(row, from_client ? "client truncated" : "server truncated", ex),
                      outcome, ex);
      }
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConformanceTest);
