// mechanisms.cc: the mechanism table.
#include "mechanisms.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace e2esasl::bench {
namespace {

constexpr std::string_view kPlusSuffix = "-PLUS";

// The client of SCRAM derives SaltedPassword once per login (one PBKDF2); a server holding
// StoredKey/ServerKey derives nothing. CPace: each side one hash-to-group and two scalar
// multiplications. OPAQUE: add its row with FloorOpaque* (floors.h) when the plugin lands.
constexpr std::array<MechanismInfo, 4> kMechanisms = {{
    {"SCRAM-SHA-1", &FloorScramSha1, nullptr, "PKCS5_PBKDF2_HMAC(SHA-1, i)", "libscram.so"},
    {"SCRAM-SHA-256", &FloorScramSha256, nullptr, "PKCS5_PBKDF2_HMAC(SHA-256, i)", "libscram.so"},
    {"SCRAM-SHA-512", &FloorScramSha512, nullptr, "PKCS5_PBKDF2_HMAC(SHA-512, i)", "libscram.so"},
    {"CPACE-R255", &FloorCpaceRistretto255, &FloorCpaceRistretto255,
     "ristretto255 from_hash + 2 scalarmult (libsodium)", ""},
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
