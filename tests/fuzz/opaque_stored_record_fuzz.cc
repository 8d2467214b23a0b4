// opaque_stored_record_fuzz: opaque::StoredRecord::Parse (plugins/opaque/records.h) and
// opaque::ParseKeyMaterial (key_file.h), the two parsers of stored bytes: never crash; a stored
// record that parses serializes back to the input and re-parses equal.
#include <algorithm>

#include "fuzz_check.h"
#include "opaque/key_file.h"
#include "opaque/records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace e2esasl;  // NOLINT: fuzz target
  const std::string_view text = AsStringView(fuzz::Input(data, size));
  if (const std::optional<opaque::StoredRecord> record = opaque::StoredRecord::Parse(text)) {
    const SecretString again = record->Serialize();
    FUZZ_CHECK(again.view() == text);
    const std::optional<opaque::StoredRecord> reparsed = opaque::StoredRecord::Parse(again.view());
    FUZZ_CHECK(reparsed && reparsed->ksf == record->ksf &&
               reparsed->credential_identifier == record->credential_identifier &&
               reparsed->record == record->record);
  }
  if (const std::optional<opaque::ServerKeyMaterial> keys = opaque::ParseKeyMaterial(text)) {
    const std::optional<opaque::ServerKeyMaterial> again =
        opaque::ParseKeyMaterial(opaque::SerializeKeyMaterial(*keys).view());
    FUZZ_CHECK(again && again->public_key == keys->public_key);
  }
  return 0;
}
