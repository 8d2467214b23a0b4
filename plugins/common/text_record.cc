// text_record.cc: see text_record.h.
#include "common/text_record.h"

#include <algorithm>
#include <charconv>
#include <system_error>

#include "common/base64.h"
#include "common/secret_file.h"

namespace e2esasl {

std::optional<std::vector<std::string_view>> StoreLines(std::string_view text,
                                                        std::string_view header,
                                                        std::string_view what, Failure* failure) {
  std::optional<std::vector<std::string_view>> lines = SplitLines(text, failure);
  if (!lines) {
    return std::nullopt;
  }
  if (lines->empty()) {
    MalformedLine(failure, 1, "empty file");
    return std::nullopt;
  }
  if (!CheckStoreHeader(lines->front(), header, what, failure)) {
    return std::nullopt;
  }
  return lines;
}

bool MalformedLine(Failure* failure, size_t line, const std::string& why) {
  Fail(failure, Status::kMalformed, "line " + std::to_string(line) + ": " + why);
  return false;
}

bool ParseIdentityField(std::string_view field, size_t line, std::string* out, Failure* failure) {
  const std::optional<Bytes> identity = Base64Decode(field, kMaxStoreIdentitySize);
  if (!identity || identity->empty() ||
      std::find(identity->begin(), identity->end(), 0) != identity->end()) {
    return MalformedLine(failure, line,
                         "identity: expected base64 of 1 to " +
                             std::to_string(kMaxStoreIdentitySize) + " bytes, no NUL");
  }
  out->assign(identity->begin(), identity->end());
  return true;
}

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t space = line.find(' ', start);
    out.push_back(line.substr(start, space - start));
    if (space == std::string_view::npos) {
      return out;
    }
    start = space + 1;
  }
}

bool ParseUnixTime(std::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 19 || (text.size() > 1 && text[0] == '0')) {
    return false;
  }
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && *out >= 0;
}

std::optional<std::vector<std::string_view>> SplitLines(std::string_view text, Failure* failure) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    if (newline == std::string_view::npos) {
      Fail(failure, Status::kMalformed,
           "line " + std::to_string(lines.size() + 1) +
               ": the last line does not end with a newline");
      return std::nullopt;
    }
    lines.push_back(text.substr(0, newline));
    text.remove_prefix(newline + 1);
  }
  return lines;
}

bool CheckStoreHeader(std::string_view line, std::string_view header, std::string_view what,
                      Failure* failure) {
  if (line == header) {
    return true;
  }
  const size_t space = header.rfind(' ');
  const std::string_view name = header.substr(0, space + 1);  // "<name> "
  Fail(failure, Status::kMalformed,
       line.rfind(name, 0) == 0 ? "line 1: unsupported version (this program reads version " +
                                      std::string(header.substr(space + 1)) + ")"
                                : "line 1: not an e2esasl " + std::string(what));
  return false;
}

bool LoadTextStore(const std::string& path, size_t max_size,
                   const std::function<bool(std::string_view text, Failure* failure)>& parse,
                   Failure* failure, bool* exists) {
  bool found = false;
  const std::optional<SecretString> text =
      ReadSecretFile(path, max_size, failure, /*missing_ok=*/true, &found);
  if (exists != nullptr) {
    *exists = found;
  }
  if (!text) {
    return false;
  }
  if (!found) {
    return true;
  }
  Failure parse_failure;
  if (!parse(text->view(), &parse_failure)) {
    Fail(failure, Status::kUnavailable, path + ": " + parse_failure.detail);
    return false;
  }
  return true;
}

}  // namespace e2esasl
