// fuzz_entries.h: the CPACE-R255 fuzz entry functions (tests/fuzz/README.md, "Convention"). Each
// takes the fuzzer's input, returns 0 and aborts (FUZZ_CHECK) when an invariant breaks;
// tests/fuzz/cpace_*_fuzz.cc make them libFuzzer targets, fuzz_smoke_test.cc runs them too.
#ifndef E2ESASL_TESTS_CPACE_FUZZ_ENTRIES_H_
#define E2ESASL_TESTS_CPACE_FUZZ_ENTRIES_H_

#include <cstddef>
#include <cstdint>

namespace e2esasl::fuzz {

// The four message parsers (fuzz_messages.cc): a refusal is kMalformed with a detail;
// Serialize(Parse(m)) == m.
int FuzzCpaceClientFirst(const uint8_t* data, size_t size);
int FuzzCpaceServerFirst(const uint8_t* data, size_t size);
int FuzzCpaceClientFinal(const uint8_t* data, size_t size);
int FuzzCpaceServerFinal(const uint8_t* data, size_t size);
// Whole sessions fed peer messages (fuzz_sessions.cc): never success without the password.
int FuzzCpaceServerSession(const uint8_t* data, size_t size);
int FuzzCpaceClientSession(const uint8_t* data, size_t size);

}  // namespace e2esasl::fuzz

#endif  // E2ESASL_TESTS_CPACE_FUZZ_ENTRIES_H_
