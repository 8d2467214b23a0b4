// sas_messages_fuzz: the SAS-R255-PLUS entry function FuzzMessages (tests/sas/fuzz_entries.h, where
// the invariants are checked; its smoke test runs it too); this file only makes it a libFuzzer
// target.
#include <cstddef>
#include <cstdint>

#include "sas/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return e2esasl::sas::fuzz::FuzzMessages(data, size);
}
