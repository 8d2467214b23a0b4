// text_record.h: helpers for the small versioned text stores (SAS retained secrets, VOUCH key
// continuity): one record per line, fields separated by single spaces, times in Unix seconds.
#ifndef E2ESASL_COMMON_TEXT_RECORD_H_
#define E2ESASL_COMMON_TEXT_RECORD_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace e2esasl {

// SplitFields splits line at single spaces. Two spaces in a row, or a leading or trailing space,
// give an empty field (which every caller's field check then refuses). Never fails; the views
// point into line.
std::vector<std::string_view> SplitFields(std::string_view line);

// ParseUnixTime parses a non-negative decimal number of seconds: digits only, no sign, no
// leading zero (except "0" itself), at most 19 digits, within int64_t. False (and *out
// unspecified) otherwise.
[[nodiscard]] bool ParseUnixTime(std::string_view text, int64_t* out);

// SplitLines splits a store's text into its lines (without the "\n"). Every line, the last one
// included, must end with "\n": otherwise kMalformed "line N: the last line does not end with a
// newline". Empty text gives no lines. The views point into text.
std::optional<std::vector<std::string_view>> SplitLines(std::string_view text, Failure* failure);

// CheckStoreHeader checks a store's first line against header ("<name> <version>"): kMalformed
// "line 1: unsupported version (this program reads version V)" when only the version differs,
// "line 1: not an e2esasl <what>" otherwise.
bool CheckStoreHeader(std::string_view line, std::string_view header, std::string_view what,
                      Failure* failure);

// StoreLines: SplitLines, then kMalformed "line 1: empty file" when there is no line, then
// CheckStoreHeader on the first line. The lines, the header included.
std::optional<std::vector<std::string_view>> StoreLines(std::string_view text,
                                                        std::string_view header,
                                                        std::string_view what, Failure* failure);

// MalformedLine sets kMalformed "line N: why" and returns false.
bool MalformedLine(Failure* failure, size_t line, const std::string& why);

// ParseIdentityField parses a store line's identity field (the peer's name as the application
// gave it): base64 of 1 to max_size bytes, no NUL, into *out. False with kMalformed "line N:
// identity: expected base64 of 1 to <max_size> bytes, no NUL" otherwise (*out unchanged).
bool ParseIdentityField(std::string_view field, size_t line, size_t max_size, std::string* out,
                        Failure* failure);

// ParseRecordLines parses lines[first..] as records, one per line (details name the line, 1-based):
// the first field must be `kind` ("expected a <kind> line"); parse(fields, line, &record,
// failure) fills one Record (false: the record is refused, failure set); at most max records
// ("more than <max> <plural>"); key(record) unique ("<twice>"). Appends to *records.
template <class Record, class Parse, class Key>
bool ParseRecordLines(const std::vector<std::string_view>& lines, size_t first,
                      std::string_view kind, size_t max, std::string_view plural,
                      std::string_view twice, Parse parse, Key key, std::vector<Record>* records,
                      Failure* failure) {
  std::set<decltype(key(std::declval<const Record&>()))> seen;
  for (size_t i = first; i < lines.size(); ++i) {
    const size_t n = i + 1;
    const std::vector<std::string_view> fields = SplitFields(lines[i]);
    if (fields[0] != kind) {
      return MalformedLine(failure, n, "expected a " + std::string(kind) + " line");
    }
    if (records->size() == max) {
      return MalformedLine(failure, n,
                           "more than " + std::to_string(max) + " " + std::string(plural));
    }
    Record record;
    if (!parse(fields, n, &record, failure)) {
      return false;
    }
    if (!seen.insert(key(record)).second) {
      return MalformedLine(failure, n, std::string(twice));
    }
    records->push_back(std::move(record));
  }
  return true;
}

// RecordsOf: the records whose `identity` member equals identity, in order.
template <class Record>
std::vector<const Record*> RecordsOf(const std::vector<Record>& records,
                                     std::string_view identity) {
  std::vector<const Record*> out;
  for (const Record& record : records) {
    if (record.identity == identity) {
      out.push_back(&record);
    }
  }
  return out;
}

// LoadTextStore reads the store at path (ReadSecretFile's checks, at most max_size bytes; the
// caller holds the lock) and hands its text to parse. A missing file: true with *exists false
// and parse not called. The file's checks fail with their kUnavailable; a parse failure is
// kUnavailable "PATH: <parse's detail>". The file is never modified.
bool LoadTextStore(const std::string& path, size_t max_size,
                   const std::function<bool(std::string_view text, Failure* failure)>& parse,
                   Failure* failure, bool* exists);

// LoadParsedStore: LoadTextStore with a parser of the whole text (ParseRetained,
// ParseContinuity, ...): the parsed store, an empty File when the file is missing (*exists
// false; exists may be null), or nullopt with *failure set (LoadTextStore's details).
template <class File>
std::optional<File> LoadParsedStore(const std::string& path, size_t max_size,
                                    std::optional<File> (*parse)(std::string_view, Failure*),
                                    Failure* failure, bool* exists) {
  std::optional<File> file = File();
  const bool loaded = LoadTextStore(
      path, max_size,
      [&](std::string_view text, Failure* parse_failure) {
        file = parse(text, parse_failure);
        return file.has_value();
      },
      failure, exists);
  return loaded ? std::move(file) : std::nullopt;
}

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_TEXT_RECORD_H_
