// messages.cc: parsers and printers of the SCRAM messages (RFC 5802 section 7).
#include "scram/messages.h"

#include <array>
#include <limits>

#include "common/base64.h"
#include "scram/grammar.h"

namespace e2esasl::scram {
namespace {

static_assert(kNonceAlphabet.size() == 93, "printable = %x21-2B / %x2D-7E");

// kMaxBindingInputSize caps the decoded c= (gs2-header + cbind-data).
constexpr size_t kMaxBindingInputSize = kMaxMessageSize;

// ReadBase64Attribute reads "<name>=" base64 with a non-empty decoded value of at most max_size.
bool ReadBase64Attribute(ByteReader* in, char name, size_t max_size, Bytes* out) {
  ByteReader copy = *in;
  std::string_view text;
  if (!ReadAttribute(&copy, name, &text)) {
    return false;
  }
  std::optional<Bytes> decoded = Base64Decode(text, max_size);
  if (!decoded || decoded->empty()) {
    return false;
  }
  *out = std::move(*decoded);
  *in = copy;
  return true;
}

// ReadNonceAttribute reads "r=" 1*printable.
bool ReadNonceAttribute(ByteReader* in, std::string* out) {
  ByteReader copy = *in;
  std::string_view text;
  if (!ReadAttribute(&copy, 'r', &text) || !IsValidNonce(text)) {
    return false;
  }
  *out = std::string(text);
  *in = copy;
  return true;
}

// ReadIterationCount reads "i=" posit-number (%x31-39 *DIGIT) that fits in uint32_t.
bool ReadIterationCount(ByteReader* in, uint32_t* out) {
  ByteReader copy = *in;
  std::string_view text;
  if (!ReadAttribute(&copy, 'i', &text) || text.size() > 10 || text[0] < '1' || text[0] > '9') {
    return false;
  }
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > std::numeric_limits<uint32_t>::max()) {
    return false;
  }
  *out = static_cast<uint32_t>(value);
  *in = copy;
  return true;
}

// CheckMessage rejects oversized input and a leading reserved-mext ("m=").
bool CheckMessage(ByteView in) {
  if (in.empty() || in.size() > kMaxMessageSize) {
    return false;
  }
  return !(in.size() >= 2 && in[0] == 'm' && in[1] == '=');
}

void AddAttribute(ByteWriter& out, char name, std::string_view value) {
  out.AddU8(static_cast<uint8_t>(name));
  out.AddU8('=');
  out.AddString(value);
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

std::optional<ClientFirst> ClientFirst::Parse(ByteView in) {
  if (in.empty() || in.size() > kMaxMessageSize) {
    return std::nullopt;
  }
  ByteReader reader(in);
  ClientFirst message;
  // client-first-message = gs2-header client-first-message-bare
  std::optional<gs2::Gs2Header> header = gs2::Gs2Header::Parse(reader);
  if (!header) {
    return std::nullopt;
  }
  message.gs2_header = std::move(*header);
  // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
  std::string_view username;
  if (!CheckMessage(reader.Peek()) || !ReadAttribute(&reader, 'n', &username)) {
    return std::nullopt;
  }
  std::optional<std::string> unescaped = gs2::UnescapeSaslName(username);
  if (!unescaped || !reader.ReadExpected(',') || !ReadNonceAttribute(&reader, &message.nonce) ||
      !ReadExtensions(&reader, &message.extensions) || !reader.Empty()) {
    return std::nullopt;
  }
  message.username = std::move(*unescaped);
  return message;
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

std::optional<ServerFirst> ServerFirst::Parse(ByteView in) {
  if (!CheckMessage(in)) {
    return std::nullopt;
  }
  ByteReader reader(in);
  ServerFirst message;
  // server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count
  //                        ["," extensions]
  if (!ReadNonceAttribute(&reader, &message.nonce) || !reader.ReadExpected(',') ||
      !ReadBase64Attribute(&reader, 's', kMaxSaltSize, &message.salt) ||
      !reader.ReadExpected(',') || !ReadIterationCount(&reader, &message.iterations) ||
      !ReadExtensions(&reader, &message.extensions) || !reader.Empty()) {
    return std::nullopt;
  }
  return message;
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

std::optional<ClientFinal> ClientFinal::Parse(ByteView in) {
  if (!CheckMessage(in)) {
    return std::nullopt;
  }
  ByteReader reader(in);
  ClientFinal message;
  // client-final-message-without-proof = channel-binding "," nonce ["," extensions]
  // client-final-message = client-final-message-without-proof "," proof
  // The proof is the last attribute: extensions are read up to the ",p=" that starts it.
  if (!ReadBase64Attribute(&reader, 'c', kMaxBindingInputSize, &message.channel_binding) ||
      !reader.ReadExpected(',') || !ReadNonceAttribute(&reader, &message.nonce) ||
      !ReadExtensions(&reader, &message.extensions, 'p') || !reader.ReadExpected(',') ||
      !ReadBase64Attribute(&reader, 'p', kMaxDigestSize, &message.proof) || !reader.Empty()) {
    return std::nullopt;
  }
  return message;
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

std::optional<ServerFinal> ServerFinal::Parse(ByteView in) {
  if (!CheckMessage(in)) {
    return std::nullopt;
  }
  ByteReader reader(in);
  ServerFinal message;
  // server-final-message = (server-error / verifier) ["," extensions]
  // server-error = "e=" server-error-value; server-error-value-ext = value
  std::string_view error;
  if (ReadAttribute(&reader, 'e', &error)) {
    if (!IsValidValue(error)) {
      return std::nullopt;
    }
    message.error = std::string(error);
  } else if (!ReadBase64Attribute(&reader, 'v', kMaxDigestSize, &message.verifier)) {
    return std::nullopt;
  }
  if (!ReadExtensions(&reader, &message.extensions) || !reader.Empty()) {
    return std::nullopt;
  }
  return message;
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
