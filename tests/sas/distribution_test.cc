// distribution_test.cc: over many complete exchanges with fresh keys and random channel bindings,
// the strings people compare are close to uniform: each digit position and the pair of leading
// digits pass a chi-squared test.
//
// The bound, chosen so the test is never flaky: with N = 2000 runs, each of the 10 positions has
// 9 degrees of freedom; P(chi2_9 > 70) = 1.5e-11. The leading pair has 99 degrees of freedom;
// P(chi2_99 > 250) = 4.8e-15. A uniform generator fails the whole test with probability below
// 2e-10 per run. A broken derivation is far outside: one constant digit alone gives chi2 = 9N =
// 18000 for that position, a digit drawn from 0..7 only gives about N/4 = 500.
#include <array>
#include <string>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "sas_test_util.h"

using namespace e2esasl;             // NOLINT: test file
using namespace e2esasl::sas;        // NOLINT: test file
using namespace e2esasl::sas::test;  // NOLINT: test file

namespace {

constexpr int kRuns = 2000;
constexpr double kPositionBound = 70.0;  // chi2, 9 dof, p = 1.5e-11
constexpr double kPairBound = 250.0;     // chi2, 99 dof, p = 4.8e-15

template <size_t N>
double ChiSquared(const std::array<int, N>& counts, int total) {
  const double expected = static_cast<double>(total) / N;
  double chi2 = 0;
  for (int c : counts) {
    chi2 += (c - expected) * (c - expected) / expected;
  }
  return chi2;
}

std::string DigitsOnly(const std::string& sas) {
  std::string digits;
  for (char c : sas) {
    if (c != ' ') {
      digits.push_back(c);
    }
  }
  return digits;
}

}  // namespace

class SasDistributionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SasDistributionTest);
  CPPUNIT_TEST(testCloseToUniform);
  CPPUNIT_TEST(testChiSquaredDetectsBias);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testCloseToUniform() {
    std::array<std::array<int, 10>, kDefaultDigits> positions{};
    std::array<int, 100> pairs{};
    for (int run = 0; run < kRuns; ++run) {
      Bytes binding(32);
      CPPUNIT_ASSERT(SystemRandom().Fill(binding));
      const RunResult r = RunCore(SystemRandom(), SystemRandom(), binding, binding);
      CPPUNIT_ASSERT(r.ok());
      CPPUNIT_ASSERT_EQUAL(*r.client_sas, *r.server_sas);
      const std::string digits = DigitsOnly(*r.client_sas);
      CPPUNIT_ASSERT_EQUAL(size_t{kDefaultDigits}, digits.size());
      for (size_t i = 0; i < digits.size(); ++i) {
        ++positions[i][static_cast<size_t>(digits[i] - '0')];
      }
      ++pairs[static_cast<size_t>((digits[0] - '0') * 10 + (digits[1] - '0'))];
    }
    for (size_t i = 0; i < positions.size(); ++i) {
      const double chi2 = ChiSquared(positions[i], kRuns);
      CPPUNIT_ASSERT_MESSAGE("position " + std::to_string(i) + " chi2 " + std::to_string(chi2),
                             chi2 < kPositionBound);
    }
    const double chi2 = ChiSquared(pairs, kRuns);
    CPPUNIT_ASSERT_MESSAGE("leading pair chi2 " + std::to_string(chi2), chi2 < kPairBound);
  }

  // The statistic has teeth: digits 0..7 only (a 20% loss of entropy) are rejected.
  void testChiSquaredDetectsBias() {
    std::array<int, 10> biased{};
    for (int run = 0; run < kRuns; ++run) {
      ++biased[static_cast<size_t>(run % 8)];
    }
    CPPUNIT_ASSERT(ChiSquared(biased, kRuns) > kPositionBound);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SasDistributionTest);
