// wire.cc: frame I/O over pipes.
#include "wire.h"

#include <errno.h>
#include <unistd.h>

#include <cstring>

namespace e2esasl::bench {
namespace {

constexpr uint32_t kMaxFrame = 1u << 20;

}  // namespace

bool WriteAll(int fd, const void* data, size_t len) {
  const auto* p = static_cast<const char*>(data);
  while (len > 0) {
    const ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

bool ReadAll(int fd, void* data, size_t len) {
  auto* p = static_cast<char*>(data);
  while (len > 0) {
    const ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

bool WriteFrame(int fd, FrameKind kind, std::string_view payload) {
  if (payload.size() > kMaxFrame) {
    return false;
  }
  char header[5];
  header[0] = static_cast<char>(kind);
  const auto len = static_cast<uint32_t>(payload.size());
  std::memcpy(header + 1, &len, sizeof(len));
  return WriteAll(fd, header, sizeof(header)) && WriteAll(fd, payload.data(), payload.size());
}

std::optional<Frame> ReadFrame(int fd) {
  char header[5];
  if (!ReadAll(fd, header, sizeof(header))) {
    return std::nullopt;
  }
  uint32_t len = 0;
  std::memcpy(&len, header + 1, sizeof(len));
  if (len > kMaxFrame) {
    return std::nullopt;
  }
  Frame frame;
  frame.kind = static_cast<FrameKind>(header[0]);
  frame.payload.resize(len);
  if (!ReadAll(fd, frame.payload.data(), len)) {
    return std::nullopt;
  }
  return frame;
}

}  // namespace e2esasl::bench
