// attributes.h: the attribute syntax every e2esasl family shares after the GS2 header
// (one wire-format convention for every family: docs/architecture.md): `letter=value` pairs
// separated by ',', binary values in base64 (RFC 4648, canonical, padded).
#ifndef E2ESASL_COMMON_ATTRIBUTES_H_
#define E2ESASL_COMMON_ATTRIBUTES_H_

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/byte_reader.h"
#include "common/bytes.h"
#include "common/gs2.h"
#include "common/status.h"

namespace e2esasl::attr {

// ReadAttribute reads "<name>=" and the text up to the next ',' or the end (not consuming the
// ','). Fails, leaving *in unchanged, when the name differs.
//
// The one rule for values: ReadAttribute accepts an empty value and checks nothing about the
// text. Whether a value may be empty, and what it may hold, is the message grammar's to say per
// attribute (RFC 5802 s7 has `value = 1*value-char` for most attributes but `saslname` and the
// base64 values with their own rules; the PAKE families' fixed-size base64 values are checked by
// ReadBase64Exact), so each parser applies its attribute's rule to the text it gets here.
[[nodiscard]] bool ReadAttribute(ByteReader* in, char name, std::string_view* out_text);

// AtAttribute is true when the reader starts with "<name>=" (whatever the value). Reads nothing.
bool AtAttribute(const ByteReader& in, char name);

// ReadBase64Exact reads "<name>=" and base64 that decodes to exactly out.size() bytes into out.
// Fails, leaving *in unchanged (out may be partly written), on any other name, length or
// encoding.
[[nodiscard]] bool ReadBase64Exact(ByteReader* in, char name, std::span<uint8_t> out);

// AddAttribute writes "<name>=" and value as it is (the caller checked it against its rule).
void AddAttribute(ByteWriter& out, char name, std::string_view value);

// AddBase64Attribute writes "<name>=" and the base64 of value.
void AddBase64Attribute(ByteWriter& out, char name, ByteView value);

// ReadGs2AndAuthcid reads what every family's client-first starts with: the GS2 header and
// "n=" saslname (unescaped into *out_authcid). On failure returns false with *out_failure set to
// kMalformed and a detail starting "client-first: "; *reader is then unusable.
[[nodiscard]] bool ReadGs2AndAuthcid(ByteReader* reader, gs2::Gs2Header* out_header,
                                     std::string* out_authcid, Failure* out_failure);

// AddGs2AndAuthcid writes what ReadGs2AndAuthcid reads: the GS2 header and "n=" authcid as a
// saslname. An authcid EscapeSaslName rejects (or an invalid header) marks out failed.
void AddGs2AndAuthcid(ByteWriter& out, const gs2::Gs2Header& header, std::string_view authcid);

// SizeOk: a message is non-empty and at most max_size bytes.
inline bool SizeOk(ByteView in, size_t max_size) {
  return !in.empty() && in.size() <= max_size;
}

// Malformed fails a parse: sets *out_failure (when not null) to kMalformed with detail and
// returns std::nullopt, so a parser can end with `return Malformed<T>(out_failure, "...")`.
template <typename T>
std::optional<T> Malformed(Failure* out_failure, std::string detail) {
  Fail(out_failure, Status::kMalformed, std::move(detail));
  return std::nullopt;
}

// MessageParser reads one message of "letter=value" attributes separated by ',' (the PAKE
// families' wire format), in order, and fails with one detail per message part, each starting
// "<name>: ". The steps after a failure do nothing; End (or Finish) reports the first failure.
//   MessageParser parser(in, kMaxMessageSize, "client-final", out_failure);
//   parser.Base64('y', message.share, "share").Base64('t', message.tag, "tag");
//   return parser.Finish(std::move(message));
class MessageParser {
 public:
  // The message must be non-empty and at most max_size bytes ("<name>: empty or longer than
  // <max_size> bytes"). out_failure may be null; name must outlive the parser.
  MessageParser(ByteView in, size_t max_size, std::string_view name, Failure* out_failure);

  // Gs2AndAuthcid reads client-first's start (ReadGs2AndAuthcid, with its details).
  MessageParser& Gs2AndAuthcid(gs2::Gs2Header* out_header, std::string* out_authcid);
  // Base64 reads the next attribute: "<letter>=" and base64 of exactly out.size() bytes
  // ("<name>: expected <letter>=<<size>-byte base64 <what>>").
  MessageParser& Base64(char letter, std::span<uint8_t> out, std::string_view what);
  // Text reads the next attribute's value as it is ("<name>: expected <letter>=<<what>>"); the
  // caller applies the attribute's rule (Check).
  MessageParser& Text(char letter, std::string_view* out_text, std::string_view what);
  // Has: true when the next attribute (after its ',' unless it is the first) is "<letter>=",
  // for optional attributes; false after a failure. Reads nothing.
  [[nodiscard]] bool Has(char letter) const;
  // Check fails the parse with "<name>: <detail>" unless valid.
  MessageParser& Check(bool valid, std::string_view detail);

  // End: true when every step succeeded and nothing is left ("<name>: unexpected data after
  // <letter>="); false with *out_failure set (kMalformed) otherwise.
  [[nodiscard]] bool End();
  // Finish returns message when End() is true, nullopt otherwise.
  template <typename T>
  std::optional<T> Finish(T message) {
    if (!End()) {
      return std::nullopt;
    }
    return message;
  }

 private:
  // Next reads the ',' before every attribute but the first.
  bool Next();
  void Failed(std::string detail);

  ByteReader reader_;
  std::string_view name_;
  Failure* out_failure_;
  bool ok_ = true;
  bool first_ = true;
  char last_ = 0;
};

// Label: a string literal as a template argument (the names OneAttributeMessage puts in its
// details).
template <size_t N>
struct Label {
  // NOLINTNEXTLINE(google-explicit-constructor): Label<"text"> is the point.
  constexpr Label(const char (&text)[N]) { std::copy_n(text, N, chars); }
  constexpr std::string_view View() const { return std::string_view(chars, N - 1); }
  char chars[N];
};

// OneAttributeMessage: a message that is one fixed-size base64 attribute and nothing else,
// "<kLetter>=" base64(value) (CPace's server-final, SAS's client-reveal and confirmations,
// VOUCH's client-final). Parse is MessageParser's, with its details ("<kMessage>: expected
// <kLetter>=<<size>-byte base64 <kPart>>", "<kMessage>: unexpected data after <kLetter>=", ...)
// and the family's kMaxSize; Serialize writes what Parse accepts.
template <class Value, char kLetter, Label kMessage, Label kPart, size_t kMaxSize>
struct OneAttributeMessage {
  Value value{};

  static std::optional<OneAttributeMessage> Parse(ByteView in, Failure* out_failure = nullptr) {
    OneAttributeMessage message;
    MessageParser parser(in, kMaxSize, kMessage.View(), out_failure);
    parser.Base64(kLetter, message.value, kPart.View());
    return parser.Finish(message);
  }
  void Serialize(ByteWriter& out) const { AddBase64Attribute(out, kLetter, value); }

  bool operator==(const OneAttributeMessage&) const = default;
};

}  // namespace e2esasl::attr

#endif  // E2ESASL_COMMON_ATTRIBUTES_H_
