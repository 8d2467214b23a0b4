// vector_file.cc: the vector-file parser.
#include "support/vector_file.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace e2esasl::test {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

[[noreturn]] void Throw(const std::string& where, const std::string& what) {
  throw std::runtime_error(where + ": " + what);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

std::vector<uint8_t> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    throw std::runtime_error("hex value of odd length");
  }
  std::vector<uint8_t> out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]);
    const int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      throw std::runtime_error("invalid hex character");
    }
    out.push_back(static_cast<uint8_t>(hi * 16 + lo));
  }
  return out;
}

std::string HexEncode(const uint8_t* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

bool VectorBlock::Has(std::string_view key) const {
  for (const Entry& entry : entries_) {
    if (entry.key == key) {
      return true;
    }
  }
  return false;
}

VectorBlock::Entry& VectorBlock::Find(std::string_view key) {
  for (Entry& entry : entries_) {
    if (entry.key == key) {
      entry.read = true;
      return entry;
    }
  }
  Throw(file_ + ":" + std::to_string(line_),
        "block [" + name_ + "] has no key \"" + std::string(key) + "\"");
}

std::string VectorBlock::Text(std::string_view key) {
  return Find(key).value;
}

std::vector<uint8_t> VectorBlock::Hex(std::string_view key) {
  const Entry& entry = Find(key);
  try {
    return HexDecode(entry.value);
  } catch (const std::runtime_error& e) {
    Throw(file_ + ":" + std::to_string(entry.line), entry.key + ": " + e.what());
  }
}

uint64_t VectorBlock::Uint(std::string_view key) {
  const Entry& entry = Find(key);
  if (entry.value.empty() || entry.value.find_first_not_of("0123456789") != std::string::npos ||
      entry.value.size() > 19) {
    Throw(file_ + ":" + std::to_string(entry.line), entry.key + ": not a decimal integer");
  }
  return std::stoull(entry.value);
}

void VectorBlock::Skip(std::string_view key) {
  Find(key);
}

std::vector<std::string> VectorBlock::Unread() const {
  std::vector<std::string> unread;
  for (const Entry& entry : entries_) {
    if (!entry.read) {
      unread.push_back(file_ + ":" + std::to_string(entry.line) + ": " + entry.key);
    }
  }
  return unread;
}

VectorFile VectorFile::Parse(std::string_view text, std::string_view file) {
  VectorFile result;
  result.file_ = std::string(file);
  VectorBlock current;
  bool in_block = false;
  const auto close_block = [&]() {
    if (in_block) {
      result.blocks_.push_back(std::move(current));
    }
    current = VectorBlock();
    in_block = false;
  };
  int line_number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    const std::string where = result.file_ + ":" + std::to_string(line_number);
    if (line.empty()) {
      close_block();
      continue;
    }
    if (line.front() == '#') {
      continue;
    }
    if (!in_block) {
      in_block = true;
      current.file_ = result.file_;
      current.line_ = line_number;
      if (line.front() == '[') {
        if (line.back() != ']' || line.size() < 3) {
          Throw(where, "malformed block name line");
        }
        current.name_ = std::string(line.substr(1, line.size() - 2));
        continue;
      }
    } else if (line.front() == '[') {
      Throw(where, "block name inside a block (missing blank line?)");
    }
    std::string_view key;
    std::string_view value;
    const size_t separator = line.find(" = ");
    if (separator != std::string_view::npos) {
      key = Trim(line.substr(0, separator));
      value = line.substr(separator + 3);
    } else if (line.size() >= 2 && line.substr(line.size() - 2) == " =") {
      key = Trim(line.substr(0, line.size() - 2));
    } else {
      Throw(where, "expected \"key = value\"");
    }
    if (key.empty()) {
      Throw(where, "empty key");
    }
    if (current.Has(key)) {
      Throw(where, "duplicate key \"" + std::string(key) + "\"");
    }
    current.entries_.push_back(
        VectorBlock::Entry{std::string(key), std::string(value), line_number, false});
  }
  close_block();
  return result;
}

VectorFile VectorFile::Load(std::string_view relative_path) {
  std::string root;
  if (const char* env = std::getenv("E2ESASL_SOURCE_DIR"); env != nullptr && *env != '\0') {
    root = env;
  } else {
#ifdef E2ESASL_SOURCE_DIR
    root = E2ESASL_SOURCE_DIR;
#else
    throw std::runtime_error("E2ESASL_SOURCE_DIR is not set: cannot find tests/vectors");
#endif
  }
  const std::string path = root + "/tests/vectors/" + std::string(relative_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open vector file " + path);
  }
  std::ostringstream content;
  content << in.rdbuf();
  return Parse(content.str(), std::string(relative_path));
}

VectorBlock& VectorFile::Block(std::string_view name) {
  for (VectorBlock& block : blocks_) {
    if (block.name() == name) {
      return block;
    }
  }
  throw std::runtime_error(file_ + ": no block [" + std::string(name) + "]");
}

void VectorFile::CheckAllRead() const {
  std::string message;
  for (const VectorBlock& block : blocks_) {
    for (const std::string& unread : block.Unread()) {
      message += "\n  " + unread;
    }
  }
  if (!message.empty()) {
    throw std::runtime_error("vector keys never read:" + message);
  }
}

}  // namespace e2esasl::test
