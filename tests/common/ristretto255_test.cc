// Ristretto255Test: the shared group operations (plugins/common/ristretto255): rejection
// sampling replays a canonical scalar, invalid and identity inputs fail closed with zeroed
// outputs, and the operations agree with each other.
#include <algorithm>

#include <cppunit/extensions/HelperMacros.h>

#include "common/random.h"
#include "common/ristretto255.h"
#include "common/test_util.h"

// CppUnit names suites after the fixture's type name: fixtures live at global scope.
using namespace e2esasl;  // NOLINT(google-build-using-namespace)
namespace r255 = e2esasl::ristretto255;

namespace {

r255::Scalar ScalarOf(uint8_t low) {
  r255::Scalar s;
  std::fill(s.data(), s.data() + s.size(), 0);
  s.data()[0] = low;
  return s;
}

}  // namespace

class Ristretto255Test : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(Ristretto255Test);
  CPPUNIT_TEST(testRandomScalarSkipsNonCanonicalAndZero);
  CPPUNIT_TEST(testRandomScalarFailsWithTheRng);
  CPPUNIT_TEST(testScalarMultFailsClosed);
  CPPUNIT_TEST(testOperationsAgree);
  CPPUNIT_TEST(testIsValidElementRefusesIdentityAndSizes);
  CPPUNIT_TEST(testWrongInputSizesFail);
  CPPUNIT_TEST_SUITE_END();

 public:
  // 0xff..ff with the top three bits cleared is above L (rejected), zero is rejected, then 1 is
  // taken as it is: every byte drawn, nothing more.
  void testRandomScalarSkipsNonCanonicalAndZero() {
    Bytes draws(32, 0xff);
    draws.insert(draws.end(), 32, 0);
    Bytes one(32, 0);
    one[0] = 1;
    draws.insert(draws.end(), one.begin(), one.end());
    FixedRng rng(draws);
    r255::Scalar s;
    CPPUNIT_ASSERT(r255::RandomScalar(rng, &s));
    CPPUNIT_ASSERT_EQUAL(size_t{0}, rng.Remaining());
    E2E_ASSERT_BYTES_EQUAL(one, Bytes(s.view().begin(), s.view().end()));
    CPPUNIT_ASSERT(r255::IsCanonicalNonZeroScalar(s));
    CPPUNIT_ASSERT(!r255::IsCanonicalNonZeroScalar(ScalarOf(0)));
  }

  void testRandomScalarFailsWithTheRng() {
    struct FailingRng final : Rng {
      bool Fill(std::span<uint8_t>) override { return false; }
    } rng;
    r255::Scalar s;
    CPPUNIT_ASSERT(!r255::RandomScalar(rng, &s));
  }

  // The identity (all zeros) and a non-canonical encoding (all 0xff): false, output zeroed.
  void testScalarMultFailsClosed() {
    const r255::Scalar s = ScalarOf(7);
    for (const uint8_t fill : {uint8_t{0x00}, uint8_t{0xff}}) {
      const Bytes point(r255::kElementSize, fill);
      r255::SharedElement out;
      std::fill(out.data(), out.data() + out.size(), 0xaa);
      CPPUNIT_ASSERT(!r255::ScalarMult(s, point, out.span()));
      CPPUNIT_ASSERT(
          std::all_of(out.data(), out.data() + out.size(), [](uint8_t b) { return b == 0; }));
    }
    r255::Element out{};
    CPPUNIT_ASSERT(!r255::ScalarMultBase(ScalarOf(0), out));
  }

  // 7 * G by ScalarMultBase and by ScalarMult on G; (1/7) * (7 * G) = G.
  void testOperationsAgree() {
    r255::Element g{}, seven_g{}, again{}, back{};
    CPPUNIT_ASSERT(r255::ScalarMultBase(ScalarOf(1), g));
    CPPUNIT_ASSERT(r255::IsValidElement(g));
    CPPUNIT_ASSERT(r255::ScalarMultBase(ScalarOf(7), seven_g));
    CPPUNIT_ASSERT(r255::ScalarMult(ScalarOf(7), g, again));
    CPPUNIT_ASSERT(seven_g == again);
    r255::Scalar inverse;
    CPPUNIT_ASSERT(r255::InvertScalar(ScalarOf(7), &inverse));
    CPPUNIT_ASSERT(r255::ScalarMult(inverse, seven_g, back));
    CPPUNIT_ASSERT(g == back);
    CPPUNIT_ASSERT(!r255::InvertScalar(ScalarOf(0), &inverse));
    // ReduceScalar of 1 || 0^63 is 1.
    Bytes wide(r255::kWideScalarSize, 0);
    wide[0] = 1;
    r255::Scalar reduced;
    CPPUNIT_ASSERT(r255::ReduceScalar(wide, &reduced));
    CPPUNIT_ASSERT(!r255::IsZeroScalar(reduced));
    r255::Element from_hash{};
    CPPUNIT_ASSERT(r255::ElementFromHash(Bytes(r255::kHashSize, 3), from_hash));
    CPPUNIT_ASSERT(r255::IsValidElement(from_hash));
  }

  void testIsValidElementRefusesIdentityAndSizes() {
    CPPUNIT_ASSERT(!r255::IsValidElement(Bytes(r255::kElementSize, 0)));
    CPPUNIT_ASSERT(!r255::IsValidElement(Bytes(r255::kElementSize, 0xff)));
    r255::Element g{};
    CPPUNIT_ASSERT(r255::ScalarMultBase(ScalarOf(1), g));
    CPPUNIT_ASSERT(!r255::IsValidElement(ByteView(g).first(31)));
  }

  void testWrongInputSizesFail() {
    r255::Scalar s;
    r255::Element e{};
    CPPUNIT_ASSERT(!r255::ReduceScalar(Bytes(32, 1), &s));
    CPPUNIT_ASSERT(!r255::ElementFromHash(Bytes(32, 1), e));
    CPPUNIT_ASSERT(!r255::ScalarMult(ScalarOf(1), Bytes(31, 1), e));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Ristretto255Test);
