// attributes.cc: see attributes.h.
#include "common/attributes.h"

#include <algorithm>

#include "common/base64.h"

namespace e2esasl::attr {

bool ReadAttribute(ByteReader* in, char name, std::string_view* out_text) {
  ByteReader copy = *in;
  if (!copy.ReadExpected(static_cast<uint8_t>(name)) || !copy.ReadExpected('=')) {
    return false;
  }
  *out_text = AsStringView(copy.ReadField(','));
  *in = copy;
  return true;
}

bool ReadBase64Exact(ByteReader* in, char name, std::span<uint8_t> out) {
  ByteReader copy = *in;
  std::string_view text;
  if (!ReadAttribute(&copy, name, &text) || text.size() != Base64EncodedSize(out.size())) {
    return false;
  }
  const std::optional<Bytes> decoded = Base64Decode(text, out.size());
  if (!decoded || decoded->size() != out.size()) {
    return false;
  }
  std::copy(decoded->begin(), decoded->end(), out.begin());
  *in = copy;
  return true;
}

void AddBase64Attribute(ByteWriter& out, char name, ByteView value) {
  out.AddU8(static_cast<uint8_t>(name));
  out.AddU8('=');
  out.AddString(Base64Encode(value));
}

}  // namespace e2esasl::attr
