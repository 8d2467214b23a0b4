// ScramMessagesTest: the four SCRAM messages (RFC 5802 s7). Round trips, and one
// malformed-input table per Parse. Each table row pairs the malformed input with a "fixed" twin
// that differs only where the row's rule is broken; the twin must parse, so every row proves it
// is rejected by its own rule and not by an earlier accident. Each row also names the detail
// Parse must give ("<message>: <rule>"), so every rule's message is checked.
#include <string>
#include <utility>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "common/hash.h"
#include "common/random.h"
#include "scram/messages.h"
#include "scram/scram_test_util.h"

namespace e2esasl::scram {
namespace {

struct Row {
  const char* rule;
  std::string bad;
  std::string good;
  const char* detail;  // must appear in the Failure detail, after "<message>: "
};

std::string Repeat(char c, size_t n) {
  return std::string(n, c);
}

template <typename Message>
void CheckTable(const char* message_name, const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    const std::string what = std::string(message_name) + ": " + row.rule;
    Failure twin_failure;
    const bool twin_parses = Message::Parse(AsBytes(row.good), &twin_failure).has_value();
    CPPUNIT_ASSERT_MESSAGE(what + " (fixed twin must parse): " + twin_failure.detail, twin_parses);
    CPPUNIT_ASSERT_MESSAGE(what + " (must be rejected)",
                           !Message::Parse(AsBytes(row.bad)).has_value());
    Failure failure;
    CPPUNIT_ASSERT_MESSAGE(what + " (must be rejected)",
                           !Message::Parse(AsBytes(row.bad), &failure).has_value());
    CPPUNIT_ASSERT_MESSAGE(what + ": status " + std::string(StatusName(failure.status)),
                           failure.status == Status::kMalformed);
    const std::string prefix = std::string(message_name) + ": ";
    CPPUNIT_ASSERT_MESSAGE(what + ": detail does not name the message: " + failure.detail,
                           failure.detail.rfind(prefix, 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(what + ": detail lacks '" + row.detail + "': " + failure.detail,
                           failure.detail.find(row.detail, prefix.size()) != std::string::npos);
  }
}

template <typename Message>
std::string Serialized(const Message& message) {
  ByteWriter writer(kMaxMessageSize);
  message.Serialize(writer);
  std::optional<Bytes> bytes = writer.Finish();
  return bytes ? ToString(*bytes) : std::string("<failed>");
}

// 257 and 256 bytes of salt, 65 and 64 bytes of proof, in base64.
const std::string kSalt257 = Repeat('A', 340) + "AAA=";  // 255 + 2 = 257 bytes
const std::string kSalt256 = Repeat('A', 340) + "AA==";  // 255 + 1 = 256 bytes
const std::string kB64Of64 = Repeat('A', 84) + "AA==";   // 63 + 1 = 64 bytes
const std::string kB64Of65 = Repeat('A', 84) + "AAA=";   // 63 + 2 = 65 bytes

}  // namespace
}  // namespace e2esasl::scram

using namespace e2esasl;         // NOLINT: test file
using namespace e2esasl::scram;  // NOLINT: test file

// The fixture lives at global scope: CppUnit names a suite after typeid(fixture), and the runner
// selects suites by that name (SUITES in CMakeLists.txt).
class ScramMessagesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ScramMessagesTest);
  CPPUNIT_TEST(testClientFirstFields);
  CPPUNIT_TEST(testClientFirstMalformed);
  CPPUNIT_TEST(testServerFirstMalformed);
  CPPUNIT_TEST(testClientFinalMalformed);
  CPPUNIT_TEST(testServerFinalMalformed);
  CPPUNIT_TEST(testDetailsNeverEchoValues);
  CPPUNIT_TEST(testExtensionsAreKeptAndIgnored);
  CPPUNIT_TEST(testSerializeRefusesInvalidStructs);
  CPPUNIT_TEST(testAuthMessageAssembly);
  CPPUNIT_TEST(testNonceGeneration);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testClientFirstFields() {
    std::optional<ClientFirst> m =
        ClientFirst::Parse(AsBytes("p=tls-exporter,a=ad=2Cmin=3D,n=us=3Der=2C,r=abc"));
    CPPUNIT_ASSERT(m.has_value());
    CPPUNIT_ASSERT(m->gs2_header.flag == gs2::CbFlag::kUsed);
    CPPUNIT_ASSERT_EQUAL(std::string("tls-exporter"), m->gs2_header.cb_name);
    CPPUNIT_ASSERT_EQUAL(std::string("ad,min="), m->gs2_header.authzid);
    CPPUNIT_ASSERT_EQUAL(std::string("us=er,"), m->username);
    CPPUNIT_ASSERT_EQUAL(std::string("abc"), m->nonce);
    CPPUNIT_ASSERT_EQUAL(std::string("p=tls-exporter,a=ad=2Cmin=3D,n=us=3Der=2C,r=abc"),
                         Serialized(*m));
    ByteWriter bare(kMaxMessageSize);
    m->SerializeBare(bare);
    CPPUNIT_ASSERT_EQUAL(std::string("n=us=3Der=2C,r=abc"), ToString(*bare.Finish()));
    // UTF-8 usernames pass (value-safe-char includes UTF8-2..4).
    CPPUNIT_ASSERT(ClientFirst::Parse(AsBytes("n,,n=\xC3\xA9l\xF0\x9F\x94\x91,r=x")).has_value());
  }

  void testClientFirstMalformed() {
    const std::string max_nonce = Repeat('a', kMaxMessageSize - 12);
    const char* kBadEscape = "invalid username encoding (only =2C and =3D may follow '=')";
    const char* kNotPrintable = "nonce (r=) has a character outside printable (%x21-2B / %x2D-7E)";
    CheckTable<ClientFirst>(
        "client-first-message",
        {
            {"empty message", "", "n,,n=user,r=abc", "empty message"},
            {"over kMaxMessageSize", "n,,n=user,r=a" + max_nonce, "n,,n=user,r=" + max_nonce,
             "message too long (4097 bytes, limit 4096)"},
            {"gs2-cbind-flag not n/y/p", "x,,n=user,r=abc", "y,,n=user,r=abc",
             "gs2 header: unknown channel-binding flag"},
            {"gs2-nonstd-flag F rejected", "F,n,,n=user,r=abc", "n,,n=user,r=abc",
             "gs2 header: unknown channel-binding flag"},
            {"gs2-header without second comma", "n,n=user,r=abc", "n,,n=user,r=abc",
             "gs2 header: \",\" or \"a=authzid,\" expected after the channel-binding flag"},
            {"cb-name with invalid char", "p=tls_unique,,n=user,r=abc",
             "p=tls-unique,,n=user,r=abc", "gs2 header: invalid channel-binding name"},
            {"authzid bad escape", "n,a=ad=41,n=user,r=abc", "n,a=ad=3D,n=user,r=abc",
             "gs2 header: invalid authzid"},
            {"reserved-mext m= before username", "n,,m=ext,n=user,r=abc", "n,,n=user,r=abc",
             "unsupported mandatory extension (m=)"},
            {"m= as an extension", "n,,n=user,r=abc,m=ext", "n,,n=user,r=abc,x=ext",
             "unsupported mandatory extension (m=)"},
            {"username missing", "n,,r=abc", "n,,n=u,r=abc", "missing username (n=)"},
            {"attribute order n then r", "n,,r=abc,n=user", "n,,n=user,r=abc",
             "missing username (n=)"},
            {"attribute names are case-sensitive", "n,,N=user,r=abc", "n,,n=user,r=abc",
             "missing username (n=)"},
            {"empty username", "n,,n=,r=abc", "n,,n=u,r=abc", "empty username (n=)"},
            {"username escape lower case", "n,,n=us=2cer,r=abc", "n,,n=us=2Cer,r=abc", kBadEscape},
            {"username '=' not =2C/=3D", "n,,n=us=41er,r=abc", "n,,n=us=3Der,r=abc", kBadEscape},
            {"username trailing '='", "n,,n=user=,r=abc", "n,,n=user=3D,r=abc", kBadEscape},
            {"username invalid UTF-8", "n,,n=us\xC3r,r=abc", "n,,n=us\xC3\xA9r,r=abc",
             "username (n=) is not valid UTF-8"},
            {"username overlong UTF-8", "n,,n=u\xC0\xAF,r=abc", "n,,n=u\xC3\xAF,r=abc",
             "username (n=) is not valid UTF-8"},
            {"username with NUL", std::string("n,,n=us\0r,r=abc", 15), "n,,n=us r,r=abc",
             "username (n=) contains NUL"},
            {"username above kMaxSaslNameBytes", "n,,n=" + Repeat('u', 1025) + ",r=abc",
             "n,,n=" + Repeat('u', 1024) + ",r=abc", "username (n=) longer than 1024 bytes"},
            {"nonce missing", "n,,n=user", "n,,n=user,r=a", "missing nonce (r=)"},
            {"nonce not after username", "n,,n=user,s=abc", "n,,n=user,r=abc",
             "missing nonce (r=)"},
            {"empty nonce", "n,,n=user,r=", "n,,n=user,r=a", "empty nonce (r=)"},
            {"nonce with space", "n,,n=user,r=a b", "n,,n=user,r=a~b", kNotPrintable},
            {"nonce with DEL", "n,,n=user,r=a\x7F", "n,,n=user,r=a~", kNotPrintable},
            {"nonce with non-ASCII", "n,,n=user,r=a\xC3\xA9", "n,,n=user,r=aa", kNotPrintable},
            {"trailing comma", "n,,n=user,r=abc,", "n,,n=user,r=abc",
             "trailing ',' (no attribute follows)"},
            {"extension with a defined letter", "n,,n=user,r=abc,s=x", "n,,n=user,r=abc,x=x",
             "attribute s= is not allowed at this position"},
            {"extension name not ALPHA", "n,,n=user,r=abc,1=x", "n,,n=user,r=abc,z=x",
             "extension name is not a letter (ALPHA)"},
            {"extension without '='", "n,,n=user,r=abc,xy", "n,,n=user,r=abc,x=y",
             "extension x without '='"},
            {"extension with empty value", "n,,n=user,r=abc,x=", "n,,n=user,r=abc,x=y",
             "empty value in extension x="},
            {"extension value invalid UTF-8", "n,,n=user,r=abc,x=\xFF",
             "n,,n=user,r=abc,x=\xC3\xBF", "extension x= value contains NUL or invalid UTF-8"},
        });
  }

  void testServerFirstMalformed() {
    const std::string base = "r=abcdef,s=QSXCR+Q6sek8bf92,i=4096";
    const char* kBadSalt = "salt is not valid base64";
    CheckTable<ServerFirst>(
        "server-first-message",
        {
            {"empty message", "", base, "empty message"},
            {"over kMaxMessageSize", "r=a" + Repeat('a', kMaxMessageSize - 13) + ",s=QQ==,i=1",
             "r=" + Repeat('a', kMaxMessageSize - 13) + ",s=QQ==,i=1",
             "message too long (4097 bytes, limit 4096)"},
            {"reserved-mext m=", "m=x," + base, base, "unsupported mandatory extension (m=)"},
            {"m= as an extension", base + ",m=x", base + ",x=x",
             "unsupported mandatory extension (m=)"},
            {"attribute order", "s=QSXCR+Q6sek8bf92,r=abcdef,i=4096", base, "missing nonce (r=)"},
            {"empty nonce", "r=,s=QQ==,i=1", "r=a,s=QQ==,i=1", "empty nonce (r=)"},
            {"nonce with control char", "r=a\tb,s=QQ==,i=1", "r=a|b,s=QQ==,i=1",
             "nonce (r=) has a character outside printable"},
            {"nonce alone", "r=abc", "r=abc,s=QQ==,i=1", "missing salt (s=)"},
            {"salt missing", "r=abc,i=4096", "r=abc,s=QQ==,i=4096", "missing salt (s=)"},
            {"empty salt", "r=abc,s=,i=4096", "r=abc,s=QQ==,i=4096", "empty salt (s=)"},
            {"salt non-canonical base64 (unused bits)", "r=abc,s=QR==,i=1", "r=abc,s=QQ==,i=1",
             kBadSalt},
            {"salt base64 without padding", "r=abc,s=QQ,i=1", "r=abc,s=QQ==,i=1", kBadSalt},
            {"salt base64 bad character", "r=abc,s=Q!==,i=1", "r=abc,s=Qw==,i=1", kBadSalt},
            {"salt above kMaxSaltSize", "r=abc,s=" + kSalt257 + ",i=1",
             "r=abc,s=" + kSalt256 + ",i=1", "salt longer than 256 bytes"},
            {"iteration count missing", "r=abc,s=QQ==", "r=abc,s=QQ==,i=1",
             "missing iteration count (i=)"},
            {"iteration count not after salt", "r=abc,s=QQ==,j=1", "r=abc,s=QQ==,i=1",
             "missing iteration count (i=)"},
            {"iteration count empty", "r=abc,s=QQ==,i=", "r=abc,s=QQ==,i=1",
             "empty iteration count (i=)"},
            {"iteration count zero", "r=abc,s=QQ==,i=0", "r=abc,s=QQ==,i=1",
             "iteration count is zero or has a leading zero"},
            {"iteration count leading zero", "r=abc,s=QQ==,i=04096", "r=abc,s=QQ==,i=4096",
             "iteration count is zero or has a leading zero"},
            {"iteration count not digits", "r=abc,s=QQ==,i=40a6", "r=abc,s=QQ==,i=4096",
             "iteration count is not a positive decimal number"},
            {"iteration count negative", "r=abc,s=QQ==,i=-1", "r=abc,s=QQ==,i=1",
             "iteration count is not a positive decimal number"},
            {"iteration count above uint32", "r=abc,s=QQ==,i=4294967296",
             "r=abc,s=QQ==,i=4294967295", "iteration count does not fit in 32 bits"},
            {"iteration count with 11 digits", "r=abc,s=QQ==,i=10000000000",
             "r=abc,s=QQ==,i=1000000000", "iteration count does not fit in 32 bits"},
            {"trailing comma", base + ",", base, "trailing ',' (no attribute follows)"},
            {"extension with a defined letter", base + ",i=1", base + ",k=1",
             "attribute i= is not allowed at this position"},
        });
  }

  void testClientFinalMalformed() {
    const std::string p = ",p=dGVzdA==";
    const char* kAfterProof = "trailing data after the proof";
    CheckTable<ClientFinal>(
        "client-final-message",
        {
            {"empty message", "", "c=biws,r=abc" + p, "empty message"},
            {"over kMaxMessageSize", "c=biws,r=a" + Repeat('a', kMaxMessageSize - 20) + p,
             "c=biws,r=" + Repeat('a', kMaxMessageSize - 20) + p,
             "message too long (4097 bytes, limit 4096)"},
            {"reserved-mext m=", "m=x,c=biws,r=abc" + p, "c=biws,r=abc" + p,
             "unsupported mandatory extension (m=)"},
            {"m= as an extension", "c=biws,r=abc,m=x" + p, "c=biws,r=abc,x=x" + p,
             "unsupported mandatory extension (m=)"},
            {"channel-binding missing", "r=abc" + p, "c=biws,r=abc" + p,
             "missing channel binding (c=)"},
            {"channel-binding empty", "c=,r=abc" + p, "c=biws,r=abc" + p,
             "empty channel binding (c=)"},
            {"channel-binding bad base64", "c=biw,r=abc" + p, "c=biws,r=abc" + p,
             "channel binding is not valid base64"},
            {"attribute order", "r=abc,c=biws" + p, "c=biws,r=abc" + p,
             "missing channel binding (c=)"},
            {"nonce missing", "c=biws" + p, "c=biws,r=a" + p, "missing nonce (r=)"},
            {"channel-binding alone", "c=biws", "c=biws,r=a" + p, "missing nonce (r=)"},
            {"empty nonce", "c=biws,r=" + p, "c=biws,r=a" + p, "empty nonce (r=)"},
            {"nonce not printable", "c=biws,r=a b" + p, "c=biws,r=a+b" + p,
             "nonce (r=) has a character outside printable"},
            {"proof missing", "c=biws,r=abc", "c=biws,r=abc" + p, "proof (p=) missing or not last"},
            {"proof missing after an extension", "c=biws,r=abc,x=y", "c=biws,r=abc,x=y" + p,
             "proof (p=) missing or not last"},
            {"proof not last", "c=biws,r=abc" + p + ",x=y", "c=biws,r=abc,x=y" + p, kAfterProof},
            {"proof twice", "c=biws,r=abc" + p + p, "c=biws,r=abc" + p, kAfterProof},
            {"proof empty", "c=biws,r=abc,p=", "c=biws,r=abc" + p, "empty proof (p=)"},
            {"proof bad padding", "c=biws,r=abc,p=dGVzdA=", "c=biws,r=abc" + p,
             "proof is not valid base64"},
            {"proof above kMaxHashSize", "c=biws,r=abc,p=" + kB64Of65, "c=biws,r=abc,p=" + kB64Of64,
             "proof longer than 64 bytes"},
            {"trailing comma", "c=biws,r=abc" + p + ",", "c=biws,r=abc" + p, kAfterProof},
            {"extension with a defined letter", "c=biws,r=abc,c=biws" + p,
             "c=biws,r=abc,d=biws" + p, "attribute c= is not allowed at this position"},
            {"extension with empty value", "c=biws,r=abc,x=" + p, "c=biws,r=abc,x=y" + p,
             "empty value in extension x="},
        });
  }

  void testServerFinalMalformed() {
    const std::string v = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";
    const char* kBadError = "server error (e=) contains NUL or invalid UTF-8";
    CheckTable<ServerFinal>(
        "server-final-message",
        {
            {"empty message", "", v, "empty message"},
            {"over kMaxMessageSize", "e=" + Repeat('x', kMaxMessageSize - 1),
             "e=" + Repeat('x', kMaxMessageSize - 2), "message too long (4097 bytes, limit 4096)"},
            {"reserved-mext m=", "m=x," + v, v, "unsupported mandatory extension (m=)"},
            {"m= as an extension", v + ",m=x", v + ",x=x", "unsupported mandatory extension (m=)"},
            {"neither e= nor v=", "x=y", v, "missing verifier (v=) or server error (e=)"},
            {"verifier empty", "v=", v, "empty verifier (v=)"},
            {"verifier bad base64", "v=rmF9pqV8S7suAoZWja4dJRkFsKQ", v,
             "verifier is not valid base64"},
            {"verifier above kMaxHashSize", "v=" + kB64Of65, "v=" + kB64Of64,
             "verifier longer than 64 bytes"},
            {"error empty", "e=", "e=other-error", "empty server error (e=)"},
            {"error invalid UTF-8", "e=bad\xFF", "e=bad\xC3\xBF", kBadError},
            {"error with NUL", std::string("e=a\0b", 5), "e=a b", kBadError},
            {"both e= and v=", "e=other-error," + v, "e=other-error,w=x",
             "attribute v= is not allowed at this position"},
            {"trailing comma", v + ",", v, "trailing ',' (no attribute follows)"},
        });
  }

  void testDetailsNeverEchoValues() {
    // The detail names the attribute and the rule, never what the peer put in it.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"n,,n=sekrit=41,r=abc", "sekrit"},
        {"n,a=sekrit=41,n=user,r=abc", "sekrit"},
        {"n,,n=user,r=abc,x=sekrit\xFF", "sekrit"},
        {"n,,n=user,r=sekrit\x7F", "sekrit"},
    };
    for (const auto& [input, secret] : cases) {
      Failure failure;
      CPPUNIT_ASSERT(!ClientFirst::Parse(AsBytes(input), &failure).has_value());
      CPPUNIT_ASSERT_MESSAGE(failure.detail, !failure.detail.empty());
      CPPUNIT_ASSERT_MESSAGE(failure.detail, failure.detail.find(secret) == std::string::npos);
    }
    Failure failure;
    CPPUNIT_ASSERT(!ServerFirst::Parse(AsBytes("r=abc,s=sekrit!,i=1"), &failure).has_value());
    CPPUNIT_ASSERT(failure.detail.find("sekrit") == std::string::npos);
    CPPUNIT_ASSERT(!ClientFinal::Parse(AsBytes("c=biws,r=abc,p=sekrit!"), &failure).has_value());
    CPPUNIT_ASSERT(failure.detail.find("sekrit") == std::string::npos);
    CPPUNIT_ASSERT(!ServerFinal::Parse(AsBytes("e=sekrit\xFF"), &failure).has_value());
    CPPUNIT_ASSERT(failure.detail.find("sekrit") == std::string::npos);
    // A successful Parse leaves the Failure alone.
    Failure untouched{Status::kOk, "unchanged"};
    CPPUNIT_ASSERT(ServerFinal::Parse(AsBytes("e=other-error"), &untouched).has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("unchanged"), untouched.detail);
  }

  void testExtensionsAreKeptAndIgnored() {
    const std::string text = "r=abc,s=QQ==,i=1,x=y=z,Z=\xC3\xA9";
    std::optional<ServerFirst> m = ServerFirst::Parse(AsBytes(text));
    CPPUNIT_ASSERT(m.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, m->extensions.size());
    CPPUNIT_ASSERT_EQUAL('x', m->extensions[0].name);
    CPPUNIT_ASSERT_EQUAL(std::string("y=z"), m->extensions[0].value);
    CPPUNIT_ASSERT_EQUAL(text, Serialized(*m));
    std::optional<ClientFinal> f = ClientFinal::Parse(AsBytes("c=biws,r=abc,x=1,y=2,p=dGVzdA=="));
    CPPUNIT_ASSERT(f.has_value());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, f->extensions.size());
    CPPUNIT_ASSERT_EQUAL(std::string("test"), ToString(f->proof));
  }

  void testSerializeRefusesInvalidStructs() {
    ClientFirst first;
    first.username = "user";
    first.nonce = "a,b";  // ',' is not printable
    CPPUNIT_ASSERT_EQUAL(std::string("<failed>"), Serialized(first));
    first.nonce = "ab";
    first.username = "";
    CPPUNIT_ASSERT_EQUAL(std::string("<failed>"), Serialized(first));
    ServerFirst server_first;
    server_first.nonce = "ab";
    server_first.salt = ToBytes("s");
    CPPUNIT_ASSERT_EQUAL(std::string("<failed>"), Serialized(server_first));  // i=0
    ServerFinal final_message;
    CPPUNIT_ASSERT_EQUAL(std::string("<failed>"), Serialized(final_message));  // neither
    final_message.error = "x";
    final_message.verifier = ToBytes("v");
    CPPUNIT_ASSERT_EQUAL(std::string("<failed>"), Serialized(final_message));  // both
    ClientFinal client_final;
    client_final.channel_binding = ToBytes("n,,");
    client_final.nonce = "ab";
    CPPUNIT_ASSERT_EQUAL(std::string("<failed>"), Serialized(client_final));  // no proof
    client_final.proof = ToBytes("p");
    client_final.extensions.push_back(Extension{'m', "x"});
    CPPUNIT_ASSERT_EQUAL(std::string("<failed>"), Serialized(client_final));
  }

  void testAuthMessageAssembly() {
    // RFC 5802 s5 example: AuthMessage = bare + "," + server-first + "," + final-without-proof.
    std::optional<ClientFirst> first =
        ClientFirst::Parse(AsBytes("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"));
    std::optional<ServerFirst> server_first = ServerFirst::Parse(
        AsBytes("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
    std::optional<ClientFinal> final_message =
        ClientFinal::Parse(AsBytes("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                                   "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="));
    CPPUNIT_ASSERT(first && server_first && final_message);
    std::optional<Bytes> auth = BuildAuthMessage(*first, *server_first, *final_message);
    CPPUNIT_ASSERT(auth.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("n=user,r=fyko+d2lbbFgONRv9qkxdawL,"
                                     "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                                     "s=QSXCR+Q6sek8bf92,i=4096,"
                                     "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j"),
                         ToString(*auth));
  }

  void testNonceGeneration() {
    // Each byte b < 186 gives kNonceAlphabet[b % 93]; bytes >= 186 are discarded. The first
    // draw is the nonce's size (5 bytes: one discarded), the shortfall comes from one draw of 64
    // (255 discarded, 11 taken, the rest unused).
    Bytes bytes = {0, 92, 93, 185, 186, 255, 11};
    bytes.resize(5 + 64, 0);
    FixedRng rng(bytes);
    std::optional<std::string> nonce = GenerateNonce(rng, 5);
    CPPUNIT_ASSERT(nonce.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("!~!~-"), *nonce);
    CPPUNIT_ASSERT(IsValidNonce(*nonce));
    CPPUNIT_ASSERT_EQUAL(size_t{0}, rng.Remaining());
    FixedRng empty_rng(Bytes{});
    CPPUNIT_ASSERT(!GenerateNonce(empty_rng, 0).has_value());
    // The alphabet is exactly printable = %x21-2B / %x2D-7E.
    std::string printable;
    for (int c = 0x21; c <= 0x7e; ++c) {
      if (c != ',') {
        printable.push_back(static_cast<char>(c));
      }
    }
    CPPUNIT_ASSERT_EQUAL(printable, std::string(kNonceAlphabet));
    CPPUNIT_ASSERT(!IsValidNonce(""));
    CPPUNIT_ASSERT(!IsValidNonce("a,b"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ScramMessagesTest);
