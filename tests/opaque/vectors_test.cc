// vectors_test.cc: RFC 9807 Appendix C (ristretto255-SHA512): Real Test Vectors 1 and 2 and Fake
// Test Vector 1, byte for byte, from tests/vectors/opaque/opaque-rfc9807-ristretto255.txt. The
// ephemeral values (blinds, nonces, keyshare seeds) are replayed by FixedRng in the order the
// RFC's functions draw them; every key of every block is read (CheckAllRead).
#include <string>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/random.h"
#include "opaque/ake.h"
#include "opaque/credentials.h"
#include "opaque/oprf.h"
#include "opaque/wire.h"
#include "support/vector_file.h"

namespace e2esasl::test {
namespace {

using namespace e2esasl::opaque;  // NOLINT: test file

using Vec = std::vector<uint8_t>;

Vec V(ByteView bytes) {
  return Vec(bytes.begin(), bytes.end());
}

void AssertHexEqual(const std::string& what, const Vec& expected, const Vec& actual) {
  CPPUNIT_ASSERT_EQUAL_MESSAGE(what, HexEncode(expected), HexEncode(actual));
}

template <size_t N>
std::array<uint8_t, N> Array(const Vec& bytes) {
  CPPUNIT_ASSERT_EQUAL(N, bytes.size());
  std::array<uint8_t, N> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

Vec Cat(std::initializer_list<Vec> parts) {
  Vec out;
  for (const Vec& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

// CheckConfiguration reads and checks the configuration group; returns the context.
Vec CheckConfiguration(VectorBlock& block) {
  CPPUNIT_ASSERT_EQUAL(std::string("ristretto255-SHA512"), block.Text("OPRF"));
  CPPUNIT_ASSERT_EQUAL(std::string("SHA512"), block.Text("Hash"));
  CPPUNIT_ASSERT_EQUAL(std::string("Identity"), block.Text("KSF"));
  CPPUNIT_ASSERT_EQUAL(std::string("HKDF-SHA512"), block.Text("KDF"));
  CPPUNIT_ASSERT_EQUAL(std::string("HMAC-SHA512"), block.Text("MAC"));
  CPPUNIT_ASSERT_EQUAL(std::string("ristretto255"), block.Text("Group"));
  CPPUNIT_ASSERT_EQUAL(uint64_t{kHashSize}, block.Uint("Nh"));
  CPPUNIT_ASSERT_EQUAL(uint64_t{kElementSize}, block.Uint("Npk"));
  CPPUNIT_ASSERT_EQUAL(uint64_t{kScalarSize}, block.Uint("Nsk"));
  CPPUNIT_ASSERT_EQUAL(uint64_t{kMacSize}, block.Uint("Nm"));
  CPPUNIT_ASSERT_EQUAL(uint64_t{64}, block.Uint("Nx"));
  CPPUNIT_ASSERT_EQUAL(uint64_t{32}, block.Uint("Nok"));
  return block.Hex("Context");
}

Identities ReadIdentities(VectorBlock& block) {
  Identities ids;
  if (block.Has("client_identity")) {
    ids.client = block.Hex("client_identity");
  }
  if (block.Has("server_identity")) {
    ids.server = block.Hex("server_identity");
  }
  return ids;
}

ServerKeyMaterial ReadServerKeys(VectorBlock& block) {
  ServerKeyMaterial keys;
  CPPUNIT_ASSERT(keys.oprf_seed.CopyFrom(block.Hex("oprf_seed")));
  CPPUNIT_ASSERT(keys.private_key.CopyFrom(block.Hex("server_private_key")));
  keys.public_key = Array<kElementSize>(block.Hex("server_public_key"));
  Element derived;
  CPPUNIT_ASSERT(ristretto255::ScalarMultBase(keys.private_key, derived));
  AssertHexEqual("server_public_key = sk * G", V(keys.public_key), V(derived));
  return keys;
}

void RunRealVector(VectorBlock& block) {
  const Vec context = CheckConfiguration(block);
  const Identities ids = ReadIdentities(block);
  const ServerKeyMaterial keys = ReadServerKeys(block);
  const Vec credential_identifier = block.Hex("credential_identifier");
  const Vec password = block.Hex("password");

  Scalar oprf_key;
  CPPUNIT_ASSERT(DeriveOprfKey(keys.oprf_seed.view(), credential_identifier, &oprf_key));
  AssertHexEqual("oprf_key", block.Hex("oprf_key"), V(oprf_key.view()));

  // Registration (RFC 9807 s5).
  FixedRng registration_rng(Cat({block.Hex("blind_registration"), block.Hex("envelope_nonce")}));
  RegistrationClient registration;
  RegistrationRequest request;
  CPPUNIT_ASSERT(registration.Start(registration_rng, password, &request));
  AssertHexEqual("registration_request", block.Hex("registration_request"),
                 SerializeToBytes(request));
  RegistrationResponse response;
  CPPUNIT_ASSERT(CreateRegistrationResponse(request, keys.public_key, credential_identifier,
                                            keys.oprf_seed.view(), &response));
  AssertHexEqual("registration_response", block.Hex("registration_response"),
                 SerializeToBytes(response));
  RegistrationRecord record;
  SecretBytes export_key;
  RegistrationTrace trace;
  CPPUNIT_ASSERT(registration.Finish(registration_rng, response, ids, KsfParams::Identity(),
                                     &record, &export_key, &trace));
  CPPUNIT_ASSERT_EQUAL(size_t{0}, registration_rng.Remaining());
  AssertHexEqual("registration_upload", block.Hex("registration_upload"), SerializeToBytes(record));
  AssertHexEqual("client_public_key", block.Hex("client_public_key"), V(record.client_public_key));
  AssertHexEqual("envelope", block.Hex("envelope"), SerializeToBytes(record.envelope));
  AssertHexEqual("randomized_password", block.Hex("randomized_password"),
                 V(trace.randomized_password));
  AssertHexEqual("auth_key", block.Hex("auth_key"), V(trace.auth_key));
  const Vec expected_export_key = block.Hex("export_key");
  AssertHexEqual("export_key (registration)", expected_export_key, V(export_key));

  // Login (RFC 9807 s6).
  FixedRng client_rng(Cat(
      {block.Hex("blind_login"), block.Hex("client_nonce"), block.Hex("client_keyshare_seed")}));
  FixedRng server_rng(Cat(
      {block.Hex("masking_nonce"), block.Hex("server_nonce"), block.Hex("server_keyshare_seed")}));
  ClientLogin client(client_rng);
  ServerLogin server(server_rng);
  Ke1 ke1;
  CPPUNIT_ASSERT(client.Start(password, &ke1) == Status::kOk);
  AssertHexEqual("KE1", block.Hex("KE1"), SerializeToBytes(ke1));
  Ke2 ke2;
  KeyScheduleTrace server_trace;
  CPPUNIT_ASSERT(server.Respond(keys, record, credential_identifier, ke1, ids, context, &ke2,
                                &server_trace) == Status::kOk);
  AssertHexEqual("KE2", block.Hex("KE2"), SerializeToBytes(ke2));
  const Vec handshake_secret = block.Hex("handshake_secret");
  const Vec server_mac_key = block.Hex("server_mac_key");
  const Vec client_mac_key = block.Hex("client_mac_key");
  AssertHexEqual("handshake_secret (server)", handshake_secret, V(server_trace.handshake_secret));
  AssertHexEqual("server_mac_key (server)", server_mac_key, V(server_trace.server_mac_key));
  AssertHexEqual("client_mac_key (server)", client_mac_key, V(server_trace.client_mac_key));
  Ke3 ke3;
  KeyScheduleTrace client_trace;
  CPPUNIT_ASSERT(client.Finish(ke2, ids, KsfParams::Identity(), context, &ke3, &client_trace) ==
                 Status::kOk);
  AssertHexEqual("KE3", block.Hex("KE3"), SerializeToBytes(ke3));
  AssertHexEqual("handshake_secret (client)", handshake_secret, V(client_trace.handshake_secret));
  AssertHexEqual("server_mac_key (client)", server_mac_key, V(client_trace.server_mac_key));
  AssertHexEqual("client_mac_key (client)", client_mac_key, V(client_trace.client_mac_key));
  CPPUNIT_ASSERT(server.Finish(ke3) == Status::kOk);
  const Vec session_key = block.Hex("session_key");
  AssertHexEqual("session_key (client)", session_key, V(client.session_key().view()));
  AssertHexEqual("session_key (server)", session_key, V(server.session_key().view()));
  AssertHexEqual("export_key (login)", expected_export_key, V(client.export_key()));
  CPPUNIT_ASSERT_EQUAL(size_t{0}, client_rng.Remaining());
  CPPUNIT_ASSERT_EQUAL(size_t{0}, server_rng.Remaining());
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl;          // NOLINT: test file
using namespace e2esasl::test;    // NOLINT: test file
using namespace e2esasl::opaque;  // NOLINT: test file

class OpaqueVectorsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OpaqueVectorsTest);
  CPPUNIT_TEST(testRealVector1);
  CPPUNIT_TEST(testRealVector2);
  CPPUNIT_TEST(testFakeVector1);
  CPPUNIT_TEST(testEveryKeyRead);
  CPPUNIT_TEST_SUITE_END();

 public:
  static VectorFile Load() { return VectorFile::Load("opaque/opaque-rfc9807-ristretto255.txt"); }

  void testRealVector1() {
    VectorFile file = Load();
    RunRealVector(file.Block("OPAQUE-3DH Real Test Vector 1 (RFC 9807 Appendix C.1.1)"));
  }

  void testRealVector2() {
    VectorFile file = Load();
    RunRealVector(file.Block("OPAQUE-3DH Real Test Vector 2 (RFC 9807 Appendix C.1.2)"));
  }

  static void RunFakeVector(VectorBlock& block) {
    const Vec context = CheckConfiguration(block);
    const Identities ids = ReadIdentities(block);
    const ServerKeyMaterial keys = ReadServerKeys(block);
    const Vec credential_identifier = block.Hex("credential_identifier");
    // The fake record's key pair: client_public_key = client_private_key * G.
    Scalar client_private_key;
    CPPUNIT_ASSERT(client_private_key.CopyFrom(block.Hex("client_private_key")));
    Element client_public_key;
    CPPUNIT_ASSERT(ristretto255::ScalarMultBase(client_private_key, client_public_key));
    AssertHexEqual("client_public_key", block.Hex("client_public_key"), V(client_public_key));
    // KE1 is an input here; its keyshare comes from client_keyshare_seed.
    const std::optional<Ke1> ke1 = Ke1::Parse(block.Hex("KE1"));
    CPPUNIT_ASSERT(ke1.has_value());
    Scalar client_secret;
    Element client_keyshare;
    CPPUNIT_ASSERT(DeriveDiffieHellmanKeyPair(block.Hex("client_keyshare_seed"), &client_secret,
                                              &client_keyshare));
    AssertHexEqual("KE1 client_public_keyshare", V(client_keyshare),
                   V(ke1->client_public_keyshare));

    const RegistrationRecord fake = MakeFakeRecord(client_public_key, block.Hex("masking_key"));
    FixedRng server_rng(Cat({block.Hex("masking_nonce"), block.Hex("server_nonce"),
                             block.Hex("server_keyshare_seed")}));
    ServerLogin server(server_rng);
    Ke2 ke2;
    CPPUNIT_ASSERT(server.Respond(keys, fake, credential_identifier, *ke1, ids, context, &ke2) ==
                   Status::kOk);
    AssertHexEqual("KE2", block.Hex("KE2"), SerializeToBytes(ke2));
    CPPUNIT_ASSERT_EQUAL(size_t{0}, server_rng.Remaining());
  }

  void testFakeVector1() {
    VectorFile file = Load();
    RunFakeVector(file.Block("OPAQUE-3DH Fake Test Vector 1 (RFC 9807 Appendix C.2.1)"));
  }

  void testEveryKeyRead() {
    VectorFile file = Load();
    CPPUNIT_ASSERT_EQUAL(size_t{3}, file.blocks().size());
    RunRealVector(file.blocks()[0]);
    RunRealVector(file.blocks()[1]);
    RunFakeVector(file.blocks()[2]);
    file.CheckAllRead();
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OpaqueVectorsTest);
