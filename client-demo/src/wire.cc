// wire.cc: see wire.h.
#include "wire.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>

namespace e2esasl::demo {
namespace {

Deadline TimeoutFrom(const PeerOptions& o) {
  return Deadline::After(std::chrono::seconds(o.timeout_s));
}

// StdinLines reads stdin line by line without blocking the chat loop.
class StdinLines {
 public:
  // Read consumes what is readable now; false at end of input.
  bool Read() {
    char buf[4096];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
      return true;
    }
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }
  std::optional<std::string> Next() {
    size_t nl = buffer_.find('\n');
    if (nl == std::string::npos) {
      if (eof_ && !buffer_.empty()) {
        std::string rest;
        rest.swap(buffer_);
        return rest;
      }
      return std::nullopt;
    }
    std::string line = buffer_.substr(0, nl);
    buffer_.erase(0, nl + 1);
    return line;
  }
  bool eof() const { return eof_; }

 private:
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace

void Log(const PeerOptions& options, const std::string& message) {
  std::cerr << options.role << ": " << message << std::endl;
}

void Wire::Send(const std::string& line) {
  if (o_.verbose) {
    Log(o_, "-> " + line);
  }
  ch_.WriteLine(line, TimeoutFrom(o_));
}

std::string Wire::Receive(bool wait_forever) {
  auto line = ch_.ReadLine(wait_forever ? Deadline::Never() : TimeoutFrom(o_));
  if (!line) {
    throw DemoError(ExitCode::kConnectionLost, "the peer closed the connection");
  }
  if (o_.verbose) {
    Log(o_, "<- " + *line);
  }
  return *line;
}

std::pair<std::string, std::string> SplitCommand(const std::string& line) {
  size_t sp = line.find(' ');
  if (sp == std::string::npos) {
    return {line, ""};
  }
  return {line.substr(0, sp), line.substr(sp + 1)};
}

std::string EncodeData(const Bytes& data) {
  return data.empty() ? "=" : Base64Encode(data);
}

Bytes DecodeData(const std::string& field, const std::string& what) {
  if (field == "=") {
    return {};
  }
  auto data = Base64Decode(field);
  if (!data) {
    throw DemoError(ExitCode::kProtocol, what + ": not valid base64");
  }
  return *data;
}

void Chat(Wire& wire, const PeerOptions& o, const std::string& peer_name, Report& report) {
  bool sent_bye = false;
  bool got_bye = false;
  auto say = [&](const std::string& text) {
    wire.Send("MSG " + text);
    report.Add("said", text);
  };
  if (o.has_say) {
    for (const std::string& text : o.say) {
      say(text);
    }
    wire.Send("BYE");
    sent_bye = true;
  }
  StdinLines input;
  LineChannel& ch = wire.channel();
  while (!(sent_bye && got_bye)) {
    if (!sent_bye && !ch.Ready()) {
      // Interactive: wait for the keyboard or the peer, whichever comes first.
      pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {ch.tls().fd(), POLLIN, 0}};
      int r = poll(fds, 2, -1);
      if (r < 0 && errno != EINTR) {
        throw DemoError(ExitCode::kConnectionLost, std::string("poll: ") + std::strerror(errno));
      }
      if (r > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        input.Read();
        while (auto text = input.Next()) {
          say(*text);
        }
        if (input.eof()) {
          wire.Send("BYE");
          sent_bye = true;
        }
        continue;
      }
      if (r <= 0) {
        continue;
      }
    }
    // Interactive chat may idle; once we said BYE (or in --say mode) the peer must answer.
    std::string line = wire.Receive(/*wait_forever=*/!sent_bye);
    auto [command, rest] = SplitCommand(line);
    if (command == "MSG") {
      std::cout << peer_name << ": " << rest << std::endl;
      report.Add("heard", rest);
    } else if (command == "BYE") {
      got_bye = true;
      if (!sent_bye) {
        Log(o, peer_name + " left the chat");
        wire.Send("BYE");
        sent_bye = true;
      }
    } else if (command == "FAIL") {
      throw DemoError(ExitCode::kRefused, peer_name + " aborted: " + rest);
    } else {
      throw DemoError(ExitCode::kProtocol,
                      "unexpected message in the chat: '" + line.substr(0, 60) + "'");
    }
  }
}

std::string PromptPassword(const std::string& user) {
  UniqueFd tty(open("/dev/tty", O_RDWR | O_CLOEXEC));
  if (!tty.valid()) {
    std::string line;
    if (!std::getline(std::cin, line)) {
      throw DemoError(ExitCode::kSetup, "no --password, no terminal and nothing on stdin");
    }
    return line;
  }
  std::string prompt = "password for " + user + ": ";
  (void)!write(tty.get(), prompt.data(), prompt.size());
  termios saved{};
  bool restore = tcgetattr(tty.get(), &saved) == 0;
  if (restore) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    tcsetattr(tty.get(), TCSAFLUSH, &quiet);
  }
  std::string password;
  char c = 0;
  while (read(tty.get(), &c, 1) == 1 && c != '\n') {
    password.push_back(c);
  }
  if (restore) {
    tcsetattr(tty.get(), TCSAFLUSH, &saved);
  }
  return password;
}

void Report::Set(const std::string& key, const std::string& value) {
  for (auto& [k, v] : entries_) {
    if (k == key) {
      v = value;
      return;
    }
  }
  entries_.emplace_back(key, value);
}

void Report::Add(const std::string& key, const std::string& value) {
  entries_.emplace_back(key, value);
}

void Report::WriteTo(const std::string& path) const {
  if (path.empty()) {
    return;
  }
  std::ofstream out(path, std::ios::trunc);
  for (const auto& [k, v] : entries_) {
    std::string clean = v;
    for (char& c : clean) {
      if (c == '\n' || c == '\r') {
        c = ' ';
      }
    }
    out << k << ' ' << clean << '\n';
  }
}

Report Report::Load(const std::string& path) {
  Report report;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t sp = line.find(' ');
    if (sp == std::string::npos) {
      report.Add(line, "");
    } else {
      report.Add(line.substr(0, sp), line.substr(sp + 1));
    }
  }
  return report;
}

std::string Report::Get(const std::string& key) const {
  for (const auto& [k, v] : entries_) {
    if (k == key) {
      return v;
    }
  }
  return "";
}

std::vector<std::string> Report::GetAll(const std::string& key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : entries_) {
    if (k == key) {
      out.push_back(v);
    }
  }
  return out;
}

}  // namespace e2esasl::demo
