// messages.cc: parsers and printers of the SCRAM messages (RFC 5802 section 7), on the shared
// attribute syntax (common/attributes.h) with RFC 5802's per-attribute rules applied here.
#include "scram/messages.h"

#include <array>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "common/attributes.h"
#include "common/base64.h"
#include "common/hash.h"
#include "common/utf8.h"

namespace e2esasl::scram {
using attr::AddAttribute;
using attr::AtAttribute;
using attr::Malformed;
using attr::ReadAttribute;

namespace {

static_assert(kNonceAlphabet.size() == 93, "printable = %x21-2B / %x2D-7E");

// kMaxBindingInputSize caps the decoded c= (gs2-header + cbind-data).
constexpr size_t kMaxBindingInputSize = kMaxMessageSize;
// kDefinedAttributes: the attribute letters RFC 5802 defines; none of them is an extension.
constexpr std::string_view kDefinedAttributes = "aceimnprsv";

// Parsed wraps one message parser: on failure it prefixes the rule with the message name.
template <typename T>
std::optional<T> Parsed(std::optional<T> message, std::string_view message_name,
                        const Failure& failure, Failure* out_failure) {
  if (!message) {
    Fail(out_failure, Status::kMalformed, std::string(message_name) + ": " + failure.detail);
  }
  return message;
}

bool IsAlpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool IsExtensionName(char c) {
  return IsAlpha(c) && kDefinedAttributes.find(c) == std::string_view::npos;
}

// IsValidValue is true for value = 1*value-char: non-empty, well-formed UTF-8, no NUL, no ','.
bool IsValidValue(std::string_view text) {
  // value-char = value-safe-char / "="; value-safe-char = UTF8-char except NUL, "=" and ","
  return !text.empty() && text.find('\0') == std::string_view::npos &&
         text.find(',') == std::string_view::npos && utf8::IsValid(text);
}

// ReadRequiredAttribute reads an attribute the grammar requires at this point, with a non-empty
// value (every attribute RFC 5802 requires has 1* in its rule); `what` names it for the detail.
// On failure *in is unchanged and *out_failure says "unsupported mandatory extension (m=)" at
// "m=", "empty <what> (<name>=)" for an empty value and "missing <what> (<name>=)" otherwise.
bool ReadRequiredAttribute(ByteReader* in, char name, std::string_view what,
                           std::string_view* out_text, Failure* out_failure) {
  ByteReader copy = *in;
  std::string_view text;
  const std::string attribute = " (" + std::string(1, name) + "=)";
  if (ReadAttribute(&copy, name, &text)) {
    if (text.empty()) {
      Fail(out_failure, Status::kMalformed, "empty " + std::string(what) + attribute);
      return false;
    }
    *out_text = text;
    *in = copy;
    return true;
  }
  // reserved-mext = "m=" 1*(value-char): no mandatory extension is understood (RFC 5802 s5.1)
  Fail(out_failure, Status::kMalformed,
       AtAttribute(*in, 'm') ? std::string("unsupported mandatory extension (m=)")
                             : "missing " + std::string(what) + attribute);
  return false;
}

// ReadExtensions reads *("," attr-val) while the reader starts with ',' (and, when stop is not
// 0, while the next attribute is not "<stop>="), appending to *out. Fails, leaving *in
// unchanged, on an attr-val that is not ALPHA "=" value, or whose letter RFC 5802 defines
// (reserved-mext included); *out_failure then names the broken rule.
bool ReadExtensions(ByteReader* in, std::vector<Extension>* out, char stop, Failure* out_failure) {
  ByteReader copy = *in;
  std::vector<Extension> extensions;
  // extensions = attr-val *("," attr-val); attr-val = ALPHA "=" value
  while (!copy.Empty()) {
    const ByteView rest = copy.Peek();
    if (rest[0] != ',') {
      Fail(out_failure, Status::kMalformed, "unexpected data after the last attribute");
      return false;
    }
    if (stop != 0 && rest.size() >= 3 && rest[1] == stop && rest[2] == '=') {
      break;
    }
    uint8_t byte = 0;
    if (!copy.ReadExpected(',') || !copy.PeekU8(&byte)) {
      Fail(out_failure, Status::kMalformed, "trailing ',' (no attribute follows)");
      return false;
    }
    const char name = static_cast<char>(byte);
    const std::string letter(1, name);
    if (!IsExtensionName(name)) {
      Fail(out_failure, Status::kMalformed,
           name == 'm'     ? std::string("unsupported mandatory extension (m=)")
           : IsAlpha(name) ? "attribute " + letter + "= is not allowed at this position"
                           : std::string("extension name is not a letter (ALPHA)"));
      return false;
    }
    std::string_view value;
    if (!ReadAttribute(&copy, name, &value)) {
      Fail(out_failure, Status::kMalformed, "extension " + letter + " without '='");
      return false;
    }
    if (value.empty()) {
      Fail(out_failure, Status::kMalformed, "empty value in extension " + letter + "=");
      return false;
    }
    if (!IsValidValue(value)) {
      Fail(out_failure, Status::kMalformed,
           "extension " + letter + "= value contains NUL or invalid UTF-8");
      return false;
    }
    extensions.push_back(Extension{name, std::string(value)});
  }
  out->insert(out->end(), extensions.begin(), extensions.end());
  *in = copy;
  return true;
}

// ExtensionsAreValid is true when every extension would parse back (see ReadExtensions).
bool ExtensionsAreValid(const std::vector<Extension>& extensions) {
  for (const Extension& extension : extensions) {
    if (!IsExtensionName(extension.name) || !IsValidValue(extension.value)) {
      return false;
    }
  }
  return true;
}

// AddExtensions writes *("," attr-val).
void AddExtensions(ByteWriter& out, const std::vector<Extension>& extensions) {
  for (const Extension& extension : extensions) {
    out.AddU8(',');
    AddAttribute(out, extension.name, extension.value);
  }
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
    return Malformed<ClientFirst>(
        failure, gs2_failure.detail.empty() ? "invalid gs2 header" : gs2_failure.detail);
  }
  message.gs2_header = std::move(*header);
  // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
  std::string_view username;
  if (!ReadRequiredAttribute(&reader, 'n', "username", &username, failure)) {
    return std::nullopt;
  }
  std::optional<std::string> unescaped = gs2::UnescapeSaslName(username);
  if (!unescaped) {
    return Malformed<ClientFirst>(failure, SaslNameProblem(username));
  }
  message.username = std::move(*unescaped);
  if (!reader.ReadExpected(',')) {
    return Malformed<ClientFirst>(failure, "missing nonce (r=)");
  }
  if (!ReadNonceAttribute(&reader, &message.nonce, failure) ||
      !ReadExtensions(&reader, &message.extensions, 0, failure)) {
    return std::nullopt;
  }
  if (!reader.Empty()) {
    return Malformed<ClientFirst>(failure, "unexpected data after the last attribute");
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
    return Malformed<ServerFirst>(failure, "missing salt (s=)");
  }
  if (!ReadBase64Attribute(&reader, 's', "salt", kMaxSaltSize, &message.salt, failure)) {
    return std::nullopt;
  }
  if (!reader.ReadExpected(',')) {
    return Malformed<ServerFirst>(failure, "missing iteration count (i=)");
  }
  if (!ReadIterationCount(&reader, &message.iterations, failure) ||
      !ReadExtensions(&reader, &message.extensions, 0, failure)) {
    return std::nullopt;
  }
  if (!reader.Empty()) {
    return Malformed<ServerFirst>(failure, "unexpected data after the last attribute");
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
    return Malformed<ClientFinal>(failure, "missing nonce (r=)");
  }
  if (!ReadNonceAttribute(&reader, &message.nonce, failure) ||
      !ReadExtensions(&reader, &message.extensions, 'p', failure)) {
    return std::nullopt;
  }
  if (!reader.ReadExpected(',')) {
    return Malformed<ClientFinal>(failure, "proof (p=) missing or not last");
  }
  if (!ReadBase64Attribute(&reader, 'p', "proof", kMaxHashSize, &message.proof, failure)) {
    return std::nullopt;
  }
  if (!reader.Empty()) {
    return Malformed<ClientFinal>(failure, "trailing data after the proof (p= must be last)");
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
    // server-error-value-ext = value: 1*value-char
    if (error.empty()) {
      return Malformed<ServerFinal>(failure, "empty server error (e=)");
    }
    if (!IsValidValue(error)) {
      return Malformed<ServerFinal>(failure, "server error (e=) contains NUL or invalid UTF-8");
    }
    message.error = std::string(error);
  } else if (!AtAttribute(reader, 'v') && !AtAttribute(reader, 'm')) {
    return Malformed<ServerFinal>(failure, "missing verifier (v=) or server error (e=)");
  } else if (!ReadBase64Attribute(&reader, 'v', "verifier", kMaxHashSize, &message.verifier,
                                  failure)) {
    return std::nullopt;
  }
  if (!ReadExtensions(&reader, &message.extensions, 0, failure)) {
    return std::nullopt;
  }
  if (!reader.Empty()) {
    return Malformed<ServerFinal>(failure, "unexpected data after the last attribute");
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
  // The first draw is `size` bytes, all of them used when none is discarded (so a known-answer
  // test can feed exactly the bytes of its nonce); a shortfall is drawn in whole buffers, which
  // almost always finish the nonce in one more call (~46 of 64 bytes are kept). Each call of the
  // system RNG costs a DRBG step and a system call (OpenSSL checks getpid() per RAND_bytes);
  // drawing only the missing bytes took ~3.5 calls per 24-character nonce.
  size_t want = std::min(buffer.size(), size);
  while (nonce.size() < size) {
    if (!rng.Fill(std::span<uint8_t>(buffer.data(), want))) {
      return std::nullopt;
    }
    for (size_t i = 0; i < want && nonce.size() < size; ++i) {
      if (buffer[i] < kAccept) {
        nonce.push_back(kNonceAlphabet[buffer[i] % kNonceAlphabet.size()]);
      }
    }
    want = buffer.size();
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
  if (proof.empty() || proof.size() > kMaxHashSize) {
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
  if (error.empty() == verifier.empty() || verifier.size() > kMaxHashSize ||
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
