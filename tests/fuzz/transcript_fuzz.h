// transcript_fuzz.h: the structure-aware two-party targets (<family>_transcript_fuzz.cc). A real
// client and a real server of one family, both deterministic (seeded RNGs, fixed credentials),
// run a whole exchange; the fuzzer's input is an edit script applied to the messages in flight.
// Unedited, the transcript is the genuine one, so an edit at message k reaches the receiver in
// the state a genuine exchange has at k: deeper than bytes fed to one party can get.
//
// Input: byte 0 is the configuration (the family's target reads it: hash, binding); the rest is
// a list of 4-byte edits {message, op, position, value}:
//   message   index of the message in flight (0 = client-first, 1 = server-first, ...), mod 8
//   op % 6    0 set the byte at position to value; 1 xor it with value (0 acts as 0xff);
//             2 insert value before position; 3 erase the byte at position; 4 truncate at
//             position; 5 append value
//   position  mod (message size + 1)
// Edits apply in input order; an edit that leaves a message equal to what was sent alters
// nothing.
//
// Invariants (FUZZ_CHECK):
//   - Status values: kOk, kContinue, kMalformed, kAuthFailed, kBadBinding only (the local
//     configuration is valid: never kInternal, never kUnavailable)
//   - no edit that changes a message: both parties end kOk (the transcript completes)
//   - a party ends kOk only if no message up to the last one it received was altered: the
//     family's authentication covers every message before the receiver's last one
//   - a failure is final: the party's next Step fails with the same Status and no output
//   - at most kMaxMessages messages; the exchange ends
#ifndef E2ESASL_TESTS_FUZZ_TRANSCRIPT_FUZZ_H_
#define E2ESASL_TESTS_FUZZ_TRANSCRIPT_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "common/bytes.h"
#include "common/random.h"
#include "common/status.h"
#include "fuzz_check.h"

namespace e2esasl::fuzz {

// SeededRng: a fixed mt19937 stream (deterministic, never exhausted; not random).
class SeededRng final : public Rng {
 public:
  explicit SeededRng(uint32_t seed) : engine_(seed) {}
  [[nodiscard]] bool Fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) {
      b = static_cast<uint8_t>(engine_());
    }
    return true;
  }

 private:
  std::mt19937 engine_;
};

struct Edit {
  uint8_t message;
  uint8_t op;
  uint8_t position;
  uint8_t value;
};

inline constexpr size_t kMaxMessages = 8;
inline constexpr size_t kEditSize = 4;

// EditsOf reads the edit list (the input after the configuration byte; a partial last edit is
// ignored).
inline std::vector<Edit> EditsOf(ByteView script) {
  std::vector<Edit> edits;
  for (size_t at = 0; at + kEditSize <= script.size(); at += kEditSize) {
    edits.push_back(Edit{static_cast<uint8_t>(script[at] % kMaxMessages), script[at + 1],
                         script[at + 2], script[at + 3]});
  }
  return edits;
}

// ApplyAt runs one edit on *message at byte at (<= message->size()).
inline void ApplyAt(const Edit& edit, size_t at, Bytes* message) {
  switch (edit.op % 6) {
    case 0:
      if (at < message->size()) {
        (*message)[at] = edit.value;
      }
      break;
    case 1:
      if (at < message->size()) {
        (*message)[at] ^= edit.value == 0 ? 0xff : edit.value;
      }
      break;
    case 2:
      message->insert(message->begin() + static_cast<std::ptrdiff_t>(at), edit.value);
      break;
    case 3:
      if (at < message->size()) {
        message->erase(message->begin() + static_cast<std::ptrdiff_t>(at));
      }
      break;
    case 4:
      message->resize(at);
      break;
    default:
      message->push_back(edit.value);
      break;
  }
}

// Apply runs the edits for message index on *message.
inline void Apply(const std::vector<Edit>& edits, size_t index, Bytes* message) {
  for (const Edit& edit : edits) {
    if (edit.message == index) {
      ApplyAt(edit, edit.position % (message->size() + 1), message);
    }
  }
}

inline bool Documented(Status status) {
  return status == Status::kOk || status == Status::kContinue || status == Status::kMalformed ||
         status == Status::kAuthFailed || status == Status::kBadBinding;
}

// ExchangeResult: how each party ended.
struct ExchangeResult {
  Status client = Status::kContinue;
  Status server = Status::kContinue;
  bool altered = false;
};

// RunEditedExchange runs client and server (Status Step(ByteView, Bytes*, Failure*)) to the end,
// the client first with an empty challenge, every message edited by script on its way, and
// checks the invariants above.
template <typename Client, typename Server>
ExchangeResult RunEditedExchange(Client& client, Server& server, ByteView script) {
  const std::vector<Edit> edits = EditsOf(script);
  ExchangeResult result;
  // first_altered: index of the first message that arrived altered (kMaxMessages: none);
  // last_received_*: index of the last message each party received.
  size_t first_altered = kMaxMessages;
  size_t last_received_client = 0;
  size_t last_received_server = 0;
  bool client_done = false;
  bool server_done = false;
  Bytes in;
  bool client_turn = true;
  for (size_t index = 0;; ++index) {
    FUZZ_CHECK(index <= kMaxMessages);
    Bytes out;
    Failure failure;
    const Status status =
        client_turn ? client.Step(in, &out, &failure) : server.Step(in, &out, &failure);
    FUZZ_CHECK(Documented(status));
    (client_turn ? result.client : result.server) = status;
    if (status != Status::kOk && status != Status::kContinue) {
      // A failure is final.
      Bytes again;
      Failure again_failure;
      const Status repeated = client_turn ? client.Step(in, &again, &again_failure)
                                          : server.Step(in, &again, &again_failure);
      FUZZ_CHECK(repeated == status);
      FUZZ_CHECK(again.empty());
      break;
    }
    if (status == Status::kOk) {
      (client_turn ? client_done : server_done) = true;
    }
    // The exchange ends when the peer has nothing more to receive (an empty message still
    // travels: OPAQUE's server-final is empty).
    if (client_turn ? server_done : client_done) {
      break;
    }
    // The message travels to the peer, edited.
    Bytes sent = out;
    Apply(edits, index, &out);
    if (out != sent && first_altered == kMaxMessages) {
      first_altered = index;
    }
    (client_turn ? last_received_server : last_received_client) = index;
    in = std::move(out);
    client_turn = !client_turn;
  }
  result.altered = first_altered != kMaxMessages;
  if (!result.altered) {
    FUZZ_CHECK(result.client == Status::kOk && result.server == Status::kOk);
  }
  if (result.client == Status::kOk) {
    FUZZ_CHECK(first_altered > last_received_client);
  }
  if (result.server == Status::kOk) {
    FUZZ_CHECK(first_altered > last_received_server);
  }
  return result;
}

}  // namespace e2esasl::fuzz

#endif  // E2ESASL_TESTS_FUZZ_TRANSCRIPT_FUZZ_H_
