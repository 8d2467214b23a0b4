// byte_reader.cc: bounded reading and capped writing.
#include "common/byte_reader.h"

#include <algorithm>
#include <utility>

namespace e2esasl {

bool ByteReader::ReadU8(uint8_t* out) noexcept {
  if (data_.empty()) {
    return false;
  }
  *out = data_[0];
  data_ = data_.subspan(1);
  return true;
}

bool ByteReader::PeekU8(uint8_t* out) const noexcept {
  if (data_.empty()) {
    return false;
  }
  *out = data_[0];
  return true;
}

bool ByteReader::ReadU16(uint16_t* out) noexcept {
  if (data_.size() < 2) {
    return false;
  }
  *out = static_cast<uint16_t>((uint16_t{data_[0]} << 8) | data_[1]);
  data_ = data_.subspan(2);
  return true;
}

bool ByteReader::ReadU32(uint32_t* out) noexcept {
  if (data_.size() < 4) {
    return false;
  }
  *out = (uint32_t{data_[0]} << 24) | (uint32_t{data_[1]} << 16) | (uint32_t{data_[2]} << 8) |
         uint32_t{data_[3]};
  data_ = data_.subspan(4);
  return true;
}

bool ByteReader::ReadBytes(ByteView* out, size_t n) noexcept {
  if (data_.size() < n) {
    return false;
  }
  *out = data_.first(n);
  data_ = data_.subspan(n);
  return true;
}

bool ByteReader::CopyBytes(std::span<uint8_t> out) noexcept {
  ByteView view;
  if (!ReadBytes(&view, out.size())) {
    return false;
  }
  std::copy(view.begin(), view.end(), out.begin());
  return true;
}

bool ByteReader::Skip(size_t n) noexcept {
  ByteView ignored;
  return ReadBytes(&ignored, n);
}

bool ByteReader::ReadSubReader(ByteReader* out, size_t n) noexcept {
  ByteView view;
  if (!ReadBytes(&view, n)) {
    return false;
  }
  *out = ByteReader(view);
  return true;
}

bool ByteReader::ReadU16LengthPrefixed(ByteReader* out) noexcept {
  ByteReader copy = *this;
  uint16_t length = 0;
  if (!copy.ReadU16(&length) || !copy.ReadSubReader(out, length)) {
    return false;
  }
  *this = copy;
  return true;
}

ByteView ByteReader::ReadRest() noexcept {
  const ByteView rest = data_;
  data_ = data_.subspan(data_.size());
  return rest;
}

bool ByteReader::ReadExpected(uint8_t c) noexcept {
  if (data_.empty() || data_[0] != c) {
    return false;
  }
  data_ = data_.subspan(1);
  return true;
}

bool ByteReader::ReadLiteral(std::string_view literal) noexcept {
  const ByteView expected = AsBytes(literal);
  if (data_.size() < expected.size() ||
      !std::equal(expected.begin(), expected.end(), data_.begin())) {
    return false;
  }
  data_ = data_.subspan(expected.size());
  return true;
}

bool ByteReader::ReadUntil(ByteView* out, uint8_t delim) noexcept {
  const auto it = std::find(data_.begin(), data_.end(), delim);
  if (it == data_.end()) {
    return false;
  }
  const size_t n = static_cast<size_t>(it - data_.begin());
  *out = data_.first(n);
  data_ = data_.subspan(n);
  return true;
}

ByteView ByteReader::ReadField(uint8_t delim) noexcept {
  const auto it = std::find(data_.begin(), data_.end(), delim);
  const size_t n = static_cast<size_t>(it - data_.begin());
  const ByteView field = data_.first(n);
  data_ = data_.subspan(n);
  return field;
}

bool ByteWriter::Reserve(size_t n) {
  if (failed_) {
    return false;
  }
  if (n > max_size_ || buffer_.size() > max_size_ - n) {
    failed_ = true;
    return false;
  }
  return true;
}

void ByteWriter::AddU8(uint8_t value) {
  if (Reserve(1)) {
    buffer_.push_back(value);
  }
}

void ByteWriter::AddU16(uint16_t value) {
  if (Reserve(2)) {
    buffer_.push_back(static_cast<uint8_t>(value >> 8));
    buffer_.push_back(static_cast<uint8_t>(value));
  }
}

void ByteWriter::AddU32(uint32_t value) {
  if (Reserve(4)) {
    buffer_.push_back(static_cast<uint8_t>(value >> 24));
    buffer_.push_back(static_cast<uint8_t>(value >> 16));
    buffer_.push_back(static_cast<uint8_t>(value >> 8));
    buffer_.push_back(static_cast<uint8_t>(value));
  }
}

void ByteWriter::AddBytes(ByteView bytes) {
  if (Reserve(bytes.size())) {
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  }
}

void ByteWriter::AddU16LengthPrefixed(ByteView bytes) {
  if (bytes.size() > 0xffff) {
    failed_ = true;
    return;
  }
  if (!Reserve(bytes.size() + 2)) {
    return;
  }
  AddU16(static_cast<uint16_t>(bytes.size()));
  AddBytes(bytes);
}

std::optional<Bytes> ByteWriter::Finish() {
  std::optional<SecretBytes> secret = FinishSecret();
  if (!secret) {
    return std::nullopt;
  }
  return Bytes(secret->begin(), secret->end());
}

std::optional<SecretBytes> ByteWriter::FinishSecret() {
  SecretBytes out = std::move(buffer_);
  buffer_ = SecretBytes();
  const bool was_ok = !failed_;
  failed_ = true;
  if (!was_ok) {
    return std::nullopt;
  }
  return out;
}

}  // namespace e2esasl
