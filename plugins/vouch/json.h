// json.h: the jansson and latchset jose handles VOUCH uses, and the strict JSON reader every
// parser of peer or stored JSON goes through.
//
// Every JSON text is read with JSON_REJECT_DUPLICATES (a duplicated member is an error, not
// "last one wins"), must be one object, and is size-capped by the caller. JOSE work (base64url,
// JWK, JWS, thumbprints) is done by libjose; this file only owns its handles.
#ifndef E2ESASL_VOUCH_JSON_H_
#define E2ESASL_VOUCH_JSON_H_

#include <jansson.h>
// libjose 11's headers have no extern "C" of their own.
extern "C" {
#include <jose/jose.h>
}
#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "e2esasl/handles.h"

#include "common/base64.h"  // Base64UrlEncode / Base64UrlDecode (JOSE's base64url)
#include "common/bytes.h"
#include "common/secret.h"

namespace e2esasl::vouch {

// JsonPtr owns one reference to a jansson value (json_decref is static inline in jansson.h:
// no FreeWith, whose type would then have internal linkage).
struct JsonDeleter {
  void operator()(json_t* json) const { json_decref(json); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;
// JoseCfg: a jose configuration whose error callback is silent (libjose's default prints to
// stderr, which a plugin inside a server must not do).
using JoseCfg = std::unique_ptr<jose_cfg_t, FreeWith<jose_cfg_decref>>;
using e2esasl::EvpPkeyCtxPtr;
using e2esasl::EvpPkeyPtr;

// base64url (RFC 7515 section 2) is common/base64.h's strict decoder, named here too.
using e2esasl::Base64UrlDecode;
using e2esasl::Base64UrlEncode;

// NewJoseCfg returns a fresh quiet configuration, or null when out of memory.
JoseCfg NewJoseCfg();

// ParseJsonObject parses text as one JSON object (duplicate members rejected, no NUL in strings,
// nothing after the object). On failure returns null and sets *why to a short reason with the
// position ("duplicate object key near '\"iss\"' (column 30)"); text is not echoed otherwise.
JsonPtr ParseJsonObject(std::string_view text, std::string* why);

// DumpJson serializes value compactly with sorted keys (deterministic output). Empty on failure.
std::string DumpJson(const json_t* value);

// DumpSecretJson is DumpJson into a wiped buffer (private keys).
SecretString DumpSecretJson(const json_t* value);

// StringMember returns object[key] when it is a JSON string, else nullopt.
std::optional<std::string_view> StringMember(const json_t* object, const char* key);

// WipeStringMember overwrites object[key]'s characters in place when it is a string (private
// JWK members such as "d": jansson frees without wiping).
void WipeStringMember(json_t* object, const char* key);

}  // namespace e2esasl::vouch

#endif  // E2ESASL_VOUCH_JSON_H_
