// es256.cc: see es256.h.
#include "vouch/es256.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>
#include <vector>

namespace e2esasl::vouch {
namespace {

constexpr size_t kScalarSize = kEs256SignatureSize / 2;
constexpr size_t kPointSize = 1 + 2 * kScalarSize;

// The DER form of a P-256 ECDSA signature: SEQUENCE { INTEGER r, INTEGER s }, each integer
// at most 33 bytes (a leading zero when the top bit is set): at most 72 bytes.
constexpr int kMaxDerSize = 72;

// P256Parameters: a key holding only the group, made once; a new public key is a copy of it with
// the point set (EVP_PKEY_dup copies the group, which is ~6 times cheaper than building it).
const EVP_PKEY* P256Parameters() {
  static const EvpPkeyPtr parameters = [] {
    EVP_PKEY* key = nullptr;
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    char group[] = "P-256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_end()};
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_KEY_PARAMETERS,
                          const_cast<OSSL_PARAM*>(params)) != 1) {
      return EvpPkeyPtr();
    }
    return EvpPkeyPtr(key);
  }();
  return parameters.get();
}

}  // namespace

EvpPkeyPtr NewP256PublicKey(ByteView point) {
  const EVP_PKEY* parameters = P256Parameters();
  if (parameters == nullptr || point.size() != kPointSize || point[0] != 0x04) {
    return EvpPkeyPtr();
  }
  EvpPkeyPtr key(EVP_PKEY_dup(const_cast<EVP_PKEY*>(parameters)));
  if (!key || EVP_PKEY_set1_encoded_public_key(key.get(), point.data(), point.size()) != 1) {
    return EvpPkeyPtr();
  }
  return key;
}

bool Es256Verify(EVP_PKEY* key, std::string_view signing_input, ByteView signature) {
  if (key == nullptr || signature.size() != kEs256SignatureSize) {
    return false;
  }
  // RFC 7518 section 3.4: R and S, 32-byte big-endian each, into the DER form OpenSSL verifies.
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BignumPtr r(BN_bin2bn(signature.data(), kScalarSize, nullptr));
  BignumPtr s(BN_bin2bn(signature.data() + kScalarSize, kScalarSize, nullptr));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return false;
  }
  r.release();  // owned by sig now
  s.release();
  unsigned char der[kMaxDerSize];
  unsigned char* cursor = der;
  const int der_size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (der_size <= 0 || der_size > kMaxDerSize || i2d_ECDSA_SIG(sig.get(), &cursor) != der_size) {
    return false;
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key,
                                        nullptr) == 1 &&
         EVP_DigestVerify(ctx.get(), der, static_cast<size_t>(der_size),
                          reinterpret_cast<const unsigned char*>(signing_input.data()),
                          signing_input.size()) == 1;
}

std::optional<Es256Signature> Es256Sign(EVP_PKEY* key, std::string_view signing_input) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  const auto* input = reinterpret_cast<const unsigned char*>(signing_input.data());
  size_t size = 0;
  if (key == nullptr || !ctx ||
      EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, input, signing_input.size()) != 1) {
    return std::nullopt;
  }
  std::vector<unsigned char> der(size);
  if (EVP_DigestSign(ctx.get(), der.data(), &size, input, signing_input.size()) != 1) {
    return std::nullopt;
  }
  const unsigned char* cursor = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(size)));
  if (!sig) {
    return std::nullopt;
  }
  Es256Signature out{};
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), kScalarSize) != kScalarSize ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + kScalarSize, kScalarSize) !=
          kScalarSize) {
    return std::nullopt;
  }
  return out;
}

}  // namespace e2esasl::vouch
