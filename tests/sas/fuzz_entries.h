// fuzz_entries.h: the SAS-R255-PLUS libFuzzer entry functions (wrapped by tests/fuzz/sas_*_fuzz.cc
// and smoke-run by the CppUnit suite). Each returns 0 and aborts (FUZZ_CHECK) when an invariant
// breaks.
#ifndef E2ESASL_TESTS_SAS_FUZZ_ENTRIES_H_
#define E2ESASL_TESTS_SAS_FUZZ_ENTRIES_H_

#include <cstddef>
#include <cstdint>

namespace e2esasl::sas::fuzz {

// FuzzMessages: the first byte picks the parser (client-first, server-first, client-reveal,
// server-confirm, client-confirm); the rest is the message. Checks Serialize(Parse(m)) == m.
int FuzzMessages(const uint8_t* data, size_t size);
// FuzzServerSession: the input is the client's messages separated by NUL; the server's person
// accepts. Checks: documented Status values only, failure final, no kOk without client-confirm.
int FuzzServerSession(const uint8_t* data, size_t size);
// FuzzClientSession: the server's messages separated by NUL; the client's person accepts.
int FuzzClientSession(const uint8_t* data, size_t size);

}  // namespace e2esasl::sas::fuzz

#endif  // E2ESASL_TESTS_SAS_FUZZ_ENTRIES_H_
