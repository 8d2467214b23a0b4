#!/usr/bin/env python3
"""golden_check.py: recomputes the SAS-R255-PLUS golden values of session_test.cc
(SasSessionTest::GoldenValues) independently of the C++ code: Python hashlib/hmac for SHA-512,
HKDF and HMAC, libsodium (through ctypes) only for the ristretto255 operations.
Run: python3 tests/sas/golden_check.py   (prints the five messages and the string)."""
import base64
import ctypes
import ctypes.util
import hashlib
import hmac
import struct

so = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
assert so.sodium_init() >= 0


def lv_hash(*parts):
    h = hashlib.sha512()
    for p in parts:
        h.update(struct.pack(">I", len(p)))
        h.update(p)
    return h.digest()


def keypair(wide):
    x = ctypes.create_string_buffer(32)
    so.crypto_core_ristretto255_scalar_reduce(x, wide)
    pub = ctypes.create_string_buffer(32)
    assert so.crypto_scalarmult_ristretto255_base(pub, x) == 0
    return x, pub.raw


def b64(b):
    return base64.b64encode(b).decode()


xc, X = keypair(bytes(range(0x01, 0x41)))
ys, Y = keypair(bytes(range(0x41, 0x81)))
cb = bytes((5 + i * 7) & 0xFF for i in range(32))
prefix = b"p=tls-exporter,,n=alice,d=10"
c1 = prefix + b",c=" + b64(lv_hash(b"e2esasl SAS-R255 commit", prefix, X)).encode()
s1 = b"y=" + b64(Y).encode()
c2 = b"x=" + b64(X).encode()
K = ctypes.create_string_buffer(32)
assert so.crypto_scalarmult_ristretto255(K, xc, Y) == 0
TH = lv_hash(b"e2esasl SAS-R255 transcript", c1, s1, c2, cb)
prk = hmac.new(TH, K.raw, hashlib.sha512).digest()  # HKDF-Extract(salt=TH, IKM=K)


def expand(info, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha512).digest()
        out, i = out + t, i + 1
    return out[:n]


digits = str(int.from_bytes(expand(b"e2esasl SAS-R255 sas", 16), "big") % 10**10).zfill(10)
tags = {
    role: hmac.new(expand(b"e2esasl SAS-R255 " + role + b" confirm", 64), TH,
                   hashlib.sha512).digest()
    for role in (b"server", b"client")
}
for m in (c1, s1, c2, b"v=" + b64(tags[b"server"]).encode(), b"v=" + b64(tags[b"client"]).encode()):
    print(m.decode())
print(" ".join(digits[i:i + 3] for i in range(0, 10, 3)))
