// ScramVectorsTest: the RFC 5802 section 5 (SCRAM-SHA-1) and RFC 7677 section 3 (SCRAM-SHA-256)
// example exchanges, reproduced byte for byte by ClientSession and ServerSession with the RFC's
// nonces injected through FixedRng (tests/vectors/scram/scram-rfc.txt).
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "common/base64.h"
#include "common/random.h"
#include "scram/client.h"
#include "scram/scram_test_util.h"
#include "scram/server.h"
#include "support/vector_file.h"

namespace e2esasl::scram {
namespace {

using e2esasl::test::VectorBlock;
using e2esasl::test::VectorFile;

HashAlg AlgOf(const std::string& mechanism) {
  if (mechanism == "SCRAM-SHA-1") {
    return HashAlg::kSha1;
  }
  if (mechanism == "SCRAM-SHA-256") {
    return HashAlg::kSha256;
  }
  throw std::runtime_error("unknown mechanism in vector file: " + mechanism);
}

std::string Str(const Bytes& bytes) {
  return ToString(bytes);
}

}  // namespace
}  // namespace e2esasl::scram

using namespace e2esasl;         // NOLINT: test file
using namespace e2esasl::scram;  // NOLINT: test file

// The fixture lives at global scope: CppUnit names a suite after typeid(fixture), and the runner
// selects suites by that name (SUITES in CMakeLists.txt).
class ScramVectorsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ScramVectorsTest);
  CPPUNIT_TEST(testRfcExchangesByteForByte);
  CPPUNIT_TEST(testRfcMessagesRoundTrip);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRfcExchangesByteForByte() {
    VectorFile file = VectorFile::Load("scram/scram-rfc.txt");
    CPPUNIT_ASSERT_EQUAL(size_t{2}, file.blocks().size());
    for (VectorBlock& block : file.blocks()) {
      RunBlock(block);
    }
    file.CheckAllRead();
  }

  void testRfcMessagesRoundTrip() {
    VectorFile file = VectorFile::Load("scram/scram-rfc.txt");
    for (VectorBlock& block : file.blocks()) {
      const std::string client_first = block.Text("client-first-message");
      const std::string server_first = block.Text("server-first-message");
      const std::string client_final = block.Text("client-final-message");
      const std::string server_final = block.Text("server-final-message");
      CPPUNIT_ASSERT_EQUAL(client_first, Reserialize<ClientFirst>(client_first));
      CPPUNIT_ASSERT_EQUAL(server_first, Reserialize<ServerFirst>(server_first));
      CPPUNIT_ASSERT_EQUAL(client_final, Reserialize<ClientFinal>(client_final));
      CPPUNIT_ASSERT_EQUAL(server_final, Reserialize<ServerFinal>(server_final));
      // c=biws is base64 of the GS2 header "n,," (the file's comment, checked).
      CPPUNIT_ASSERT_EQUAL(std::string("n,,"),
                           Str(ClientFinal::Parse(AsBytes(client_final))->channel_binding));
      for (const char* key : {"mechanism", "username", "password", "client-nonce", "combined-nonce",
                              "salt", "iteration-count"}) {
        block.Skip(key);
      }
    }
    file.CheckAllRead();
  }

 private:
  template <typename Message>
  static std::string Reserialize(const std::string& text) {
    std::optional<Message> parsed = Message::Parse(AsBytes(text));
    CPPUNIT_ASSERT_MESSAGE(text, parsed.has_value());
    ByteWriter writer(kMaxMessageSize);
    parsed->Serialize(writer);
    std::optional<Bytes> bytes = writer.Finish();
    CPPUNIT_ASSERT(bytes.has_value());
    return Str(*bytes);
  }

  static void RunBlock(VectorBlock& block) {
    const HashAlg alg = AlgOf(block.Text("mechanism"));
    const std::string username = block.Text("username");
    const std::string password = block.Text("password");
    const std::string client_nonce = block.Text("client-nonce");
    const std::string combined_nonce = block.Text("combined-nonce");
    const std::string salt_b64 = block.Text("salt");
    const uint64_t iterations = block.Uint("iteration-count");
    const std::string client_first = block.Text("client-first-message");
    const std::string server_first = block.Text("server-first-message");
    const std::string client_final = block.Text("client-final-message");
    const std::string server_final = block.Text("server-final-message");
    const std::string name = block.name();

    // The nonce keys are read out of the messages: check they agree with them.
    CPPUNIT_ASSERT(combined_nonce.starts_with(client_nonce));
    const std::string server_nonce = combined_nonce.substr(client_nonce.size());

    // The server holds the verifier derived from the password (as setpass would store it).
    std::optional<Bytes> salt = Base64Decode(salt_b64, 1024);
    CPPUNIT_ASSERT(salt.has_value());
    std::optional<StoredCredentials> stored =
        StoredCredentials::Derive(alg, password, *salt, static_cast<uint32_t>(iterations));
    CPPUNIT_ASSERT(stored.has_value());
    scram::test::MapCredentials credentials;
    credentials.Add(username, std::move(*stored));

    FixedRng client_rng(scram::test::NonceRngBytes(client_nonce));
    FixedRng server_rng(scram::test::NonceRngBytes(server_nonce));
    auto client_config = [&] {
      ClientConfig config;
      config.alg = alg;
      config.authcid = username;
      config.password = SecretString(password);
      config.nonce_size = client_nonce.size();
      return config;
    };
    ServerConfig server_config;
    server_config.alg = alg;
    server_config.nonce_size = server_nonce.size();
    server_config.fake_secret = SecretBytes(32, 0x5a);
    ClientSession client(client_rng, client_config());
    ServerSession server(server_rng, credentials, std::move(server_config));

    Bytes out;
    Failure failure;
    CPPUNIT_ASSERT(client.Step(ByteView(), &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(name, client_first, Str(out));
    Bytes in = out;
    CPPUNIT_ASSERT(server.Step(in, &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(name, server_first, Str(out));
    in = out;
    CPPUNIT_ASSERT(client.Step(in, &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(name, client_final, Str(out));
    in = out;
    CPPUNIT_ASSERT(server.Step(in, &out, &failure) == Status::kOk);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(name, server_final, Str(out));
    in = out;
    CPPUNIT_ASSERT(client.Step(in, &out, &failure) == Status::kOk);
    CPPUNIT_ASSERT(out.empty());
    CPPUNIT_ASSERT(client.IsComplete() && server.IsComplete());
    CPPUNIT_ASSERT_EQUAL(username, std::string(server.Authcid()));
    CPPUNIT_ASSERT_EQUAL(size_t{0}, client_rng.Remaining());
    CPPUNIT_ASSERT_EQUAL(size_t{0}, server_rng.Remaining());

    // The client alone, against the RFC's server messages (not our server's).
    FixedRng client_rng2(scram::test::NonceRngBytes(client_nonce));
    ClientSession client2(client_rng2, client_config());
    CPPUNIT_ASSERT(client2.Step(ByteView(), &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT(client2.Step(AsBytes(server_first), &out, &failure) == Status::kContinue);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(name, client_final, Str(out));
    CPPUNIT_ASSERT(client2.Step(AsBytes(server_final), &out, &failure) == Status::kOk);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ScramVectorsTest);
