// plugin_test.cc: the built libe2e_vouch.so through the real libsasl2 (client and server in one
// process), on channel bindings computed by channelbind at both ends of real TLS connections
// (OpenSSL client, GnuTLS server, loopback). What is VOUCH's own: success both ways, the
// bad-input table (each refusal with its own code and detail, at the end that refuses), a
// relay between two TLS channels, the expected peer (option or serverFQDN), key continuity with
// its callback, log line and evidence, a corrupted store, missing configuration. Listing, the
// OpenLDAP form, "y"/"n", oversize and truncation run for every mechanism in tests/conformance.
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/base64.h"
#include "e2esasl/channelbind.h"
#include "e2esasl/vouch.h"
#include "support/sasl_harness.h"
#include "support/tls_harness.h"
#include "vouch/key_schedule.h"
#include "vouch/vouch_files.h"

namespace e2esasl::test {
namespace {

namespace cbind = e2esasl::channelbind;
using vouch::test::VouchFiles;

constexpr const char* kPlus = "VOUCH-ES256-PLUS";
constexpr const char* kAlice = "alice@example.org";
constexpr const char* kBob = "bob@example.org";

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string ReadAll(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Channel: the tls-exporter values both ends of one real TLS connection computed.
struct Channel {
  Binding client;
  Binding server;
};

Binding Exporter(e2esasl::testing::Endpoint& end) {
  const bool openssl = end.library == e2esasl::testing::TlsLibrary::kOpenssl;
  const cbind::Result<cbind::Bytes> r =
      openssl
          ? cbind::FromOpenssl(end.ssl, cbind::Type::kTlsExporter)
          : cbind::FromGnutls(end.gnutls,
                              end.role == e2esasl::testing::TlsRole::kClient ? cbind::Role::kClient
                                                                             : cbind::Role::kServer,
                              cbind::Type::kTlsExporter);
  if (!r.ok()) {
    throw std::runtime_error("channelbind failed");
  }
  Binding binding;
  binding.name = "tls-exporter";
  binding.data.assign(r.value().begin(), r.value().end());
  return binding;
}

// RealChannel: connection `which` (0 or 1) of two real TLS connections, made once per process.
const Channel& RealChannel(int which) {
  static const std::vector<Channel> channels = [] {
    std::vector<Channel> made(2);
    for (Channel& channel : made) {
      e2esasl::testing::ConnectionSpec spec;
      spec.client.library = e2esasl::testing::TlsLibrary::kOpenssl;
      spec.server.library = e2esasl::testing::TlsLibrary::kGnutls;
      e2esasl::testing::RunConnection(
          spec, [&](e2esasl::testing::Endpoint& e) { channel.client = Exporter(e); },
          [&](e2esasl::testing::Endpoint& e) { channel.server = Exporter(e); })
          .ThrowIfFailed();
    }
    return made;
  }();
  return channels.at(static_cast<size_t>(which));
}

using Fn = int (*)();
template <typename F>
Fn AsFn(F* f) {
  return reinterpret_cast<Fn>(reinterpret_cast<void (*)()>(f));
}

// Reports: what one end's E2ESASL_CB_VOUCH_KEY and SASL_CB_LOG callbacks saw.
struct Reports {
  struct Seen {
    int verdict, accepted, is_server;
    std::string identity, device_id, thumbprint, evidence;
  };
  std::vector<Seen> seen;
  std::vector<std::string> log;
  int answer = SASL_OK;

  static int OnKey(void* context, const e2esasl_vouch_key_report_t* r) {
    auto* self = static_cast<Reports*>(context);
    self->seen.push_back(Seen{r->verdict, r->accepted, r->is_server, r->identity, r->device_id,
                              r->thumbprint, r->evidence_path});
    return self->answer;
  }
  static int OnLog(void* context, int /*level*/, const char* message) {
    static_cast<Reports*>(context)->log.emplace_back(message);
    return SASL_OK;
  }
  std::vector<sasl_callback_t> Callbacks() {
    return {{E2ESASL_CB_VOUCH_KEY, AsFn(&OnKey), this}, {SASL_CB_LOG, AsFn(&OnLog), this}};
  }
  bool Logged(const std::string& part) const {
    for (const std::string& line : log) {
      if (Contains(line, part)) {
        return true;
      }
    }
    return false;
  }
};

// Bad: one row of the bad-input table: what the client presents, and where it must fail.
struct Bad {
  const char* what;
  std::string statement;  // the client's statement (empty: its good one)
  std::string authcid;    // empty: alice
  bool server_side;
  int code;
  const char* detail;
};

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl::test;  // NOLINT: test file
namespace vouch = e2esasl::vouch;

// At global scope: CppUnit names suites by their qualified type name.
class VouchPluginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VouchPluginTest);
  CPPUNIT_TEST(testSuccessBothWays);
  CPPUNIT_TEST(testBadClientStatements);
  CPPUNIT_TEST(testBadServerStatements);
  CPPUNIT_TEST(testSignatureByAnotherDeviceKey);
  CPPUNIT_TEST(testOversizedStatement);
  CPPUNIT_TEST(testRelayBetweenTwoChannels);
  CPPUNIT_TEST(testExpectedPeer);
  CPPUNIT_TEST(testKeyContinuity);
  CPPUNIT_TEST(testChangedKeyAcceptedWithWarning);
  CPPUNIT_TEST(testApplicationRefusesKey);
  CPPUNIT_TEST(testCorruptedStore);
  CPPUNIT_TEST(testNotConfigured);
  CPPUNIT_TEST(testListedOnlyWhenConfigured);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = std::make_unique<TempDir>();
    files_ = std::make_unique<VouchFiles>(dir_->path());
    alice_ = files_->Party("alice", kAlice);
    bob_ = files_->Party("bob", kBob);
  }
  void tearDown() override {
    files_.reset();
    dir_.reset();
  }

  // Spec: alice (client) to bob (server) on one real TLS channel, each with its callbacks.
  ExchangeSpec Spec() {
    ExchangeSpec spec;
    spec.client_mechlist = kPlus;
    spec.identity.authcid = kAlice;
    spec.sasldb_path = dir_->path() + "/sasldb2";
    spec.client_binding = RealChannel(0).client;
    spec.server_binding = RealChannel(0).server;
    spec.client_options = alice_;
    spec.client_options["e2esasl_vouch_peer"] = kBob;
    spec.server_options = bob_;
    spec.client_callbacks = client_reports_.Callbacks();
    spec.server_callbacks = server_reports_.Callbacks();
    return spec;
  }

  // WithContinuity: both ends keep a store and an evidence directory in the test directory.
  ExchangeSpec WithContinuity() {
    ExchangeSpec spec = Spec();
    mkdir((dir_->path() + "/evidence").c_str(), 0700);
    for (auto* options : {&spec.client_options, &spec.server_options}) {
      const std::string side = options == &spec.client_options ? "client" : "server";
      (*options)["e2esasl_vouch_continuity"] = dir_->path() + "/" + side + ".continuity";
      (*options)["e2esasl_vouch_evidence_dir"] = dir_->path() + "/evidence";
    }
    return spec;
  }

  static void ExpectFailure(const std::string& label, const Exchange& ex, bool server_side,
                            int code, const std::string& detail) {
    const int result = server_side ? ex.server_result : ex.client_result;
    const std::string& text = server_side ? ex.server_detail : ex.client_detail;
    CPPUNIT_ASSERT_MESSAGE(label + ": " + ex.What(), !ex.ok());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(label + ": " + ex.What(), code, result);
    CPPUNIT_ASSERT_MESSAGE(label + ": " + ex.What(), Contains(text, detail));
  }

  std::string AliceKey() const { return alice_.at("e2esasl_vouch_device_key"); }

  vouch::IssueOptions At(int64_t now) const {
    vouch::IssueOptions options;
    options.now = now;
    return options;
  }

  void testSuccessBothWays() {
    const Exchange ex = RunExchange(Spec());
    CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
    CPPUNIT_ASSERT_EQUAL(std::string(kAlice), ex.server_authid);
    CPPUNIT_ASSERT_EQUAL(size_t{2}, ex.client_messages.size());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.server_messages.size());
    CPPUNIT_ASSERT(ex.client_messages[0].rfind("p=tls-exporter,,n=alice@example.org,r=", 0) == 0);
    CPPUNIT_ASSERT(ex.server_messages[0].rfind("r=", 0) == 0);
    CPPUNIT_ASSERT(ex.client_messages[1].rfind("s=", 0) == 0);
    // No continuity store: nothing reported.
    CPPUNIT_ASSERT(client_reports_.seen.empty() && server_reports_.seen.empty());

    // The other way round: bob's device as the client, alice's as the server.
    ExchangeSpec spec = Spec();
    spec.identity.authcid = kBob;
    spec.client_options = bob_;
    spec.client_options["e2esasl_vouch_peer"] = kAlice;
    spec.server_options = alice_;
    const Exchange back = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(back.What(), back.ok());
    CPPUNIT_ASSERT_EQUAL(std::string(kBob), back.server_authid);
  }

  // The bad-input table, for the client's statement: the server refuses.
  void testBadClientStatements() {
    const int64_t now = vouch::test::Now();
    const std::string key = AliceKey();
    const vouch::PrivateKey& issuer = files_->Issuer("example.org");
    const vouch::PrivateKey stranger = vouch::test::NewKey();  // in no trust store
    const std::string header = vouch::test::StatementHeader(issuer);
    const std::string good = files_->Issue(kAlice, key, At(now));
    const std::string claims = R"(,"iat":)" + std::to_string(now) + R"(,"exp":)" +
                               std::to_string(now + 600) + R"(,"device_id":"d","cnf":{"jkt":")" +
                               issuer.kid() + R"("}})";
    // Tampered: the payload re-encoded with another device id, the signature kept.
    const size_t dot1 = good.find('.');
    const size_t dot2 = good.find('.', dot1 + 1);
    std::string payload(e2esasl::AsStringView(
        *vouch::Base64UrlDecode(std::string_view(good).substr(dot1 + 1, dot2 - dot1 - 1), 4096)));
    payload.replace(payload.find("device-1"), 8, "device-2");
    const std::string tampered =
        good.substr(0, dot1 + 1) + vouch::test::B64u(payload) + good.substr(dot2);
    const std::string duplicate_payload =
        R"({"iss":"example.org","sub":"alice@example.org","sub":"alice@example.org")" + claims;
    const std::vector<Bad> table = {
        {"expired", files_->Issue(kAlice, key, At(now - 7200)), "", true, SASL_BADAUTH,
         "the client's statement: expired"},
        {"not yet valid", files_->Issue(kAlice, key, At(now + 7200)), "", true, SASL_BADAUTH,
         "the client's statement: not yet valid"},
        {"wrong issuer", files_->Issue("alice@example.com", key, At(now), &stranger),
         "alice@example.com", true, SASL_BADAUTH, "issuer example.com is not in the trust store"},
        {"issuer not authoritative",
         vouch::test::SignedToken(issuer, header,
                                  R"({"iss":"example.org","sub":"alice@example.net")" + claims),
         "alice@example.net", true, SASL_BADAUTH,
         "issuer example.org is not authoritative for the domain of sub"},
        {"unknown kid", files_->Issue(kAlice, key, At(now), &stranger), "", true, SASL_BADAUTH,
         "unknown key id for issuer example.org"},
        {"alg none", vouch::test::RawToken(R"({"alg":"none","typ":"vouch+jwt"})", "{}", "x"), "",
         true, SASL_BADPROT, "alg none is not allowed (ES256 only)"},
        {"alg HS256", vouch::test::RawToken(R"({"alg":"HS256","typ":"vouch+jwt"})", "{}"), "", true,
         SASL_BADPROT, "alg HS256 is not allowed (ES256 only)"},
        {"alg RS256", vouch::test::RawToken(R"({"alg":"RS256","typ":"vouch+jwt"})", "{}"), "", true,
         SASL_BADPROT, "alg RS256 is not allowed (ES256 only)"},
        {"tampered payload", tampered, "", true, SASL_BADAUTH,
         "the issuer's signature does not verify (tampered or forged)"},
        {"malformed JSON", vouch::test::SignedToken(issuer, header, R"({"iss":"example.org",)"), "",
         true, SASL_BADPROT, "the client's statement: claims"},
        {"duplicate claims", vouch::test::SignedToken(issuer, header, duplicate_payload), "", true,
         SASL_BADPROT, "duplicate object key"},
        {"another identity's statement", files_->Issue(kBob, key, At(now)), "", true, SASL_BADAUTH,
         "the client's statement: sub is not the expected identity"},
        {"statement for another device key",
         files_->Issue(kAlice, files_->Device("spare"), At(now)), "", true, SASL_BADAUTH,
         "the client's statement: the device key is not the one cnf names"},
    };
    for (const Bad& bad : table) {
      ExchangeSpec spec = Spec();
      spec.client_options["e2esasl_vouch_statement"] = files_->StatementFile("bad", bad.statement);
      if (!bad.authcid.empty()) {
        spec.identity.authcid = bad.authcid;
      }
      ExpectFailure(bad.what, RunExchange(spec), bad.server_side, bad.code, bad.detail);
    }
  }

  // The server's statement: the client refuses.
  void testBadServerStatements() {
    const int64_t now = vouch::test::Now();
    const std::string bob_key = bob_.at("e2esasl_vouch_device_key");
    const vouch::PrivateKey stranger = vouch::test::NewKey();
    const std::vector<Bad> table = {
        {"expired", files_->Issue(kBob, bob_key, At(now - 7200)), "", false, SASL_BADAUTH,
         "the server's statement: expired"},
        {"unknown kid", files_->Issue(kBob, bob_key, At(now), &stranger), "", false, SASL_BADAUTH,
         "the server's statement: unknown key id"},
        {"not the peer", files_->Issue("carol@example.org", bob_key, At(now)), "", false,
         SASL_BADAUTH, "the server's statement: sub is not the expected identity"},
    };
    for (const Bad& bad : table) {
      ExchangeSpec spec = Spec();
      spec.server_options["e2esasl_vouch_statement"] = files_->StatementFile("bad", bad.statement);
      ExpectFailure(bad.what, RunExchange(spec), bad.server_side, bad.code, bad.detail);
    }
  }

  // The client's last message replaced by a signature made with another device's key over
  // exactly the transcript the server expects (the forger knows every public value, not alice's
  // key): the server refuses it.
  void testSignatureByAnotherDeviceKey() {
    const vouch::PrivateKey mallory = vouch::test::NewKey();
    const Binding server_binding = RealChannel(0).server;
    auto seen = std::make_shared<std::vector<std::string>>();
    ExchangeSpec spec = Spec();
    spec.tamper = [&mallory, server_binding, seen](bool from_client, int index,
                                                   const std::string& m) {
      seen->push_back(m);
      if (!from_client || index != 1) {
        return m;
      }
      const auto first = vouch::ClientFirst::Parse(e2esasl::AsBytes(seen->at(0)));
      const auto server = vouch::ServerFirst::Parse(e2esasl::AsBytes(seen->at(1)));
      const e2esasl::Bytes gs2 = first->gs2_header.ToBytes();
      vouch::TranscriptInputs inputs;
      inputs.gs2_header = gs2;
      inputs.cb_data = server_binding.data;
      inputs.client_nonce = first->nonce;
      inputs.server_nonce = server->nonce;
      inputs.client_statement = first->statement;
      inputs.server_statement = server->statement;
      inputs.client_point = first->device_key;
      inputs.server_point = server->device_key;
      const auto forged =
          vouch::SignTranscript(mallory, vouch::Transcript(vouch::Role::kClient, inputs), nullptr);
      return "s=" + e2esasl::Base64Encode(*forged);
    };
    ExpectFailure("another device key", RunExchange(spec), true, SASL_BADAUTH,
                  "the client's device signature does not verify: it was not made with the "
                  "vouched key over this channel");
  }

  // A statement longer than 4096 characters is refused by the parser (and a client does not
  // send one of its own).
  void testOversizedStatement() {
    ExchangeSpec spec = Spec();
    spec.tamper = [](bool from_client, int index, const std::string& m) {
      return from_client && index == 0 ? m.substr(0, m.find(",j=") + 3) + std::string(4097, 'a')
                                       : m;
    };
    ExpectFailure("oversized on the wire", RunExchange(spec), true, SASL_BADPROT,
                  "client-first: j= must be a compact JWS of at most 4096 characters");
    ExchangeSpec own = Spec();
    own.client_options["e2esasl_vouch_statement"] =
        files_->StatementFile("huge", std::string(5000, 'a'));
    ExpectFailure("oversized own file", RunExchange(own), false, SASL_UNAVAIL,
                  "huge.jws: not one compact JWS");
  }

  // A man in the middle terminating TLS on both sides and relaying the SASL bytes: each end's
  // binding is its own channel's, so the server's signature (made over the server's channel)
  // does not verify at the client: the valid statement is replayed on another channel.
  void testRelayBetweenTwoChannels() {
    ExchangeSpec spec = Spec();
    spec.client_binding = RealChannel(0).client;
    spec.server_binding = RealChannel(1).server;
    const Exchange ex = RunExchange(spec);
    ExpectFailure("relay", ex, false, SASL_BADAUTH,
                  "the server's device signature does not verify: it was not made with the "
                  "vouched key over this channel");
    CPPUNIT_ASSERT_EQUAL(size_t{1}, ex.client_messages.size());  // no client-final
  }

  // Without e2esasl_vouch_peer the client expects the server name given to sasl_client_new
  // ("server.example" in the harness), which bob's statement does not name.
  void testExpectedPeer() {
    ExchangeSpec spec = Spec();
    spec.client_options.erase("e2esasl_vouch_peer");
    ExpectFailure("serverFQDN", RunExchange(spec), false, SASL_BADAUTH,
                  "the server's statement: sub is not the expected identity");
    spec.client_options["e2esasl_vouch_peer"] = "carol@example.org";
    ExpectFailure("peer option", RunExchange(spec), false, SASL_BADAUTH,
                  "the server's statement: sub is not the expected identity");
  }

  // First contact stored (both ends), the same key accepted, then alice's home server vouches
  // for another key: refused by default with a precise error, evidence written, stores untouched.
  void testKeyContinuity() {
    const ExchangeSpec spec = WithContinuity();
    const Exchange first = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(first.What(), first.ok());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, server_reports_.seen.size());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, client_reports_.seen.size());
    const Reports::Seen at_server = server_reports_.seen[0];  // a copy: seen grows
    CPPUNIT_ASSERT_EQUAL(E2ESASL_VOUCH_FIRST_CONTACT, at_server.verdict);
    CPPUNIT_ASSERT_EQUAL(1, at_server.accepted);
    CPPUNIT_ASSERT_EQUAL(1, at_server.is_server);
    CPPUNIT_ASSERT_EQUAL(std::string(kAlice), at_server.identity);
    CPPUNIT_ASSERT_EQUAL(std::string("device-1"), at_server.device_id);
    CPPUNIT_ASSERT_EQUAL(size_t{43}, at_server.thumbprint.size());
    CPPUNIT_ASSERT_EQUAL(E2ESASL_VOUCH_FIRST_CONTACT, client_reports_.seen[0].verdict);
    CPPUNIT_ASSERT_EQUAL(std::string(kBob), client_reports_.seen[0].identity);
    CPPUNIT_ASSERT(
        server_reports_.Logged("VOUCH-ES256-PLUS key continuity: first contact for "
                               "alice@example.org (device device-1, key " +
                               at_server.thumbprint + ")"));
    const std::string store = spec.server_options.at("e2esasl_vouch_continuity");
    CPPUNIT_ASSERT(Contains(ReadAll(store), at_server.thumbprint));

    const Exchange again = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(again.What(), again.ok());
    CPPUNIT_ASSERT_EQUAL(E2ESASL_VOUCH_KNOWN_KEY, server_reports_.seen.at(1).verdict);
    CPPUNIT_ASSERT_EQUAL(E2ESASL_VOUCH_KNOWN_KEY, client_reports_.seen.at(1).verdict);

    // example.org now vouches for another key as alice's (a man in the middle's).
    ExchangeSpec changed = spec;
    changed.client_options = files_->Party("alice-mitm", kAlice);
    changed.client_options["e2esasl_vouch_peer"] = kBob;
    const std::string before = ReadAll(store);
    const Exchange refused = RunExchange(changed);
    ExpectFailure("changed key", refused, true, SASL_BADAUTH,
                  "key continuity: the device key vouched for alice@example.org is not one seen "
                  "before (known keys first seen at");
    CPPUNIT_ASSERT_EQUAL(before, ReadAll(store));
    const Reports::Seen report = server_reports_.seen.at(2);
    CPPUNIT_ASSERT_EQUAL(E2ESASL_VOUCH_CHANGED_KEY, report.verdict);
    CPPUNIT_ASSERT_EQUAL(0, report.accepted);
    CPPUNIT_ASSERT(report.thumbprint != at_server.thumbprint);
    CPPUNIT_ASSERT(server_reports_.Logged("CHANGED KEY for alice@example.org"));
    CPPUNIT_ASSERT(server_reports_.Logged(": refused; evidence " + report.evidence));
    // The evidence: the statement the home server signed for the new key.
    const std::string evidence = ReadAll(report.evidence);
    CPPUNIT_ASSERT(Contains(
        evidence, ReadAll(changed.client_options.at("e2esasl_vouch_statement")).substr(0, 100)));
    struct stat st {};
    CPPUNIT_ASSERT_EQUAL(0, stat(report.evidence.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL(0600u, static_cast<unsigned>(st.st_mode & 0777));
  }

  void testChangedKeyAcceptedWithWarning() {
    ExchangeSpec spec = WithContinuity();
    CPPUNIT_ASSERT(RunExchange(spec).ok());
    spec.client_options = files_->Party("alice-new", kAlice);
    spec.client_options["e2esasl_vouch_peer"] = kBob;
    spec.client_options["e2esasl_vouch_continuity"] = dir_->path() + "/client.continuity";
    spec.server_options["e2esasl_vouch_on_key_change"] = "warn";
    const Exchange ex = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(ex.What(), ex.ok());
    const Reports::Seen report = server_reports_.seen.at(1);
    CPPUNIT_ASSERT_EQUAL(E2ESASL_VOUCH_CHANGED_KEY, report.verdict);
    CPPUNIT_ASSERT_EQUAL(1, report.accepted);
    CPPUNIT_ASSERT(!report.evidence.empty());
    CPPUNIT_ASSERT(Contains(ReadAll(report.evidence), "new-key " + report.thumbprint + "\n"));
    CPPUNIT_ASSERT(server_reports_.Logged("CHANGED KEY for alice@example.org"));
    CPPUNIT_ASSERT(server_reports_.Logged(": accepted with a warning; evidence "));
    // Both keys are now known: the new one is accepted as known.
    const Exchange again = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(again.What(), again.ok());
    CPPUNIT_ASSERT_EQUAL(E2ESASL_VOUCH_KNOWN_KEY, server_reports_.seen.at(2).verdict);
  }

  void testApplicationRefusesKey() {
    server_reports_.answer = SASL_NOAUTHZ;
    const Exchange ex = RunExchange(WithContinuity());
    ExpectFailure("application", ex, true, SASL_BADAUTH, "the application refused the peer's key");
    CPPUNIT_ASSERT_EQUAL(E2ESASL_VOUCH_FIRST_CONTACT, server_reports_.seen.at(0).verdict);
  }

  // A corrupted store: a clear error naming the file and the line, and the file left as it was.
  void testCorruptedStore() {
    const ExchangeSpec spec = WithContinuity();
    const std::string store = spec.server_options.at("e2esasl_vouch_continuity");
    const std::string garbage = "e2esasl-vouch-continuity 1\nkey not a key line\n";
    vouch::test::WriteText(store, garbage, 0600);
    const Exchange ex = RunExchange(spec);
    ExpectFailure("corrupted", ex, true, SASL_UNAVAIL, store + ": line 2: ");
    CPPUNIT_ASSERT_EQUAL(garbage, ReadAll(store));
    CPPUNIT_ASSERT(server_reports_.seen.empty());
  }

  void testNotConfigured() {
    // A server without its files does not offer the mechanism at all.
    ExchangeSpec spec = Spec();
    spec.server_options.clear();
    const Exchange server = RunExchange(spec);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(server.What(), SASL_NOMECH, server.server_result);
    spec = Spec();
    spec.client_options.erase("e2esasl_vouch_trust_dir");
    ExpectFailure("client", RunExchange(spec), false, SASL_UNAVAIL, "not configured");
    // A device key file others can read is not trusted.
    spec = Spec();
    chmod(AliceKey().c_str(), 0644);
    ExpectFailure("key file mode", RunExchange(spec), false, SASL_UNAVAIL, AliceKey());
    chmod(AliceKey().c_str(), 0600);
    spec.client_options["e2esasl_vouch_trust_dir"] = dir_->path() + "/missing";
    ExpectFailure("trust dir", RunExchange(spec), false, SASL_UNAVAIL, "/missing");
  }

  // A server without its statement, device key or trust store does not offer the mechanism.
  void testListedOnlyWhenConfigured() {
    const std::string sasldb = dir_->path() + "/sasldb2";
    const Binding binding = RealChannel(0).server;
    const auto listed = [&](const OptionMap& options) {
      const std::string list = ServerMechanisms(sasldb, binding, false, true, options);
      return Contains(" " + list + " ", std::string(" ") + kPlus + " ");
    };
    CPPUNIT_ASSERT(listed(bob_));
    CPPUNIT_ASSERT(!listed({}));
    for (const auto& [name, value] : bob_) {
      OptionMap partial = bob_;
      partial.erase(name);
      CPPUNIT_ASSERT_MESSAGE(name, !listed(partial));
    }
    CPPUNIT_ASSERT(!Contains(ServerMechanisms(sasldb, std::nullopt, false, true, bob_), "VOUCH"));
  }

 private:
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<VouchFiles> files_;
  OptionMap alice_;
  OptionMap bob_;
  Reports client_reports_;
  Reports server_reports_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(VouchPluginTest);
