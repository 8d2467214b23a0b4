// replay_main.cc: the main() of a fuzz target in builds without libFuzzer (g++, or clang without
// E2ESASL_FUZZ). It runs LLVMFuzzerTestOneInput once on every file named on the command line
// and on every regular file under every directory named there (recursively, in sorted order),
// so the checked-in corpus is exercised by every build. Exit status: 0 when at least one input
// ran (a target that finds a bug aborts), 1 on an unreadable path or when no input was found.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// ReadFile returns the file's bytes; false when it cannot be read.
bool ReadFile(const fs::path& path, std::vector<uint8_t>* out) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return false;
  }
  out->assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  return !file.bad();
}

// CollectInputs appends path (a file) or the regular files under it (a directory) to *out.
bool CollectInputs(const fs::path& path, std::vector<fs::path>* out) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    std::vector<fs::path> found;
    for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
         it.increment(error)) {
      if (it->is_regular_file(error)) {
        found.push_back(it->path());
      }
    }
    std::sort(found.begin(), found.end());
    out->insert(out->end(), found.begin(), found.end());
    return !error;
  }
  if (fs::is_regular_file(path, error)) {
    out->push_back(path);
    return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (!CollectInputs(argv[i], &inputs)) {
      std::fprintf(stderr, "replay: cannot read %s\n", argv[i]);
      return 1;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "replay: no inputs (usage: %s <file or corpus dir>...)\n", argv[0]);
    return 1;
  }
  std::vector<uint8_t> bytes;
  for (const fs::path& path : inputs) {
    if (!ReadFile(path, &bytes)) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 1;
    }
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), bytes.size());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::fprintf(stderr, "replay: %zu inputs ran without a finding\n", inputs.size());
  return 0;
}
