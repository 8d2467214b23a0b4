// ct.h: the one comparison for secrets (MACs, proofs, keys, verifiers, binding data).
#ifndef E2ESASL_COMMON_CT_H_
#define E2ESASL_COMMON_CT_H_

#include "common/bytes.h"

namespace e2esasl {

// CtEqual returns true when a and b hold the same bytes. Different lengths return false at once
// (lengths are public in every protocol here); for equal lengths the time taken does not depend
// on the contents (CRYPTO_memcmp). Two empty views are equal. Never use == or memcmp on secrets.
[[nodiscard]] bool CtEqual(ByteView a, ByteView b) noexcept;

}  // namespace e2esasl

#endif  // E2ESASL_COMMON_CT_H_
