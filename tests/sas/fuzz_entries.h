// fuzz_entries.h: the SAS-R255-PLUS fuzz entry functions (tests/fuzz/README.md, "Convention").
// Each takes the fuzzer's input, returns 0 and aborts (FUZZ_CHECK) when an invariant breaks;
// tests/fuzz/sas_*_fuzz.cc make them libFuzzer targets, session_test.cc runs them too.
#ifndef E2ESASL_TESTS_SAS_FUZZ_ENTRIES_H_
#define E2ESASL_TESTS_SAS_FUZZ_ENTRIES_H_

#include <cstddef>
#include <cstdint>

namespace e2esasl::fuzz {

// FuzzMessages: the first byte picks the parser (client-first, server-first, client-reveal,
// server-confirm, client-confirm); the rest is the message. Checks Serialize(Parse(m)) == m.
int FuzzSasMessages(const uint8_t* data, size_t size);
// FuzzServerSession: the input is the client's messages separated by NUL; the server's person
// accepts. Checks: documented Status values only, failure final, no kOk without client-confirm.
int FuzzSasServerSession(const uint8_t* data, size_t size);
// FuzzClientSession: the server's messages separated by NUL; the client's person accepts.
int FuzzSasClientSession(const uint8_t* data, size_t size);
// FuzzSasTranscript: a real client and server (persons accepting), the messages in flight edited
// (tests/fuzz/transcript_fuzz.h); config byte % 2: the server's binding critical. Both kOk: the
// same SAS string.
int FuzzSasTranscript(const uint8_t* data, size_t size);

}  // namespace e2esasl::fuzz

#endif  // E2ESASL_TESTS_SAS_FUZZ_ENTRIES_H_
