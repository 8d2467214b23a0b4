// scram_differential_fuzz: our SCRAM server and Cyrus SASL 2.1.28's (the system's libscram.so,
// Debian libsasl2-modules) must agree on accept / reject when fed the same exchange.
//
// Hosting both in one process: libsasl2 runs Cyrus's plugin only. Its directory search is
// pointed at an empty folder (SASL_CB_GETPATH), the plugin is dlopen'ed and registered with
// sasl_server_add_plugin(its sasl_server_plug_init), and the user's password comes from an
// auxprop plugin of this file (sasl_auxprop_add_plugin), "userPassword" of kFuzzUser, so
// Cyrus takes its plaintext path (salt = Hi(user name) under a per-process random key,
// scram_iteration_counter = 16 iterations through SASL_CB_GETOPT). Our server is not loaded as a
// plugin next to it: both register the same mechanism names, and libsasl2 keeps one mechanism per
// name (the list is ordered by mech_compare; sasl_server_start takes the first match), so one of
// the two would never run. Ours runs as scram::ServerSession, the core our plugin wraps
// (plugins/sasl adds the Cyrus glue, which the plugin tests cover).
//
// Input: byte 0 picks the hash (% 3: SHA-1, SHA-256, SHA-512); the rest is an edit script
// (transcript_fuzz.h; positions from 128 up count from the end of the message, ApplyAligned)
// applied to the messages in flight. Our client (deterministic) runs the
// exchange twice with the same edits: against our server, and against Cyrus's. Invariants: both
// servers accept, or both refuse; without edits both accept. The servers' nonces and salts
// differ, so the edited messages differ in those fields only; client-first is byte-for-byte the
// same for both.
//
// Documented differences (not compared): Cyrus's lenient parsing (it may accept a client message
// our parser refuses as malformed, e.g. base64 with non-zero padding bits); the step at which a
// server refuses (Cyrus refuses an unknown user at client-first, ours only at client-final: RFC
// 5802 s9 user enumeration); Cyrus does no SASLprep (our client sends ASCII names and passwords
// only); the content of server-final (e= values).
#include <dlfcn.h>
#include <sasl/sasl.h>
#include <sasl/saslplug.h>
#include <sasl/saslutil.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_reader.h"
#include "common/secret.h"
#include "fuzz_check.h"
#include "scram/client.h"
#include "scram/messages.h"
#include "scram/server.h"
#include "scram_session_fuzz.h"
#include "transcript_fuzz.h"

using namespace e2esasl;  // NOLINT: fuzz target

namespace {

// E2ESASL_CYRUS_SCRAM: the path of the system's libscram.so (CMakeLists.txt finds it).
constexpr const char* kCyrusScram = E2ESASL_CYRUS_SCRAM;
constexpr const char* kAuxpropName = "e2esasl-fuzz";
constexpr const char* kCyrusIterations = "16";

const char* MechanismOf(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return "SCRAM-SHA-1";
    case HashAlg::kSha256:
      return "SCRAM-SHA-256";
    default:
      return "SCRAM-SHA-512";
  }
}

// AuxpropLookup: "userPassword" of kFuzzUser is kFuzzPassword; nobody else exists.
int AuxpropLookup(void* /*glob_context*/, sasl_server_params_t* sparams, unsigned flags,
                  const char* user, unsigned ulen) {
  if ((flags & SASL_AUXPROP_AUTHZID) != 0 || std::string_view(user, ulen) != fuzz::kFuzzUser) {
    return SASL_NOUSER;
  }
  const propval* to_fetch = sparams->utils->prop_get(sparams->propctx);
  for (const propval* cur = to_fetch; cur != nullptr && cur->name != nullptr; ++cur) {
    if (std::strcmp(cur->name, "*userPassword") == 0) {
      if (cur->values != nullptr) {
        sparams->utils->prop_erase(sparams->propctx, cur->name);
      }
      sparams->utils->prop_set(sparams->propctx, cur->name, fuzz::kFuzzPassword.data(),
                               static_cast<int>(fuzz::kFuzzPassword.size()));
    }
  }
  return SASL_OK;
}

int AuxpropInit(const sasl_utils_t* /*utils*/, int max_version, int* out_version,
                sasl_auxprop_plug_t** plug, const char* /*plugname*/) {
  static sasl_auxprop_plug_t plugin = {
      0, 0, nullptr, nullptr, &AuxpropLookup, const_cast<char*>(kAuxpropName), nullptr};
  if (max_version < SASL_AUXPROP_PLUG_VERSION) {
    return SASL_BADVERS;
  }
  *out_version = SASL_AUXPROP_PLUG_VERSION;
  *plug = &plugin;
  return SASL_OK;
}

int GetOpt(void* /*context*/, const char* /*plugin*/, const char* option, const char** result,
           unsigned* len) {
  if (std::strcmp(option, "scram_iteration_counter") == 0) {
    *result = kCyrusIterations;
  } else if (std::strcmp(option, "auxprop_plugin") == 0) {
    *result = kAuxpropName;
  } else {
    return SASL_FAIL;
  }
  if (len != nullptr) {
    *len = static_cast<unsigned>(std::strlen(*result));
  }
  return SASL_OK;
}

// EmptyDir: a fresh empty folder for libsasl2's plugin search (it loads nothing from it),
// removed at exit.
char g_empty_dir[] = "/tmp/e2esasl-fuzz-sasl-XXXXXX";

const char* EmptyDir() {
  static const bool made = [] {
    FUZZ_CHECK(mkdtemp(g_empty_dir) != nullptr);
    std::atexit(+[] { rmdir(g_empty_dir); });
    return true;
  }();
  FUZZ_CHECK(made);
  return g_empty_dir;
}

int GetPath(void* /*context*/, const char** path) {
  *path = EmptyDir();
  return SASL_OK;
}

int Log(void* /*context*/, int /*level*/, const char* /*message*/) {
  return SASL_OK;
}

// AsCallback: Cyrus's callback table stores every callback as int (*)(void); the cast goes
// through void (*)(), which GCC accepts as the generic function pointer type.
template <typename F>
int (*AsCallback(F* f))() {
  return reinterpret_cast<int (*)()>(reinterpret_cast<void (*)()>(f));
}

// InitCyrus: libsasl2 with Cyrus's SCRAM plugin and our auxprop plugin, once per process.
void InitCyrus() {
  static const bool done = [] {
    static sasl_callback_t callbacks[] = {
        {SASL_CB_GETOPT, AsCallback(&GetOpt), nullptr},
        {SASL_CB_GETPATH, AsCallback(&GetPath), nullptr},
        {SASL_CB_LOG, AsCallback(&Log), nullptr},
        {SASL_CB_LIST_END, nullptr, nullptr},
    };
    FUZZ_CHECK(sasl_server_init(callbacks, "e2esasl-fuzz") == SASL_OK);
    FUZZ_CHECK(sasl_auxprop_add_plugin(kAuxpropName, &AuxpropInit) == SASL_OK);
    void* handle = dlopen(kCyrusScram, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      std::fprintf(stderr, "scram_differential: %s (install libsasl2-modules)\n", dlerror());
      std::abort();
    }
    auto* init = reinterpret_cast<sasl_server_plug_init_t*>(dlsym(handle, "sasl_server_plug_init"));
    FUZZ_CHECK(init != nullptr);
    FUZZ_CHECK(sasl_server_add_plugin("SCRAM", init) == SASL_OK);
    return true;
  }();
  FUZZ_CHECK(done);
}

// CyrusServer: one libsasl2 server connection running Cyrus's SCRAM, with the Step of
// transcript_fuzz.h. Any libsasl2 error is a refusal (kAuthFailed).
class CyrusServer {
 public:
  explicit CyrusServer(const char* mechanism) : mechanism_(mechanism) {
    FUZZ_CHECK(sasl_server_new("e2esasl", "fuzz.example", nullptr, nullptr, nullptr, nullptr,
                               SASL_SUCCESS_DATA, &conn_) == SASL_OK);
  }
  ~CyrusServer() { sasl_dispose(&conn_); }
  CyrusServer(const CyrusServer&) = delete;
  CyrusServer& operator=(const CyrusServer&) = delete;

  Status Step(ByteView in, Bytes* out, Failure* failure) {
    const char* data = nullptr;
    unsigned len = 0;
    const std::string text(in.begin(), in.end());
    const int result =
        started_
            ? sasl_server_step(conn_, text.data(), static_cast<unsigned>(text.size()), &data, &len)
            : sasl_server_start(conn_, mechanism_, text.data(), static_cast<unsigned>(text.size()),
                                &data, &len);
    started_ = true;
    out->assign(data == nullptr ? nullptr : reinterpret_cast<const uint8_t*>(data),
                data == nullptr ? nullptr : reinterpret_cast<const uint8_t*>(data) + len);
    if (result == SASL_OK) {
      return Status::kOk;
    }
    if (result == SASL_CONTINUE) {
      return Status::kContinue;
    }
    out->clear();
    *failure = Failure{Status::kAuthFailed, "libsasl2 error"};
    return Status::kAuthFailed;
  }

 private:
  const char* mechanism_;
  sasl_conn_t* conn_ = nullptr;
  bool started_ = false;
};

// ApplyAligned runs the edits for message index on *message, a position below 128 counting
// from the start and one from 128 up counting from the end (position - 128 bytes before it):
// the two servers' messages differ in length (nonce, salt), so an edit near the end (the proof
// of client-final) lands on the same field in both runs.
void ApplyAligned(const std::vector<fuzz::Edit>& edits, size_t index, Bytes* message) {
  for (const fuzz::Edit& edit : edits) {
    if (edit.message != index) {
      continue;
    }
    const size_t size = message->size();
    const size_t back = static_cast<size_t>(edit.position) - 128;
    const size_t at = edit.position < 128 ? std::min<size_t>(edit.position, size)
                                          : (back <= size ? size - back : 0);
    fuzz::ApplyAt(edit, at, message);
  }
}

// Outcome: whether the server accepted the client's proof (ended kOk), and which messages
// arrived altered (bit i: message i).
// malformed: an altered client message that our parser (scram::ClientFirst / ClientFinal::Parse)
// refuses arrived.
struct Outcome {
  bool accepted = false;
  unsigned altered = 0;
  bool malformed = false;
};

// Malformed: our parser refuses the client message of index (0 client-first, 2 client-final).
bool Malformed(size_t index, ByteView message) {
  if (index == 0) {
    return !scram::ClientFirst::Parse(message).has_value();
  }
  return index == 2 && !scram::ClientFinal::Parse(message).has_value();
}

// RunExchange runs client and server to the end with the edits.
template <typename Server>
Outcome RunExchange(scram::ClientSession& client, Server& server,
                    const std::vector<fuzz::Edit>& edits) {
  Outcome outcome;
  Bytes in;
  bool client_turn = true;
  for (size_t index = 0; index < fuzz::kMaxMessages; ++index) {
    Bytes out;
    Failure failure;
    const Status status =
        client_turn ? client.Step(in, &out, &failure) : server.Step(in, &out, &failure);
    if (status != Status::kOk && status != Status::kContinue) {
      break;
    }
    if (!client_turn && status == Status::kOk) {
      outcome.accepted = true;
      break;
    }
    if (client_turn && status == Status::kOk) {
      break;
    }
    const Bytes sent = out;
    ApplyAligned(edits, index, &out);
    if (out != sent) {
      outcome.altered |= 1u << index;
      outcome.malformed = outcome.malformed || Malformed(index, out);
    }
    in = std::move(out);
    client_turn = !client_turn;
  }
  return outcome;
}

scram::ClientConfig ClientConfigOf(HashAlg alg) {
  scram::ClientConfig config;
  config.alg = alg;
  config.authcid = std::string(fuzz::kFuzzUser);
  config.password = SecretString(fuzz::kFuzzPassword);
  config.min_iterations = 1;
  config.max_iterations = 64;
  config.gs2.flag = gs2::CbFlag::kNone;
  return config;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteReader reader(fuzz::Input(data, size));
  uint8_t config = 0;
  if (!reader.ReadU8(&config)) {
    return 0;
  }
  InitCyrus();
  const HashAlg alg = fuzz::AlgOf(config);
  const std::vector<fuzz::Edit> edits = fuzz::EditsOf(reader.ReadRest());

  fuzz::CountingRng our_client_rng(fuzz::kClientRngStart);
  fuzz::CountingRng server_rng(fuzz::kServerRngStart);
  fuzz::FuzzCredentials credentials(alg);
  scram::ClientSession our_client(our_client_rng, ClientConfigOf(alg));
  scram::ServerSession ours(server_rng, credentials, fuzz::FuzzServerConfig(config % 3));
  const Outcome our_outcome = RunExchange(our_client, ours, edits);

  fuzz::CountingRng cyrus_client_rng(fuzz::kClientRngStart);
  scram::ClientSession cyrus_client(cyrus_client_rng, ClientConfigOf(alg));
  CyrusServer cyrus(MechanismOf(alg));
  const Outcome cyrus_outcome = RunExchange(cyrus_client, cyrus, edits);
  const bool ours_accepts = our_outcome.accepted;
  const bool cyrus_accepts = cyrus_outcome.accepted;

  // Unedited, the exchange is genuine: both accept (the comparison below is not vacuous).
  if (edits.empty()) {
    FUZZ_CHECK(ours_accepts && cyrus_accepts);
  }
  // The edits compare only where they altered the same messages in both runs (an edit that
  // writes a byte already there alters one run's nonce and not the other's).
  if (our_outcome.altered != cyrus_outcome.altered) {
    return 0;
  }
  // Documented difference: Cyrus parses leniently (e.g. base64 with non-zero padding bits, which
  // our decoder refuses as non-canonical, RFC 4648 s3.5): it may accept what ours refuses as
  // malformed.
  if (cyrus_accepts && !ours_accepts && cyrus_outcome.malformed) {
    return 0;
  }
  if (ours_accepts != cyrus_accepts) {
    std::fprintf(stderr, "scram_differential: ours %s, Cyrus %s\n",
                 ours_accepts ? "accepts" : "refuses", cyrus_accepts ? "accepts" : "refuses");
    std::abort();
  }
  return 0;
}
