// statement_cache_test.cc: VerifyStatement's cache of verified statements (statement.h): a hit
// still judges the time, the lifetime bound and the expected identity of this call; a change of
// the trust store's keys is never answered from the cache; refusals are not kept; use_cache off
// verifies every time.
#include <string>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "vouch/keys.h"
#include "vouch/statement.h"
#include "vouch/trust_store.h"
#include "vouch_test_util.h"

namespace {

namespace vouch = e2esasl::vouch;
using e2esasl::Failure;
using e2esasl::Status;
using vouch::test::JwksOf;
using vouch::test::NewKey;

constexpr int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

}  // namespace

class VouchStatementCacheTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VouchStatementCacheTest);
  CPPUNIT_TEST(testHitJudgesThisCallsTimeAndIdentity);
  CPPUNIT_TEST(testChangedTrustStoreIsNotAnsweredFromTheCache);
  CPPUNIT_TEST(testRefusalsAreNotKept);
  CPPUNIT_TEST(testCacheOffVerifiesEveryTime);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    issuer_.emplace(NewKey());
    device_.emplace(NewKey());
    trust_ = vouch::TrustStore();
    Failure failure;
    CPPUNIT_ASSERT_MESSAGE(failure.detail,
                           trust_.AddJwks("biloxi.net", JwksOf(*issuer_), &failure));
    vouch::IssueOptions options;
    options.now = kNow;
    std::optional<vouch::Statement> issued = vouch::IssueStatement(
        *issuer_, "bob@biloxi.net", "phone-1", device_->public_key(), options, &failure);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, issued.has_value());
    token_ = issued->token;
  }

  void testHitJudgesThisCallsTimeAndIdentity() {
    Failure failure;
    CPPUNIT_ASSERT_MESSAGE(failure.detail, Verify(kNow + 10, "bob@biloxi.net", &failure));
    // The same token again, now cached: each call's own conditions still decide.
    CPPUNIT_ASSERT(!Verify(kNow + vouch::kDefaultLifetime + 3600, "", &failure));
    CPPUNIT_ASSERT_EQUAL(std::string("statement: expired"), failure.detail);
    CPPUNIT_ASSERT(!Verify(kNow - 3600, "", &failure));
    CPPUNIT_ASSERT_EQUAL(Status::kAuthFailed, failure.status);
    CPPUNIT_ASSERT(failure.detail.find("not yet valid") != std::string::npos);
    CPPUNIT_ASSERT(!Verify(kNow + 10, "alice@biloxi.net", &failure));
    CPPUNIT_ASSERT_EQUAL(std::string("statement: sub is not the expected identity"),
                         failure.detail);
    vouch::VerifyOptions short_lived;
    short_lived.now = kNow + 10;
    short_lived.max_lifetime = 60;
    CPPUNIT_ASSERT(!vouch::VerifyStatement(token_, trust_, short_lived, &failure));
    CPPUNIT_ASSERT(failure.detail.find("valid for longer than 60") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(failure.detail, Verify(kNow + 20, "bob@biloxi.net", &failure));
  }

  void testChangedTrustStoreIsNotAnsweredFromTheCache() {
    Failure failure;
    CPPUNIT_ASSERT_MESSAGE(failure.detail, Verify(kNow + 10, "", &failure));
    // biloxi.net rotates its issuer key: the old statement's kid is gone.
    const vouch::PrivateKey rotated = NewKey();
    CPPUNIT_ASSERT_MESSAGE(failure.detail, trust_.AddJwks("biloxi.net", JwksOf(rotated), &failure));
    CPPUNIT_ASSERT(!Verify(kNow + 10, "", &failure));
    CPPUNIT_ASSERT_EQUAL(std::string("statement: unknown key id for issuer biloxi.net"),
                         failure.detail);
    // Another store without the domain, and a copy of the first (the same keys) after it.
    vouch::TrustStore empty;
    vouch::VerifyOptions options;
    options.now = kNow + 10;
    CPPUNIT_ASSERT(!vouch::VerifyStatement(token_, empty, options, &failure));
    CPPUNIT_ASSERT_EQUAL(Status::kAuthFailed, failure.status);
    vouch::TrustStore original;
    CPPUNIT_ASSERT(original.AddJwks("biloxi.net", JwksOf(*issuer_), &failure));
    CPPUNIT_ASSERT_MESSAGE(failure.detail,
                           vouch::VerifyStatement(token_, original, options, &failure));
    const vouch::TrustStore copy = original;
    CPPUNIT_ASSERT_MESSAGE(failure.detail, vouch::VerifyStatement(token_, copy, options, &failure));
  }

  void testRefusalsAreNotKept() {
    // A forged token (signed by a key the store does not have, under the issuer's kid) is
    // refused the first time and every time after, with the same detail.
    const vouch::PrivateKey forger = NewKey();
    const std::string payload = R"({"cnf":{"jkt":")" + device_->public_key().thumbprint() +
                                R"("},"device_id":"phone-1","exp":)" +
                                std::to_string(kNow + 3600) + R"(,"iat":)" +
                                std::to_string(kNow) + R"(,"iss":"biloxi.net","sub":"bob@biloxi.net"})";
    const std::string forged = vouch::test::SignedToken(
        forger, R"({"alg":"ES256","kid":")" + issuer_->kid() + R"(","typ":"vouch+jwt"})", payload);
    vouch::VerifyOptions options;
    options.now = kNow + 10;
    for (int i = 0; i < 3; ++i) {
      Failure failure;
      CPPUNIT_ASSERT(!vouch::VerifyStatement(forged, trust_, options, &failure));
      CPPUNIT_ASSERT_EQUAL(
          std::string("statement: the issuer's signature does not verify (tampered or forged)"),
          failure.detail);
    }
  }

  void testCacheOffVerifiesEveryTime() {
    vouch::VerifyOptions options;
    options.now = kNow + 10;
    options.use_cache = false;
    Failure failure;
    for (int i = 0; i < 3; ++i) {
      CPPUNIT_ASSERT_MESSAGE(failure.detail,
                             vouch::VerifyStatement(token_, trust_, options, &failure));
    }
    options.now = kNow + vouch::kDefaultLifetime + 3600;
    CPPUNIT_ASSERT(!vouch::VerifyStatement(token_, trust_, options, &failure));
    CPPUNIT_ASSERT_EQUAL(std::string("statement: expired"), failure.detail);
  }

 private:
  bool Verify(int64_t now, const std::string& expected, Failure* failure) {
    vouch::VerifyOptions options;
    options.now = now;
    options.expected_subject = expected;
    return vouch::VerifyStatement(token_, trust_, options, failure).has_value();
  }

  std::optional<vouch::PrivateKey> issuer_;
  std::optional<vouch::PrivateKey> device_;
  vouch::TrustStore trust_;
  std::string token_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(VouchStatementCacheTest);
