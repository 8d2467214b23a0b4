// vectors_test.cc: draft-irtf-cfrg-cpace-21 Appendix B.3 (ristretto255 / SHA-512) byte for byte,
// from tests/vectors/cpace/cpace-ristretto255-sha512.txt: generator string, g, Ya, Yb, K, ISK for
// the initiator-responder and the symmetric transcript, sid outputs, the valid scalar_mult case
// and the invalid inputs that must abort. Also the LEB128 / lv_cat examples of Appendix A.1.
#include <sodium.h>

#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/random.h"
#include "cpace/key_schedule.h"
#include "support/vector_file.h"

namespace e2esasl::test {
namespace {

using cpace::Element;
using cpace::Scalar;
using cpace::SharedPoint;

std::vector<uint8_t> V(ByteView bytes) {
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

void AssertHexEqual(const std::string& what, const std::vector<uint8_t>& expected,
                    const std::vector<uint8_t>& actual) {
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what, HexEncode(expected), HexEncode(actual));
}

// ScalarFrom loads a vector's scalar through G.sample_scalar (ristretto255::RandomScalar) with a
// FixedRng, as a session would.
Scalar ScalarFrom(const std::vector<uint8_t>& bytes) {
  FixedRng rng(bytes);
  Scalar s;
  CPPUNIT_ASSERT(ristretto255::RandomScalar(rng, &s));
  CPPUNIT_ASSERT_EQUAL(size_t{0}, rng.Remaining());
  return s;
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl;        // NOLINT: test file
using namespace e2esasl::test;  // NOLINT: test file

class CpaceVectorsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CpaceVectorsTest);
  CPPUNIT_TEST(testPrependLenAndLvCat);
  CPPUNIT_TEST(testMainVector);
  CPPUNIT_TEST(testScalarMultValid);
  CPPUNIT_TEST(testInvalidPointsAbort);
  CPPUNIT_TEST(testKeyScheduleReproducesIsk);
  CPPUNIT_TEST(testEveryKeyRead);
  CPPUNIT_TEST_SUITE_END();

 public:
  static VectorFile Load() { return VectorFile::Load("cpace/cpace-ristretto255-sha512.txt"); }

  void testMainVector() {
    VectorFile file = Load();
    CheckMain(file);
  }
  void testScalarMultValid() {
    VectorFile file = Load();
    CheckScalarMultValid(file);
  }
  void testInvalidPointsAbort() {
    VectorFile file = Load();
    CheckInvalidPoints(file);
  }
  // Every key of every block is compared (the loader throws on an unread key).
  void testEveryKeyRead() {
    VectorFile file = Load();
    CheckMain(file);
    CheckScalarMultValid(file);
    CheckInvalidPoints(file);
    file.CheckAllRead();
  }

  // Draft A.1.2 / A.1.4: prepend_len(b"") = 00, prepend_len(b"1234") = 04 31323334, a 128-byte
  // string gets the two-byte prefix 80 01; lv_cat(b"1234", b"5", b"", b"678") =
  // 04313233340135000336373 8.
  void testPrependLenAndLvCat() {
    CPPUNIT_ASSERT_EQUAL(std::string("00"), HexEncode(cpace::LvCat({ByteView()})));
    CPPUNIT_ASSERT_EQUAL(std::string("0431323334"), HexEncode(cpace::LvCat({AsBytes("1234")})));
    const Bytes long_string(128, 0);
    const Bytes encoded = cpace::LvCat({long_string});
    CPPUNIT_ASSERT_EQUAL(size_t{130}, encoded.size());
    CPPUNIT_ASSERT_EQUAL(uint8_t{0x80}, encoded[0]);
    CPPUNIT_ASSERT_EQUAL(uint8_t{0x01}, encoded[1]);
    CPPUNIT_ASSERT_EQUAL(
        std::string("043132333401350003363738"),
        HexEncode(cpace::LvCat({AsBytes("1234"), AsBytes("5"), ByteView(), AsBytes("678")})));
  }

  static void CheckMain(VectorFile& file) {
    VectorBlock& b = file.Block("CPace-ristretto255-SHA512 draft-21 B.3 main vector");
    for (const char* aid :
         {"H_text", "DSI_text", "PRS_text", "ADa_text", "ADb_text", "DSI_ISK_text"}) {
      b.Skip(aid);
    }
    CPPUNIT_ASSERT_EQUAL(uint64_t{cpace::kHashBlockSize}, b.Uint("H.s_in_bytes"));
    const auto dsi = b.Hex("DSI");
    AssertHexEqual("DSI", dsi, V(AsBytes(cpace::kDsi)));
    const auto prs = b.Hex("PRS");
    const auto ci = b.Hex("CI");
    const auto sid = b.Hex("sid");
    // generator_string with ZPAD_length zero bytes
    const SecretBytes gen_str = cpace::GeneratorString(dsi, prs, ci, sid, cpace::kHashBlockSize);
    const uint64_t zpad = b.Uint("ZPAD_length");
    CPPUNIT_ASSERT_EQUAL(
        zpad + 1 + dsi.size() + 1 + prs.size() + 1 + 1 + ci.size() + 1 + sid.size(),
        uint64_t{gen_str.size()});
    AssertHexEqual("generator_string", b.Hex("generator_string"), V(gen_str));
    std::vector<uint8_t> hash(crypto_hash_sha512_BYTES);
    crypto_hash_sha512(hash.data(), gen_str.data(), gen_str.size());
    AssertHexEqual("hash", b.Hex("hash"), hash);
    cpace::Generator g;
    CPPUNIT_ASSERT(cpace::CalculateGenerator(prs, ci, sid, &g));
    AssertHexEqual("g", b.Hex("g"), V(g.view()));
    // Ya = ya * g, Yb = yb * g
    const auto ada = b.Hex("ADa");
    const auto adb = b.Hex("ADb");
    const Scalar ya = ScalarFrom(b.Hex("ya"));
    const Scalar yb = ScalarFrom(b.Hex("yb"));
    Element big_ya{}, big_yb{};
    CPPUNIT_ASSERT(ristretto255::ScalarMult(ya, g.view(), big_ya));
    CPPUNIT_ASSERT(ristretto255::ScalarMult(yb, g.view(), big_yb));
    AssertHexEqual("Ya", b.Hex("Ya"), V(big_ya));
    AssertHexEqual("Yb", b.Hex("Yb"), V(big_yb));
    // K = scalar_mult_vfy(ya, Yb) = scalar_mult_vfy(yb, Ya)
    SharedPoint ka, kb;
    CPPUNIT_ASSERT(ristretto255::ScalarMult(ya, big_yb, ka.span()));
    CPPUNIT_ASSERT(ristretto255::ScalarMult(yb, big_ya, kb.span()));
    const auto k = b.Hex("K");
    AssertHexEqual("K (A)", k, V(ka.view()));
    AssertHexEqual("K (B)", k, V(kb.view()));
    // ISK, initiator-responder
    const Bytes transcript_ir = cpace::TranscriptIr(big_ya, ada, big_yb, adb);
    AssertHexEqual("transcript_ir", b.Hex("transcript_ir"), transcript_ir);
    Bytes dsi_isk = ToBytes(cpace::kDsi);
    dsi_isk.insert(dsi_isk.end(), {'_', 'I', 'S', 'K'});
    AssertHexEqual("DSI_ISK", b.Hex("DSI_ISK"), dsi_isk);
    Bytes isk_input_ir = cpace::LvCat({dsi_isk, sid, ka.view()});
    isk_input_ir.insert(isk_input_ir.end(), transcript_ir.begin(), transcript_ir.end());
    AssertHexEqual("ISK_input_IR", b.Hex("ISK_input_IR"), isk_input_ir);
    cpace::Isk isk_ir;
    cpace::DeriveIsk(sid, ka, transcript_ir, &isk_ir);
    AssertHexEqual("ISK_IR", b.Hex("ISK_IR"), V(isk_ir.view()));
    // ISK, symmetric (ordered concatenation)
    const Bytes transcript_oc = cpace::TranscriptOc(big_ya, ada, big_yb, adb);
    AssertHexEqual("transcript_oc", b.Hex("transcript_oc"), transcript_oc);
    CPPUNIT_ASSERT(transcript_oc == cpace::TranscriptOc(big_yb, adb, big_ya, ada));
    Bytes isk_input_sy = cpace::LvCat({dsi_isk, sid, kb.view()});
    isk_input_sy.insert(isk_input_sy.end(), transcript_oc.begin(), transcript_oc.end());
    AssertHexEqual("ISK_input_SY", b.Hex("ISK_input_SY"), isk_input_sy);
    cpace::Isk isk_sy;
    cpace::DeriveIsk(sid, kb, transcript_oc, &isk_sy);
    AssertHexEqual("ISK_SY", b.Hex("ISK_SY"), V(isk_sy.view()));
    // sid outputs
    AssertHexEqual("sid_output_ir", b.Hex("sid_output_ir"), V(cpace::SidOutput(transcript_ir)));
    AssertHexEqual("sid_output_oc", b.Hex("sid_output_oc"), V(cpace::SidOutput(transcript_oc)));
    CPPUNIT_ASSERT(b.Unread().empty());
  }

  static void CheckScalarMultValid(VectorFile& file) {
    VectorBlock& b = file.Block("CPace-ristretto255 B.3.10 scalar_mult with valid inputs");
    const Scalar s = ScalarFrom(b.Hex("s"));
    const auto x = b.Hex("X");
    Element product{};
    CPPUNIT_ASSERT(ristretto255::ScalarMult(s, x, product));
    AssertHexEqual("scalar_mult", b.Hex("scalar_mult"), V(product));
    SharedPoint vfy;
    CPPUNIT_ASSERT(ristretto255::ScalarMult(s, x, vfy.span()));
    AssertHexEqual("scalar_mult_vfy", b.Hex("scalar_mult_vfy"), V(vfy.view()));
  }

  static void CheckInvalidPoints(VectorFile& file) {
    struct Case {
      const char* block;
      const char* key;
    };
    for (const Case c : {Case{"CPace-ristretto255 B.3.11 invalid input Y_i1", "Y_i1"},
                         Case{"CPace-ristretto255 B.3.11 invalid input Y_i2 (identity)", "Y_i2"}}) {
      VectorBlock& b = file.Block(c.block);
      const Scalar s = ScalarFrom(b.Hex("s"));
      SharedPoint k;
      // scalar_mult_vfy returns G.I (all zeros) and the protocol aborts.
      CPPUNIT_ASSERT_MESSAGE(c.key, !ristretto255::ScalarMult(s, b.Hex(c.key), k.span()));
      AssertHexEqual(c.key, b.Hex("scalar_mult_vfy"), V(k.view()));
      CPPUNIT_ASSERT_EQUAL(std::string("abort"), b.Text("expected"));
      // A KeySchedule given this share aborts too.
      cpace::KeySchedule schedule(cpace::Role::kResponder);
      FixedRng rng(b.Hex("s"));
      CPPUNIT_ASSERT(schedule.Start(rng, AsBytes("Password"), {}, AsBytes("sid")));
      CPPUNIT_ASSERT(!schedule.Finish(b.Hex(c.key)));
    }
  }

  // KeySchedule (what the sessions run) reproduces ISK_IR when fed the vector's inputs.
  void testKeyScheduleReproducesIsk() {
    VectorFile file = Load();
    VectorBlock& b = file.Block("CPace-ristretto255-SHA512 draft-21 B.3 main vector");
    CPPUNIT_ASSERT(b.Hex("ADa").empty() == false);  // the draft's AD is not empty: not ours
    const auto prs = b.Hex("PRS");
    const auto ci = b.Hex("CI");
    const auto sid = b.Hex("sid");
    FixedRng rng_a(b.Hex("ya"));
    FixedRng rng_b(b.Hex("yb"));
    cpace::KeySchedule a(cpace::Role::kInitiator);
    cpace::KeySchedule bb(cpace::Role::kResponder);
    CPPUNIT_ASSERT(a.Start(rng_a, prs, ci, sid));
    CPPUNIT_ASSERT(bb.Start(rng_b, prs, ci, sid));
    AssertHexEqual("Ya", b.Hex("Ya"), V(a.OwnShare()));
    AssertHexEqual("Yb", b.Hex("Yb"), V(bb.OwnShare()));
    CPPUNIT_ASSERT(a.Finish(bb.OwnShare()));
    CPPUNIT_ASSERT(bb.Finish(a.OwnShare()));
    // With empty AD the ISK is H(lv_cat(DSI_ISK, sid, K) || lv_cat(Ya, "") || lv_cat(Yb, ""))
    SharedPoint k;
    CPPUNIT_ASSERT(k.CopyFrom(b.Hex("K")));
    cpace::Isk expected;
    cpace::DeriveIsk(sid, k, cpace::TranscriptIr(b.Hex("Ya"), {}, b.Hex("Yb"), {}), &expected);
    AssertHexEqual("ISK (A)", V(expected.view()), V(a.SessionKey().view()));
    AssertHexEqual("ISK (B)", V(expected.view()), V(bb.SessionKey().view()));
    CPPUNIT_ASSERT(a.VerifyPeerTag(bb.OwnTag()));
    CPPUNIT_ASSERT(bb.VerifyPeerTag(a.OwnTag()));
    CPPUNIT_ASSERT(!a.VerifyPeerTag(a.OwnTag()));  // Ta != Tb: a tag cannot be reflected
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CpaceVectorsTest);
