// es256_test.cc: plugins/vouch/es256.h, the ECDSA step of ES256 done with OpenSSL keys made once,
// checked against an independent JWS implementation, libjose (jose_jws_sig / jose_jws_ver): on
// random keys and payloads, what ours signs libjose verifies and what libjose signs ours verifies;
// a changed byte of the payload, the signature or the key makes both refuse. Also the point
// checks of NewP256PublicKey (off the curve, coordinates >= p, the point at infinity).
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

extern "C" {
#include <jose/jose.h>
}

#include "common/random.h"
#include "vouch/es256.h"
#include "vouch/jws.h"
#include "vouch/keys.h"
#include "vouch_test_util.h"

namespace {

namespace vouch = e2esasl::vouch;
using e2esasl::Bytes;
using e2esasl::Failure;
using e2esasl::Status;
using vouch::JsonPtr;
using vouch::test::NewKey;

constexpr int kRounds = 24;

Bytes RandomPayload(size_t size) {
  Bytes payload(size);
  e2esasl::SystemRng rng;
  CPPUNIT_ASSERT(rng.Fill(payload));
  return payload;
}

// JoseVerifies: libjose's verdict on the compact JWS text with key's public JWK.
bool JoseVerifies(const std::string& compact, const vouch::PublicKey& key) {
  const size_t dot1 = compact.find('.');
  const size_t dot2 = compact.find('.', dot1 + 1);
  JsonPtr flat(json_pack("{s:s%,s:s%,s:s%}", "protected", compact.data(), dot1, "payload",
                         compact.data() + dot1 + 1, dot2 - dot1 - 1, "signature",
                         compact.data() + dot2 + 1, compact.size() - dot2 - 1));
  vouch::JoseCfg cfg = vouch::NewJoseCfg();
  return flat && cfg && jose_jws_ver(cfg.get(), flat.get(), nullptr, key.jwk(), false);
}

// JoseSigns: a compact JWS of payload under {"alg":"ES256"} made by libjose with key's JWK.
std::string JoseSigns(const vouch::PrivateKey& key, const Bytes& payload) {
  const std::string payload_b64 = e2esasl::Base64UrlEncode(payload);
  const std::string header_b64 = e2esasl::Base64UrlEncode(e2esasl::AsBytes(R"({"alg":"ES256"})"));
  JsonPtr jws(json_pack("{s:s}", "payload", payload_b64.c_str()));
  JsonPtr sig(json_pack("{s:s}", "protected", header_b64.c_str()));
  vouch::JoseCfg cfg = vouch::NewJoseCfg();
  CPPUNIT_ASSERT(jws && sig && cfg);
  CPPUNIT_ASSERT(jose_jws_sig(cfg.get(), jws.get(), sig.get(), key.jwk()));
  const std::optional<std::string_view> signature = vouch::StringMember(jws.get(), "signature");
  CPPUNIT_ASSERT(signature.has_value());
  return header_b64 + "." + payload_b64 + "." + std::string(*signature);
}

bool OursVerifies(const std::string& compact, const vouch::PublicKey& key) {
  Failure failure;
  std::optional<vouch::CompactJws> jws = vouch::ParseCompactJws(compact, &failure);
  return jws && vouch::VerifyEs256(*jws, key, nullptr, &failure);
}

}  // namespace

class VouchEs256Test : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(VouchEs256Test);
  CPPUNIT_TEST(testLibjoseVerifiesOurSignatures);
  CPPUNIT_TEST(testWeVerifyLibjoseSignatures);
  CPPUNIT_TEST(testPointChecks);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testLibjoseVerifiesOurSignatures() {
    for (int round = 0; round < kRounds; ++round) {
      const vouch::PrivateKey key = NewKey();
      const vouch::PrivateKey other = NewKey();
      const Bytes payload = RandomPayload(static_cast<size_t>(round) * 37);
      JsonPtr header(json_pack("{s:s}", "alg", "ES256"));
      Failure failure;
      std::optional<std::string> compact =
          vouch::SignEs256(key, header.get(), payload, /*detached=*/false, &failure);
      CPPUNIT_ASSERT_MESSAGE(failure.detail, compact.has_value());
      CPPUNIT_ASSERT(JoseVerifies(*compact, key.public_key()));
      CPPUNIT_ASSERT(OursVerifies(*compact, key.public_key()));
      CPPUNIT_ASSERT(!JoseVerifies(*compact, other.public_key()));
      CPPUNIT_ASSERT(!OursVerifies(*compact, other.public_key()));
      // One signature bit flipped (the last character carries 4 bits of S, 2 of them unused).
      std::string flipped = *compact;
      const size_t at = flipped.size() - 10;
      flipped[at] = flipped[at] == 'A' ? 'B' : 'A';
      CPPUNIT_ASSERT(!JoseVerifies(flipped, key.public_key()));
      CPPUNIT_ASSERT(!OursVerifies(flipped, key.public_key()));
    }
  }

  void testWeVerifyLibjoseSignatures() {
    for (int round = 0; round < kRounds; ++round) {
      const vouch::PrivateKey key = NewKey();
      const Bytes payload = RandomPayload(1 + static_cast<size_t>(round) * 53);
      const std::string compact = JoseSigns(key, payload);
      CPPUNIT_ASSERT(OursVerifies(compact, key.public_key()));
      // The payload changed by one character: refused by both.
      std::string changed = compact;
      const size_t at = compact.find('.') + 1;
      changed[at] = changed[at] == 'A' ? 'B' : 'A';
      CPPUNIT_ASSERT(!OursVerifies(changed, key.public_key()));
      CPPUNIT_ASSERT(!JoseVerifies(changed, key.public_key()));
    }
  }

  void testPointChecks() {
    const vouch::PrivateKey key = NewKey();
    const e2esasl::ByteView good = key.public_key().point();
    CPPUNIT_ASSERT_EQUAL(size_t{65}, good.size());
    CPPUNIT_ASSERT(vouch::NewP256PublicKey(good) != nullptr);
    Bytes off(good.begin(), good.end());
    off[64] ^= 0x01;  // y changed: not on the curve
    CPPUNIT_ASSERT(vouch::NewP256PublicKey(off) == nullptr);
    Bytes big(65, 0xff);  // x, y >= p
    big[0] = 0x04;
    CPPUNIT_ASSERT(vouch::NewP256PublicKey(big) == nullptr);
    CPPUNIT_ASSERT(vouch::NewP256PublicKey(Bytes{0x00}) == nullptr);  // infinity
    Bytes compressed(good.begin(), good.begin() + 33);
    compressed[0] = 0x02;
    CPPUNIT_ASSERT(vouch::NewP256PublicKey(compressed) == nullptr);  // only 0x04 || x || y
    Bytes wrong_prefix(good.begin(), good.end());
    wrong_prefix[0] = 0x06;  // "hybrid" form
    CPPUNIT_ASSERT(vouch::NewP256PublicKey(wrong_prefix) == nullptr);
    // A signature of the wrong length never verifies.
    CPPUNIT_ASSERT(!vouch::Es256Verify(key.public_key().pkey(), "x", Bytes(63, 1)));
    const std::optional<vouch::Es256Signature> signature = vouch::Es256Sign(key.pkey(), "x");
    CPPUNIT_ASSERT(signature.has_value());
    CPPUNIT_ASSERT(vouch::Es256Verify(key.public_key().pkey(), "x", *signature));
    CPPUNIT_ASSERT(!vouch::Es256Verify(key.public_key().pkey(), "y", *signature));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VouchEs256Test);
