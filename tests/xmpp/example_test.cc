// example_test.cc: docs/xmpp.md's minimal client is xmpp/examples/minimal_client.c, verbatim, and
// it authenticates a real peer (e2e-xmpp bob) through a real Prosody.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include "support/sasl_harness.h"
#include "xmpp/prosody_fixture.h"
#include "xmpp/xmpp_pair.h"

extern char** environ;

using namespace e2esasl::test;       // NOLINT: test file
using namespace e2esasl::xmpp_test;  // NOLINT: test file

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Background: a child process (stdout and stderr to a file), killed in the destructor if alive.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::string& log) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Background() {
    if (pid_ > 0 && Wait(std::chrono::seconds(0)) == -1) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  // Wait: the exit status, or -1 if still running at the deadline.
  int Wait(std::chrono::seconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
      }
      if (std::chrono::steady_clock::now() >= end) {
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace

class XmppExampleTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XmppExampleTest);
  CPPUNIT_TEST(testDocsShowTheExampleVerbatim);
  CPPUNIT_TEST(testExampleAuthenticatesThroughProsody);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testDocsShowTheExampleVerbatim() {
    std::string src = std::getenv("E2ESASL_SOURCE_DIR");
    std::string example = Slurp(src + "/xmpp/examples/minimal_client.c");
    std::string docs = Slurp(src + "/docs/xmpp.md");
    CPPUNIT_ASSERT(example.size() > 1000);
    CPPUNIT_ASSERT_MESSAGE("docs/xmpp.md must hold xmpp/examples/minimal_client.c verbatim",
                           docs.find("```c\n" + example + "```") != std::string::npos);
  }

  void testExampleAuthenticatesThroughProsody() {
    ProsodyServer server;
    server.Register("alice", "alice xmpp password");
    server.Register("bob", "bob xmpp password");
    TempDir dir;
    std::string sasldb = dir.path() + "/bob.sasldb";
    Provision(sasldb, "alice@localhost", "shared secret");
    std::ofstream(dir.path() + "/bob.xpw") << "bob xmpp password\n";
    std::string port = std::to_string(server.port());
    std::string log = dir.path() + "/bob.log";
    Background bob({E2E_XMPP_PROGRAM,
                    "bob",
                    "--jid",
                    "bob@localhost/phone",
                    "--xmpp-password-file",
                    dir.path() + "/bob.xpw",
                    "--server",
                    "127.0.0.1:" + port,
                    "--cafile",
                    server.ca_path(),
                    "--sasldb",
                    sasldb,
                    "--plugin-dir",
                    PluginPath(),
                    "--sas-answer",
                    "no",
                    "--timeout",
                    "30",
                    "--status-file",
                    dir.path() + "/bob.st"},
                   log);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (Slurp(log).find("waiting for end-to-end sessions") == std::string::npos &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CPPUNIT_ASSERT_MESSAGE(Slurp(log), Slurp(log).find("waiting") != std::string::npos);
    setenv("XMPP_PASSWORD", "alice xmpp password", 1);
    setenv("E2E_SECRET", "shared secret", 1);
    setenv("SASL_PATH", PluginPath().c_str(), 1);
    std::string output;
    int rc = RunProgram({MINIMAL_CLIENT_PROGRAM, "alice@localhost/laptop", "127.0.0.1", port,
                         server.ca_path(), "bob@localhost/phone"},
                        &output, std::chrono::seconds(60));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, rc);
    CPPUNIT_ASSERT_MESSAGE(output,
                           output.find("authenticated bob@localhost/phone with "
                                       "CPACE-R255-PLUS (tls-exporter)") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Slurp(log), 0, bob.Wait(std::chrono::seconds(20)));
    std::string status = Slurp(dir.path() + "/bob.st");
    CPPUNIT_ASSERT_MESSAGE(status, status.find("heard hello, end to end") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(status,
                           status.find("authenticated alice@localhost") != std::string::npos);
    // A wrong secret is refused.
    setenv("E2E_SECRET", "not the secret", 1);
    Background bob2(
        {E2E_XMPP_PROGRAM, "bob", "--jid", "bob@localhost/phone", "--xmpp-password-file",
         dir.path() + "/bob.xpw", "--server", "127.0.0.1:" + port, "--cafile", server.ca_path(),
         "--sasldb", sasldb, "--plugin-dir", PluginPath(), "--sas-answer", "no", "--timeout", "30"},
        log);
    until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (Slurp(log).find("waiting for end-to-end sessions") == std::string::npos &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    rc = RunProgram({MINIMAL_CLIENT_PROGRAM, "alice@localhost/laptop", "127.0.0.1", port,
                     server.ca_path(), "bob@localhost/phone"},
                    &output, std::chrono::seconds(60));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(output, int{E2E_XMPP_ERR_REFUSED}, rc);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Slurp(log), int{E2E_XMPP_ERR_REFUSED},
                                 bob2.Wait(std::chrono::seconds(20)));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(XmppExampleTest);
