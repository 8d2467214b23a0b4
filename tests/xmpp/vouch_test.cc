// vouch_test.cc: the VOUCH statement service (xmpp/prosody/mod_e2e_vouch.lua) in a sandbox
// Prosody, with e2e-xmpp statement (e2e_xmpp_fetch_statement) and raw libstrophe clients.
//   XmppVouchTest (one server for the class, domain key from `e2esasl-vouch keygen`):
//     a fetched statement verifies with Debian's `jose` against the JWKS of `e2esasl-vouch
//     jwks` and against the module's own JWKS answer (and not against another key's), and
//     with `e2esasl-vouch verify`; sub is the authenticated JID even when the request names
//     another; bad requests (no key, malformed JWK, a P-384 key, a point off the curve, a
//     private key, no device id) get bad-request; a stream that has not authenticated gets
//     not-authorized (openssl s_client speaking XMPP by hand).
// The domain key's failures are in vouch_key_test.cc.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vouch_fixture.h"

using namespace e2esasl::xmpp_test;  // NOLINT(google-build-using-namespace)

namespace {

// A P-384 public key (jose jwk gen -i '{"alg":"ES384"}' | jose jwk pub).
const char kP384Jwk[] =
    R"({"alg":"ES384","crv":"P-384","kty":"EC",)"
    R"("x":"iJ7-r2ilvHxMnoNpT-dE944uD7b-VaQ6LCEKar13HpHO4iZF1QOTOffR5okIMbRK",)"
    R"("y":"FMlkt8FfbZWnBPOaaUc1DlHj9EtHxJzkNaV2tLMq_-PrELL1QxC9aKHlSbV50hBs"})";
// x and y of 32 bytes each, but (x, y) = (1, 1) is not on P-256.
const char kOffCurveJwk[] =
    R"({"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE",)"
    R"("y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE"})";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// StatementOf: the text of <statement/> in a result IQ, "" when there is none.
std::string StatementOf(const Received& iq) {
  const std::string open = std::string("<statement xmlns=\"") + kVouchNs + "\">";
  size_t start = iq.text.find(open);
  if (start == std::string::npos) {
    return "";
  }
  start += open.size();
  return iq.text.substr(start, iq.text.find('<', start) - start);
}

// Unescape: the XML character references libstrophe writes in text.
std::string Unescape(std::string s) {
  const std::pair<std::string, std::string> kRefs[] = {
      {"&quot;", "\""}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
  for (const auto& [ref, ch] : kRefs) {
    for (size_t at = s.find(ref); at != std::string::npos; at = s.find(ref, at + ch.size())) {
      s.replace(at, ref.size(), ch);
    }
  }
  return s;
}

struct VouchWorld {
  VouchWork work;
  std::unique_ptr<ProsodyServer> server;
  VouchWorld() {
    ProsodyOptions options;
    options.limits = false;
    options.vouch_key_file = work.Path("localhost.jwk");
    server = std::make_unique<ProsodyServer>(options);
    server->Register("alice", kVouchPassword);
    server->Register("bob", kVouchPassword);
  }
};

// World: the class's one server, made by the first test that needs it, stopped at exit.
VouchWorld& World() {
  static std::unique_ptr<VouchWorld> world;
  if (!world) {
    world = std::make_unique<VouchWorld>();
  }
  return *world;
}

}  // namespace

class XmppVouchTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XmppVouchTest);
  CPPUNIT_TEST(testFetchedStatementVerifies);
  CPPUNIT_TEST(testSubIsTheAuthenticatedJid);
  CPPUNIT_TEST(testBadRequests);
  CPPUNIT_TEST(testBadKeyThroughTheProgram);
  CPPUNIT_TEST(testUnauthenticatedStream);
  CPPUNIT_TEST_SUITE_END();

 public:
  // alice fetches a statement with e2e-xmpp; jose and e2esasl-vouch verify it.
  void testFetchedStatementVerifies() {
    VouchWorld& world = World();
    const VouchWork& work = world.work;
    std::string out;
    const std::string path = work.Path("alice.statement");
    const int code = RunProgram(
        FetchArgs(*world.server, work, "alice", work.Path("device.pub"), path), &out, kVouchRun);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out + world.server->LogTail(), 0, code);
    CPPUNIT_ASSERT_MESSAGE(out, Contains(ReadAll(path + ".status"), "outcome ok"));
    const std::string token = Trimmed(ReadAll(path));

    // jose, against the JWKS the tool prints: the claims are what the module must write.
    std::string claims;
    CPPUNIT_ASSERT_MESSAGE(claims, JoseVerifies(token, work.Path("trust/localhost.jwks"), &claims));
    CPPUNIT_ASSERT_MESSAGE(claims, Contains(claims, R"("iss":"localhost")"));
    CPPUNIT_ASSERT_MESSAGE(claims, Contains(claims, R"("sub":"alice@localhost")"));
    CPPUNIT_ASSERT_MESSAGE(claims, Contains(claims, R"("device_id":"laptop-1")"));
    const std::string device = Trimmed(ReadAll(work.Path("device.pub")));
    const std::string x = device.substr(device.find(R"("x":")"), 50);
    CPPUNIT_ASSERT_MESSAGE(claims + " / " + device,
                           Contains(claims, R"("cnf":{"jwk":{)") && Contains(claims, x));
    const size_t exp_at = claims.find(R"("exp":)"), iat_at = claims.find(R"("iat":)");
    CPPUNIT_ASSERT(exp_at != std::string::npos && iat_at != std::string::npos);
    const long long exp = std::atoll(claims.c_str() + exp_at + 6);
    const long long iat = std::atoll(claims.c_str() + iat_at + 6);
    CPPUNIT_ASSERT_EQUAL(3600LL, exp - iat);  // the default lifetime
    CPPUNIT_ASSERT(std::llabs(iat - static_cast<long long>(time(nullptr))) < 60);

    // Another key of the same domain name does not verify it (the check can fail).
    CPPUNIT_ASSERT_MESSAGE(claims, !JoseVerifies(token, work.Path("other.jwks"), &claims));

    // jose, against the module's own JWKS answer.
    StropheContext context;
    StropheClient bob(context, VouchClient(*world.server, "bob@localhost/b"));
    CPPUNIT_ASSERT_MESSAGE(bob.error(), bob.Connect(kVouchConnectTimeout));
    bob.Send(std::string("<iq type='get' to='localhost' id='k1'><jwks xmlns='") + kVouchNs +
             "'/></iq>");
    auto answer = bob.WaitForIq("k1", kVouchStanzaTimeout);
    CPPUNIT_ASSERT(answer.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(answer->text, std::string("result"), answer->type);
    const std::string open = std::string("<jwks xmlns=\"") + kVouchNs + "\">";
    const size_t start = answer->text.find(open);
    CPPUNIT_ASSERT_MESSAGE(answer->text, start != std::string::npos);
    const std::string jwks = Unescape(answer->text.substr(
        start + open.size(), answer->text.find('<', start + open.size()) - start - open.size()));
    const std::string served = work.Write("served.jwks", jwks);
    CPPUNIT_ASSERT_MESSAGE(jwks, JoseVerifies(token, served, &claims));
    CPPUNIT_ASSERT_MESSAGE(jwks, Contains(jwks, R"("kid":")") && !Contains(jwks, R"("d":)"));

    // e2esasl's own verifier, with the identity expected.
    std::string verified;
    const int verify =
        Shell(std::string(E2ESASL_VOUCH_TOOL) + " verify " + Quote(work.Path("trust")) +
                  " --sub alice@localhost < " + Quote(path),
              &verified);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(verified, 0, verify);
    CPPUNIT_ASSERT_MESSAGE(verified, Contains(verified, R"("sub":"alice@localhost")"));
    const int wrong_sub =
        Shell(std::string(E2ESASL_VOUCH_TOOL) + " verify " + Quote(work.Path("trust")) +
                  " --sub bob@localhost < " + Quote(path),
              &verified);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(verified, 3, wrong_sub);
  }

  // bob asks for a statement naming alice (a from attribute, sub and iss attributes, a <sub/>
  // child): the module vouches for bob, the authenticated account.
  void testSubIsTheAuthenticatedJid() {
    VouchWorld& world = World();
    StropheContext context;
    StropheClient bob(context, VouchClient(*world.server, "bob@localhost/b"));
    CPPUNIT_ASSERT_MESSAGE(bob.error(), bob.Connect(kVouchConnectTimeout));
    const std::string device = Trimmed(ReadAll(world.work.Path("device.pub")));
    bob.Send(std::string("<iq type='set' to='localhost' id='s1' from='alice@localhost/a'>") +
             "<statement xmlns='" + kVouchNs +
             "' device-id='phone-1' sub='alice@localhost' iss='evil.example'><sub>" +
             "alice@localhost</sub><jwk>" + device + "</jwk></statement></iq>");
    auto answer = bob.WaitForIq("s1", kVouchStanzaTimeout);
    CPPUNIT_ASSERT(answer.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(answer->text, std::string("result"), answer->type);
    CPPUNIT_ASSERT_EQUAL(std::string("localhost"), answer->from);
    const std::string token = StatementOf(*answer);
    std::string claims;
    CPPUNIT_ASSERT_MESSAGE(answer->text + claims,
                           JoseVerifies(token, world.work.Path("trust/localhost.jwks"), &claims));
    CPPUNIT_ASSERT_MESSAGE(claims, Contains(claims, R"("sub":"bob@localhost")"));
    CPPUNIT_ASSERT_MESSAGE(claims, Contains(claims, R"("iss":"localhost")"));
    CPPUNIT_ASSERT_MESSAGE(claims, !Contains(claims, "alice"));
  }

  // Each malformed request gets bad-request with a text that says what was wrong.
  void testBadRequests() {
    VouchWorld& world = World();
    StropheContext context;
    StropheClient alice(context, VouchClient(*world.server, "alice@localhost/a"));
    CPPUNIT_ASSERT_MESSAGE(alice.error(), alice.Connect(kVouchConnectTimeout));
    const std::string device = Trimmed(ReadAll(world.work.Path("device.pub")));
    const std::string private_key = Trimmed(ReadAll(world.work.Path("device.jwk")));
    struct Case {
      std::string body;  // inside <statement/>
      std::string attrs;
      std::string text;  // expected in the error's text
    };
    const std::vector<Case> cases = {
        {"", " device-id='d'", "no <jwk/>"},
        {"<jwk>{\"kty\":\"EC\",</jwk>", " device-id='d'", "not a JSON object"},
        {"<jwk>[1,2]</jwk>", " device-id='d'", "kty"},
        {"<jwk><x/></jwk>", " device-id='d'", "1 to 1024 bytes"},
        {"<jwk>" + std::string(1025, 'a') + "</jwk>", " device-id='d'", "1 to 1024 bytes"},
        {"<jwk>{\"kty\":\"EC\",\"crv\":\"P\\u0001\"}</jwk>", " device-id='d'",
         "(crv missing or malformed)"},
        {std::string("<jwk>") + kP384Jwk + "</jwk>", " device-id='d'", "not on P-256 (crv P-384)"},
        {std::string("<jwk>") + kOffCurveJwk + "</jwk>", " device-id='d'", "not a point on P-256"},
        {"<jwk>" + private_key + "</jwk>", " device-id='d'", "private part"},
        {"<jwk>{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}</jwk>",
         " device-id='d'", "32 bytes"},
        {"<jwk>" + device + "</jwk>", "", "device-id"},
        {"<jwk>" + device + "</jwk>", " device-id='a b'", "device-id"},
        {"<jwk>" + device + "</jwk>", " device-id='" + std::string(129, 'x') + "'", "device-id"},
    };
    int n = 0;
    for (const Case& c : cases) {
      const std::string id = "b" + std::to_string(++n);
      alice.Send("<iq type='set' to='localhost' id='" + id + "'><statement xmlns='" + kVouchNs +
                 "'" + c.attrs + ">" + c.body + "</statement></iq>");
      auto answer = alice.WaitForIq(id, kVouchStanzaTimeout);
      CPPUNIT_ASSERT_MESSAGE(c.text, answer.has_value());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(answer->text, std::string("error"), answer->type);
      CPPUNIT_ASSERT_MESSAGE(answer->text, Contains(answer->text, "<bad-request"));
      CPPUNIT_ASSERT_MESSAGE(c.text + " in " + answer->text,
                             Contains(Unescape(answer->text), c.text));
      CPPUNIT_ASSERT_MESSAGE(answer->text, StatementOf(*answer).empty());
    }
    // The server lives on and still vouches.
    alice.Send("<iq type='set' to='localhost' id='ok'><statement xmlns='" + std::string(kVouchNs) +
               "' device-id='d'><jwk>" + device + "</jwk></statement></iq>");
    auto answer = alice.WaitForIq("ok", kVouchStanzaTimeout);
    CPPUNIT_ASSERT(answer.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(answer->text, std::string("result"), answer->type);
  }

  // Through e2e_xmpp_fetch_statement: the P-384 key's bad-request is exit 2 with the server's
  // reason; a private key file is refused before anything is sent.
  void testBadKeyThroughTheProgram() {
    VouchWorld& world = World();
    const VouchWork& work = world.work;
    std::string out;
    const std::string path = work.Path("p384.statement");
    int code =
        RunProgram(FetchArgs(*world.server, work, "alice", work.Write("p384.pub", kP384Jwk), path),
                   &out, kVouchRun);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 2, code);
    CPPUNIT_ASSERT_MESSAGE(out, Contains(ReadAll(path + ".status"),
                                         "reason the server refused the statement request: "
                                         "bad-request (the key is not on P-256 (crv P-384))"));
    CPPUNIT_ASSERT(!std::filesystem::exists(path));

    code = RunProgram(FetchArgs(*world.server, work, "alice", work.Path("device.jwk"), path), &out,
                      kVouchRun);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 2, code);
    CPPUNIT_ASSERT_MESSAGE(out, Contains(out, "could not be sent"));
    CPPUNIT_ASSERT(!std::filesystem::exists(path));
  }

  // A stream that has not authenticated (TLS up, no SASL) asks for a statement: not-authorized.
  void testUnauthenticatedStream() {
    VouchWorld& world = World();
    const std::string header =
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
        "to='localhost' version='1.0'>";
    const std::string device = Trimmed(ReadAll(world.work.Path("device.pub")));
    const std::string iq = std::string("<iq type='set' to='localhost' id='u1'><statement xmlns='") +
                           kVouchNs + "' device-id='d'><jwk>" + device + "</jwk></statement></iq>";
    std::string out;
    const int code = Shell(
        "(sleep 0.5; printf '%s' " + Quote(header) + "; sleep 0.3; printf '%s' " + Quote(iq) +
            "; sleep 0.5) | openssl s_client -brief -CAfile " + Quote(world.server->ca_path()) +
            " -verify_return_error -starttls xmpp -xmpphost localhost -connect 127.0.0.1:" +
            std::to_string(world.server->port()),
        &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, code);
    CPPUNIT_ASSERT_MESSAGE(out, Contains(out, "<stream:features><mechanisms"));  // not logged in
    CPPUNIT_ASSERT_MESSAGE(out, Contains(out, "id='u1'") && Contains(out, "type='error'"));
    CPPUNIT_ASSERT_MESSAGE(out, Contains(out, "<not-authorized"));
    CPPUNIT_ASSERT_MESSAGE(out, !Contains(out, "<statement xmlns='urn:e2esasl:vouch:0'>ey"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(XmppVouchTest);
