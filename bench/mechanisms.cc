// mechanisms.cc: the mechanism table.
#include "mechanisms.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace e2esasl::bench {
namespace {

constexpr std::string_view kPlusSuffix = "-PLUS";

// The client of SCRAM derives SaltedPassword once per login (one PBKDF2: the floor is
// OpenSSL's, the limit its 2 * i compressions); a server holding StoredKey/ServerKey derives
// nothing. CPace: each side one hash-to-group and two scalar multiplications. OPAQUE: the
// scalar multiplications of the OPRF and 3DH (floors.h); the client's KSF is measured apart.
// PLAIN and ANONYMOUS: libsasl2's own per-connection cost (sasl_*_new with its getaddrinfo,
// start, canon_user, dispose), and for PLAIN one sasldb read of userPassword on the server.
// VOUCH: each side verifies the peer's statement and transcript signature and signs its own
// (ES256); only its -PLUS form can run.
constexpr std::array<MechanismInfo, 8> kMechanisms = {{
    {"SCRAM-SHA-1", &FloorScramSha1, nullptr, "PKCS5_PBKDF2_HMAC(SHA-1, i)", "libscram.so",
     &RunScramSha1Core, false, &LimitScramSha1, "2 i SHA1_Transform", &ChainScramSha1},
    {"SCRAM-SHA-256", &FloorScramSha256, nullptr, "PKCS5_PBKDF2_HMAC(SHA-256, i)", "libscram.so",
     &RunScramSha256Core, false, &LimitScramSha256, "2 i SHA256_Transform", &ChainScramSha256},
    {"SCRAM-SHA-512", &FloorScramSha512, nullptr, "PKCS5_PBKDF2_HMAC(SHA-512, i)", "libscram.so",
     &RunScramSha512Core, false, &LimitScramSha512, "2 i SHA512_Transform", &ChainScramSha512},
    {"CPACE-R255", &FloorCpaceRistretto255, &FloorCpaceRistretto255,
     "ristretto255 from_hash + 2 scalarmult (libsodium)", "", &RunCpaceCore, false, nullptr, "",
     nullptr},
    {"OPAQUE-R255", &FloorOpaqueClient, &FloorOpaqueServer,
     "client: from_hash + 5 scalarmult + 2 base + invert; server: 4 scalarmult + 1 base", "",
     &RunOpaqueCore, false, nullptr, "", nullptr},
    {"VOUCH-ES256", &FloorVouchEs256, &FloorVouchEs256, "2 ECDSA P-256 verify + 1 sign (OpenSSL)",
     "", nullptr, false, nullptr, "", nullptr, true},
    {"PLAIN", nullptr, nullptr, "none (libsasl2 baseline)", "libplain.so", nullptr, true, nullptr,
     "", nullptr},
    {"ANONYMOUS", nullptr, nullptr, "none (libsasl2 baseline)", "libanonymous.so", nullptr, true,
     nullptr, "", nullptr},
}};

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

std::optional<Mechanism> FindMechanism(std::string_view name) {
  Mechanism mech;
  mech.name = Upper(name);
  std::string_view base = mech.name;
  if (base.size() > kPlusSuffix.size() && base.ends_with(kPlusSuffix)) {
    mech.plus = true;
    base.remove_suffix(kPlusSuffix.size());
  }
  for (const MechanismInfo& info : kMechanisms) {
    if (info.name == base) {
      mech.info = &info;
      return mech;
    }
  }
  return std::nullopt;
}

std::string KnownMechanismNames() {
  std::string out;
  for (const MechanismInfo& info : kMechanisms) {
    if (!out.empty()) {
      out += ", ";
    }
    out += info.name;
  }
  return out;
}

}  // namespace e2esasl::bench
