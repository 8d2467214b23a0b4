// grammar.cc: attribute-level rules of RFC 5802 section 7.
#include "scram/grammar.h"

#include "common/utf8.h"

namespace e2esasl::scram {
namespace {

// kDefinedAttributes: the attribute letters RFC 5802 defines; none of them is an extension.
constexpr std::string_view kDefinedAttributes = "aceimnprsv";

bool IsAlpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool IsExtensionName(char c) {
  return IsAlpha(c) && kDefinedAttributes.find(c) == std::string_view::npos;
}

}  // namespace

bool IsValidValue(std::string_view text) {
  // value = 1*value-char; value-char = value-safe-char / "="; value-safe-char = UTF8-char
  // except NUL, "=" and ","
  return !text.empty() && text.find('\0') == std::string_view::npos &&
         text.find(',') == std::string_view::npos && utf8::IsValid(text);
}

bool ReadAttribute(ByteReader* in, char name, std::string_view* out_text) {
  ByteReader copy = *in;
  if (!copy.ReadExpected(static_cast<uint8_t>(name)) || !copy.ReadExpected('=')) {
    return false;
  }
  const ByteView text = copy.ReadField(',');
  if (text.empty()) {
    return false;
  }
  *out_text = AsStringView(text);
  *in = copy;
  return true;
}

bool ReadExtensions(ByteReader* in, std::vector<Extension>* out, char stop) {
  ByteReader copy = *in;
  std::vector<Extension> extensions;
  // extensions = attr-val *("," attr-val); attr-val = ALPHA "=" value
  while (!copy.Empty()) {
    const ByteView rest = copy.Peek();
    if (rest[0] != ',') {
      return false;
    }
    if (stop != 0 && rest.size() >= 3 && rest[1] == stop && rest[2] == '=') {
      break;
    }
    uint8_t name = 0;
    std::string_view value;
    if (!copy.ReadExpected(',') || !copy.PeekU8(&name) ||
        !IsExtensionName(static_cast<char>(name)) ||
        !ReadAttribute(&copy, static_cast<char>(name), &value) || !IsValidValue(value)) {
      return false;
    }
    extensions.push_back(Extension{static_cast<char>(name), std::string(value)});
  }
  out->insert(out->end(), extensions.begin(), extensions.end());
  *in = copy;
  return true;
}

bool ExtensionsAreValid(const std::vector<Extension>& extensions) {
  for (const Extension& extension : extensions) {
    if (!IsExtensionName(extension.name) || !IsValidValue(extension.value)) {
      return false;
    }
  }
  return true;
}

void AddExtensions(ByteWriter& out, const std::vector<Extension>& extensions) {
  for (const Extension& extension : extensions) {
    out.AddU8(',');
    out.AddU8(static_cast<uint8_t>(extension.name));
    out.AddU8('=');
    out.AddString(extension.value);
  }
}

}  // namespace e2esasl::scram
