// grammar.h: the attribute-level rules of RFC 5802 section 7 shared by the message parsers
// (internal to plugins/scram; messages.h is the public face).
#ifndef E2ESASL_SCRAM_GRAMMAR_H_
#define E2ESASL_SCRAM_GRAMMAR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_reader.h"
#include "scram/messages.h"

namespace e2esasl::scram {

// IsValidValue is true for value = 1*value-char: non-empty, well-formed UTF-8, no NUL, no ','.
bool IsValidValue(std::string_view text);

// ReadAttribute reads "<name>=" and the raw text up to the next ',' or the end (the ',' is not
// consumed). Fails, leaving *in unchanged, when the name differs or the text is empty. The text
// is not validated beyond that: each caller applies its own rule.
bool ReadAttribute(ByteReader* in, char name, std::string_view* out_text);

// ReadExtensions reads *("," attr-val) while the reader starts with ',' (and, when stop is not
// 0, while the next attribute is not "<stop>="), appending to *out. Fails, leaving *in
// unchanged, on an attr-val that is not ALPHA "=" value, or whose letter is one RFC 5802
// defines (a c e i m n p r s v: reserved-mext included).
bool ReadExtensions(ByteReader* in, std::vector<Extension>* out, char stop = 0);

// ExtensionsAreValid is true when every extension would parse back (see ReadExtensions).
bool ExtensionsAreValid(const std::vector<Extension>& extensions);

// AddExtensions writes *("," attr-val).
void AddExtensions(ByteWriter& out, const std::vector<Extension>& extensions);

}  // namespace e2esasl::scram

#endif  // E2ESASL_SCRAM_GRAMMAR_H_
