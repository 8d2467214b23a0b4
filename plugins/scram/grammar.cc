// grammar.cc: attribute-level rules of RFC 5802 section 7.
#include "scram/grammar.h"

#include <string>

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

bool AtAttribute(const ByteReader& in, char name) {
  const ByteView rest = in.Peek();
  return rest.size() >= 2 && rest[0] == static_cast<uint8_t>(name) && rest[1] == '=';
}

bool ReadRequiredAttribute(ByteReader* in, char name, std::string_view what,
                           std::string_view* out_text, Failure* out_failure) {
  if (ReadAttribute(in, name, out_text)) {
    return true;
  }
  // reserved-mext = "m=" 1*(value-char): no mandatory extension is understood (RFC 5802 s5.1)
  if (AtAttribute(*in, 'm')) {
    Fail(out_failure, Status::kMalformed, "unsupported mandatory extension (m=)");
  } else if (AtAttribute(*in, name)) {
    Fail(out_failure, Status::kMalformed,
         "empty " + std::string(what) + " (" + std::string(1, name) + "=)");
  } else {
    Fail(out_failure, Status::kMalformed,
         "missing " + std::string(what) + " (" + std::string(1, name) + "=)");
  }
  return false;
}

bool ReadExtensions(ByteReader* in, std::vector<Extension>* out, char stop, Failure* out_failure) {
  ByteReader copy = *in;
  std::vector<Extension> extensions;
  // extensions = attr-val *("," attr-val); attr-val = ALPHA "=" value
  while (!copy.Empty()) {
    const ByteView rest = copy.Peek();
    if (rest[0] != ',') {
      Fail(out_failure, Status::kMalformed, "unexpected data after the last attribute");
      return false;
    }
    if (stop != 0 && rest.size() >= 3 && rest[1] == stop && rest[2] == '=') {
      break;
    }
    uint8_t byte = 0;
    if (!copy.ReadExpected(',') || !copy.PeekU8(&byte)) {
      Fail(out_failure, Status::kMalformed, "trailing ',' (no attribute follows)");
      return false;
    }
    const char name = static_cast<char>(byte);
    if (!IsExtensionName(name)) {
      if (name == 'm') {
        Fail(out_failure, Status::kMalformed, "unsupported mandatory extension (m=)");
      } else if (IsAlpha(name)) {
        Fail(out_failure, Status::kMalformed,
             "attribute " + std::string(1, name) + "= is not allowed at this position");
      } else {
        Fail(out_failure, Status::kMalformed, "extension name is not a letter (ALPHA)");
      }
      return false;
    }
    std::string_view value;
    if (!ReadAttribute(&copy, name, &value)) {
      Fail(out_failure, Status::kMalformed,
           AtAttribute(copy, name) ? "empty value in extension " + std::string(1, name) + "="
                                   : "extension " + std::string(1, name) + " without '='");
      return false;
    }
    if (!IsValidValue(value)) {
      Fail(out_failure, Status::kMalformed,
           "extension " + std::string(1, name) + "= value contains NUL or invalid UTF-8");
      return false;
    }
    extensions.push_back(Extension{name, std::string(value)});
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
