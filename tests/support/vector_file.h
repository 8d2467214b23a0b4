// vector_file.h: loader for the known-answer vector files under tests/vectors/, shared by every
// family's tests.
//
// File format:
//   - '#' starts a comment line (the first non-blank character); comments may appear anywhere.
//   - Blank lines separate blocks. A block may start with a "[Name]" line; then "key = value"
//     lines. The value is everything after the first " = " (it may contain '=' and ','); a line
//     "key =" gives an empty value. Duplicate keys in one block are an error.
//   - A block made only of comments is not a block (the file's header comment).
// Each value is read through an accessor saying how to interpret it (Hex, Text, Uint). Every key
// read is marked; CheckAllRead() throws when any key of any block was never read, so a vector
// whose expected output the test forgot to compare cannot pass silently. Keys that are only a
// reading aid (e.g. "*_text") are read with Skip().
//
// Errors (missing file, syntax error, missing key, bad hex, unread keys) throw
// std::runtime_error naming the file and line: CppUnit reports them as test errors.
#ifndef E2ESASL_TESTS_SUPPORT_VECTOR_FILE_H_
#define E2ESASL_TESTS_SUPPORT_VECTOR_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace e2esasl::test {

class VectorBlock {
 public:
  const std::string& name() const { return name_; }
  // Has returns whether key is present (does not mark it read).
  bool Has(std::string_view key) const;
  // Text returns the value as written.
  std::string Text(std::string_view key);
  // Hex decodes the value as hex (upper or lower case, even length, no spaces, no "0x").
  std::vector<uint8_t> Hex(std::string_view key);
  // Uint parses the value as a decimal unsigned integer.
  uint64_t Uint(std::string_view key);
  // Skip marks key read without interpreting it (it must exist).
  void Skip(std::string_view key);
  // Unread lists "file:line: key" for every key not read yet.
  std::vector<std::string> Unread() const;

 private:
  friend class VectorFile;
  struct Entry {
    std::string key;
    std::string value;
    int line = 0;
    bool read = false;
  };
  Entry& Find(std::string_view key);

  std::string file_;
  std::string name_;
  int line_ = 0;
  std::vector<Entry> entries_;
};

class VectorFile {
 public:
  // Load reads tests/vectors/<relative_path>, finding the source tree through the environment
  // variable E2ESASL_SOURCE_DIR (CTest sets it) or, failing that, the E2ESASL_SOURCE_DIR macro.
  static VectorFile Load(std::string_view relative_path);
  // Parse reads vector-file text directly (used by the loader's own tests); file names it in
  // error messages.
  static VectorFile Parse(std::string_view text, std::string_view file);

  std::vector<VectorBlock>& blocks() { return blocks_; }
  // Block returns the block named name; throws if there is none.
  VectorBlock& Block(std::string_view name);
  // CheckAllRead throws std::runtime_error listing every unread key of every block.
  void CheckAllRead() const;

 private:
  std::string file_;
  std::vector<VectorBlock> blocks_;
};

// HexDecode decodes strict hex (as VectorBlock::Hex); throws std::runtime_error on bad input.
std::vector<uint8_t> HexDecode(std::string_view hex);
// HexEncode returns lowercase hex, for assertion messages.
std::string HexEncode(const uint8_t* data, size_t size);
template <typename Container>
std::string HexEncode(const Container& bytes) {
  return HexEncode(bytes.data(), bytes.size());
}

}  // namespace e2esasl::test

#endif  // E2ESASL_TESTS_SUPPORT_VECTOR_FILE_H_
