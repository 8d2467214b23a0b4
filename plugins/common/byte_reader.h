// byte_reader.h: the bounded reader every parser of peer bytes goes through, and the writer
// every serializer builds with (BoringSSL CBS/CBB style).
//
// ByteReader borrows the bytes it reads (they must outlive it and every ByteView it hands out).
// Every Read* checks the length first, returns false on failure and then leaves the reader
// exactly as it was. A parser ends with Empty() ("nothing left over").
//
// ByteWriter owns its buffer (wiped when released, so it may carry secrets). Every Add* that
// fails - size cap exceeded, a length prefix that does not fit - sets a sticky error bit; later
// adds are ignored and Finish() returns nullopt.
#ifndef E2ESASL_COMMON_BYTE_READER_H_
#define E2ESASL_COMMON_BYTE_READER_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

#include "common/bytes.h"
#include "common/secret.h"

namespace e2esasl {

class ByteReader {
 public:
  explicit ByteReader(ByteView data) noexcept : data_(data) {}
  explicit ByteReader(std::string_view text) noexcept : data_(AsBytes(text)) {}

  // Remaining returns how many bytes are left; Empty is true when none are.
  size_t Remaining() const noexcept { return data_.size(); }
  bool Empty() const noexcept { return data_.empty(); }
  // Peek views what is left without consuming it.
  ByteView Peek() const noexcept { return data_; }

  // ReadU8 / ReadU16 / ReadU32 read one unsigned big-endian integer.
  [[nodiscard]] bool ReadU8(uint8_t* out) noexcept;
  [[nodiscard]] bool ReadU16(uint16_t* out) noexcept;
  [[nodiscard]] bool ReadU32(uint32_t* out) noexcept;
  // PeekU8 reads the next byte without consuming it.
  [[nodiscard]] bool PeekU8(uint8_t* out) const noexcept;

  // ReadBytes views the next n bytes and consumes them.
  [[nodiscard]] bool ReadBytes(ByteView* out, size_t n) noexcept;
  // CopyBytes copies the next out.size() bytes into out and consumes them.
  [[nodiscard]] bool CopyBytes(std::span<uint8_t> out) noexcept;
  // Skip consumes n bytes.
  [[nodiscard]] bool Skip(size_t n) noexcept;
  // ReadSubReader gives a reader over the next n bytes and consumes them.
  [[nodiscard]] bool ReadSubReader(ByteReader* out, size_t n) noexcept;
  // ReadU16LengthPrefixed reads a big-endian u16 length L, then gives a reader over the next L
  // bytes. Fails (reader unchanged) if either part is short.
  [[nodiscard]] bool ReadU16LengthPrefixed(ByteReader* out) noexcept;
  // ReadRest views everything left and consumes it (never fails; the view may be empty).
  ByteView ReadRest() noexcept;

  // ReadExpected consumes the next byte only if it equals c.
  [[nodiscard]] bool ReadExpected(uint8_t c) noexcept;
  // ReadLiteral consumes literal only if the input starts with it (byte for byte).
  [[nodiscard]] bool ReadLiteral(std::string_view literal) noexcept;
  // ReadUntil views the bytes before the first delim and consumes them, NOT the delimiter (follow
  // with ReadExpected(delim)). Fails when delim does not occur.
  [[nodiscard]] bool ReadUntil(ByteView* out, uint8_t delim) noexcept;
  // ReadField views the bytes before the first delim, or all that is left when delim does not
  // occur, and consumes them, NOT the delimiter. Never fails; the field may be empty. This is
  // the step of the SASL text formats "a=1,b=2": ReadField, then ReadExpected(',') or Empty().
  ByteView ReadField(uint8_t delim) noexcept;

 private:
  ByteView data_;
};

class ByteWriter {
 public:
  static constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();

  // ByteWriter starts empty; max_size caps the total number of bytes (kNoLimit: no cap).
  explicit ByteWriter(size_t max_size = kNoLimit) : max_size_(max_size) {}

  void AddU8(uint8_t value);
  void AddU16(uint16_t value);
  void AddU32(uint32_t value);
  void AddBytes(ByteView bytes);
  void AddString(std::string_view text) { AddBytes(AsBytes(text)); }
  // AddU16LengthPrefixed adds a big-endian u16 length then the bytes; longer than 65535 bytes
  // sets the error bit.
  void AddU16LengthPrefixed(ByteView bytes);
  // MarkFailed sets the error bit (a serializer found its struct invalid).
  void MarkFailed() noexcept { failed_ = true; }

  bool ok() const noexcept { return !failed_; }
  size_t size() const noexcept { return buffer_.size(); }
  // View shows what was written so far (valid until the next Add* or Finish).
  ByteView View() const noexcept { return ByteView(buffer_); }

  // Finish returns the bytes written, or nullopt when the error bit is set. Either way the
  // writer is left empty and failed (it cannot be reused).
  std::optional<Bytes> Finish();
  // FinishSecret is Finish for content that carries secrets: no unwiped copy is made.
  std::optional<SecretBytes> FinishSecret();

 private:
  bool Reserve(size_t n);

  SecretBytes buffer_;
  size_t max_size_;
  bool failed_ = false;
};

// Encode runs message.Serialize into a fresh writer capped at max_size: the message's bytes, or
// nullopt when Serialize marked the writer failed or the cap was passed.
template <typename T>
std::optional<Bytes> Encode(const T& message, size_t max_size = ByteWriter::kNoLimit) {
  ByteWriter writer(max_size);
  message.Serialize(writer);
  return writer.Finish();
}

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_BYTE_READER_H_
