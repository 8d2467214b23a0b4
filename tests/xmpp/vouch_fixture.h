// vouch_fixture.h: what the tests of the VOUCH statement service (xmpp/prosody/mod_e2e_vouch.lua)
// share: a work directory with keys made by e2esasl-vouch, `e2e-xmpp statement` command lines,
// libstrophe clients of the sandbox Prosody, shell commands and Debian's jose as a verifier.
// Everything throws std::runtime_error on failure.
#ifndef E2ESASL_TESTS_XMPP_VOUCH_FIXTURE_H_
#define E2ESASL_TESTS_XMPP_VOUCH_FIXTURE_H_

#include <chrono>
#include <string>
#include <vector>

#include "prosody_fixture.h"
#include "strophe_client.h"

namespace e2esasl::xmpp_test {

inline constexpr char kVouchPassword[] = "sandbox password";  // every account's
inline constexpr char kVouchNs[] = "urn:e2esasl:vouch:0";
inline constexpr std::chrono::milliseconds kVouchConnectTimeout(10000);
inline constexpr std::chrono::milliseconds kVouchStanzaTimeout(5000);
inline constexpr std::chrono::seconds kVouchRun(40);  // one program or shell command at most

// ReadAll: the file's content. Trimmed: s without trailing line ends.
std::string ReadAll(const std::string& path);
std::string Trimmed(std::string s);
// Quote: s as one shell word.
std::string Quote(const std::string& s);
// Shell: bash -c command; its exit status, *output its stdout and stderr. ShellOrThrow: throws
// unless the status is 0.
int Shell(const std::string& command, std::string* output);
void ShellOrThrow(const std::string& command);

// VouchWork: a private directory under /tmp (removed in the destructor) with localhost's domain
// key (localhost.jwk) and its JWKS (trust/localhost.jwks, a trust directory for e2esasl-vouch
// verify), a second localhost key (other.jwk, other.jwks), a device key (device.jwk, its
// public JWK device.pub) and the XMPP password (password).
class VouchWork {
 public:
  VouchWork();
  ~VouchWork();
  VouchWork(const VouchWork&) = delete;
  VouchWork& operator=(const VouchWork&) = delete;
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  // Write: content into Path(name); returns the path.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::string dir_;
};

// FetchArgs: e2e-xmpp statement for user@localhost/laptop through server, device id laptop-1,
// the statement to out and the status file to out + ".status".
std::vector<std::string> FetchArgs(const ProsodyServer& server, const VouchWork& work,
                                   const std::string& user, const std::string& device_key,
                                   const std::string& out);

// VouchClient: a libstrophe client of server that answers no IQ itself.
ClientOptions VouchClient(const ProsodyServer& server, const std::string& jid);

// JoseVerifies: `jose jws ver` accepts token with the keys of jwks_path; *claims gets the
// payload it printed.
bool JoseVerifies(const std::string& token, const std::string& jwks_path, std::string* claims);

}  // namespace e2esasl::xmpp_test

#endif  // E2ESASL_TESTS_XMPP_VOUCH_FIXTURE_H_
