// fuzz_smoke.h: what the families' fuzz smoke tests share: running a libFuzzer entry function
// over seeds, their truncations and deterministic random mutations, so that every build (not only
// the one with a libFuzzer toolchain) exercises the entry functions and their assertions.
#ifndef E2ESASL_TESTS_SUPPORT_FUZZ_SMOKE_H_
#define E2ESASL_TESTS_SUPPORT_FUZZ_SMOKE_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace e2esasl::test {

// FuzzFn: a libFuzzer entry function (LLVMFuzzerTestOneInput's signature).
using FuzzFn = int (*)(const uint8_t*, size_t);

// Mutate flips, inserts, deletes or duplicates a few bytes of s.
inline std::string Mutate(std::string s, std::mt19937& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    const size_t at = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 4) {
      case 0:
        if (!s.empty()) {
          s[at] = static_cast<char>(s[at] ^ (1u << (rng() % 8)));
        }
        break;
      case 1:
        s.insert(at, 1, static_cast<char>(rng() % 256));
        break;
      case 2:
        if (!s.empty()) {
          s.erase(at, 1 + rng() % 4);
        }
        break;
      default:
        s.insert(at, s.substr(at, rng() % 8));
        break;
    }
  }
  return s;
}

// Exercise runs fn on every seed, on its prefixes every cut_step bytes, and on `mutations`
// mutated seeds (a fixed random sequence: the same inputs every run).
inline void Exercise(FuzzFn fn, const std::vector<std::string>& seeds, int mutations,
                     size_t cut_step = 7) {
  std::mt19937 rng(20260423);
  for (const std::string& seed : seeds) {
    fn(reinterpret_cast<const uint8_t*>(seed.data()), seed.size());
    for (size_t cut = 0; cut < seed.size(); cut += cut_step) {
      fn(reinterpret_cast<const uint8_t*>(seed.data()), cut);
    }
  }
  for (int i = 0; i < mutations && !seeds.empty(); ++i) {
    const std::string m = Mutate(seeds[i % seeds.size()], rng);
    fn(reinterpret_cast<const uint8_t*>(m.data()), m.size());
  }
}

}  // namespace e2esasl::test

#endif  // E2ESASL_TESTS_SUPPORT_FUZZ_SMOKE_H_
