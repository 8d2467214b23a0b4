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

bool AtAttribute(const ByteReader& in, char name) {
  const ByteView rest = in.Peek();
  return rest.size() >= 2 && rest[0] == static_cast<uint8_t>(name) && rest[1] == '=';
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

void AddAttribute(ByteWriter& out, char name, std::string_view value) {
  out.AddU8(static_cast<uint8_t>(name));
  out.AddU8('=');
  out.AddString(value);
}

void AddBase64Attribute(ByteWriter& out, char name, ByteView value) {
  AddAttribute(out, name, Base64Encode(value));
}

bool ReadGs2AndAuthcid(ByteReader* reader, gs2::Gs2Header* out_header, std::string* out_authcid,
                       Failure* out_failure) {
  Failure gs2_failure;
  std::optional<gs2::Gs2Header> header = gs2::Gs2Header::Parse(*reader, nullptr, &gs2_failure);
  if (!header) {
    Fail(out_failure, Status::kMalformed, "client-first: " + gs2_failure.detail);
    return false;
  }
  *out_header = std::move(*header);
  std::string_view name;
  if (!ReadAttribute(reader, 'n', &name)) {
    Fail(out_failure, Status::kMalformed, "client-first: expected n=<authcid>");
    return false;
  }
  std::optional<std::string> authcid = gs2::UnescapeSaslName(name);
  if (!authcid) {
    Fail(out_failure, Status::kMalformed, "client-first: n= is not a valid saslname");
    return false;
  }
  *out_authcid = std::move(*authcid);
  return true;
}

void AddGs2AndAuthcid(ByteWriter& out, const gs2::Gs2Header& header, std::string_view authcid) {
  const std::optional<std::string> name = gs2::EscapeSaslName(authcid);
  if (!name) {
    out.MarkFailed();
    return;
  }
  header.Serialize(out);
  out.AddString("n=");
  out.AddString(*name);
}

MessageParser::MessageParser(ByteView in, size_t max_size, std::string_view name,
                             Failure* out_failure)
    : reader_(in), name_(name), out_failure_(out_failure) {
  if (!SizeOk(in, max_size)) {
    Failed("empty or longer than " + std::to_string(max_size) + " bytes");
  }
}

void MessageParser::Failed(std::string detail) {
  if (ok_) {
    ok_ = false;
    Fail(out_failure_, Status::kMalformed, std::string(name_) + ": " + detail);
  }
}

bool MessageParser::Next() {
  const bool separated = first_ || reader_.ReadExpected(',');
  first_ = false;
  return separated;
}

MessageParser& MessageParser::Gs2AndAuthcid(gs2::Gs2Header* out_header, std::string* out_authcid) {
  if (ok_ && !ReadGs2AndAuthcid(&reader_, out_header, out_authcid, out_failure_)) {
    ok_ = false;  // *out_failure_ holds ReadGs2AndAuthcid's detail
  }
  first_ = false;
  last_ = 'n';
  return *this;
}

MessageParser& MessageParser::Base64(char letter, std::span<uint8_t> out, std::string_view what) {
  if (ok_ && !(Next() && ReadBase64Exact(&reader_, letter, out))) {
    Failed(std::string("expected ") + letter + "=<" + std::to_string(out.size()) + "-byte base64 " +
           std::string(what) + ">");
  }
  last_ = letter;
  return *this;
}

MessageParser& MessageParser::Text(char letter, std::string_view* out_text, std::string_view what) {
  if (ok_ && !(Next() && ReadAttribute(&reader_, letter, out_text))) {
    Failed(std::string("expected ") + letter + "=<" + std::string(what) + ">");
  }
  last_ = letter;
  return *this;
}

bool MessageParser::Has(char letter) const {
  if (!ok_) {
    return false;
  }
  ByteReader copy = reader_;
  return (first_ || copy.ReadExpected(',')) && AtAttribute(copy, letter);
}

MessageParser& MessageParser::Check(bool valid, std::string_view detail) {
  if (ok_ && !valid) {
    Failed(std::string(detail));
  }
  return *this;
}

bool MessageParser::End() {
  if (ok_ && !reader_.Empty()) {
    Failed(std::string("unexpected data after ") + last_ + "=");
  }
  return ok_;
}

}  // namespace e2esasl::attr
