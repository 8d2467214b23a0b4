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

// The limits every store shares: at most kMaxStoreRecords records, kMaxStoreFileSize bytes of
// file, kMaxStoreIdentitySize bytes of identity (decoded; ParseIdentityField).
inline constexpr size_t kMaxStoreRecords = 10000;
inline constexpr size_t kMaxStoreFileSize = 4 * 1024 * 1024;
inline constexpr size_t kMaxStoreIdentitySize = 1024;

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
// gave it): base64 of 1 to kMaxStoreIdentitySize bytes, no NUL, into *out. False with kMalformed
// "line N: identity: expected base64 of 1 to 1024 bytes, no NUL" otherwise (*out unchanged).
bool ParseIdentityField(std::string_view field, size_t line, std::string* out, Failure* failure);

// RecordLines<Record, Key>: one kind of record line of a store (ParseRecordLines, ParseStore).
//   keyword  the line's first field ("expected a <keyword> line")
//   plural   in the detail of one record too many ("more than 10000 <plural>", kMaxStoreRecords)
//   twice    the detail of two records with the same key(record)
//   parse    parse(fields, line, &record, failure) fills one Record (false: refused, failure set)
template <class Record, class Key>
struct RecordLines {
  std::string_view keyword;
  std::string_view plural;
  std::string_view twice;
  bool (*parse)(const std::vector<std::string_view>& fields, size_t line, Record* record,
                Failure* failure);
  Key (*key)(const Record& record);
};

// ParseRecordLines parses lines[first..] as records of kind, one per line (details name the
// line, 1-based), and appends them to *records.
template <class Record, class Key>
bool ParseRecordLines(const std::vector<std::string_view>& lines, size_t first,
                      const RecordLines<Record, Key>& kind, std::vector<Record>* records,
                      Failure* failure) {
  std::set<Key> seen;
  for (size_t i = first; i < lines.size(); ++i) {
    const size_t n = i + 1;
    const std::vector<std::string_view> fields = SplitFields(lines[i]);
    if (fields[0] != kind.keyword) {
      return MalformedLine(failure, n, "expected a " + std::string(kind.keyword) + " line");
    }
    if (records->size() == kMaxStoreRecords) {
      return MalformedLine(
          failure, n,
          "more than " + std::to_string(kMaxStoreRecords) + " " + std::string(kind.plural));
    }
    Record record;
    if (!kind.parse(fields, n, &record, failure)) {
      return false;
    }
    if (!seen.insert(kind.key(record)).second) {
      return MalformedLine(failure, n, std::string(kind.twice));
    }
    records->push_back(std::move(record));
  }
  return true;
}

// StoreFormat<File, Record, Key>: a store's text (ParseStore): the first line `header`
// ("<name> <version>"; CheckStoreHeader, with `what` in its details), then, when head is set,
// one line that head(lines[1], &file, failure) parses (line 2 missing: kMalformed "line 2:
// <no_head>"), then records of kind into file.*records, up to the end.
template <class File, class Record, class Key>
struct StoreFormat {
  std::string_view header;
  std::string_view what;
  bool (*head)(std::string_view line, File* file, Failure* failure);
  std::string_view no_head;
  RecordLines<Record, Key> kind;
  std::vector<Record> File::*records;
};

// ParseStore parses a store's whole text by format: the File, or nullopt with *failure set
// (kMalformed "line N: ...").
template <class File, class Record, class Key>
std::optional<File> ParseStore(std::string_view text, const StoreFormat<File, Record, Key>& format,
                               Failure* failure) {
  const std::optional<std::vector<std::string_view>> lines =
      StoreLines(text, format.header, format.what, failure);
  if (!lines) {
    return std::nullopt;
  }
  File file;
  size_t first = 1;
  if (format.head) {
    if (lines->size() < 2) {
      MalformedLine(failure, 2, std::string(format.no_head));
      return std::nullopt;
    }
    if (!format.head((*lines)[1], &file, failure)) {
      return std::nullopt;
    }
    first = 2;
  }
  if (!ParseRecordLines(*lines, first, format.kind, &(file.*format.records), failure)) {
    return std::nullopt;
  }
  return file;
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

// LoadParsedStore: LoadTextStore (at most kMaxStoreFileSize bytes) with a parser of the whole
// text (ParseRetained, ParseContinuity, ...): the parsed store, an empty File when the file is
// missing (*exists false; exists may be null), or nullopt with *failure set (LoadTextStore's
// details).
template <class File>
std::optional<File> LoadParsedStore(const std::string& path,
                                    std::optional<File> (*parse)(std::string_view, Failure*),
                                    Failure* failure, bool* exists) {
  std::optional<File> file = File();
  const bool loaded = LoadTextStore(
      path, kMaxStoreFileSize,
      [&](std::string_view text, Failure* parse_failure) {
        file = parse(text, parse_failure);
        return file.has_value();
      },
      failure, exists);
  return loaded ? std::move(file) : std::nullopt;
}

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_TEXT_RECORD_H_
