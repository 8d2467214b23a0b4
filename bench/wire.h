// wire.h: the frames a bench client and server exchange over a pair of pipes. Both ends are the
// same binary, so the layout is this file's and nothing else's: one kind byte, a 32-bit length
// in host order, then the payload.
#ifndef E2ESASL_BENCH_WIRE_H_
#define E2ESASL_BENCH_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace e2esasl::bench {

enum class FrameKind : uint8_t {
  kStart = 1,    // client -> server: mechanism name, NUL, flag byte ('1' initial response), data
  kData = 2,     // a challenge or a response
  kSuccess = 3,  // server -> client: the server finished; flag byte ('1' data follows), data
  kDone = 4,     // client -> server: the client verified the outcome
  kFail = 5,     // either way: the sender failed; payload says why
};

struct Frame {
  FrameKind kind = FrameKind::kFail;
  std::string payload;
};

// WriteFrame writes one frame to fd; false on a write error (EPIPE when the peer is gone).
bool WriteFrame(int fd, FrameKind kind, std::string_view payload);

// ReadFrame reads one frame from fd; std::nullopt on EOF, a read error or an oversized frame.
std::optional<Frame> ReadFrame(int fd);

// WriteAll / ReadAll move exactly len bytes; false on error or (for ReadAll) early EOF.
bool WriteAll(int fd, const void* data, size_t len);
bool ReadAll(int fd, void* data, size_t len);

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_WIRE_H_
