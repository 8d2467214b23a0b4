// own_files.h: the files one VOUCH-ES256-PLUS end reads its own inputs from (the plugin's
// e2esasl_vouch_* options, docs/mechanisms/vouch.md "Options"): its statement, its device key,
// its trust store directory.
#ifndef E2ESASL_VOUCH_OWN_FILES_H_
#define E2ESASL_VOUCH_OWN_FILES_H_

#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "vouch/keys.h"
#include "vouch/trust_store.h"

namespace e2esasl::vouch {

// ReadStatementFile returns the statement in path (what `e2esasl-vouch issue` prints: one compact
// JWS, a final newline allowed; a public value, so any mode). kUnavailable "PATH: ..." when the
// file cannot be read, is larger than kMaxStatementSize + 1 bytes or is not one compact JWS.
std::optional<std::string> ReadStatementFile(const std::string& path, Failure* failure);

// The three are read once per process while their files stay the same (device, inode, size,
// times, mode and owner; for the statement, of the file its path names through symbolic links;
// for the directory, its own and each "*.jwks" entry's): an edited, replaced or re-moded file
// is read (and checked) again at the next exchange.
//
// ReadDeviceKeyFile returns the private device key in path (what `e2esasl-vouch device-keygen`
// writes: a private JWK, mode 0600, owned by the user or root; common/secret_file.h).
// kUnavailable "PATH: ..." when it cannot be trusted, read or parsed (never key material).
std::shared_ptr<const PrivateKey> ReadDeviceKeyFile(const std::string& path, Failure* failure);

// ReadTrustDirectory loads the "<domain>.jwks" files of dir (TrustStore::LoadDirectory).
// kUnavailable (or the load's own Status) with its detail otherwise.
std::shared_ptr<const TrustStore> ReadTrustDirectory(const std::string& dir, Failure* failure);

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_OWN_FILES_H_
