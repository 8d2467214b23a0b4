// openssl_handles.h: RAII owners for the OpenSSL handles plugins/common uses, one deleter per C
// type (bssl::UniquePtr style). The only place allowed to name the *_free functions.
#ifndef E2ESASL_COMMON_OPENSSL_HANDLES_H_
#define E2ESASL_COMMON_OPENSSL_HANDLES_H_

#include <memory>

#include <openssl/evp.h>

namespace e2esasl {

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
struct EvpMacDeleter {
  void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};
struct EvpMacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
};

// EvpMdCtxPtr owns an EVP_MD_CTX (EVP_MD_CTX_new); null means allocation failed.
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;
// EvpMacPtr owns a fetched EVP_MAC (EVP_MAC_fetch).
using EvpMacPtr = std::unique_ptr<EVP_MAC, EvpMacDeleter>;
// EvpMacCtxPtr owns an EVP_MAC_CTX (EVP_MAC_CTX_new / EVP_MAC_CTX_dup); freeing it cleanses
// the key material OpenSSL holds.
using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, EvpMacCtxDeleter>;

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_OPENSSL_HANDLES_H_
