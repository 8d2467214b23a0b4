// sas_person.cc: see sas_person.h.
#include "sas_person.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "e2esasl/confirm.h"
#include "e2esasl/vouch.h"
#include "wire.h"

namespace e2esasl::demo {
namespace {

// kCompareWait bounds how long compare-file waits for the other end's file.
constexpr int kCompareWaitS = 10;

std::string OtherRole(const std::string& role) {
  return role == "alice" ? "bob" : "alice";
}

// Terminal is /dev/tty when there is one (stdin may be the chat), else stderr + stdin.
class Terminal {
 public:
  Terminal() : tty_(open("/dev/tty", O_RDWR | O_CLOEXEC)) {}
  void Write(const std::string& text) {
    if (tty_.valid()) {
      (void)!write(tty_.get(), text.data(), text.size());
    } else {
      std::cerr << text << std::flush;
    }
  }
  // ReadLine reads one line byte by byte (never past the newline: stdin's rest is the chat).
  // End of input: "".
  std::string ReadLine() {
    int fd = tty_.valid() ? tty_.get() : STDIN_FILENO;
    std::string line;
    char c = 0;
    while (read(fd, &c, 1) == 1 && c != '\n') {
      line.push_back(c);
    }
    if (!tty_.valid()) {
      std::cerr << line << std::endl;  // the terminal echoes; stdin does not
    }
    return line;
  }

 private:
  UniqueFd tty_;
};

bool IsYes(std::string answer) {
  answer.erase(std::remove_if(answer.begin(), answer.end(),
                              [](unsigned char c) { return std::isspace(c) != 0; }),
               answer.end());
  std::transform(answer.begin(), answer.end(), answer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return answer == "y" || answer == "yes";
}

// WriteOwn writes sas to PATH.<role> atomically (temp file + rename).
void WriteOwn(const PeerOptions& o, const std::string& sas) {
  std::string path = o.sas_compare_path + "." + o.role;
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << sas << "\n";
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw DemoError(ExitCode::kSetup, "cannot write " + path);
  }
}

// ReadPeer waits (bounded) for PATH.<other role>; "" when it did not appear.
std::string ReadPeer(const PeerOptions& o) {
  std::string path = o.sas_compare_path + "." + OtherRole(o.role);
  int wait_s = std::min(kCompareWaitS, o.timeout_s);
  Deadline deadline = Deadline::After(std::chrono::seconds(wait_s));
  for (;;) {
    std::ifstream in(path);
    std::string line;
    if (in && std::getline(in, line)) {
      return line;
    }
    if (deadline.Expired()) {
      return "";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

SasCallbacks MakeSasCallbacks(const PeerOptions& o, Report& report) {
  SasCallbacks cbs;
  std::string other = OtherRole(o.role);
  cbs.confirm = [&o, &report, other](const std::string& sas) {
    report.Set("sas", sas);
    bool accept = false;
    std::string how;
    switch (o.sas_answer) {
      case SasAnswer::kAsk: {
        Terminal term;
        term.Write(o.role + ": Short authentication string: " + sas + " -- does " + other +
                   " see the same? [y/N] ");
        accept = IsYes(term.ReadLine());
        how = "asked on the terminal";
        break;
      }
      case SasAnswer::kYes:
        accept = true;
        how = "--sas-answer yes";
        break;
      case SasAnswer::kNo:
        how = "--sas-answer no";
        break;
      case SasAnswer::kCompareFile: {
        WriteOwn(o, sas);
        std::string peer = ReadPeer(o);
        report.Set("sas_peer", peer);
        accept = !peer.empty() && peer == sas;
        how = peer.empty() ? "compare-file: " + other + "'s string did not appear"
                           : "compare-file: " + other + " sees " + peer;
        break;
      }
    }
    report.Set("sas_answer", accept ? "accepted" : "rejected");
    Log(o, "short authentication string " + sas + ": " + (accept ? "ACCEPTED" : "REJECTED") + " (" +
               how + ")");
    return accept;
  };
  // Both ends show the string as soon as they know it: bob's show runs before alice's person is
  // asked (alice answers first, bob last), so each person can compare before answering.
  cbs.show = [&o, &report, other](const std::string& sas) {
    report.Set("sas", sas);
    if (o.sas_answer == SasAnswer::kCompareFile) {
      WriteOwn(o, sas);  // the other person may be asked before this one: compare from now on
    }
    std::string text =
        o.role + ": Short authentication string: " + sas + " -- compare it with " + other + "'s (" +
        (o.role == "alice" ? "you answer first, then bob" : "alice answers first, then you") +
        ")\n";
    if (o.sas_answer == SasAnswer::kAsk) {
      Terminal().Write(text);
    } else {
      std::cerr << text << std::flush;
    }
  };
  cbs.continuity = [&o, &report, other](int event, const std::string& peer) {
    switch (event) {
      case E2ESASL_SAS_REMEMBERED:
        report.Set("continuity", "remembered");
        Log(o, other + " (" + peer + ") is remembered: no comparison needed");
        break;
      case E2ESASL_SAS_FIRST:
        report.Set("continuity", "first");
        Log(o, "first contact with " + other + " (" + peer + "): compare the strings");
        break;
      case E2ESASL_SAS_NOT_MATCHED:
        report.Set("continuity", "not-matched");
        std::cerr << o.role << ": WARNING: " << other << " (" << peer
                  << ") is remembered but did NOT prove it: a new device, a lost store, or a "
                     "man in the middle. Compare the strings!\n"
                  << std::flush;
        break;
      case E2ESASL_SAS_STORED:
        report.Set("continuity_stored", "yes");
        break;
      default:
        break;
    }
  };
  cbs.vouch_key = [&o, &report, other](int verdict, const std::string& identity,
                                       const std::string& evidence) {
    if (verdict == E2ESASL_VOUCH_CHANGED_KEY) {
      report.Set("vouch_key", "changed");
      report.Set("vouch_evidence", evidence);
      std::cerr << o.role << ": WARNING: the device key vouched for " << identity
                << " CHANGED since the last exchange: its server may be vouching for a man in "
                   "the middle (statement kept: "
                << evidence << ")\n"
                << std::flush;
    } else {
      report.Set("vouch_key", verdict == E2ESASL_VOUCH_FIRST_CONTACT ? "first" : "known");
      Log(o, identity + "'s device key: " +
                 (verdict == E2ESASL_VOUCH_FIRST_CONTACT ? "first contact, remembered" : "known"));
    }
  };
  return cbs;
}

}  // namespace e2esasl::demo
