// registration_test.cc: client-side OPAQUE-R255 registration (RFC 9807 s5) with the built
// e2esasl-opaque tool run as a subprocess (password on its stdin through a pipe, exit status and
// stderr captured), each test in a fresh temporary directory, followed by logins through the real
// libsasl2 with the built e2e_opaque module: the happy path in both mechanism forms, the file
// modes, that no file the server handles holds the password, tampered responses, the client's
// KSF cap, the server identity, and bad usage.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

#include "common/base64.h"
#include "support/sasl_harness.h"

extern char** environ;

namespace e2esasl::test {
namespace {

constexpr const char* kMech = "OPAQUE-R255";
constexpr const char* kPlus = "OPAQUE-R255-PLUS";
constexpr const char* kKsf = "argon2id:1024:1:1";  // cheap, so the suite stays fast
constexpr const char* kPassword = "Zq7-unique correct horse";
constexpr size_t kElementSize = 32;  // ristretto255 element (RFC 9807 Noe, Npk)

// ToolRun: how one run of e2esasl-opaque ended.
struct ToolRun {
  bool exited = false;  // false: killed by a signal (a crash)
  int exit_code = -1;
  std::string out;
  std::string err;
  std::string Describe() const {
    return "exited=" + std::to_string(exited) + " code=" + std::to_string(exit_code) + " stderr=[" +
           err + "]";
  }
};

void CloseFd(int* fd) {
  if (*fd >= 0) {
    close(*fd);
    *fd = -1;
  }
}

// RunTool starts the tool with args, writes stdin_text to its stdin and closes it, reads stdout
// and stderr to their ends (poll, so neither pipe can fill up and stall the child), and waits.
// Throws std::runtime_error when the process cannot be started.
ToolRun RunTool(const std::vector<std::string>& args, const std::string& stdin_text) {
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears FD_CLOEXEC on the target; every other pipe end is closed by exec.
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  std::vector<std::string> storage = {E2ESASL_OPAQUE_TOOL};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : storage) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CloseFd(&in[0]);
  CloseFd(&out[1]);
  CloseFd(&err[1]);
  if (spawned != 0) {
    CloseFd(&in[1]);
    CloseFd(&out[0]);
    CloseFd(&err[0]);
    throw std::runtime_error(std::string("posix_spawn failed: ") + std::strerror(spawned));
  }
  // The input is a line or two, far below the pipe's capacity. A child that exits without
  // reading it gives EPIPE (SIGPIPE is ignored by the fixture), which is not an error here.
  size_t written = 0;
  while (written < stdin_text.size()) {
    const ssize_t n = write(in[1], stdin_text.data() + written, stdin_text.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    written += static_cast<size_t>(n);
  }
  CloseFd(&in[1]);
  ToolRun run;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      char buf[4096];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;  // poll ignores negative descriptors
        --open_fds;
      }
    }
  }
  for (pollfd& fd : fds) {
    CloseFd(&fd.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      throw std::runtime_error("waitpid failed");
    }
  }
  run.exited = WIFEXITED(status);
  run.exit_code = run.exited ? WEXITSTATUS(status) : -1;
  return run;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return ~0u;
  }
  return static_cast<unsigned>(st.st_mode & 07777);
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ResponsePayload decodes the "response=" line of a RESPONSE file (evaluated_message ||
// server_public_key, RFC 9807 s5.1); empty when absent.
std::vector<uint8_t> ResponsePayload(const std::string& file) {
  const size_t at = file.find("response=");
  if (at == std::string::npos) {
    return {};
  }
  const size_t begin = at + std::strlen("response=");
  const std::string text = file.substr(begin, file.find('\n', begin) - begin);
  const std::optional<Bytes> bytes = Base64Decode(text, 2 * kElementSize);
  return bytes ? std::vector<uint8_t>(bytes->begin(), bytes->end()) : std::vector<uint8_t>{};
}

// WithResponsePayload returns the RESPONSE file with its payload replaced (the other lines and
// the syntax unchanged).
std::string WithResponsePayload(const std::string& file, const std::vector<uint8_t>& payload) {
  const size_t begin = file.find("response=") + std::strlen("response=");
  const size_t end = file.find('\n', begin);
  return file.substr(0, begin) + Base64Encode(ByteView(payload.data(), payload.size())) +
         file.substr(end);
}

}  // namespace
}  // namespace e2esasl::test

using namespace e2esasl::test;  // NOLINT: test file

// At global scope: CppUnit names suites by their qualified type name.
class OpaqueRegistrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OpaqueRegistrationTest);
  CPPUNIT_TEST(testRegisterAndLogin);
  CPPUNIT_TEST(testWrongPasswordFails);
  CPPUNIT_TEST(testFinalizeWithAnotherPasswordIsRefused);
  CPPUNIT_TEST(testServerNeverSeesThePassword);
  CPPUNIT_TEST(testTamperedResponse);
  CPPUNIT_TEST(testKsfCap);
  CPPUNIT_TEST(testServerIdentity);
  CPPUNIT_TEST(testBadUsage);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    // A tool that exits before reading its stdin must not kill the test with SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
    dir_ = std::make_unique<TempDir>();
    state_ = Path("alice.state");
    request_ = Path("alice.req");
    response_ = Path("alice.resp");
    record_ = Path("alice.record");
    key_file_ = Path("opaque.key");
    sasldb_ = Path("sasldb2");
  }
  void tearDown() override { dir_.reset(); }

  std::string Path(const std::string& name) const { return dir_->path() + "/" + name; }

  static ToolRun Tool(const std::vector<std::string>& args, const std::string& password = "") {
    return RunTool(args, password.empty() ? std::string() : password + "\n");
  }

  static void AssertOk(const ToolRun& run) {
    CPPUNIT_ASSERT_MESSAGE(run.Describe(), run.exited && run.exit_code == 0);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(run.Describe(), std::string(), run.err);
  }

  // AssertFails: exit status 1 (not a crash) and a message on stderr containing `reason`.
  static void AssertFails(const ToolRun& run, const std::string& reason) {
    CPPUNIT_ASSERT_MESSAGE(run.Describe(), run.exited);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(run.Describe(), 1, run.exit_code);
    CPPUNIT_ASSERT_MESSAGE(run.Describe(), run.err.rfind("e2esasl-opaque: ", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(run.Describe(), Contains(run.err, reason));
  }

  ToolRun Request(const std::string& password = kPassword) {
    return Tool({"request", "--state", state_, "--out", request_}, password);
  }

  ToolRun Respond(const std::string& ksf = kKsf, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"respond", "--key-file", key_file_, "--user", "alice", "--in",
                                     request_,  "--out",      response_, "--ksf",  ksf};
    args.insert(args.end(), extra.begin(), extra.end());
    return Tool(args);
  }

  ToolRun Finalize(const std::vector<std::string>& extra = {},
                   const std::string& password = kPassword) {
    std::vector<std::string> args = {"finalize", "--state", state_, "--in",
                                     response_,  "--out",   record_};
    args.insert(args.end(), extra.begin(), extra.end());
    return Tool(args, password);
  }

  // Store uploads RECORD. sasldb keys entries by user and realm, and the tool's own connection
  // has no server name (its realm would be this host's name, as saslpasswd2's without -u): the
  // "user@realm" form puts it in the realm of the harness's server, "server.example".
  ToolRun Store() {
    return Tool({"store", "--sasldb", sasldb_, "--user", "alice@server.example", "--in", record_});
  }

  // Register runs all four steps, each of which must succeed.
  void Register(const std::vector<std::string>& server_extra = {},
                const std::vector<std::string>& client_extra = {}) {
    AssertOk(Request());
    AssertOk(Respond(kKsf, server_extra));
    AssertOk(Finalize(client_extra));
    AssertOk(Store());
  }

  ExchangeSpec Spec(const std::string& mech, const std::string& password) const {
    ExchangeSpec spec;
    spec.client_mechlist = mech;
    spec.identity.authcid = "alice";
    spec.identity.password = password;
    spec.sasldb_path = sasldb_;
    // The server's own KSF (for setpass and unknown users) differs from the one given to
    // respond, so an announced argon2id:1024:1:1 comes from the stored record.
    spec.server_options = {{"e2esasl_opaque_key_file", key_file_},
                           {"e2esasl_opaque_ksf_memory", "1024"},
                           {"e2esasl_opaque_ksf_time", "1"},
                           {"e2esasl_opaque_ksf_parallelism", "4"}};
    return spec;
  }

  // The four steps, the modes of the secret files on the way, and logins in both forms.
  void testRegisterAndLogin() {
    AssertOk(Request());
    CPPUNIT_ASSERT_EQUAL(0600u, Mode(state_));  // the OPRF blind
    CPPUNIT_ASSERT(Contains(ReadBytes(request_), "request="));
    CPPUNIT_ASSERT(!Exists(key_file_));
    AssertOk(Respond());
    CPPUNIT_ASSERT_EQUAL(0600u, Mode(key_file_));  // created by respond
    CPPUNIT_ASSERT_EQUAL(0600u, Mode(state_));     // still there, still private
    CPPUNIT_ASSERT(Contains(ReadBytes(response_), "ksf=argon2id:1024:1:1\n"));
    // A cap equal to the server's costs is within the cap.
    AssertOk(Finalize({"--max-ksf", kKsf}));
    CPPUNIT_ASSERT(!Exists(state_));
    CPPUNIT_ASSERT_EQUAL(0600u, Mode(record_));  // holds the masking key, a server secret
    AssertOk(Store());

    const Exchange plain = RunExchange(Spec(kMech, kPassword));
    CPPUNIT_ASSERT_MESSAGE(plain.What(), plain.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("alice"), plain.server_authid);
    // The server announces the KSF the record was made with: the stored record is the tool's.
    CPPUNIT_ASSERT_MESSAGE(plain.server_messages.at(0),
                           Contains(plain.server_messages.at(0), ",f=argon2id:1024:1:1"));

    ExchangeSpec plus = Spec(kPlus, kPassword);
    plus.client_binding = MakeBinding("tls-exporter", 7);
    plus.server_binding = plus.client_binding;
    const Exchange bound = RunExchange(plus);
    CPPUNIT_ASSERT_MESSAGE(bound.What(), bound.ok());
    CPPUNIT_ASSERT(bound.client_messages.at(0).rfind("p=tls-exporter,,", 0) == 0);
  }

  void testWrongPasswordFails() {
    Register();
    const Exchange wrong = RunExchange(Spec(kMech, "Zq7-unique correct horsE"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(wrong.What(), SASL_BADAUTH, wrong.client_result);
    CPPUNIT_ASSERT_EQUAL(size_t{1}, wrong.client_messages.size());  // no KE3 sent
    const Exchange right = RunExchange(Spec(kMech, kPassword));
    CPPUNIT_ASSERT_MESSAGE(right.What(), right.ok());
  }

  // A password typed differently at finalize than at request would give a record that opens
  // with neither: finalize refuses it and keeps STATE, so the retry can succeed.
  void testFinalizeWithAnotherPasswordIsRefused() {
    AssertOk(Request());
    AssertOk(Respond());
    AssertFails(Finalize({}, "another password"), "password");
    CPPUNIT_ASSERT(!Exists(record_));
    CPPUNIT_ASSERT_EQUAL(0600u, Mode(state_));
    AssertOk(Finalize());
    AssertOk(Store());
    const Exchange ok = RunExchange(Spec(kMech, kPassword));
    CPPUNIT_ASSERT_MESSAGE(ok.What(), ok.ok());
  }

  // Every file the server reads or writes, and its database, is searched for the password bytes.
  void testServerNeverSeesThePassword() {
    Register();
    const std::string record = ReadBytes(record_);
    const std::string sasldb = ReadBytes(sasldb_);
    // The search is meaningful: the database holds the stored record verbatim, so it would hold
    // a password stored there too.
    CPPUNIT_ASSERT(!record.empty());
    CPPUNIT_ASSERT(Contains(sasldb, record.substr(0, record.find('\n'))));
    for (const std::string& path : {request_, response_, record_, sasldb_}) {
      const std::string bytes = ReadBytes(path);
      CPPUNIT_ASSERT_MESSAGE(path, !bytes.empty());
      CPPUNIT_ASSERT_MESSAGE(path, !Contains(bytes, kPassword));
    }
  }

  // RespondTwice answers the current REQUEST with the real key file (into RESPONSE) and with
  // another server's key file; returns the real and the other payload.
  std::pair<std::vector<uint8_t>, std::vector<uint8_t>> RespondTwice() {
    const std::string real_response = response_;
    const std::string real_key = key_file_;
    response_ = Path("other.resp");
    key_file_ = Path("other.key");
    AssertOk(Respond());
    const std::vector<uint8_t> other = ResponsePayload(ReadBytes(response_));
    response_ = real_response;
    key_file_ = real_key;
    AssertOk(Respond());
    const std::vector<uint8_t> real = ResponsePayload(ReadBytes(response_));
    CPPUNIT_ASSERT_EQUAL(2 * kElementSize, real.size());
    CPPUNIT_ASSERT_EQUAL(2 * kElementSize, other.size());
    return {real, other};
  }

  // Registration is unauthenticated (RFC 9807 s10.1): finalize can only reject an evaluated
  // element that does not decode. The server public key is used as bytes (s5.2.3, Store puts it
  // in the envelope's cleartext credentials), and a substituted valid element (a man in the
  // middle's) cannot be told from the real one: finalize accepts these, and what the protocol
  // guarantees is that the record then never lets the right password log in to the real server.
  void testTamperedResponse() {
    AssertOk(Request());
    AssertOk(Respond());
    const std::string good = ReadBytes(response_);
    std::vector<uint8_t> flipped = ResponsePayload(good);
    CPPUNIT_ASSERT_EQUAL(2 * kElementSize, flipped.size());
    // Flipping the low bit of the evaluated element's first byte makes its encoding negative,
    // which ristretto255 decoding always rejects (RFC 9496 s4.3.1): finalize detects this one.
    flipped[0] ^= 0x01;
    WriteBytes(response_, WithResponsePayload(good, flipped));
    AssertFails(Finalize(), "registration failed (invalid response)");
    CPPUNIT_ASSERT(!Exists(record_));
    CPPUNIT_ASSERT(Exists(state_));  // kept for a retry

    // Undetectable changes: another server's evaluated element, another server's public key,
    // the real public key with a bit flipped.
    enum class Change { kOtherEvaluated, kOtherServerKey, kFlippedServerKey };
    for (const Change change :
         {Change::kOtherEvaluated, Change::kOtherServerKey, Change::kFlippedServerKey}) {
      AssertOk(Request());  // a fresh blind (a successful finalize deletes STATE)
      auto [payload, other] = RespondTwice();
      const auto half = [&](size_t at) { return static_cast<std::ptrdiff_t>(at); };
      if (change == Change::kOtherEvaluated) {
        std::copy(other.begin(), other.begin() + half(kElementSize), payload.begin());
      } else if (change == Change::kOtherServerKey) {
        std::copy(other.begin() + half(kElementSize), other.end(),
                  payload.begin() + half(kElementSize));
      } else {
        payload[kElementSize] ^= 0x01;
      }
      WriteBytes(response_, WithResponsePayload(ReadBytes(response_), payload));
      AssertOk(Finalize());
      AssertOk(Store());
      const Exchange ex = RunExchange(Spec(kMech, kPassword));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(static_cast<int>(change)) + ": " + ex.What(),
                                   SASL_BADAUTH, ex.client_result);
    }

    // Other single-byte flips: either finalize rejects the response, or the record does not
    // log in; never a record that works.
    for (size_t at = 1; at < 2 * kElementSize; at += 9) {
      AssertOk(Request());
      AssertOk(Respond());
      const std::string response = ReadBytes(response_);
      std::vector<uint8_t> flipped = ResponsePayload(response);
      flipped[at] ^= 0x40;
      WriteBytes(response_, WithResponsePayload(response, flipped));
      unlink(record_.c_str());
      const ToolRun run = Finalize();
      if (run.exit_code != 0) {
        AssertFails(run, "registration failed (invalid response)");
        CPPUNIT_ASSERT(!Exists(record_));
        continue;
      }
      AssertOk(Store());
      const Exchange ex = RunExchange(Spec(kMech, kPassword));
      CPPUNIT_ASSERT_EQUAL_MESSAGE("byte " + std::to_string(at) + ": " + ex.What(), SASL_BADAUTH,
                                   ex.client_result);
    }

    // The untampered answer still works with the same key file.
    Register();
    const Exchange ok = RunExchange(Spec(kMech, kPassword));
    CPPUNIT_ASSERT_MESSAGE(ok.What(), ok.ok());
  }

  void testKsfCap() {
    AssertOk(Request());
    AssertOk(Respond("argon2id:2048:1:1"));
    // Memory above the cap.
    AssertFails(Finalize({"--max-ksf", "argon2id:1024:4:4"}), "above the cap");
    CPPUNIT_ASSERT(!Exists(record_));
    CPPUNIT_ASSERT(Exists(state_));
    // Passes above the cap.
    AssertOk(Respond("argon2id:1024:2:1"));
    AssertFails(Finalize({"--max-ksf", "argon2id:4096:1:4"}), "above the cap");
    // Lanes above the cap.
    AssertOk(Respond("argon2id:1024:1:2"));
    AssertFails(Finalize({"--max-ksf", "argon2id:4096:4:1"}), "above the cap");
    // A cap that does not parse is refused, not replaced by the (looser) default.
    AssertFails(Finalize({"--max-ksf", "argon2id:1024"}), "--max-ksf");
    CPPUNIT_ASSERT(!Exists(record_));
    // Total work m * t above --max-work, each parameter within --max-ksf (the plugin's
    // e2esasl_opaque_max_work); a --max-work that does not parse is refused.
    AssertOk(Respond("argon2id:2048:2:1"));
    AssertFails(Finalize({"--max-ksf", "argon2id:4096:4:1", "--max-work", "4095"}),
                "argon2id:2048:2:1 exceeds m<=4096 t<=4 p<=1 m*t<=4095");
    for (const char* bad : {"", "7", "+4096", "4096x", "-1", "99999999999999999999"}) {
      AssertFails(Finalize({"--max-work", bad}), "--max-work");
    }
    CPPUNIT_ASSERT(!Exists(record_));
    // The default cap is the plugin's (ksf.h): twice the default memory and work.
    AssertOk(Respond("argon2id:262144:1:1"));
    AssertFails(Finalize(), "argon2id:262144:1:1 exceeds m<=131072 t<=8 p<=8 m*t<=393216");
    AssertOk(Respond("argon2id:1024:1:2"));
    // Within the cap: the record is made.
    AssertOk(Finalize({"--max-ksf", "argon2id:1024:1:2"}));
    CPPUNIT_ASSERT(Exists(record_));
  }

  // e2esasl_opaque_server_id must be the one given to finalize, on both ends of every login.
  void testServerIdentity() {
    Register({"--server-id", "ldap.example.net"}, {"--server-id", "ldap.example.net"});
    const OptionMap client_id = {{"e2esasl_opaque_server_id", "ldap.example.net"}};
    ExchangeSpec spec = Spec(kMech, kPassword);
    spec.server_options["e2esasl_opaque_server_id"] = "ldap.example.net";
    spec.client_options = client_id;
    const Exchange ok = RunExchange(spec);
    CPPUNIT_ASSERT_MESSAGE(ok.What(), ok.ok());

    // The server without the option, or with another identity: the client's KE2 check fails.
    for (const std::optional<std::string>& server_id :
         {std::optional<std::string>(), std::optional<std::string>("other.example.net")}) {
      ExchangeSpec bad = Spec(kMech, kPassword);
      bad.client_options = client_id;
      if (server_id) {
        bad.server_options["e2esasl_opaque_server_id"] = *server_id;
      }
      const Exchange ex = RunExchange(bad);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(server_id.value_or("<none>") + ": " + ex.What(), SASL_BADAUTH,
                                   ex.client_result);
    }
    // The client without it: the envelope, made with the identity, does not open.
    ExchangeSpec no_client = spec;
    no_client.client_options.clear();
    const Exchange ex = RunExchange(no_client);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ex.What(), SASL_BADAUTH, ex.client_result);
  }

  void testBadUsage() {
    const std::string missing = Path("does-not-exist");
    const std::string garbage = Path("garbage");
    WriteBytes(garbage, "request=@@@\nresponse=###\n");
    AssertFails(Tool({}), "usage");
    AssertFails(Tool({"frobnicate"}), "usage");
    AssertFails(Tool({"request", "--state", state_}, kPassword), "usage");  // no --out
    AssertFails(Tool({"request", "--state", state_, "--out"}, kPassword), "usage");
    AssertFails(Tool({"request", "state", state_, "--out", request_}, kPassword), "usage");
    AssertFails(Tool({"store", "--sasldb", sasldb_, "--in", record_}), "usage");  // no --user
    AssertFails(Tool({"keygen"}), "usage");
    CPPUNIT_ASSERT(!Exists(state_));
    // No password, or an empty one.
    AssertFails(Tool({"request", "--state", state_, "--out", request_}), "password");
    AssertFails(Tool({"request", "--state", state_, "--out", request_}, "\n"), "password");
    CPPUNIT_ASSERT(!Exists(state_));
    // Unreadable or malformed inputs.
    AssertFails(Tool({"respond", "--key-file", key_file_, "--user", "alice", "--in", missing,
                      "--out", response_}),
                "malformed registration request");
    AssertFails(Tool({"respond", "--key-file", key_file_, "--user", "alice", "--in", garbage,
                      "--out", response_}),
                "malformed registration request");
    AssertFails(Tool({"respond", "--key-file", key_file_, "--user", "alice", "--in", request_,
                      "--out", response_, "--ksf", "argon2id:1:1:1"}),
                "--ksf");
    CPPUNIT_ASSERT(!Exists(response_));
    AssertFails(
        Tool({"finalize", "--state", missing, "--in", response_, "--out", record_}, kPassword),
        "malformed state file");
    AssertOk(Request());
    AssertFails(Tool({"finalize", "--state", state_, "--in", missing, "--out", record_}, kPassword),
                "malformed registration response");
    AssertFails(Tool({"finalize", "--state", state_, "--in", garbage, "--out", record_}, kPassword),
                "malformed registration response");
    CPPUNIT_ASSERT(!Exists(record_));
    AssertFails(Tool({"store", "--sasldb", sasldb_, "--user", "alice", "--in", missing}),
                "malformed record file");
    AssertFails(Tool({"store", "--sasldb", sasldb_, "--user", "alice", "--in", garbage}),
                "malformed record file");
    // An unwritable output.
    AssertFails(Tool({"request", "--state", state_, "--out", Path("no/such/dir/req")}, kPassword),
                "cannot write");
    AssertFails(Tool({"keygen", "--key-file", Path("no/such/dir/key")}), "e2esasl-opaque: ");
  }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string state_;
  std::string request_;
  std::string response_;
  std::string record_;
  std::string key_file_;
  std::string sasldb_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(OpaqueRegistrationTest);
