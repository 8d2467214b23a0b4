// gs2_header_fuzz: gs2::Gs2Header::Parse (plugins/common/gs2.h) on arbitrary bytes.
// Invariants: a parsed header consumed exactly out_raw, which is a prefix of the input, and
// Serialize reproduces it byte for byte; a failure leaves the reader untouched and reports
// kMalformed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/byte_reader.h"
#include "common/gs2.h"
#include "common/status.h"
#include "fuzz_check.h"

using namespace e2esasl;  // NOLINT: fuzz target

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in = fuzz::Input(data, size);
  ByteReader reader(in);
  ByteView raw;
  Failure failure;
  std::optional<gs2::Gs2Header> header = gs2::Gs2Header::Parse(reader, &raw, &failure);
  if (!header) {
    FUZZ_CHECK(reader.Remaining() == in.size());
    FUZZ_CHECK(failure.status == Status::kMalformed);
    FUZZ_CHECK(!failure.detail.empty());
    return 0;
  }
  FUZZ_CHECK(raw.size() + reader.Remaining() == in.size());
  FUZZ_CHECK(std::equal(raw.begin(), raw.end(), in.begin()));
  FUZZ_CHECK((header->flag == gs2::CbFlag::kUsed) == !header->cb_name.empty());
  FUZZ_CHECK(header->flag != gs2::CbFlag::kUsed || gs2::IsValidCbName(header->cb_name));

  std::optional<Bytes> serialized = fuzz::Serialized(*header);
  FUZZ_CHECK(serialized.has_value());
  FUZZ_CHECK(std::equal(serialized->begin(), serialized->end(), raw.begin(), raw.end()));

  // The same bytes parse the same way without the optional outputs.
  ByteReader again(in);
  std::optional<gs2::Gs2Header> reparsed = gs2::Gs2Header::Parse(again);
  FUZZ_CHECK(reparsed == header);
  return 0;
}
