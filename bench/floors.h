// floors.h: the cryptographic floor of one authentication per side, measured in-process with
// the same primitive and parameters a mechanism cannot avoid, so the bench can say how close a
// plugin comes to the work it must do (and how much it spends on everything else).
#ifndef E2ESASL_BENCH_FLOORS_H_
#define E2ESASL_BENCH_FLOORS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace e2esasl::bench {

// FloorParams: what a floor function may depend on.
struct FloorParams {
  uint32_t iterations = 4096;  // SCRAM's PBKDF2 count
};

// FloorFn runs the unavoidable work of one authentication on one side once. It returns false
// when the primitive fails (the bench then reports the floor as unavailable).
using FloorFn = bool (*)(const FloorParams& params);

// FloorScramSha1 / 256 / 512: PKCS5_PBKDF2_HMAC(password, salt, iterations, hash) once — what a
// SCRAM client must do per login (RFC 5802 s3: SaltedPassword := Hi(Normalize(password), salt, i)).
// A server holding a stored verifier has no PBKDF2 to do.
bool FloorScramSha1(const FloorParams& params);
bool FloorScramSha256(const FloorParams& params);
bool FloorScramSha512(const FloorParams& params);

// LimitScramSha1 / 256 / 512: 2 * iterations calls of the hash's compression function on one
// chained state (OpenSSL's SHA1/SHA256/SHA512_Transform: the same code PKCS5_PBKDF2_HMAC's
// digests and our Pbkdf2 run) — the physical limit of Hi(): once the HMAC pads are hashed,
// each iteration U_j = HMAC(P, U_{j-1}) costs one inner and one outer compression. The pads,
// U_1 and SCRAM's few HMACs are left out, so no client can quite reach 1.0 x.
bool LimitScramSha1(const FloorParams& params);
bool LimitScramSha256(const FloorParams& params);
bool LimitScramSha512(const FloorParams& params);

// ChainScramSha1 / 256 / 512: the same 2 * iterations compressions with Hi()'s own data
// dependency: each from a fixed (pad) state, its message block starting with the previous
// compression's output as digest bytes — the inner loop of Pbkdf2 (plugins/common/pbkdf2.cc)
// without the XOR into T. Reported next to the limit, to tell what Hi()'s chaining costs
// through a library's compression function from what the rest of the client costs.
bool ChainScramSha1(const FloorParams& params);
bool ChainScramSha256(const FloorParams& params);
bool ChainScramSha512(const FloorParams& params);

// FloorCpaceRistretto255: one hash-to-group and two scalar multiplications with libsodium —
// what each CPace party must do (draft-irtf-cfrg-cpace-21 s6.2: g = calculate_generator(...),
// Ya = scalar_mult(ya, g), K = scalar_mult_vfy(ya, Yb)).
bool FloorCpaceRistretto255(const FloorParams& params);

// FloorOpaqueClient: what an OPAQUE-3DH ristretto255 client must do per login apart from the
// KSF (RFC 9807 s6; the KSF is measured and reported on its own): the OPRF's HashToGroup and
// blind (one one-way map, one scalar multiplication), its finalize (one scalar inversion, one
// scalar multiplication), the ephemeral key pair and the envelope's recovered key pair (two
// fixed-base multiplications), and 3DH (three scalar multiplications).
bool FloorOpaqueClient(const FloorParams& params);

// FloorOpaqueServer: what the server must do per login (RFC 9807 s6.3.2.2, s6.4.2): the OPRF
// evaluation (one scalar multiplication), the ephemeral key pair (one fixed-base
// multiplication) and 3DH (three scalar multiplications).
bool FloorOpaqueServer(const FloorParams& params);

// FloorVouchEs256: what each VOUCH-ES256-PLUS party must do per authentication
// (docs/mechanisms/vouch.md): verify the peer's statement (one ECDSA P-256 verification with the
// issuer's key), verify the peer's transcript signature (one with the peer's device key) and
// sign its own transcript (one ECDSA P-256 signature), SHA-256 over inputs of the messages'
// sizes, with OpenSSL's EVP (the library the plugin's libjose calls).
bool FloorVouchEs256(const FloorParams& params);

// FloorRunner runs a side's floor once after each of its authentications, in the side's own
// process, and adds its CPU to the same batches as the authentications (peer.h BatchOf): floor
// and mechanism are measured interleaved, under the same conditions, so a drift of the machine's
// speed during a row moves both alike. A null fn measures nothing.
class FloorRunner {
 public:
  FloorRunner(FloorFn fn, FloorParams params, int warmup, int count);
  // Run runs the floor after authentication i (the first `warmup` untimed). Once the primitive
  // failed, the runner stops and ok() is false.
  void Run(int i);
  bool ok() const { return !failed_; }
  int64_t BatchNanos(int batch) const;

 private:
  FloorFn fn_;
  FloorParams params_;
  int warmup_;
  int count_;
  bool failed_ = false;
  std::vector<int64_t> batch_ns_;
};

}  // namespace e2esasl::bench

#endif  // E2ESASL_BENCH_FLOORS_H_
