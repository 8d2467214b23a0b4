// gs2.cc: GS2 header parsing and printing.
#include "common/gs2.h"

#include "common/utf8.h"

namespace e2esasl::gs2 {
namespace {

bool IsCbNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

}  // namespace

bool IsValidCbName(std::string_view name) {
  if (name.empty() || name.size() > kMaxCbNameBytes) {
    return false;
  }
  for (char c : name) {
    if (!IsCbNameChar(c)) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> EscapeSaslName(std::string_view name) {
  if (name.empty() || name.find('\0') != std::string_view::npos || !utf8::IsValid(name)) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == ',') {
      out.append("=2C");
    } else if (c == '=') {
      out.append("=3D");
    } else {
      out.push_back(c);
    }
  }
  if (out.size() > kMaxSaslNameBytes) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> UnescapeSaslName(std::string_view escaped) {
  if (escaped.empty() || escaped.size() > kMaxSaslNameBytes) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(escaped.size());
  for (size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    if (c == ',' || c == '\0') {
      return std::nullopt;
    }
    if (c != '=') {
      out.push_back(c);
      continue;
    }
    const std::string_view code = escaped.substr(i + 1, 2);
    if (code == "2C") {
      out.push_back(',');
    } else if (code == "3D") {
      out.push_back('=');
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  if (!utf8::IsValid(out)) {
    return std::nullopt;
  }
  return out;
}

std::optional<Gs2Header> Gs2Header::Parse(ByteReader& reader, ByteView* out_raw,
                                          Failure* out_failure) {
  ByteReader r = reader;  // commit to reader only on success
  Gs2Header header;
  uint8_t flag = 0;
  if (!r.ReadU8(&flag)) {
    Fail(out_failure, Status::kMalformed, "gs2 header: empty message");
    return std::nullopt;
  }
  switch (flag) {
    case 'n':
      header.flag = CbFlag::kNone;
      break;
    case 'y':
      header.flag = CbFlag::kWant;
      break;
    case 'p': {
      header.flag = CbFlag::kUsed;
      ByteView name;
      if (!r.ReadExpected('=') || !r.ReadUntil(&name, ',')) {
        Fail(out_failure, Status::kMalformed, "gs2 header: \"p\" not followed by \"=cb-name,\"");
        return std::nullopt;
      }
      header.cb_name = ToString(name);
      if (!IsValidCbName(header.cb_name)) {
        Fail(out_failure, Status::kMalformed, "gs2 header: invalid channel-binding name");
        return std::nullopt;
      }
      break;
    }
    default:
      Fail(out_failure, Status::kMalformed,
           "gs2 header: unknown channel-binding flag (expected \"n\", \"y\" or \"p=\")");
      return std::nullopt;
  }
  if (!r.ReadExpected(',')) {
    Fail(out_failure, Status::kMalformed,
         "gs2 header: \",\" expected after the channel-binding flag");
    return std::nullopt;
  }
  if (r.ReadLiteral("a=")) {
    ByteView escaped;
    if (!r.ReadUntil(&escaped, ',')) {
      Fail(out_failure, Status::kMalformed, "gs2 header: authzid not terminated by \",\"");
      return std::nullopt;
    }
    if (escaped.empty()) {
      Fail(out_failure, Status::kMalformed, "gs2 header: empty authzid after \"a=\"");
      return std::nullopt;
    }
    std::optional<std::string> authzid = UnescapeSaslName(AsStringView(escaped));
    if (!authzid) {
      Fail(out_failure, Status::kMalformed,
           "gs2 header: invalid authzid (bad \"=\" escape, NUL or invalid UTF-8)");
      return std::nullopt;
    }
    header.authzid = std::move(*authzid);
  }
  if (!r.ReadExpected(',')) {
    Fail(out_failure, Status::kMalformed,
         "gs2 header: \",\" or \"a=authzid,\" expected after the channel-binding flag");
    return std::nullopt;
  }
  if (out_raw != nullptr) {
    const ByteView before = reader.Peek();
    *out_raw = before.first(before.size() - r.Remaining());
  }
  reader = r;
  return header;
}

Bytes Gs2Header::ToBytes() const {
  ByteWriter writer;
  Serialize(writer);
  return writer.Finish().value_or(Bytes());
}

void Gs2Header::Serialize(ByteWriter& writer) const {
  switch (flag) {
    case CbFlag::kNone:
      writer.AddU8('n');
      break;
    case CbFlag::kWant:
      writer.AddU8('y');
      break;
    case CbFlag::kUsed:
      if (!IsValidCbName(cb_name)) {
        writer.MarkFailed();
        return;
      }
      writer.AddString("p=");
      writer.AddString(cb_name);
      break;
  }
  if (flag != CbFlag::kUsed && !cb_name.empty()) {
    writer.MarkFailed();
    return;
  }
  writer.AddU8(',');
  if (!authzid.empty()) {
    std::optional<std::string> escaped = EscapeSaslName(authzid);
    if (!escaped) {
      writer.MarkFailed();
      return;
    }
    writer.AddString("a=");
    writer.AddString(*escaped);
  }
  writer.AddU8(',');
}

}  // namespace e2esasl::gs2
