// util.cc: see util.h.
#include "util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace e2esasl::demo {

std::string_view ExitCodeName(ExitCode code) {
  switch (code) {
    case ExitCode::kOk:
      return "ok";
    case ExitCode::kUnexpected:
      return "unexpected";
    case ExitCode::kUsage:
      return "usage";
    case ExitCode::kSetup:
      return "setup";
    case ExitCode::kTls:
      return "tls";
    case ExitCode::kRefused:
      return "refused";
    case ExitCode::kProtocol:
      return "protocol";
    case ExitCode::kConnectionLost:
      return "connection-lost";
    case ExitCode::kTimeout:
      return "timeout";
  }
  return "unknown";
}

int Deadline::RemainingMs() const {
  if (at_ == Clock::time_point::max()) {
    return -1;
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at_ - Clock::now()).count();
  if (left <= 0) {
    return 0;
  }
  return left > 1000000 ? 1000000 : static_cast<int>(left);
}

std::string Hex(std::span<const uint8_t> data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t b : data) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

sockaddr_in ToSockaddr(const HostPort& where) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(where.port);
  std::string host = where.host == "localhost" ? "127.0.0.1" : where.host;
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    throw DemoError(ExitCode::kUsage, "not an IPv4 address: " + where.host);
  }
  return addr;
}

std::string Errno(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

std::string Base64Encode(std::span<const uint8_t> data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out.push_back(kBase64[(v >> 18) & 63]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(kBase64[(v >> 6) & 63]);
    out.push_back(kBase64[v & 63]);
  }
  size_t rest = data.size() - i;
  if (rest == 1) {
    uint32_t v = uint32_t{data[i]} << 16;
    out.push_back(kBase64[(v >> 18) & 63]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.append("==");
  } else if (rest == 2) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
    out.push_back(kBase64[(v >> 18) & 63]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(kBase64[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::optional<Bytes> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    std::array<int, 4> v{};
    int pad = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (c == '=' && last && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) {
        return std::nullopt;  // data after padding
      }
      v[j] = Base64Value(c);
      if (v[j] < 0) {
        return std::nullopt;
      }
    }
    uint32_t word =
        (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
    out.push_back(static_cast<uint8_t>(word >> 16));
    if (pad < 2) {
      out.push_back(static_cast<uint8_t>(word >> 8));
    }
    if (pad < 1) {
      out.push_back(static_cast<uint8_t>(word));
    }
    // Canonical form: the bits dropped by padding must be zero.
    if ((pad == 1 && (v[2] & 3) != 0) || (pad == 2 && (v[1] & 15) != 0)) {
      return std::nullopt;
    }
  }
  return out;
}

HostPort ParseHostPort(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    throw DemoError(ExitCode::kUsage, "expected HOST:PORT, got '" + std::string(text) + "'");
  }
  HostPort hp;
  hp.host = std::string(text.substr(0, colon));
  std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    throw DemoError(ExitCode::kUsage, "bad port in '" + std::string(text) + "'");
  }
  hp.port = static_cast<uint16_t>(value);
  return hp;
}

void SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    throw DemoError(ExitCode::kSetup, Errno("fcntl O_NONBLOCK"));
  }
}

bool WaitFd(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int r = poll(&p, 1, deadline.RemainingMs());
    if (r > 0) {
      return true;
    }
    if (r == 0) {
      return false;
    }
    if (errno != EINTR) {
      throw DemoError(ExitCode::kConnectionLost, Errno("poll"));
    }
  }
}

void DrainUntilPeerCloses(int fd, Deadline deadline) noexcept {
  shutdown(fd, SHUT_WR);
  char buffer[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const int r = poll(&p, 1, deadline.RemainingMs());
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r <= 0) {
      return;
    }
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      return;
    }
  }
}

UniqueFd Listen(const HostPort& where) {
  sockaddr_in addr = ToSockaddr(where);
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    throw DemoError(ExitCode::kSetup, Errno("socket"));
  }
  int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    throw DemoError(ExitCode::kSetup,
                    Errno("bind " + where.host + ":" + std::to_string(where.port)));
  }
  if (listen(fd.get(), 8) != 0) {
    throw DemoError(ExitCode::kSetup, Errno("listen"));
  }
  return fd;
}

uint16_t LocalPort(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw DemoError(ExitCode::kSetup, Errno("getsockname"));
  }
  return ntohs(addr.sin_port);
}

UniqueFd Accept(int listen_fd, Deadline deadline) {
  for (;;) {
    if (!WaitFd(listen_fd, POLLIN, deadline)) {
      throw DemoError(ExitCode::kTimeout, "no connection arrived in time");
    }
    UniqueFd fd(accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC));
    if (fd.valid()) {
      SetNonBlocking(fd.get());
      int one = 1;
      setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      return fd;
    }
    if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
      throw DemoError(ExitCode::kSetup, Errno("accept"));
    }
  }
}

UniqueFd Connect(const HostPort& where, Deadline deadline) {
  sockaddr_in addr = ToSockaddr(where);
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    throw DemoError(ExitCode::kSetup, Errno("socket"));
  }
  SetNonBlocking(fd.get());
  std::string name = where.host + ":" + std::to_string(where.port);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno != EINPROGRESS) {
      throw DemoError(ExitCode::kSetup, Errno("connect " + name));
    }
    if (!WaitFd(fd.get(), POLLOUT, deadline)) {
      throw DemoError(ExitCode::kTimeout, "connect " + name + ": timed out");
    }
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      errno = err;
      throw DemoError(ExitCode::kSetup, Errno("connect " + name));
    }
  }
  int one = 1;
  setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

bool WriteAllFd(int fd, std::string_view data, Deadline deadline) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFd(fd, POLLOUT, deadline)) {
        return false;
      }
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace e2esasl::demo
