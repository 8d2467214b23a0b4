// interop_env.h: the set-up shared by the interoperability suites: plugin directories that
// each hold exactly one SCRAM implementation, sasldb provisioning through the peer program,
// and builders for the command lines of our peer and of gsasl.
#ifndef E2ESASL_TESTS_INTEROP_INTEROP_ENV_H_
#define E2ESASL_TESTS_INTEROP_INTEROP_ENV_H_

#include <optional>
#include <string>
#include <vector>

#include "interop/peer_process.h"

namespace e2esasl::interop {

// Plugins: which SCRAM implementation a peer process loads.
enum class Plugins { kOurs, kCyrus };

const char* Name(Plugins plugins);

// Binding: a synthetic channel binding (the application's name and 32 bytes of data).
struct Binding {
  std::string name = "tls-exporter";
  std::string data;  // raw bytes
  bool critical = false;
};

// SyntheticBinding: 32 bytes derived from seed; different seeds give different data.
Binding SyntheticBinding(unsigned char seed);

// Timeouts: every exchange is bounded; a peer gives up on a silent peer sooner.
constexpr int kExchangeTimeoutMs = 15000;
constexpr int kPeerReadTimeoutS = 5;

// InteropEnv: per-process directories (removed at exit).
//   <tmp>/ours   symlinks to the build's libe2e_scram.so* only
//   <tmp>/cyrus  symlinks to the system's libscram.so* only
//   <tmp>/db     symlinks to the system's libsasldb.so* only (the auxprop plugin)
class InteropEnv {
 public:
  // Get makes the directories on first use. Throws std::runtime_error.
  static const InteropEnv& Get();
  std::string PluginDir(Plugins plugins) const;
  const std::string& tmp() const { return tmp_; }
  const std::string& sasldb_dir() const { return db_; }
  const std::string& peer() const { return peer_; }
  const std::string& gsasl() const { return gsasl_; }
  // PeerEnv: environment entries added for the peer processes (none needed so far, see
  // interop_env.cc).
  std::vector<std::string> PeerEnv() const;

 private:
  InteropEnv();
  std::string tmp_, ours_, cyrus_, db_, peer_, gsasl_;
};

// NewSasldb provisions user/password in a new sasldb file (in a new directory under the
// environment's tmp) through `e2esasl-sasl-peer --setpass` loading only `plugins` and sasldb.
// Throws std::runtime_error (with the peer's output) when provisioning fails.
std::string NewSasldb(Plugins plugins, const std::string& user, const std::string& password,
                      const std::vector<std::string>& options = {});

// PeerClient / PeerServer: our peer program in one role. mech "" for a server means "what the
// client chose" (Side::mech_from_client). options are getopt answers "KEY=VALUE".
Side PeerClient(Plugins plugins, const std::string& mech, const std::string& user,
                const std::string& password, const std::optional<Binding>& binding,
                const std::vector<std::string>& options = {});
Side PeerServer(Plugins plugins, const std::string& sasldb, const std::string& mech,
                const std::optional<Binding>& binding,
                const std::vector<std::string>& options = {});

// GsaslClient / GsaslServer: gsasl in stdin/stdout mode. Without a binding the client gets
// --no-cb unless no_cb is false (see gsasl_interop_test.cc for what it sends then).
Side GsaslClient(const std::string& mech, const std::string& user, const std::string& password,
                 const std::optional<Binding>& binding, bool no_cb = true);
Side GsaslServer(const std::string& mech, const std::string& password,
                 const std::optional<Binding>& binding);

// RecordRow prints one line of the result table (peer pair, mechanism, binding, outcome) to
// stdout, so the CTest log shows the matrix.
void RecordRow(const std::string& pair, const std::string& mech, const std::string& binding,
               const ExchangeResult& result);

}  // namespace e2esasl::interop

#endif  // E2ESASL_TESTS_INTEROP_INTEROP_ENV_H_
