// cyrus_interop_test.cc: our SCRAM plugin against Cyrus SASL 2.1.28's own scram plugin
// (libscram.so), each in its own process (both register the same mechanism names, so they never
// share one): our client with Cyrus's server and Cyrus's client with our server, SCRAM-SHA-1,
// -256 and -512, without a binding and -PLUS with the same synthetic 32-byte binding (name
// "tls-exporter"), and -PLUS with different data on each side, which must fail.
//
// Provisioning (checked here, see NewSasldb): `sasl_setpass` in a process that loads only
// libscram.so + libsasldb.so stores just "userPassword" (Cyrus's scram setpass writes
// "authPassword" only with scram_secret_generate on; libsasl2 itself writes userPassword), and
// Cyrus's server then derives its keys from that plaintext at every login. Our server is
// provisioned through our own setpass (e2esasl-SCRAM-SHA-* verifiers plus userPassword).
//
// Known differences recorded here (docs/interop.md): Cyrus's client accepts i=1 and does no
// SASLprep; its client sends "n" (and its glue reports the base name) where ours sends "y".
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "interop/interop_env.h"

namespace {

using e2esasl::interop::Binding;
using e2esasl::interop::ExchangeResult;
using e2esasl::interop::kExchangeTimeoutMs;
using e2esasl::interop::NewSasldb;
using e2esasl::interop::PeerClient;
using e2esasl::interop::PeerServer;
using e2esasl::interop::Plugins;
using e2esasl::interop::RecordRow;
using e2esasl::interop::RunExchange;
using e2esasl::interop::SyntheticBinding;

const char* const kMechs[] = {"SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512"};
const char kUser[] = "user";
const char kPassword[] = "pencil";

std::string PairName(Plugins client, Plugins server) {
  return std::string(Name(client)) + " -> " + Name(server);
}

// Run: client plugins vs server plugins; the server's sasldb is provisioned by its own plugin.
// server_mech "" lets the server take the name the client's sasl_client_start reported.
ExchangeResult Run(Plugins client, Plugins server, const std::string& sasldb,
                   const std::string& client_mech, const std::string& server_mech,
                   const std::optional<Binding>& client_binding,
                   const std::optional<Binding>& server_binding, const std::string& row_binding,
                   const std::vector<std::string>& client_options = {},
                   const std::vector<std::string>& server_options = {},
                   const std::string& password = kPassword) {
  const ExchangeResult r = RunExchange(
      PeerClient(client, client_mech, kUser, password, client_binding, client_options),
      PeerServer(server, sasldb, server_mech, server_binding, server_options), kExchangeTimeoutMs);
  RecordRow(PairName(client, server), client_mech, row_binding, r);
  return r;
}

}  // namespace

// At global scope: Debian's CppUnit names suites by the fully qualified type name.
class InteropCyrusTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(InteropCyrusTest);
  CPPUNIT_TEST(testSuccessBothDirections);
  CPPUNIT_TEST(testPlusMismatchFails);
  CPPUNIT_TEST(testPlusNegotiatedByName);
  CPPUNIT_TEST(testBindingHeldButNonPlusMechanism);
  CPPUNIT_TEST(testCyrusClientAcceptsOneIteration);
  CPPUNIT_TEST(testNoSaslprepInCyrus);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    ours_db_ = NewSasldb(Plugins::kOurs, kUser, kPassword);
    cyrus_db_ = NewSasldb(Plugins::kCyrus, kUser, kPassword);
  }

  // Every mechanism, both directions, no binding ("n") and -PLUS with equal data
  // ("p=tls-exporter"): success on both sides.
  // CheckServerRefusal: the server refused. Cyrus's server fails at once (first to finish);
  // ours first sends the RFC 5802 server error `e_prefix...` as its last message, the client
  // gives up on it, and then ours reports its own verdict.
  static void CheckServerRefusal(const ExchangeResult& r, Plugins server,
                                 const std::string& e_prefix) {
    if (server == Plugins::kCyrus) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), 1, r.server.order);
      return;
    }
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), 1, r.client.order);
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.server.messages.empty() &&
                                             r.server.messages.back().rfind(e_prefix, 0) == 0);
  }

  void testSuccessBothDirections() {
    const Binding binding = SyntheticBinding(1);
    for (const Plugins client : {Plugins::kOurs, Plugins::kCyrus}) {
      const Plugins server = client == Plugins::kOurs ? Plugins::kCyrus : Plugins::kOurs;
      const std::string& db = server == Plugins::kOurs ? ours_db_ : cyrus_db_;
      for (const std::string mech : kMechs) {
        ExchangeResult r = Run(client, server, db, mech, mech, std::nullopt, std::nullopt, "none");
        CPPUNIT_ASSERT_MESSAGE(r.Describe(), r.ok());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("n,,"), r.Gs2Header());
        CPPUNIT_ASSERT_EQUAL(size_t{2}, r.client.messages.size());
        CPPUNIT_ASSERT_EQUAL(size_t{2}, r.server.messages.size());  // server-first, v=

        r = Run(client, server, db, mech + "-PLUS", mech + "-PLUS", binding, binding, "same");
        CPPUNIT_ASSERT_MESSAGE(r.Describe(), r.ok());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("p=tls-exporter,,"), r.Gs2Header());
      }
    }
  }

  // -PLUS with different data on each side: the server detects it at the client's final
  // message (c= differs).
  //   Cyrus server: fails at once, SASL_BADPROT "Channel bindings mismatch in SCRAM-SHA-x"; the
  //                 client then sees the connection end (EOF).
  //   our server:   sends the RFC 5802 server-final "e=channel-bindings-dont-match" (Cyrus's
  //                 client does not understand e= and fails: "ServerSignature expected"), then
  //                 reports SASL_BADBINDING "channel binding mismatch: c= is not the gs2-header
  //                 plus this channel's binding".
  void testPlusMismatchFails() {
    for (const Plugins client : {Plugins::kOurs, Plugins::kCyrus}) {
      const Plugins server = client == Plugins::kOurs ? Plugins::kCyrus : Plugins::kOurs;
      const std::string& db = server == Plugins::kOurs ? ours_db_ : cyrus_db_;
      for (const std::string mech : kMechs) {
        const ExchangeResult r = Run(client, server, db, mech + "-PLUS", mech + "-PLUS",
                                     SyntheticBinding(1), SyntheticBinding(2), "mismatch");
        CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.client.ok && !r.server.ok && !r.timed_out);
        CheckServerRefusal(r, server, "e=channel-bindings-dont-match");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), size_t{2}, r.client.messages.size());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string(MismatchCode(server)),
                                     r.server.code_name);
      }
    }
  }

  // The application takes the name sasl_client_start returns and the server starts that
  // mechanism. libsasl2 2.1.28 returns the BASE name although the client chose -PLUS and
  // sends "p=" (for Cyrus's client and ours alike: the glue decides). Both servers accept
  // "p=" under the base name and still verify the binding: equal data succeeds, different
  // data fails at the server exactly as under the -PLUS name.
  void testPlusNegotiatedByName() {
    for (const Plugins client : {Plugins::kOurs, Plugins::kCyrus}) {
      const Plugins server = client == Plugins::kOurs ? Plugins::kCyrus : Plugins::kOurs;
      const std::string& db = server == Plugins::kOurs ? ours_db_ : cyrus_db_;
      ExchangeResult r = Run(client, server, db, "SCRAM-SHA-256-PLUS", "", SyntheticBinding(3),
                             SyntheticBinding(3), "same/name");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("SCRAM-SHA-256"), r.client.mech);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("p=tls-exporter,,"), r.Gs2Header());
      CPPUNIT_ASSERT_MESSAGE(r.Describe(), r.ok());
      r = Run(client, server, db, "SCRAM-SHA-256-PLUS", "", SyntheticBinding(3),
              SyntheticBinding(4), "mism/name");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("SCRAM-SHA-256"), r.client.mech);
      CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.client.ok && !r.server.ok);
      CheckServerRefusal(r, server, "e=channel-bindings-dont-match");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string(MismatchCode(server)),
                                   r.server.code_name);
    }
  }

  // A client holding a (non-critical) binding told to use the plain mechanism, against a
  // server holding the same binding. RFC 5802 s6: such a client sends "y" and a server that
  // supports channel binding must then fail (a downgrade). Ours sends "y" and Cyrus's server
  // refuses it (SASL_BADAUTH "client incorrectly assumed server had no channel binding").
  // Cyrus's client sends "n", which our server accepts with a non-critical binding (the
  // client claims no support: nothing to detect) and refuses with a critical one.
  void testBindingHeldButNonPlusMechanism() {
    const Binding binding = SyntheticBinding(4);
    const std::string mech = "SCRAM-SHA-256";
    ExchangeResult r =
        Run(Plugins::kOurs, Plugins::kCyrus, cyrus_db_, mech, mech, binding, binding, "held/plain");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("y,,"), r.Gs2Header());
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.client.ok && !r.server.ok && r.server.order == 1);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("SASL_BADAUTH"), r.server.code_name);

    r = Run(Plugins::kCyrus, Plugins::kOurs, ours_db_, mech, mech, binding, binding, "held/plain");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("n,,"), r.Gs2Header());
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), r.ok());

    Binding critical = binding;
    critical.critical = true;
    r = Run(Plugins::kCyrus, Plugins::kOurs, ours_db_, mech, mech, binding, critical, "held/crit");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("n,,"), r.Gs2Header());
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.client.ok && !r.server.ok);
    CheckServerRefusal(r, Plugins::kOurs, "e=");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("SASL_BADBINDING"), r.server.code_name);
  }

  // A Cyrus server announcing i=1 (scram_iteration_counter=1): Cyrus's client accepts it, ours
  // refuses (minimum 4096 by default).
  void testCyrusClientAcceptsOneIteration() {
    const std::vector<std::string> one = {"scram_iteration_counter=1"};
    ExchangeResult r = Run(Plugins::kCyrus, Plugins::kCyrus, cyrus_db_, "SCRAM-SHA-256",
                           "SCRAM-SHA-256", std::nullopt, std::nullopt, "i=1", {}, one);
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), r.ok());
    r = Run(Plugins::kOurs, Plugins::kCyrus, cyrus_db_, "SCRAM-SHA-256", "SCRAM-SHA-256",
            std::nullopt, std::nullopt, "i=1", {}, one);
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.client.ok && r.client.order == 1);
  }

  // Password "I<U+00AD>X": SASLprep (RFC 4013) maps the soft hyphen to nothing, so ours
  // derives from "IX"; Cyrus uses the raw bytes. The two disagree in both directions.
  void testNoSaslprepInCyrus() {
    const std::string password = "I\xC2\xADX";
    const std::string ours_db = NewSasldb(Plugins::kOurs, kUser, password);
    const std::string cyrus_db = NewSasldb(Plugins::kCyrus, kUser, password);
    ExchangeResult r =
        Run(Plugins::kOurs, Plugins::kCyrus, cyrus_db, "SCRAM-SHA-256", "SCRAM-SHA-256",
            std::nullopt, std::nullopt, "saslprep", {}, {}, password);
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.ok());
    r = Run(Plugins::kCyrus, Plugins::kOurs, ours_db, "SCRAM-SHA-256", "SCRAM-SHA-256",
            std::nullopt, std::nullopt, "saslprep", {}, {}, password);
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), !r.ok());
    // Control: each against itself in separate processes succeeds with the same password.
    r = Run(Plugins::kOurs, Plugins::kOurs, ours_db, "SCRAM-SHA-256", "SCRAM-SHA-256", std::nullopt,
            std::nullopt, "saslprep", {}, {}, password);
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), r.ok());
    r = Run(Plugins::kCyrus, Plugins::kCyrus, cyrus_db, "SCRAM-SHA-256", "SCRAM-SHA-256",
            std::nullopt, std::nullopt, "saslprep", {}, {}, password);
    CPPUNIT_ASSERT_MESSAGE(r.Describe(), r.ok());
  }

 private:
  static const char* MismatchCode(Plugins server) {
    return server == Plugins::kOurs ? "SASL_BADBINDING" : "SASL_BADPROT";
  }

  std::string ours_db_;
  std::string cyrus_db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(InteropCyrusTest);
