// vouch_key_test.cc: mod_e2e_vouch's domain key (xmpp/prosody/mod_e2e_vouch.lua) and the
// sandbox script's --vouch options.
//   XmppVouchKeyTest: a domain key file that is not a key: internal-server-error for statements
//     and the JWKS, logged once, and the server keeps running and answering; the file is read
//     again on the next request (another domain's key, or a d that does not belong to x and y:
//     refused with its own reason; the right key: statements again, no restart).
//     --vouch-lifetime reaches the module; bad --vouch options of e2e-prosody are usage errors.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "vouch_fixture.h"

using namespace e2esasl::xmpp_test;  // NOLINT(google-build-using-namespace)
using std::chrono::seconds;

namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

class XmppVouchKeyTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XmppVouchKeyTest);
  CPPUNIT_TEST(testUnusableDomainKey);
  CPPUNIT_TEST(testLifetimeAndScriptOptions);
  CPPUNIT_TEST_SUITE_END();

 public:
  // --vouch-lifetime reaches the module (exp - iat); bad --vouch options are usage errors (2)
  // before anything is made.
  void testLifetimeAndScriptOptions() {
    VouchWork work;
    const std::string script = ScriptPath();
    const std::string dir = work.Path("never");
    std::string out;
    const std::vector<std::vector<std::string>> bad = {
        {"--vouch", work.Path("missing.jwk")},
        {"--vouch-lifetime", "60"},
        {"--vouch", work.Path("localhost.jwk"), "--vouch-lifetime", "0"},
        {"--vouch", work.Path("localhost.jwk"), "--vouch-lifetime", "86401"},
        {"--vouch"},
    };
    for (const auto& extra : bad) {
      std::vector<std::string> argv = {"/bin/bash", script, "start", dir};
      argv.insert(argv.end(), extra.begin(), extra.end());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 2, RunProgram(argv, &out, seconds(20)));
      CPPUNIT_ASSERT_MESSAGE(out, !std::filesystem::exists(dir));
    }

    ProsodyOptions options;
    options.limits = false;
    options.vouch_key_file = work.Path("localhost.jwk");
    options.vouch_lifetime = 120;
    ProsodyServer server(options);
    server.Register("alice", kVouchPassword);
    const std::string path = work.Path("short.statement");
    const int code = RunProgram(FetchArgs(server, work, "alice", work.Path("device.pub"), path),
                                &out, kVouchRun);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out + server.LogTail(), 0, code);
    std::string claims;
    CPPUNIT_ASSERT_MESSAGE(
        claims, JoseVerifies(Trimmed(ReadAll(path)), work.Path("trust/localhost.jwks"), &claims));
    const size_t exp_at = claims.find(R"("exp":)"), iat_at = claims.find(R"("iat":)");
    CPPUNIT_ASSERT_MESSAGE(claims, exp_at != std::string::npos && iat_at != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(
        120LL, std::atoll(claims.c_str() + exp_at + 6) - std::atoll(claims.c_str() + iat_at + 6));
  }

  void testUnusableDomainKey() {
    VouchWork work;
    ProsodyOptions options;
    options.limits = false;
    options.vouch_key_file = work.Write("broken.jwk", "this is not a JWK\n");
    ProsodyServer server(options);
    server.Register("alice", kVouchPassword);
    for (int round = 0; round < 2; ++round) {
      std::string out;
      const std::string path = work.Path("statement" + std::to_string(round));
      const int code = RunProgram(FetchArgs(server, work, "alice", work.Path("device.pub"), path),
                                  &out, kVouchRun);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(out + server.LogTail(), 9, code);  // unavailable
      CPPUNIT_ASSERT_MESSAGE(out, Contains(ReadAll(path + ".status"), "internal-server-error"));
      CPPUNIT_ASSERT(!std::filesystem::exists(path));
    }
    StropheContext context;
    StropheClient alice(context, VouchClient(server, "alice@localhost/a"));
    CPPUNIT_ASSERT_MESSAGE(alice.error(), alice.Connect(kVouchConnectTimeout));
    alice.Send(std::string("<iq type='get' to='localhost' id='k1'><jwks xmlns='") + kVouchNs +
               "'/></iq>");
    auto answer = alice.WaitForIq("k1", kVouchStanzaTimeout);
    CPPUNIT_ASSERT(answer.has_value());
    CPPUNIT_ASSERT_MESSAGE(answer->text, Contains(answer->text, "<internal-server-error"));
    // Still running; the reason is in the log once, although the key was needed four times.
    std::string status;
    CPPUNIT_ASSERT_EQUAL(
        0, RunProgram({"/bin/bash", ScriptPath(), "status", server.dir()}, &status, seconds(10)));
    const std::string log = server.ReadFile("prosody.log");
    size_t count = 0;
    for (size_t at = log.find("cannot issue statements"); at != std::string::npos;
         at = log.find("cannot issue statements", at + 1)) {
      ++count;
    }
    CPPUNIT_ASSERT_EQUAL_MESSAGE(log, size_t{1}, count);
    CPPUNIT_ASSERT_MESSAGE(log, Contains(log, "is not a P-256 private JWK"));

    // The file is read again on the next request: another domain's key is refused with its
    // own reason; then the right key works, without a restart.
    const std::string tool = Quote(E2ESASL_VOUCH_TOOL);
    ShellOrThrow(tool + " keygen example.org " + Quote(work.Path("example.org.jwk")) +
                 " >/dev/null");
    ReplaceKey(server, work.Path("example.org.jwk"));
    std::string out;
    const std::string path = work.Path("statement.other");
    int code = RunProgram(FetchArgs(server, work, "alice", work.Path("device.pub"), path), &out,
                          kVouchRun);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 9, code);
    CPPUNIT_ASSERT_MESSAGE(
        server.LogTail(),
        Contains(server.LogTail(), "is the key of example.org, not of localhost"));
    // localhost's d with the other localhost key's x and y: a pair that does not belong together.
    std::string mixed_key = ReadAll(work.Path("localhost.jwk"));
    const std::string other_key = ReadAll(work.Path("other.jwk"));
    for (const char* member : {"\"x\":\"", "\"y\":\""}) {
      const size_t at = mixed_key.find(member), from = other_key.find(member);
      CPPUNIT_ASSERT(at != std::string::npos && from != std::string::npos);
      mixed_key.replace(at, std::strlen(member) + 43,
                        other_key.substr(from, std::strlen(member) + 43));
    }
    CPPUNIT_ASSERT(mixed_key != ReadAll(work.Path("localhost.jwk")));
    const std::string mixed = work.Write("mixed.jwk", mixed_key);
    ReplaceKey(server, mixed);
    code = RunProgram(FetchArgs(server, work, "alice", work.Path("device.pub"), path), &out,
                      kVouchRun);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 9, code);
    CPPUNIT_ASSERT_MESSAGE(server.LogTail(),
                           Contains(server.LogTail(), "d does not belong to x and y"));
    ReplaceKey(server, work.Path("localhost.jwk"));
    code = RunProgram(FetchArgs(server, work, "alice", work.Path("device.pub"), path), &out,
                      kVouchRun);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out + server.LogTail(), 0, code);
    std::string claims;
    CPPUNIT_ASSERT_MESSAGE(
        claims, JoseVerifies(Trimmed(ReadAll(path)), work.Path("trust/localhost.jwks"), &claims));
  }

 private:
  // ReplaceKey: the server's copy of its domain key becomes source (owned by the user the
  // server runs as).
  static void ReplaceKey(const ProsodyServer& server, const std::string& source) {
    const std::string target = Quote(server.dir() + "/vouch-key.jwk");
    ShellOrThrow("install -m 600 " + Quote(source) + " " + target +
                 " && { [ \"$(id -u)\" != 0 ] || chown prosody:prosody " + target + "; }");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(XmppVouchKeyTest);
