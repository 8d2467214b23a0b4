// ScramSessionTest: ClientSession <-> ServerSession for SHA-1/256/512, with and without channel
// binding, and every failure the sessions must report (and report alike where it matters).
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "common/random.h"
#include "scram/client.h"
#include "scram/scram_test_util.h"
#include "scram/server.h"

namespace e2esasl::scram {
namespace {

using test::Exchange;
using test::MapCredentials;
using test::RunExchange;
using test::StepToVerdict;

// Small iteration counts keep the suite fast; the policy under test is the range check.
constexpr uint32_t kIterations = 64;

const HashAlg kAlgs[] = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha512};

std::string Str(const Bytes& bytes) {
  return ToString(bytes);
}

// ClientBinding: the client's GS2 flag, binding name and data (ClientConfig gs2 / cb_data).
struct ClientBinding {
  gs2::CbFlag flag = gs2::CbFlag::kNone;
  std::string cb_name;
  Bytes cb_data;
};
ClientBinding Plus(std::string name, std::string data) {
  return ClientBinding{gs2::CbFlag::kUsed, std::move(name), ToBytes(data)};
}
ClientBinding Flag(gs2::CbFlag flag) {
  return ClientBinding{flag, "", {}};
}

// Client: a client session for alg with the policy of `config` (iteration range).
ClientSession Client(HashAlg alg, std::string_view user, std::string_view authzid,
                     std::string_view password, ClientBinding binding, ClientConfig config = {}) {
  config.alg = alg;
  config.authcid = std::string(user);
  config.password = SecretString(password);
  config.gs2.flag = binding.flag;
  config.gs2.cb_name = std::move(binding.cb_name);
  config.gs2.authzid = std::string(authzid);
  config.cb_data = std::move(binding.cb_data);
  return ClientSession(SystemRandom(), std::move(config));
}
ServerBinding Channel(std::string name, std::string data, bool critical = false) {
  return ServerBinding{std::move(name), ToBytes(data), critical};
}

// Fixture state for one run: users alice/pencil (and an optional iteration count).
struct Setup {
  explicit Setup(HashAlg alg, uint32_t iterations = kIterations) : alg(alg) {
    credentials.Add(
        "alice", *StoredCredentials::Derive(alg, "pencil", ToBytes("salt-of-alice"), iterations));
  }
  // Config: the server's configuration; it advertises -PLUS whenever it holds a binding (as
  // libsasl2 does).
  ServerConfig Config(std::optional<ServerBinding> binding = std::nullopt) const {
    ServerConfig config;
    config.alg = alg;
    config.plus_advertised = binding.has_value();
    config.binding = std::move(binding);
    config.fake_secret = SecretBytes(32, 0x11);
    config.fake_iterations = kIterations;
    config.password_fallback = password_fallback;
    config.on_pbkdf2 = on_pbkdf2;
    return config;
  }
  Exchange Run(std::string_view user, std::string_view password, ClientBinding client_binding,
               std::optional<ServerBinding> server_binding, std::string_view authzid = "",
               ClientConfig client_policy = Lenient()) {
    ClientSession client =
        Client(alg, user, authzid, password, std::move(client_binding), std::move(client_policy));
    ServerSession server(SystemRandom(), credentials, Config(std::move(server_binding)));
    Exchange result = RunExchange(client, server);
    authcid = server.Authcid();
    server_authzid = server.Authzid();
    disposition = server.Disposition();
    cb_name = server.CbName();
    return result;
  }
  static ClientConfig Lenient() {
    ClientConfig config;
    config.min_iterations = 1;
    return config;
  }

  HashAlg alg;
  MapCredentials credentials;
  bool password_fallback = true;
  Pbkdf2Observer on_pbkdf2;
  std::string authcid, server_authzid, cb_name;
  cb::Disposition disposition = cb::Disposition::kNone;
};

}  // namespace
}  // namespace e2esasl::scram

using namespace e2esasl;         // NOLINT: test file
using namespace e2esasl::scram;  // NOLINT: test file

// The fixture lives at global scope: CppUnit names a suite after typeid(fixture), and the runner
// selects suites by that name (SUITES in CMakeLists.txt).
class ScramSessionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ScramSessionTest);
  CPPUNIT_TEST(testSucceedsForEveryHashWithAndWithoutBinding);
  CPPUNIT_TEST(testAuthzidIsCarriedEscaped);
  CPPUNIT_TEST(testWrongPasswordAndUnknownUserLookAlike);
  CPPUNIT_TEST(testUnknownUserGetsStableFakeSalt);
  CPPUNIT_TEST(testPasswordFallbackWorksWithStableSalt);
  CPPUNIT_TEST(testEveryUserCostsTheSamePbkdf2);
  CPPUNIT_TEST(testBindingDataMismatch);
  CPPUNIT_TEST(testBindingNameMismatchOrAbsent);
  CPPUNIT_TEST(testDowngradeWithYIsRefused);
  CPPUNIT_TEST(testNoneWithCriticalBindingIsRefused);
  CPPUNIT_TEST(testIterationCountOutsideClientRange);
  CPPUNIT_TEST(testClientUnderstandsServerErrors);
  CPPUNIT_TEST(testClientRejectsBadServerMessages);
  CPPUNIT_TEST(testServerRejectsBadClientFinal);
  CPPUNIT_TEST(testServerAcceptsMissingInitialResponse);
  CPPUNIT_TEST(testBadLocalInputs);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSucceedsForEveryHashWithAndWithoutBinding() {
    for (HashAlg alg : kAlgs) {
      Setup s(alg);
      Exchange none = s.Run("alice", "pencil", Flag(gs2::CbFlag::kNone), std::nullopt);
      CPPUNIT_ASSERT(none.client == Status::kOk && none.server == Status::kOk);
      CPPUNIT_ASSERT(s.disposition == cb::Disposition::kNone);
      CPPUNIT_ASSERT_EQUAL(std::string("alice"), s.authcid);

      Exchange plus = s.Run("alice", "pencil", Plus("tls-exporter", "binding-A"),
                            Channel("tls-exporter", "binding-A", /*critical=*/true));
      CPPUNIT_ASSERT(plus.client == Status::kOk && plus.server == Status::kOk);
      CPPUNIT_ASSERT(s.disposition == cb::Disposition::kUsed);
      CPPUNIT_ASSERT_EQUAL(std::string("tls-exporter"), s.cb_name);

      // "y": the client can bind but the server cannot (holds no binding).
      Exchange want = s.Run("alice", "pencil", Flag(gs2::CbFlag::kWant), std::nullopt);
      CPPUNIT_ASSERT(want.client == Status::kOk && want.server == Status::kOk);
      CPPUNIT_ASSERT(s.disposition == cb::Disposition::kWant);

      // "n" while the server holds a non-critical binding: allowed.
      Exchange lax =
          s.Run("alice", "pencil", Flag(gs2::CbFlag::kNone), Channel("tls-exporter", "binding-A"));
      CPPUNIT_ASSERT(lax.client == Status::kOk && lax.server == Status::kOk);
    }
  }

  void testAuthzidIsCarriedEscaped() {
    Setup s(HashAlg::kSha256);
    MapCredentials& c = s.credentials;
    Exchange e = s.Run("alice", "pencil", Flag(gs2::CbFlag::kNone), std::nullopt, "bob,=x");
    CPPUNIT_ASSERT(e.server == Status::kOk);
    CPPUNIT_ASSERT_EQUAL(std::string("bob,=x"), s.server_authzid);
    CPPUNIT_ASSERT_EQUAL(std::string("bob,=x"), c.last_authzid_);
    CPPUNIT_ASSERT_EQUAL(1, c.lookups_);
    // SASLprep (query) maps the username before lookup: U+00AD SOFT HYPHEN maps to nothing.
    Exchange mapped = s.Run("al\xC2\xADice", "pencil", Flag(gs2::CbFlag::kNone), std::nullopt);
    CPPUNIT_ASSERT(mapped.server == Status::kOk);
    CPPUNIT_ASSERT_EQUAL(std::string("alice"), c.last_authcid_);
  }

  void testWrongPasswordAndUnknownUserLookAlike() {
    for (HashAlg alg : kAlgs) {
      Setup s(alg);
      Exchange wrong = s.Run("alice", "pencil2", Flag(gs2::CbFlag::kNone), std::nullopt);
      Exchange unknown = s.Run("mallory", "pencil", Flag(gs2::CbFlag::kNone), std::nullopt);
      for (const Exchange* e : {&wrong, &unknown}) {
        CPPUNIT_ASSERT(e->server == Status::kAuthFailed);
        CPPUNIT_ASSERT_EQUAL(2, e->server_steps);  // both fail at the proof, not before
        CPPUNIT_ASSERT_EQUAL(std::string("e=invalid-proof"), Str(e->last_server_out));
        CPPUNIT_ASSERT(e->client == Status::kAuthFailed);
      }
      CPPUNIT_ASSERT_EQUAL(wrong.server_detail, unknown.server_detail);
      CPPUNIT_ASSERT_EQUAL(wrong.client_detail, unknown.client_detail);
    }
  }

  void testUnknownUserGetsStableFakeSalt() {
    Setup s(HashAlg::kSha256);
    auto server_first = [&](std::string_view user) {
      ServerSession server(SystemRandom(), s.credentials, s.Config());
      Bytes out;
      Failure failure;
      const std::string first = "n,,n=" + std::string(user) + ",r=abc";
      CPPUNIT_ASSERT(server.Step(AsBytes(first), &out, &failure) == Status::kContinue);
      return *ServerFirst::Parse(out);
    };
    const ServerFirst a = server_first("mallory");
    const ServerFirst b = server_first("mallory");
    const ServerFirst c = server_first("trudy");
    CPPUNIT_ASSERT(a.salt == b.salt);
    CPPUNIT_ASSERT(a.salt != c.salt);
    CPPUNIT_ASSERT_EQUAL(kDefaultSaltSize, a.salt.size());
    CPPUNIT_ASSERT_EQUAL(kIterations, a.iterations);
    CPPUNIT_ASSERT(a.nonce != b.nonce);
  }

  // The userPassword fallback: the core derives the verifier from the plaintext with a salt
  // keyed by the fake secret, stable per user.
  void testPasswordFallbackWorksWithStableSalt() {
    for (HashAlg alg : kAlgs) {
      Setup s(alg);
      s.credentials.AddPassword("carol", "plain text");
      Exchange ok = s.Run("carol", "plain text", Flag(gs2::CbFlag::kNone), std::nullopt);
      CPPUNIT_ASSERT_MESSAGE(ok.server_detail + ok.client_detail,
                             ok.client == Status::kOk && ok.server == Status::kOk);
      Exchange wrong = s.Run("carol", "other", Flag(gs2::CbFlag::kNone), std::nullopt);
      Exchange unknown = s.Run("mallory", "other", Flag(gs2::CbFlag::kNone), std::nullopt);
      CPPUNIT_ASSERT(wrong.server == Status::kAuthFailed);
      CPPUNIT_ASSERT_EQUAL(wrong.server_detail, unknown.server_detail);
      auto salt = [&](std::string_view user) {
        ServerSession server(SystemRandom(), s.credentials, s.Config());
        Bytes out;
        Failure failure;
        const std::string first = "n,,n=" + std::string(user) + ",r=abc";
        CPPUNIT_ASSERT(server.Step(AsBytes(first), &out, &failure) == Status::kContinue);
        const ServerFirst message = *ServerFirst::Parse(out);
        CPPUNIT_ASSERT_EQUAL(kIterations, message.iterations);
        return message.salt;
      };
      CPPUNIT_ASSERT(salt("carol") == salt("carol"));
      CPPUNIT_ASSERT_EQUAL(kDefaultSaltSize, salt("carol").size());
      // Switched off, a stored password is not used: carol is then an unknown user.
      s.password_fallback = false;
      Exchange off = s.Run("carol", "plain text", Flag(gs2::CbFlag::kNone), std::nullopt);
      CPPUNIT_ASSERT(off.server == Status::kAuthFailed);
      CPPUNIT_ASSERT_EQUAL(unknown.server_detail, off.server_detail);
    }
  }

  // Timing: with the fallback on, a user with a verifier, a fallback user and an unknown user
  // each cost exactly one PBKDF2 of the same count at the server (issue 16 item 5); with it off,
  // none does. Counted through ServerConfig::on_pbkdf2, not timed.
  void testEveryUserCostsTheSamePbkdf2() {
    Setup s(HashAlg::kSha256);
    s.credentials.AddPassword("carol", "plain text");
    std::vector<uint32_t> runs;
    s.on_pbkdf2 = [&runs](uint32_t iterations) { runs.push_back(iterations); };
    for (const bool fallback : {true, false}) {
      s.password_fallback = fallback;
      for (const char* user : {"alice", "carol", "mallory"}) {
        runs.clear();
        ServerSession server(SystemRandom(), s.credentials, s.Config());
        Bytes out;
        Failure failure;
        const std::string first = "n,,n=" + std::string(user) + ",r=abc";
        CPPUNIT_ASSERT(server.Step(AsBytes(first), &out, &failure) == Status::kContinue);
        const std::string what = std::string(user) + (fallback ? " (fallback on)" : " (off)");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what, size_t{fallback ? 1u : 0u}, runs.size());
        if (fallback) {
          CPPUNIT_ASSERT_EQUAL_MESSAGE(what, kIterations, runs[0]);
        }
        // The proof costs no further PBKDF2.
        runs.clear();
        CPPUNIT_ASSERT(
            StepToVerdict(server,
                          AsBytes("c=biws,r=" + ServerFirst::Parse(out)->nonce + ",p=dGVzdA=="),
                          &out) == Status::kAuthFailed);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what, size_t{0}, runs.size());
      }
    }
  }

  void testBindingDataMismatch() {
    Setup s(HashAlg::kSha256);
    Exchange e = s.Run("alice", "pencil", Plus("tls-exporter", "client-side-channel"),
                       Channel("tls-exporter", "server-side-channel"));
    CPPUNIT_ASSERT(e.server == Status::kBadBinding);
    CPPUNIT_ASSERT_EQUAL(std::string("e=channel-bindings-dont-match"), Str(e.last_server_out));
    CPPUNIT_ASSERT(e.client == Status::kBadBinding);
    // Even with the wrong password, the binding is checked first and reported as such.
    Exchange both = s.Run("alice", "wrong", Plus("tls-exporter", "client-side-channel"),
                          Channel("tls-exporter", "server-side-channel"));
    CPPUNIT_ASSERT(both.server == Status::kBadBinding);
  }

  void testBindingNameMismatchOrAbsent() {
    Setup s(HashAlg::kSha1);
    Exchange other =
        s.Run("alice", "pencil", Plus("tls-unique", "x"), Channel("tls-exporter", "x"));
    CPPUNIT_ASSERT(other.server == Status::kBadBinding);
    CPPUNIT_ASSERT_EQUAL(1, other.server_steps);
    CPPUNIT_ASSERT_EQUAL(std::string("e=unsupported-channel-binding-type"),
                         Str(other.last_server_out));
    CPPUNIT_ASSERT(other.client == Status::kBadBinding);
    Exchange absent = s.Run("alice", "pencil", Plus("tls-exporter", "x"), std::nullopt);
    CPPUNIT_ASSERT(absent.server == Status::kBadBinding);
    CPPUNIT_ASSERT_EQUAL(std::string("e=channel-binding-not-supported"),
                         Str(absent.last_server_out));
  }

  void testDowngradeWithYIsRefused() {
    Setup s(HashAlg::kSha256);
    Exchange e = s.Run("alice", "pencil", Flag(gs2::CbFlag::kWant), Channel("tls-exporter", "x"));
    CPPUNIT_ASSERT(e.server == Status::kAuthFailed);
    CPPUNIT_ASSERT_EQUAL(1, e.server_steps);
    CPPUNIT_ASSERT_EQUAL(std::string("e=server-does-support-channel-binding"),
                         Str(e.last_server_out));
    CPPUNIT_ASSERT(e.client == Status::kBadBinding);
    CPPUNIT_ASSERT(!e.server_detail.empty());
  }

  void testNoneWithCriticalBindingIsRefused() {
    Setup s(HashAlg::kSha512);
    Exchange e = s.Run("alice", "pencil", Flag(gs2::CbFlag::kNone),
                       Channel("tls-exporter", "x", /*critical=*/true));
    CPPUNIT_ASSERT(e.server == Status::kBadBinding);
    CPPUNIT_ASSERT_EQUAL(1, e.server_steps);
    CPPUNIT_ASSERT_EQUAL(0, s.credentials.lookups_);  // refused before any lookup
  }

  void testIterationCountOutsideClientRange() {
    Setup low(HashAlg::kSha256, 1000);
    ClientConfig options;  // min 4096
    Exchange e = low.Run("alice", "pencil", Flag(gs2::CbFlag::kNone), std::nullopt, "", options);
    CPPUNIT_ASSERT(e.client == Status::kAuthFailed);
    CPPUNIT_ASSERT(e.client_detail.find("1000") != std::string::npos);
    CPPUNIT_ASSERT(e.server == Status::kContinue);  // the client gave up after server-first

    Setup high(HashAlg::kSha256, 5000);
    options.min_iterations = 1;
    options.max_iterations = 4999;
    e = high.Run("alice", "pencil", Flag(gs2::CbFlag::kNone), std::nullopt, "", options);
    CPPUNIT_ASSERT(e.client == Status::kAuthFailed);
    options.max_iterations = 5000;  // bounds are inclusive
    e = high.Run("alice", "pencil", Flag(gs2::CbFlag::kNone), std::nullopt, "", options);
    CPPUNIT_ASSERT(e.client == Status::kOk);
  }

  void testClientUnderstandsServerErrors() {
    const struct {
      const char* message;
      Status expected;
    } cases[] = {{"e=invalid-proof", Status::kAuthFailed},
                 {"e=other-error", Status::kAuthFailed},
                 {"e=some-future-error,x=ext", Status::kAuthFailed},
                 {"e=channel-bindings-dont-match", Status::kBadBinding},
                 {"e=unsupported-channel-binding-type", Status::kBadBinding}};
    for (const auto& c : cases) {
      ClientSession client = FreshClient();
      Bytes out;
      Failure failure;
      CPPUNIT_ASSERT(client.Step(ByteView(), &out, &failure) == Status::kContinue);
      const std::string first = "r=" + ClientFirst::Parse(out)->nonce + "xyz,s=QQ==,i=64";
      CPPUNIT_ASSERT(client.Step(AsBytes(first), &out, &failure) == Status::kContinue);
      CPPUNIT_ASSERT(client.Step(AsBytes(c.message), &out, &failure) == c.expected);
      const std::string value =
          std::string(c.message).substr(2, std::string(c.message).find(',') - 2);
      CPPUNIT_ASSERT_EQUAL(value, std::string(client.ServerError()));
      CPPUNIT_ASSERT(failure.detail.find(value) != std::string::npos);
      // Failure is final.
      CPPUNIT_ASSERT(client.Step(AsBytes("v=QQ=="), &out, &failure) == c.expected);
    }
  }

  void testClientRejectsBadServerMessages() {
    Bytes out;
    Failure failure;
    {
      ClientSession client = FreshClient();
      CPPUNIT_ASSERT(client.Step(AsBytes("unexpected"), &out, &failure) == Status::kMalformed);
    }
    {  // server nonce must extend the client nonce
      ClientSession client = FreshClient();
      CPPUNIT_ASSERT(client.Step(ByteView(), &out, &failure) == Status::kContinue);
      CPPUNIT_ASSERT(client.Step(AsBytes("r=other,s=QQ==,i=64"), &out, &failure) ==
                     Status::kAuthFailed);
    }
    {  // ... strictly
      ClientSession client = FreshClient();
      CPPUNIT_ASSERT(client.Step(ByteView(), &out, &failure) == Status::kContinue);
      const std::string first = "r=" + ClientFirst::Parse(out)->nonce + ",s=QQ==,i=64";
      CPPUNIT_ASSERT(client.Step(AsBytes(first), &out, &failure) == Status::kAuthFailed);
    }
    {  // malformed server-first, then a wrong server signature
      ClientSession client = FreshClient();
      CPPUNIT_ASSERT(client.Step(ByteView(), &out, &failure) == Status::kContinue);
      CPPUNIT_ASSERT(client.Step(AsBytes("r=x,s=QQ==,i=064"), &out, &failure) ==
                     Status::kMalformed);
      ClientSession client2 = FreshClient();
      CPPUNIT_ASSERT(client2.Step(ByteView(), &out, &failure) == Status::kContinue);
      const std::string first = "r=" + ClientFirst::Parse(out)->nonce + "s,s=QQ==,i=64";
      CPPUNIT_ASSERT(client2.Step(AsBytes(first), &out, &failure) == Status::kContinue);
      CPPUNIT_ASSERT(client2.Step(AsBytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="), &out, &failure) ==
                     Status::kAuthFailed);
      CPPUNIT_ASSERT(!client2.IsComplete());
    }
  }

  void testServerRejectsBadClientFinal() {
    Setup s(HashAlg::kSha256);
    ServerSession server(SystemRandom(), s.credentials, s.Config());
    Bytes out;
    Failure failure;
    CPPUNIT_ASSERT(server.Step(AsBytes("n,,n=alice,r=abc"), &out, &failure) == Status::kContinue);
    const std::string nonce = ServerFirst::Parse(out)->nonce;
    CPPUNIT_ASSERT(StepToVerdict(server, AsBytes("c=biws,r=" + nonce + "X,p=dGVzdA=="), &out) ==
                   Status::kAuthFailed);  // nonce changed
    ServerSession server2(SystemRandom(), s.credentials, s.Config());
    CPPUNIT_ASSERT(server2.Step(AsBytes("n,,n=alice,r=abc"), &out, &failure) == Status::kContinue);
    // The e= message goes out first (as a challenge), the failure comes at the next step.
    CPPUNIT_ASSERT(server2.Step(AsBytes("c=biws,r=abc"), &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT_EQUAL(std::string("e=invalid-encoding"), Str(out));
    CPPUNIT_ASSERT(server2.Step(AsBytes("anything"), &out, &failure) == Status::kMalformed);
    CPPUNIT_ASSERT(out.empty());
    CPPUNIT_ASSERT(server2.Step(AsBytes("anything"), &out, &failure) == Status::kMalformed);
    // final
    // Without send_errors the failure comes at once, with nothing to send.
    ServerConfig quiet = s.Config();
    quiet.send_errors = false;
    ServerSession server4(SystemRandom(), s.credentials, std::move(quiet));
    CPPUNIT_ASSERT(server4.Step(AsBytes("n,,n=alice,r=abc"), &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(server4.Step(AsBytes("c=biws,r=abc"), &out, &failure) == Status::kMalformed);
    CPPUNIT_ASSERT(out.empty());
    ServerSession server3(SystemRandom(), s.credentials, s.Config());
    CPPUNIT_ASSERT(server3.Step(AsBytes("y,,n=alice,r=abc"), &out, &failure) == Status::kContinue);
    const std::string nonce3 = ServerFirst::Parse(out)->nonce;
    // c= must be base64("y,,"), not the "n,," of another header
    CPPUNIT_ASSERT(StepToVerdict(server3, AsBytes("c=biws,r=" + nonce3 + ",p=dGVzdA=="), &out) ==
                   Status::kBadBinding);
  }

  void testServerAcceptsMissingInitialResponse() {
    Setup s(HashAlg::kSha1);
    ServerSession server(SystemRandom(), s.credentials, s.Config());
    Bytes out = ToBytes("junk");
    Failure failure;
    CPPUNIT_ASSERT(server.Step(ByteView(), &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(out.empty());
    CPPUNIT_ASSERT(StepToVerdict(server, ByteView(), &out) == Status::kMalformed);  // only once
  }

  void testBadLocalInputs() {
    Bytes out;
    Failure failure;
    ClientSession bad_password =
        Client(HashAlg::kSha256, "alice", "", "pass\x07", ClientBinding{}, ClientConfig{});
    CPPUNIT_ASSERT(bad_password.Step(ByteView(), &out, &failure) == Status::kInternal);
    CPPUNIT_ASSERT(out.empty());
    ClientSession no_data =
        Client(HashAlg::kSha256, "alice", "", "pencil", Plus("tls-exporter", ""), ClientConfig{});
    CPPUNIT_ASSERT(no_data.Step(ByteView(), &out, &failure) == Status::kBadBinding);
    // Credentials of another hash are a server-side configuration error.
    MapCredentials mixed;
    mixed.Add("alice", *StoredCredentials::Derive(HashAlg::kSha1, "pencil", ToBytes("s"), 1));
    ServerSession server(SystemRandom(), mixed, ServerConfig{});
    CPPUNIT_ASSERT(StepToVerdict(server, AsBytes("n,,n=alice,r=abc"), &out) == Status::kInternal);
  }

 private:
  static ClientSession FreshClient() {
    return Client(HashAlg::kSha1, "user", "", "pencil", ClientBinding{}, Setup::Lenient());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ScramSessionTest);
