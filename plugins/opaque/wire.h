// wire.h: RFC 9807's own binary messages for the ristretto255-SHA512 configuration (s5.1
// registration, s6.1 KE1/KE2/KE3), one struct each, fixed sizes. The SASL text messages that
// carry them are in messages.h.
//
// Parse is the only code that sees peer bytes: the exact size or nothing (nullopt and, when
// out_failure is not null, kMalformed with a detail naming the message). Whether an element is a
// valid ristretto255 encoding is decided where it is used (scalar multiplication fails on an
// invalid encoding or the identity: oprf.h). Serialize writes the RFC's concatenation.
#ifndef E2ESASL_OPAQUE_WIRE_H_
#define E2ESASL_OPAQUE_WIRE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/byte_reader.h"
#include "common/bytes.h"
#include "common/status.h"
#include "opaque/oprf.h"

namespace e2esasl::opaque {

inline constexpr size_t kNonceSize = 32;                        // Nn
inline constexpr size_t kSeedSize = 32;                         // Nseed
inline constexpr size_t kMacSize = 64;                          // Nm
inline constexpr size_t kEnvelopeSize = kNonceSize + kMacSize;  // Ne
inline constexpr size_t kMaskedResponseSize = kElementSize + kEnvelopeSize;
inline constexpr size_t kOprfSeedSize = 64;  // Nh (RFC 9807 s5.2.2: oprf_seed is Nh bytes)

using Nonce = std::array<uint8_t, kNonceSize>;
using Mac = std::array<uint8_t, kMacSize>;

// Envelope: envelope_nonce || auth_tag (RFC 9807 s4.1.1).
struct Envelope {
  Nonce nonce{};
  Mac auth_tag{};
  static std::optional<Envelope> Parse(ByteReader& reader);
  void Serialize(ByteWriter& out) const;
  bool operator==(const Envelope&) const = default;
};

// RegistrationRequest: blinded_message (s5.1).
struct RegistrationRequest {
  Element blinded_message{};
  static std::optional<RegistrationRequest> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  bool operator==(const RegistrationRequest&) const = default;
};

// RegistrationResponse: evaluated_message || server_public_key (s5.1).
struct RegistrationResponse {
  Element evaluated_message{};
  Element server_public_key{};
  static std::optional<RegistrationResponse> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  bool operator==(const RegistrationResponse&) const = default;
};

// RegistrationRecord: client_public_key || masking_key || envelope (s5.1). masking_key is a
// secret of the server's database (it unmasks the envelope), not of the wire.
struct RegistrationRecord {
  Element client_public_key{};
  std::array<uint8_t, kHashSize> masking_key{};
  Envelope envelope;
  static std::optional<RegistrationRecord> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  bool operator==(const RegistrationRecord&) const = default;
};

// Ke1: CredentialRequest (blinded_message) || AuthRequest (client_nonce ||
// client_public_keyshare) (s6.1).
struct Ke1 {
  Element blinded_message{};
  Nonce client_nonce{};
  Element client_public_keyshare{};
  static constexpr size_t kSize = kElementSize + kNonceSize + kElementSize;
  static std::optional<Ke1> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  bool operator==(const Ke1&) const = default;
};

// CredentialResponse: evaluated_message || masking_nonce || masked_response (s6.1).
struct CredentialResponse {
  Element evaluated_message{};
  Nonce masking_nonce{};
  std::array<uint8_t, kMaskedResponseSize> masked_response{};
  void Serialize(ByteWriter& out) const;
  bool operator==(const CredentialResponse&) const = default;
};

// Ke2: CredentialResponse || AuthResponse (server_nonce || server_public_keyshare ||
// server_mac) (s6.1).
struct Ke2 {
  CredentialResponse credential_response;
  Nonce server_nonce{};
  Element server_public_keyshare{};
  Mac server_mac{};
  static constexpr size_t kSize =
      kElementSize + kNonceSize + kMaskedResponseSize + kNonceSize + kElementSize + kMacSize;
  static std::optional<Ke2> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  bool operator==(const Ke2&) const = default;
};

// Ke3: client_mac (s6.1).
struct Ke3 {
  Mac client_mac{};
  static constexpr size_t kSize = kMacSize;
  static std::optional<Ke3> Parse(ByteView in, Failure* out_failure = nullptr);
  void Serialize(ByteWriter& out) const;
  bool operator==(const Ke3&) const = default;
};

// SerializeToBytes: the bytes of one of these fixed-size structs (Encode never fails for them).
template <typename T>
Bytes SerializeToBytes(const T& message) {
  return Encode(message).value_or(Bytes());
}

}  // namespace e2esasl::opaque

#endif  // E2ESASL_OPAQUE_WIRE_H_
