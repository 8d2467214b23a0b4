// fuzz_entries.h: the OPAQUE-R255 fuzz entry functions (tests/fuzz/README.md, "Convention";
// fuzz_sessions.cc says what each checks). Each takes the fuzzer's input, returns 0 and aborts
// (FUZZ_CHECK) when an invariant breaks; tests/fuzz/opaque_*_fuzz.cc make them libFuzzer
// targets, fuzz_smoke_test.cc runs them too.
#ifndef E2ESASL_TESTS_OPAQUE_FUZZ_ENTRIES_H_
#define E2ESASL_TESTS_OPAQUE_FUZZ_ENTRIES_H_

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/status.h"

namespace e2esasl::fuzz {

// A server fed client-first NUL client-final; a client fed server-first NUL server-final.
int FuzzOpaqueServerSession(const uint8_t* data, size_t size);
int FuzzOpaqueClientSession(const uint8_t* data, size_t size);
// A real client and server, the messages in flight edited (tests/fuzz/transcript_fuzz.h).
int FuzzOpaqueTranscript(const uint8_t* data, size_t size);

// The session runs behind the first two, for the smoke test's assertions: how each ended.
Failure RunOpaqueServer(ByteView in, int* out_continued);
Failure RunOpaqueClient(ByteView in);

}  // namespace e2esasl::fuzz

#endif  // E2ESASL_TESTS_OPAQUE_FUZZ_ENTRIES_H_
