// grammar.h: the attribute-level rules of RFC 5802 section 7 shared by the message parsers
// (internal to plugins/scram; messages.h is the public face).
//
// A failing rule that takes a Failure* sets it to kMalformed with a detail naming the rule and
// the attribute ("missing nonce (r=)"), never the message (the caller prefixes that) and never
// the peer's value.
#ifndef E2ESASL_SCRAM_GRAMMAR_H_
#define E2ESASL_SCRAM_GRAMMAR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_reader.h"
#include "common/status.h"
#include "scram/messages.h"

namespace e2esasl::scram {

// IsValidValue is true for value = 1*value-char: non-empty, well-formed UTF-8, no NUL, no ','.
bool IsValidValue(std::string_view text);

// ReadAttribute reads "<name>=" and the raw text up to the next ',' or the end (the ',' is not
// consumed). Fails, leaving *in unchanged, when the name differs or the text is empty. The text
// is not validated beyond that: each caller applies its own rule.
bool ReadAttribute(ByteReader* in, char name, std::string_view* out_text);

// AtAttribute is true when the reader starts with "<name>=" (the value may be empty).
bool AtAttribute(const ByteReader& in, char name);

// ReadRequiredAttribute is ReadAttribute for an attribute the grammar requires at this point;
// `what` names it for the detail. On failure *in is unchanged and *out_failure (when not null)
// says "unsupported mandatory extension (m=)" when the reader is at "m=", "empty <what>
// (<name>=)" when the value is empty, and "missing <what> (<name>=)" otherwise.
bool ReadRequiredAttribute(ByteReader* in, char name, std::string_view what,
                           std::string_view* out_text, Failure* out_failure);

// ReadExtensions reads *("," attr-val) while the reader starts with ',' (and, when stop is not
// 0, while the next attribute is not "<stop>="), appending to *out. Fails, leaving *in
// unchanged, on an attr-val that is not ALPHA "=" value, or whose letter is one RFC 5802
// defines (a c e i m n p r s v: reserved-mext included); *out_failure (when not null) then
// names the broken rule.
bool ReadExtensions(ByteReader* in, std::vector<Extension>* out, char stop = 0,
                    Failure* out_failure = nullptr);

// ExtensionsAreValid is true when every extension would parse back (see ReadExtensions).
bool ExtensionsAreValid(const std::vector<Extension>& extensions);

// AddExtensions writes *("," attr-val).
void AddExtensions(ByteWriter& out, const std::vector<Extension>& extensions);

}  // namespace e2esasl::scram

#endif  // E2ESASL_SCRAM_GRAMMAR_H_
