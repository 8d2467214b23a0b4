// fuzz_entries.h: the VOUCH-ES256-PLUS fuzz entry functions (tests/fuzz/README.md, "Convention").
// Each takes the fuzzer's input, returns 0 and aborts (FUZZ_CHECK) when an invariant breaks;
// tests/fuzz/vouch_*_fuzz.cc make them libFuzzer targets, fuzz_entries_test.cc runs them on
// genuine exchanges too.
//
// The world they run in is fixed (fuzz_entries.cc): biloxi.net's issuer key is RFC 7515
// Appendix A.3's, alice@biloxi.net's and bob@biloxi.net's device keys are fixed test keys, the
// statements are judged at vouch::fuzz::kSeedNow, nonces come from seeded RNGs; no continuity
// store (no I/O). ECDSA signatures are randomized (libjose), so signature bytes differ between
// runs, but whether a transcript verifies does not.
#ifndef E2ESASL_TESTS_VOUCH_FUZZ_ENTRIES_H_
#define E2ESASL_TESTS_VOUCH_FUZZ_ENTRIES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/bytes.h"

namespace e2esasl::fuzz {

// FuzzVouchMessages: the first byte picks the parser (client-first, server-first,
// client-final); the rest is the message. Checks Serialize(Parse(m)) == m and Parse's failures.
int FuzzVouchMessages(const uint8_t* data, size_t size);
// FuzzVouchServerSession: the client's messages separated by NUL, to bob's server. Checks:
// documented Status values only (never kInternal or kUnavailable), failure final, kOk only as
// complete with alice's identity (the only device key the input can sign for is none: a kOk
// needs the recorded client-final of a genuine exchange).
int FuzzVouchServerSession(const uint8_t* data, size_t size);
// FuzzVouchClientSession: the server's messages separated by NUL, to alice's client.
int FuzzVouchClientSession(const uint8_t* data, size_t size);
// FuzzVouchTranscript: alice's client and bob's server, the messages in flight edited
// (tests/fuzz/transcript_fuzz.h); config byte % 2: the server's binding critical.
int FuzzVouchTranscript(const uint8_t* data, size_t size);

// GenuineExchange: the messages of one unedited exchange in the fixed world (client-first,
// server-first, client-final), for seeds and tests.
std::vector<Bytes> GenuineExchange();

}  // namespace e2esasl::fuzz

#endif  // E2ESASL_TESTS_VOUCH_FUZZ_ENTRIES_H_
