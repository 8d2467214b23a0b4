// mechanisms.h: what the bench knows about each mechanism it can run: its floor function and
// which of the system's Cyrus modules (if any) implements it, and its in-process core run. A new
// family is one row in kMechanisms (mechanisms.cc).
#ifndef E2ESASL_BENCH_MECHANISMS_H_
#define E2ESASL_BENCH_MECHANISMS_H_

#include <optional>
#include <string>
#include <string_view>

#include "core.h"
#include "floors.h"

namespace e2esasl::bench {

// MechanismInfo: one row of the table.
struct MechanismInfo {
  std::string_view name;          // the base SASL name, without "-PLUS"
  FloorFn client_floor;           // nullptr: no floor known yet (printed as "-")
  FloorFn server_floor;           // nullptr: the server has no unavoidable primitive work
  std::string_view floor_text;    // what the floor is, for the report
  std::string_view cyrus_module;  // e.g. "libscram.so"; empty when Cyrus has no such mechanism
  CoreFn core = nullptr;          // the in-process core run (core.h); nullptr: none
  // baseline: a Cyrus mechanism with no cryptography (PLAIN, ANONYMOUS), run only with the cyrus
  // implementation, to show what libsasl2 (and one auxprop read) costs every mechanism per
  // connection.
  bool baseline = false;
  // client_limit: the physical limit of the client's unavoidable work where it is below the
  // floor's library call (SCRAM: the 2 * i compressions of Hi(), floors.h), run interleaved
  // like the floor; nullptr: none.
  FloorFn client_limit = nullptr;
  std::string_view limit_text;
  // client_chain: the limit's compressions with the mechanism's own data dependency (SCRAM:
  // floors.h ChainScramSha*), measured likewise; nullptr: none.
  FloorFn client_chain = nullptr;
  // plus_only: the mechanism exists only with a channel binding (VOUCH-ES256-PLUS).
  bool plus_only = false;
};

// Mechanism: a requested name resolved against the table.
struct Mechanism {
  std::string name;  // as requested, e.g. "SCRAM-SHA-256-PLUS"
  bool plus = false;
  const MechanismInfo* info = nullptr;
  std::string BaseName() const { return std::string(info->name); }
};

// FindMechanism resolves a name (case-insensitive, optional "-PLUS"); std::nullopt when the
// bench has no row for it.
std::optional<Mechanism> FindMechanism(std::string_view name);

// KnownMechanismNames lists the table's base names, comma separated, for --help.
std::string KnownMechanismNames();

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_MECHANISMS_H_
