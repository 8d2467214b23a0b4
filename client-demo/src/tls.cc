// tls.cc: names, the factory and LineChannel (see tls.h).
#include "tls.h"

#include <array>

namespace e2esasl::demo {

std::string_view TlsLibName(TlsLib lib) {
  return lib == TlsLib::kOpenssl ? "openssl" : "gnutls";
}

std::optional<TlsLib> ParseTlsLib(std::string_view name) {
  if (name == "openssl") {
    return TlsLib::kOpenssl;
  }
  if (name == "gnutls") {
    return TlsLib::kGnutls;
  }
  return std::nullopt;
}

std::string_view TlsVersionPinName(TlsVersionPin pin) {
  switch (pin) {
    case TlsVersionPin::kAny:
      return "any";
    case TlsVersionPin::kTls12:
      return "1.2";
    case TlsVersionPin::kTls13:
      return "1.3";
  }
  return "any";
}

std::optional<TlsVersionPin> ParseTlsVersionPin(std::string_view name) {
  if (name == "1.2") {
    return TlsVersionPin::kTls12;
  }
  if (name == "1.3") {
    return TlsVersionPin::kTls13;
  }
  if (name == "any") {
    return TlsVersionPin::kAny;
  }
  return std::nullopt;
}

std::unique_ptr<TlsChannel> TlsChannel::Handshake(UniqueFd fd, const TlsConfig& config,
                                                  Deadline deadline) {
  if (config.server && config.credentials == nullptr) {
    throw DemoError(ExitCode::kSetup, "TLS server end without credentials");
  }
  if (config.lib == TlsLib::kOpenssl) {
    return internal::OpensslHandshake(std::move(fd), config, deadline);
  }
  return internal::GnutlsHandshake(std::move(fd), config, deadline);
}

std::optional<std::string> LineChannel::ReadLine(Deadline deadline) {
  for (;;) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (line.find('\0') != std::string::npos) {
        throw DemoError(ExitCode::kProtocol, "peer sent a NUL byte");
      }
      return line;
    }
    if (buffer_.size() > kMaxLine) {
      throw DemoError(ExitCode::kProtocol, "peer sent a line longer than 64 KiB");
    }
    std::array<uint8_t, 16384> chunk{};
    size_t n = tls_->ReadSome(chunk, deadline);
    if (n == 0) {
      if (!buffer_.empty()) {
        throw DemoError(ExitCode::kConnectionLost, "connection closed in the middle of a line");
      }
      return std::nullopt;
    }
    buffer_.append(reinterpret_cast<const char*>(chunk.data()), n);
  }
}

void LineChannel::WriteLine(std::string_view line, Deadline deadline) {
  std::string out(line);
  out.push_back('\n');
  tls_->WriteAll(out, deadline);
}

}  // namespace e2esasl::demo
