// statement_test.cc: the VOUCH statement (plugins/vouch/statement.h) and what it stands on:
// RFC 7515 A.3 verified as a known answer, the RFC 7638 thumbprint example, round trips with
// cnf jwk and jkt, and the whole bad-input table, each refusal with its own detail.
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "support/vector_file.h"
#include "vouch/jws.h"
#include "vouch/keys.h"
#include "vouch/statement.h"
#include "vouch/trust_store.h"
#include "vouch_test_util.h"

namespace {

using e2esasl::Failure;
using e2esasl::Status;
using e2esasl::test::VectorFile;
namespace vouch = e2esasl::vouch;
using vouch::test::B64u;
using vouch::test::NewKey;
using vouch::test::RawToken;
using vouch::test::SignedToken;
using vouch::test::StatementHeader;

constexpr int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

std::string Claims(const std::string& extra = "", const std::string& sub = "bob@biloxi.net",
                   const std::string& iss = "biloxi.net", int64_t iat = kNow,
                   int64_t exp = kNow + 3600) {
  return R"({"iss":")" + iss + R"(","sub":")" + sub + R"(","device_id":"phone-1","iat":)" +
         std::to_string(iat) + R"(,"exp":)" + std::to_string(exp) + extra + "}";
}

}  // namespace

// At global scope: Debian's CppUnit names suites by the fully qualified type name.
class VouchStatementTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VouchStatementTest);
  CPPUNIT_TEST(KnownAnswers);
  CPPUNIT_TEST(RoundTripWithJwk);
  CPPUNIT_TEST(RoundTripWithJkt);
  CPPUNIT_TEST(ClockSkewBoundaries);
  CPPUNIT_TEST(BadInputTable);
  CPPUNIT_TEST(DeviceProofs);
  CPPUNIT_TEST(PrivateKeyFile);
  CPPUNIT_TEST(TrustStoreRefusesBadJwks);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    biloxi_.emplace(NewKey());
    atlanta_.emplace(NewKey());
    device_.emplace(NewKey());
    trust_ = vouch::TrustStore();
    Failure failure;
    CPPUNIT_ASSERT_MESSAGE(failure.detail,
                           trust_.AddJwks("biloxi.net", vouch::test::JwksOf(*biloxi_), &failure));
    CPPUNIT_ASSERT_MESSAGE(failure.detail,
                           trust_.AddJwks("atlanta.com", vouch::test::JwksOf(*atlanta_), &failure));
  }

  // KnownAnswers: every block of the vector file (CheckAllRead covers the whole file).
  void KnownAnswers() {
    VectorFile file = VectorFile::Load("vouch/jose-rfc7515-rfc7638.txt");
    Rfc7515A3VerifiesAsKnownAnswer(file);
    Rfc7638ThumbprintKnownAnswer(file);
    file.CheckAllRead();
  }

  void Rfc7515A3VerifiesAsKnownAnswer(VectorFile& file) {
    auto& block = file.Block("RFC 7515 A.3");
    const std::string jwk = R"({"kty":")" + block.Text("kty") + R"(","crv":")" + block.Text("crv") +
                            R"(","x":")" + block.Text("x") + R"(","y":")" + block.Text("y") + "\"";
    const std::string d = block.Text("d");
    const std::string compact = block.Text("jws");
    const std::string protected_b64 = block.Text("protected");
    const std::vector<uint8_t> payload = block.Hex("payload");

    Failure failure;
    std::optional<vouch::PublicKey> key = vouch::PublicKey::FromJson(jwk + "}", &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, key.has_value());
    std::optional<vouch::CompactJws> jws = vouch::ParseCompactJws(compact, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, jws.has_value());
    CPPUNIT_ASSERT_EQUAL(protected_b64, std::string(jws->header_b64));
    CPPUNIT_ASSERT_EQUAL(B64u(e2esasl::AsStringView(payload)), std::string(jws->payload_b64));
    CPPUNIT_ASSERT_MESSAGE(failure.detail, vouch::VerifyEs256(*jws, *key, nullptr, &failure));

    // The private key of A.3 is consistent with its public key (d checked against x and y).
    std::optional<vouch::PrivateKey> private_key =
        vouch::PrivateKey::FromJson(jwk + R"(,"d":")" + d + "\"}", &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, private_key.has_value());
    CPPUNIT_ASSERT_EQUAL(key->thumbprint(), private_key->kid());

    // One bit of the payload changed: the signature no longer verifies.
    std::string tampered = compact;
    tampered[protected_b64.size() + 5] ^= 0x01;
    std::optional<vouch::CompactJws> bad = vouch::ParseCompactJws(tampered, &failure);
    CPPUNIT_ASSERT(bad.has_value());
    CPPUNIT_ASSERT(!vouch::VerifyEs256(*bad, *key, nullptr, &failure));
    CPPUNIT_ASSERT_EQUAL(Status::kAuthFailed, failure.status);
  }

  void Rfc7638ThumbprintKnownAnswer(VectorFile& file) {
    auto& block = file.Block("RFC 7638 3.1");
    const std::string text = R"({"kty":")" + block.Text("kty") + R"(","n":")" + block.Text("n") +
                             R"(","e":")" + block.Text("e") + R"("})";
    std::string why;
    vouch::JsonPtr jwk = vouch::ParseJsonObject(text, &why);
    CPPUNIT_ASSERT_MESSAGE(why, jwk != nullptr);
    const std::optional<std::string> thumbprint = vouch::Thumbprint(jwk.get());
    CPPUNIT_ASSERT(thumbprint.has_value());
    CPPUNIT_ASSERT_EQUAL(block.Text("thumbprint"), *thumbprint);
  }

  void RoundTripWithJwk() {
    Failure failure;
    vouch::IssueOptions options;
    options.now = kNow;
    std::optional<vouch::Statement> issued = vouch::IssueStatement(
        *biloxi_, "bob@biloxi.net", "phone-1", device_->public_key(), options, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, issued.has_value());
    CPPUNIT_ASSERT_EQUAL(kNow + vouch::kDefaultLifetime, issued->expires_at);

    vouch::VerifyOptions verify;
    verify.now = kNow + 10;
    verify.expected_subject = "bob@biloxi.net";
    std::optional<vouch::Statement> got =
        vouch::VerifyStatement(issued->token, trust_, verify, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, got.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("biloxi.net"), got->issuer);
    CPPUNIT_ASSERT_EQUAL(std::string("bob@biloxi.net"), got->subject);
    CPPUNIT_ASSERT_EQUAL(std::string("phone-1"), got->device_id);
    CPPUNIT_ASSERT_EQUAL(kNow, got->issued_at);
    CPPUNIT_ASSERT_EQUAL(biloxi_->kid(), got->kid);
    CPPUNIT_ASSERT(got->cnf.jwk.has_value());
    CPPUNIT_ASSERT_EQUAL(device_->public_key().thumbprint(), got->cnf.Thumbprint());
    CPPUNIT_ASSERT(vouch::ConfirmDeviceKey(*got, device_->public_key(), &failure));
    vouch::PrivateKey other = NewKey();
    CPPUNIT_ASSERT(!vouch::ConfirmDeviceKey(*got, other.public_key(), &failure));
    CPPUNIT_ASSERT_EQUAL(Status::kAuthFailed, failure.status);
  }

  void RoundTripWithJkt() {
    Failure failure;
    vouch::IssueOptions options;
    options.now = kNow;
    options.lifetime = 600;
    options.thumbprint_only = true;
    std::optional<vouch::Statement> issued = vouch::IssueStatement(
        *atlanta_, "alice@atlanta.com", "laptop", device_->public_key(), options, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, issued.has_value());
    vouch::VerifyOptions verify;
    verify.now = kNow;
    std::optional<vouch::Statement> got =
        vouch::VerifyStatement(issued->token, trust_, verify, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, got.has_value());
    CPPUNIT_ASSERT(!got->cnf.jwk.has_value());
    CPPUNIT_ASSERT_EQUAL(device_->public_key().thumbprint(), got->cnf.jkt);
    CPPUNIT_ASSERT_EQUAL(kNow + 600, got->expires_at);
    CPPUNIT_ASSERT(vouch::ConfirmDeviceKey(*got, device_->public_key(), &failure));
  }

  void ClockSkewBoundaries() {
    const std::string token = Issue(kNow, 3600);
    vouch::VerifyOptions verify;
    verify.max_skew = 60;
    // iat at most max_skew in the future.
    verify.now = kNow - 60;
    Expect(token, verify, Status::kOk, "");
    verify.now = kNow - 61;
    Expect(token, verify, Status::kAuthFailed, "not yet valid");
    // exp: refused from exp + max_skew on.
    verify.now = kNow + 3600 + 59;
    Expect(token, verify, Status::kOk, "");
    verify.now = kNow + 3600 + 60;
    Expect(token, verify, Status::kAuthFailed, "expired");
    // A verifier with no tolerance.
    verify.max_skew = 0;
    verify.now = kNow + 3600;
    Expect(token, verify, Status::kAuthFailed, "expired");
  }

  void BadInputTable() {
    const std::string header = StatementHeader(*biloxi_);
    const std::string jwk = R"(,"cnf":{"jwk":)" + device_->public_key().ToJson() + "}";
    const std::string jkt = R"(,"cnf":{"jkt":")" + device_->public_key().thumbprint() + "\"}";
    vouch::PrivateKey stranger = NewKey();
    struct Row {
      const char* name;
      std::string token;
      Status status;
      const char* detail;
    };
    const std::vector<Row> rows = {
        {"expired",
         SignedToken(*biloxi_, header,
                     Claims(jwk, "bob@biloxi.net", "biloxi.net", kNow - 7200, kNow - 3600)),
         Status::kAuthFailed, "expired"},
        {"not yet valid (iat)",
         SignedToken(*biloxi_, header,
                     Claims(jwk, "bob@biloxi.net", "biloxi.net", kNow + 600, kNow + 1200)),
         Status::kAuthFailed, "not yet valid"},
        {"not yet valid (nbf)",
         SignedToken(*biloxi_, header, Claims(jwk + R"(,"nbf":)" + std::to_string(kNow + 600))),
         Status::kAuthFailed, "not yet valid"},
        {"exp before iat",
         SignedToken(*biloxi_, header, Claims(jwk, "bob@biloxi.net", "biloxi.net", kNow, kNow - 1)),
         Status::kAuthFailed, "exp is not after iat"},
        {"lifetime too long",
         SignedToken(*biloxi_, header,
                     Claims(jwk, "bob@biloxi.net", "biloxi.net", kNow, kNow + 90000)),
         Status::kAuthFailed, "valid for longer than 86400 seconds"},
        {"issuer not trusted",
         SignedToken(*biloxi_, header, Claims(jwk, "bob@example.org", "example.org")),
         Status::kAuthFailed, "issuer example.org is not in the trust store"},
        {"issuer not authoritative for sub",
         SignedToken(*atlanta_, StatementHeader(*atlanta_),
                     Claims(jwk, "bob@biloxi.net", "atlanta.com")),
         Status::kAuthFailed, "issuer atlanta.com is not authoritative for the domain of sub"},
        {"wrong issuer for the key (atlanta's kid claimed by biloxi)",
         SignedToken(*atlanta_, StatementHeader(*atlanta_), Claims(jwk)), Status::kAuthFailed,
         "unknown key id for issuer biloxi.net"},
        {"unknown key id", SignedToken(stranger, StatementHeader(stranger), Claims(jwk)),
         Status::kAuthFailed, "unknown key id for issuer biloxi.net"},
        {"signed by another key under the issuer's kid", SignedToken(stranger, header, Claims(jwk)),
         Status::kAuthFailed, "signature does not verify"},
        {"alg none", RawToken(R"({"alg":"none","typ":"vouch+jwt"})", Claims(jwk), "x"),
         Status::kMalformed, "alg none is not allowed (ES256 only)"},
        {"alg HS256", RawToken(R"({"alg":"HS256","kid":"k","typ":"vouch+jwt"})", Claims(jwk)),
         Status::kMalformed, "alg HS256 is not allowed"},
        {"alg RS256", RawToken(R"({"alg":"RS256","kid":"k","typ":"vouch+jwt"})", Claims(jwk)),
         Status::kMalformed, "alg RS256 is not allowed"},
        {"alg ES384", RawToken(R"({"alg":"ES384","kid":"k","typ":"vouch+jwt"})", Claims(jwk)),
         Status::kMalformed, "alg ES384 is not allowed"},
        {"no alg", RawToken(R"({"kid":"k","typ":"vouch+jwt"})", Claims(jwk)), Status::kMalformed,
         "no alg"},
        {"unknown crit",
         RawToken(R"({"alg":"ES256","crit":["exp"],"kid":"k","typ":"vouch+jwt"})", Claims(jwk)),
         Status::kMalformed, "crit is not supported"},
        {"b64 false",
         RawToken(R"({"alg":"ES256","b64":false,"kid":"k","typ":"vouch+jwt"})", Claims(jwk)),
         Status::kMalformed, "b64"},
        {"typ JWT",
         SignedToken(*biloxi_, R"({"alg":"ES256","kid":")" + biloxi_->kid() + R"(","typ":"JWT"})",
                     Claims(jwk)),
         Status::kMalformed, "typ must be"},
        {"no kid", SignedToken(*biloxi_, R"({"alg":"ES256","typ":"vouch+jwt"})", Claims(jwk)),
         Status::kMalformed, "no kid"},
        {"tampered payload",
         Tamper(SignedToken(*biloxi_, header, Claims(jwk)), "phone-1", "phone-2"),
         Status::kAuthFailed, "signature does not verify"},
        {"tampered sub", Tamper(SignedToken(*biloxi_, header, Claims(jwk)), "bob@", "eve@"),
         Status::kAuthFailed, "signature does not verify"},
        {"oversized", RawToken(header, Claims(jwk + R"(,"pad":")" + std::string(4000, 'a') + "\"")),
         Status::kMalformed, "larger than 4096 bytes"},
        {"malformed JSON claims", SignedToken(*biloxi_, header, "{\"iss\":\"biloxi.net\","),
         Status::kMalformed, "claims:"},
        {"claims not an object", SignedToken(*biloxi_, header, "[1,2]"), Status::kMalformed,
         "not a JSON object"},
        {"duplicate claim",
         SignedToken(*biloxi_, header, Claims(jwk + R"(,"sub":"eve@biloxi.net")")),
         Status::kMalformed, "duplicate object key"},
        {"duplicate header member",
         RawToken(R"({"alg":"ES256","alg":"none","kid":"k","typ":"vouch+jwt"})", Claims(jwk)),
         Status::kMalformed, "duplicate object key"},
        {"malformed JSON header", RawToken("{\"alg\":", Claims(jwk)), Status::kMalformed,
         "JWS header:"},
        {"two parts", B64u(header) + "." + B64u(Claims(jwk)), Status::kMalformed, "three parts"},
        {"four parts", RawToken(header, Claims(jwk)) + ".AAAA", Status::kMalformed, "three parts"},
        {"not base64url", RawToken(header, Claims(jwk)) + "=", Status::kMalformed, "not base64url"},
        {"short signature", RawToken(header, Claims(jwk), std::string(63, 'x')), Status::kMalformed,
         "64 bytes"},
        {"no sub",
         SignedToken(*biloxi_, header, R"({"iss":"biloxi.net","device_id":"d","iat":1,"exp":2})"),
         Status::kMalformed, "no sub claim"},
        {"sub with a resource", SignedToken(*biloxi_, header, Claims(jwk, "bob@biloxi.net/phone")),
         Status::kMalformed, "no '/'"},
        {"iat a string",
         SignedToken(
             *biloxi_, header,
             R"({"iss":"biloxi.net","sub":"bob@biloxi.net","device_id":"d","iat":"1","exp":2})"),
         Status::kMalformed, "iat is not a non-negative integer"},
        {"exp a real",
         SignedToken(
             *biloxi_, header,
             R"({"iss":"biloxi.net","sub":"bob@biloxi.net","device_id":"d","iat":1,"exp":2.5})"),
         Status::kMalformed, "exp is not a non-negative integer"},
        {"no cnf", SignedToken(*biloxi_, header, Claims()), Status::kMalformed, "no cnf claim"},
        {"cnf with jwk and jkt",
         SignedToken(*biloxi_, header,
                     Claims(R"(,"cnf":{"jwk":)" + device_->public_key().ToJson() + R"(,"jkt":")" +
                            device_->public_key().thumbprint() + "\"}")),
         Status::kMalformed, "exactly one of jwk and jkt"},
        {"cnf jwk with a private key",
         SignedToken(*biloxi_, header,
                     Claims(R"(,"cnf":{"jwk":)" + std::string(device_->ToJson().view()) + "}")),
         Status::kMalformed, "a private key"},
        {"cnf jwk of another curve",
         SignedToken(*biloxi_, header,
                     Claims(R"(,"cnf":{"jwk":{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}})")),
         Status::kMalformed, "crv must be"},
        {"cnf jkt not a thumbprint",
         SignedToken(*biloxi_, header, Claims(R"(,"cnf":{"jkt":"abc"})")), Status::kMalformed,
         "jkt must be"},
        {"iss upper case",
         SignedToken(*biloxi_, header, Claims(jkt, "bob@Biloxi.net", "Biloxi.net")),
         Status::kMalformed, "iss is not a lower-case domain name"},
    };
    vouch::VerifyOptions verify;
    verify.now = kNow;
    for (const Row& row : rows) {
      Failure failure;
      std::optional<vouch::Statement> got =
          vouch::VerifyStatement(row.token, trust_, verify, &failure);
      const std::string where = std::string(row.name) + ": got " +
                                std::string(e2esasl::StatusName(failure.status)) + " \"" +
                                failure.detail + "\"";
      CPPUNIT_ASSERT_MESSAGE(where, !got.has_value());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(where, row.status, failure.status);
      CPPUNIT_ASSERT_MESSAGE(where, failure.detail.find(row.detail) != std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(where, failure.detail.rfind("statement: ", 0) == 0);
    }
    // The same statement for the wrong identity.
    verify.expected_subject = "carol@biloxi.net";
    Expect(SignedToken(*biloxi_, header, Claims(jwk)), verify, Status::kAuthFailed,
           "sub is not the expected identity");
  }

  void DeviceProofs() {
    Failure failure;
    const std::string message = "VOUCH-ES256-PLUS,p=tls-exporter,,binding,nonce";
    std::optional<std::string> proof =
        vouch::SignWithDeviceKey(*device_, e2esasl::AsBytes(message), &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, proof.has_value());
    CPPUNIT_ASSERT_EQUAL(B64u(vouch::kDeviceProofHeader) + "..", proof->substr(0, 22));
    CPPUNIT_ASSERT_MESSAGE(
        failure.detail, vouch::VerifyDeviceSignature(device_->public_key(),
                                                     e2esasl::AsBytes(message), *proof, &failure));
    // Another message, another key, an attached payload, a longer header.
    CPPUNIT_ASSERT(!vouch::VerifyDeviceSignature(
        device_->public_key(), e2esasl::AsBytes(message + "x"), *proof, &failure));
    CPPUNIT_ASSERT_EQUAL(Status::kAuthFailed, failure.status);
    CPPUNIT_ASSERT(!vouch::VerifyDeviceSignature(biloxi_->public_key(), e2esasl::AsBytes(message),
                                                 *proof, &failure));
    CPPUNIT_ASSERT_EQUAL(Status::kAuthFailed, failure.status);
    const std::string attached = proof->substr(0, 21) + B64u(message) + proof->substr(21);
    CPPUNIT_ASSERT(!vouch::VerifyDeviceSignature(device_->public_key(), e2esasl::AsBytes(message),
                                                 attached, &failure));
    CPPUNIT_ASSERT_EQUAL(Status::kMalformed, failure.status);
    const std::string header = SignedToken(*device_, R"({"alg":"ES256","kid":"x"})", "");
    CPPUNIT_ASSERT(!vouch::VerifyDeviceSignature(device_->public_key(), e2esasl::AsBytes(""),
                                                 header, &failure));
    CPPUNIT_ASSERT_EQUAL(Status::kMalformed, failure.status);
  }

  void PrivateKeyFile() {
    Failure failure;
    const e2esasl::SecretString text = device_->ToJson();
    std::optional<vouch::PrivateKey> again = vouch::PrivateKey::FromJson(text.view(), &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, again.has_value());
    CPPUNIT_ASSERT_EQUAL(device_->kid(), again->kid());
    // d of another key: refused without echoing anything.
    std::string mixed(text.view());
    const std::string other(biloxi_->ToJson().view());
    const size_t d = mixed.find("\"d\":\"") + 5;
    const size_t od = other.find("\"d\":\"") + 5;
    mixed.replace(d, 43, other.substr(od, 43));
    CPPUNIT_ASSERT(!vouch::PrivateKey::FromJson(mixed, &failure));
    CPPUNIT_ASSERT_EQUAL(std::string("private JWK: d does not match x and y"), failure.detail);
    // A wrong kid.
    std::string wrong_kid(text.view());
    const size_t kid = wrong_kid.find("\"kid\":\"") + 7;
    wrong_kid[kid] = wrong_kid[kid] == 'A' ? 'B' : 'A';
    CPPUNIT_ASSERT(!vouch::PrivateKey::FromJson(wrong_kid, &failure));
    CPPUNIT_ASSERT(failure.detail.find("kid is not") != std::string::npos);
    CPPUNIT_ASSERT(!vouch::PrivateKey::FromJson(device_->public_key().ToJson(), &failure));
    CPPUNIT_ASSERT(failure.detail.find("d must be") != std::string::npos);
  }

  void TrustStoreRefusesBadJwks() {
    const std::string pub = biloxi_->public_key().ToJson().substr(1);
    struct Row {
      const char* name;
      std::string domain;
      std::string jwks;
      const char* detail;
    };
    const std::vector<Row> rows = {
        {"not JSON", "biloxi.net", "{", "JWKS for biloxi.net:"},
        {"no keys", "biloxi.net", R"({"keys":[]})", "array of 1 to 16 keys"},
        {"no kid", "biloxi.net", R"({"keys":[{)" + pub + "]}", "key 1: no kid"},
        {"duplicate kid", "biloxi.net",
         R"({"keys":[{"kid":"a",)" + pub + R"(,{"kid":"a",)" + pub + "]}",
         "key 2: the same kid twice"},
        {"private key", "biloxi.net", R"({"keys":[)" + std::string(biloxi_->ToJson().view()) + "]}",
         "a private key"},
        {"RSA key", "biloxi.net", R"({"keys":[{"kid":"a","kty":"RSA","n":"AQAB","e":"AQAB"}]})",
         "kty must be"},
        {"alg HS256", "biloxi.net", R"({"keys":[{"kid":"a","alg":"HS256",)" + pub + "]}",
         "alg must be"},
        {"bad domain", "Biloxi.NET", R"({"keys":[{"kid":"a",)" + pub + "]}", "not a domain name"},
        {"duplicate member", "biloxi.net", R"({"keys":[],"keys":[]})", "duplicate object key"},
    };
    for (const Row& row : rows) {
      vouch::TrustStore store;
      Failure failure;
      CPPUNIT_ASSERT_MESSAGE(row.name, !store.AddJwks(row.domain, row.jwks, &failure));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(row.name, Status::kMalformed, failure.status);
      CPPUNIT_ASSERT_MESSAGE(std::string(row.name) + ": " + failure.detail,
                             failure.detail.find(row.detail) != std::string::npos);
      CPPUNIT_ASSERT(!store.HasDomain(row.domain));
    }
  }

 private:
  std::string Issue(int64_t now, int64_t lifetime) {
    Failure failure;
    vouch::IssueOptions options;
    options.now = now;
    options.lifetime = lifetime;
    std::optional<vouch::Statement> issued = vouch::IssueStatement(
        *biloxi_, "bob@biloxi.net", "phone-1", device_->public_key(), options, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, issued.has_value());
    return issued->token;
  }

  void Expect(const std::string& token, const vouch::VerifyOptions& verify, Status status,
              const std::string& detail) {
    Failure failure;
    std::optional<vouch::Statement> got = vouch::VerifyStatement(token, trust_, verify, &failure);
    const std::string where = "now=" + std::to_string(verify.now) + ": " + failure.detail;
    if (status == Status::kOk) {
      CPPUNIT_ASSERT_MESSAGE(where, got.has_value());
      return;
    }
    CPPUNIT_ASSERT_MESSAGE(where, !got.has_value());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(where, status, failure.status);
    CPPUNIT_ASSERT_MESSAGE(where, failure.detail.find(detail) != std::string::npos);
  }

  // Tamper replaces from with to inside the token's decoded payload, keeping the signature.
  static std::string Tamper(const std::string& token, const std::string& from,
                            const std::string& to) {
    const size_t dot1 = token.find('.');
    const size_t dot2 = token.find('.', dot1 + 1);
    std::optional<e2esasl::Bytes> payload =
        vouch::Base64UrlDecode(std::string_view(token).substr(dot1 + 1, dot2 - dot1 - 1), 4096);
    CPPUNIT_ASSERT(payload.has_value());
    std::string text(e2esasl::AsStringView(*payload));
    const size_t at = text.find(from);
    CPPUNIT_ASSERT(at != std::string::npos);
    text.replace(at, from.size(), to);
    return token.substr(0, dot1 + 1) + B64u(text) + token.substr(dot2);
  }

  std::optional<vouch::PrivateKey> biloxi_;
  std::optional<vouch::PrivateKey> atlanta_;
  std::optional<vouch::PrivateKey> device_;
  vouch::TrustStore trust_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(VouchStatementTest);
