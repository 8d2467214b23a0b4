// vouch_world.h: the showcase's VOUCH-ES256-PLUS world (docs/demo.md, "VOUCH"), made at run time
// in a directory: the issuer keys of alice's home server (atlanta.example) and bob's
// (biloxi.example) with their JWKS in a trust directory, a device key and a statement for alice
// and for bob, and, for the lying-servers row, the statements those servers issue for mallory's
// own device keys under alice's and bob's names.
#ifndef E2ESASL_CLIENT_DEMO_VOUCH_WORLD_H_
#define E2ESASL_CLIENT_DEMO_VOUCH_WORLD_H_

#include <string>

namespace e2esasl::demo {

inline constexpr const char* kVouchAlice = "alice@atlanta.example";
inline constexpr const char* kVouchBob = "bob@biloxi.example";

// VouchParty: one end's files (the e2esasl_vouch_statement and _device_key options).
struct VouchParty {
  std::string statement;
  std::string device_key;
};

struct VouchWorld {
  std::string trust_dir;
  VouchParty alice, bob;
  VouchParty mallory_as_alice;  // atlanta.example vouches for mallory's key as alice
  VouchParty mallory_as_bob;    // biloxi.example vouches for mallory's key as bob
};

// MakeVouchWorld writes the world into dir (which exists). Throws DemoError(kSetup).
VouchWorld MakeVouchWorld(const std::string& dir);

}  // namespace e2esasl::demo

#endif  // E2ESASL_CLIENT_DEMO_VOUCH_WORLD_H_
