// messages.cc: parsers and printers of the SCRAM messages (RFC 5802 section 7).
#include "scram/messages.h"

#include <array>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "common/base64.h"
#include "scram/grammar.h"

namespace e2esasl::scram {
namespace {

static_assert(kNonceAlphabet.size() == 93, "printable = %x21-2B / %x2D-7E");

// kMaxBindingInputSize caps the decoded c= (gs2-header + cbind-data).
constexpr size_t kMaxBindingInputSize = kMaxMessageSize;

// Reject records why a message is malformed (the rule, without the message name: Parse adds
// that) and gives the nullopt the parser returns.
std::nullopt_t Reject(Failure* out_failure, std::string rule) {
  Fail(out_failure, Status::kMalformed, std::move(rule));
  return std::nullopt;
}

// Parsed wraps one message parser: on failure it prefixes the rule with the message name.
template <typename T>
std::optional<T> Parsed(std::optional<T> message, std::string_view message_name,
                        const Failure& failure, Failure* out_failure) {
  if (!message) {
    Fail(out_failure, Status::kMalformed, std::string(message_name) + ": " + failure.detail);
  }
  return message;
}

// CheckSize rejects an empty message and one above kMaxMessageSize.
bool CheckSize(ByteView in, Failure* out_failure) {
  if (in.empty()) {
    Fail(out_failure, Status::kMalformed, "empty message");
    return false;
  }
  if (in.size() > kMaxMessageSize) {
    Fail(out_failure, Status::kMalformed,
         "message too long (" + std::to_string(in.size()) + " bytes, limit " +
             std::to_string(kMaxMessageSize) + ")");
    return false;
  }
  return true;
}

// ReadBase64Attribute reads "<name>=" base64 with a non-empty decoded value of at most max_size;
// `what` names the attribute in the failure detail.
bool ReadBase64Attribute(ByteReader* in, char name, std::string_view what, size_t max_size,
                         Bytes* out, Failure* out_failure) {
  ByteReader copy = *in;
  std::string_view text;
  if (!ReadRequiredAttribute(&copy, name, what, &text, out_failure)) {
    return false;
  }
  std::optional<Bytes> decoded = Base64Decode(text, max_size);
  if (!decoded || decoded->empty()) {
    // Tell an oversized value from bad base64 by decoding again without the cap.
    if (!decoded && Base64Decode(text, std::numeric_limits<size_t>::max())) {
      Fail(out_failure, Status::kMalformed,
           std::string(what) + " longer than " + std::to_string(max_size) + " bytes");
    } else if (!decoded) {
      Fail(out_failure, Status::kMalformed,
           std::string(what) + " is not valid base64 (RFC 4648, padded, canonical)");
    } else {
      Fail(out_failure, Status::kMalformed,
           "empty " + std::string(what) + " (" + std::string(1, name) + "=)");
    }
    return false;
  }
  *out = std::move(*decoded);
  *in = copy;
  return true;
}

// ReadNonceAttribute reads "r=" 1*printable.
bool ReadNonceAttribute(ByteReader* in, std::string* out, Failure* out_failure) {
  ByteReader copy = *in;
  std::string_view text;
  if (!ReadRequiredAttribute(&copy, 'r', "nonce", &text, out_failure)) {
    return false;
  }
  if (!IsValidNonce(text)) {
    Fail(out_failure, Status::kMalformed,
         "nonce (r=) has a character outside printable (%x21-2B / %x2D-7E)");
    return false;
  }
  *out = std::string(text);
  *in = copy;
  return true;
}

// ReadIterationCount reads "i=" posit-number (%x31-39 *DIGIT) that fits in uint32_t.
bool ReadIterationCount(ByteReader* in, uint32_t* out, Failure* out_failure) {
  ByteReader copy = *in;
  std::string_view text;
  if (!ReadRequiredAttribute(&copy, 'i', "iteration count", &text, out_failure)) {
    return false;
  }
  bool digits = true;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      digits = false;
      break;
    }
    if (value <= std::numeric_limits<uint32_t>::max()) {
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
  }
  if (!digits) {
    Fail(out_failure, Status::kMalformed, "iteration count is not a positive decimal number");
    return false;
  }
  if (text[0] == '0') {
    Fail(out_failure, Status::kMalformed, "iteration count is zero or has a leading zero");
    return false;
  }
  if (text.size() > 10 || value > std::numeric_limits<uint32_t>::max()) {
    Fail(out_failure, Status::kMalformed, "iteration count does not fit in 32 bits");
    return false;
  }
  *out = static_cast<uint32_t>(value);
  *in = copy;
  return true;
}

// SaslNameProblem says why gs2::UnescapeSaslName rejected the escaped username (checked in the
// order UnescapeSaslName applies its rules; called only after it failed).
std::string SaslNameProblem(std::string_view escaped) {
  if (escaped.size() > gs2::kMaxSaslNameBytes) {
    return "username (n=) longer than " + std::to_string(gs2::kMaxSaslNameBytes) + " bytes";
  }
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\0') {
      return "username (n=) contains NUL";
    }
    if (escaped[i] == '=') {
      const std::string_view code = escaped.substr(i + 1, 2);
      if (code != "2C" && code != "3D") {
        return "invalid username encoding (only =2C and =3D may follow '=')";
      }
      i += 2;
    }
  }
  return "username (n=) is not valid UTF-8";
}

void AddAttribute(ByteWriter& out, char name, std::string_view value) {
  out.AddU8(static_cast<uint8_t>(name));
  out.AddU8('=');
  out.AddString(value);
}

// ---- Parsers: each sets *failure to the first broken rule; Parse adds the message name ----

std::optional<ClientFirst> ParseClientFirst(ByteView in, Failure* failure) {
  if (!CheckSize(in, failure)) {
    return std::nullopt;
  }
  ByteReader reader(in);
  ClientFirst message;
  // client-first-message = gs2-header client-first-message-bare
  Failure gs2_failure;
  std::optional<gs2::Gs2Header> header = gs2::Gs2Header::Parse(reader, nullptr, &gs2_failure);
  if (!header) {
    return Reject(failure, gs2_failure.detail.empty() ? "invalid gs2 header" : gs2_failure.detail);
  }
  message.gs2_header = std::move(*header);
  // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
  std::string_view username;
  if (!ReadRequiredAttribute(&reader, 'n', "username", &username, failure)) {
    return std::nullopt;
  }
  std::optional<std::string> unescaped = gs2::UnescapeSaslName(username);
  if (!unescaped) {
    return Reject(failure, SaslNameProblem(username));
  }
  message.username = std::move(*unescaped);
  if (!reader.ReadExpected(',')) {
    return Reject(failure, "missing nonce (r=)");
  }
  if (!ReadNonceAttribute(&reader, &message.nonce, failure) ||
      !ReadExtensions(&reader, &message.extensions, 0, failure)) {
    return std::nullopt;
  }
  if (!reader.Empty()) {
    return Reject(failure, "unexpected data after the last attribute");
  }
  return message;
}

std::optional<ServerFirst> ParseServerFirst(ByteView in, Failure* failure) {
  if (!CheckSize(in, failure)) {
    return std::nullopt;
  }
  ByteReader reader(in);
  ServerFirst message;
  // server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count
  //                        ["," extensions]
  if (!ReadNonceAttribute(&reader, &message.nonce, failure)) {
    return std::nullopt;
  }
  if (!reader.ReadExpected(',')) {
    return Reject(failure, "missing salt (s=)");
  }
  if (!ReadBase64Attribute(&reader, 's', "salt", kMaxSaltSize, &message.salt, failure)) {
    return std::nullopt;
  }
  if (!reader.ReadExpected(',')) {
    return Reject(failure, "missing iteration count (i=)");
  }
  if (!ReadIterationCount(&reader, &message.iterations, failure) ||
      !ReadExtensions(&reader, &message.extensions, 0, failure)) {
    return std::nullopt;
  }
  if (!reader.Empty()) {
    return Reject(failure, "unexpected data after the last attribute");
  }
  return message;
}

std::optional<ClientFinal> ParseClientFinal(ByteView in, Failure* failure) {
  if (!CheckSize(in, failure)) {
    return std::nullopt;
  }
  ByteReader reader(in);
  ClientFinal message;
  // client-final-message-without-proof = channel-binding "," nonce ["," extensions]
  // client-final-message = client-final-message-without-proof "," proof
  // The proof is the last attribute: extensions are read up to the ",p=" that starts it.
  if (!ReadBase64Attribute(&reader, 'c', "channel binding", kMaxBindingInputSize,
                           &message.channel_binding, failure)) {
    return std::nullopt;
  }
  if (!reader.ReadExpected(',')) {
    return Reject(failure, "missing nonce (r=)");
  }
  if (!ReadNonceAttribute(&reader, &message.nonce, failure) ||
      !ReadExtensions(&reader, &message.extensions, 'p', failure)) {
    return std::nullopt;
  }
  if (!reader.ReadExpected(',')) {
    return Reject(failure, "proof (p=) missing or not last");
  }
  if (!ReadBase64Attribute(&reader, 'p', "proof", kMaxDigestSize, &message.proof, failure)) {
    return std::nullopt;
  }
  if (!reader.Empty()) {
    return Reject(failure, "trailing data after the proof (p= must be last)");
  }
  return message;
}

std::optional<ServerFinal> ParseServerFinal(ByteView in, Failure* failure) {
  if (!CheckSize(in, failure)) {
    return std::nullopt;
  }
  ByteReader reader(in);
  ServerFinal message;
  // server-final-message = (server-error / verifier) ["," extensions]
  // server-error = "e=" server-error-value; server-error-value-ext = value
  std::string_view error;
  if (ReadAttribute(&reader, 'e', &error)) {
    if (!IsValidValue(error)) {
      return Reject(failure, "server error (e=) contains NUL or invalid UTF-8");
    }
    message.error = std::string(error);
  } else if (AtAttribute(reader, 'e')) {
    return Reject(failure, "empty server error (e=)");
  } else if (!AtAttribute(reader, 'v') && !AtAttribute(reader, 'm')) {
    return Reject(failure, "missing verifier (v=) or server error (e=)");
  } else if (!ReadBase64Attribute(&reader, 'v', "verifier", kMaxDigestSize, &message.verifier,
                                  failure)) {
    return std::nullopt;
  }
  if (!ReadExtensions(&reader, &message.extensions, 0, failure)) {
    return std::nullopt;
  }
  if (!reader.Empty()) {
    return Reject(failure, "unexpected data after the last attribute");
  }
  return message;
}

}  // namespace

bool IsChannelBindingError(std::string_view value) {
  return value == kErrorChannelBindingsDontMatch ||
         value == kErrorServerDoesSupportChannelBinding ||
         value == kErrorChannelBindingNotSupported || value == kErrorUnsupportedChannelBindingType;
}

bool IsValidNonce(std::string_view nonce) {
  if (nonce.empty()) {
    return false;
  }
  for (char c : nonce) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e || u == ',') {
      return false;
    }
  }
  return true;
}

std::optional<std::string> GenerateNonce(Rng& rng, size_t size) {
  if (size == 0) {
    return std::nullopt;
  }
  constexpr size_t kAccept = 2 * kNonceAlphabet.size();  // 186: b % 93 is then uniform
  std::string nonce;
  nonce.reserve(size);
  std::array<uint8_t, 64> buffer{};
  while (nonce.size() < size) {
    const size_t want = std::min(buffer.size(), size - nonce.size());
    if (!rng.Fill(std::span<uint8_t>(buffer.data(), want))) {
      return std::nullopt;
    }
    for (size_t i = 0; i < want; ++i) {
      if (buffer[i] < kAccept) {
        nonce.push_back(kNonceAlphabet[buffer[i] % kNonceAlphabet.size()]);
      }
    }
  }
  return nonce;
}

// ---- ClientFirst ----------------------------------------------------------------------------

std::optional<ClientFirst> ClientFirst::Parse(ByteView in, Failure* out_failure) {
  Failure failure;
  return Parsed(ParseClientFirst(in, &failure), "client-first-message", failure, out_failure);
}

void ClientFirst::SerializeGs2Header(ByteWriter& out) const {
  gs2_header.Serialize(out);
}

void ClientFirst::SerializeBare(ByteWriter& out) const {
  std::optional<std::string> escaped = gs2::EscapeSaslName(username);
  if (!escaped || !IsValidNonce(nonce) || !ExtensionsAreValid(extensions)) {
    out.MarkFailed();
    return;
  }
  AddAttribute(out, 'n', *escaped);
  out.AddU8(',');
  AddAttribute(out, 'r', nonce);
  AddExtensions(out, extensions);
}

void ClientFirst::Serialize(ByteWriter& out) const {
  SerializeGs2Header(out);
  SerializeBare(out);
}

// ---- ServerFirst ----------------------------------------------------------------------------

std::optional<ServerFirst> ServerFirst::Parse(ByteView in, Failure* out_failure) {
  Failure failure;
  return Parsed(ParseServerFirst(in, &failure), "server-first-message", failure, out_failure);
}

void ServerFirst::Serialize(ByteWriter& out) const {
  if (!IsValidNonce(nonce) || salt.empty() || salt.size() > kMaxSaltSize || iterations == 0 ||
      !ExtensionsAreValid(extensions)) {
    out.MarkFailed();
    return;
  }
  AddAttribute(out, 'r', nonce);
  out.AddU8(',');
  AddAttribute(out, 's', Base64Encode(salt));
  out.AddU8(',');
  AddAttribute(out, 'i', std::to_string(iterations));
  AddExtensions(out, extensions);
}

// ---- ClientFinal ----------------------------------------------------------------------------

std::optional<ClientFinal> ClientFinal::Parse(ByteView in, Failure* out_failure) {
  Failure failure;
  return Parsed(ParseClientFinal(in, &failure), "client-final-message", failure, out_failure);
}

void ClientFinal::SerializeWithoutProof(ByteWriter& out) const {
  if (channel_binding.empty() || channel_binding.size() > kMaxBindingInputSize ||
      !IsValidNonce(nonce) || !ExtensionsAreValid(extensions)) {
    out.MarkFailed();
    return;
  }
  AddAttribute(out, 'c', Base64Encode(channel_binding));
  out.AddU8(',');
  AddAttribute(out, 'r', nonce);
  AddExtensions(out, extensions);
}

void ClientFinal::Serialize(ByteWriter& out) const {
  if (proof.empty() || proof.size() > kMaxDigestSize) {
    out.MarkFailed();
    return;
  }
  SerializeWithoutProof(out);
  out.AddU8(',');
  AddAttribute(out, 'p', Base64Encode(proof));
}

// ---- ServerFinal ----------------------------------------------------------------------------

std::optional<ServerFinal> ServerFinal::Parse(ByteView in, Failure* out_failure) {
  Failure failure;
  return Parsed(ParseServerFinal(in, &failure), "server-final-message", failure, out_failure);
}

void ServerFinal::Serialize(ByteWriter& out) const {
  if (error.empty() == verifier.empty() || verifier.size() > kMaxDigestSize ||
      (!error.empty() && !IsValidValue(error)) || !ExtensionsAreValid(extensions)) {
    out.MarkFailed();
    return;
  }
  if (!error.empty()) {
    AddAttribute(out, 'e', error);
  } else {
    AddAttribute(out, 'v', Base64Encode(verifier));
  }
  AddExtensions(out, extensions);
}

// ---- AuthMessage ----------------------------------------------------------------------------

std::optional<Bytes> BuildAuthMessage(const ClientFirst& client_first,
                                      const ServerFirst& server_first,
                                      const ClientFinal& client_final) {
  // AuthMessage := client-first-message-bare + "," + server-first-message + "," +
  //                client-final-message-without-proof                   (RFC 5802 s3)
  ByteWriter writer(3 * kMaxMessageSize);
  client_first.SerializeBare(writer);
  writer.AddU8(',');
  server_first.Serialize(writer);
  writer.AddU8(',');
  client_final.SerializeWithoutProof(writer);
  return writer.Finish();
}

}  // namespace e2esasl::scram
