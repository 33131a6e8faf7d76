#!/usr/bin/env python3
"""Writes cast-golden.json: what torch's `.to(dtype)` produces on CPU, bit for bit, for the
float casts `shardscope convert --dtype` performs. cast.test.ts checks cast.ts against it.

- 8- and 16-bit sources (float16, bfloat16, float8_e4m3fn, float8_e5m2): every bit pattern,
  cast to each target; only the sha256 of torch's output bytes is stored.
- float32 / float64 sources: a seeded mix of random bit patterns, rounding ties, subnormal and
  overflow boundaries, NaN payloads; the inputs and torch's outputs are stored (base64).

Arrays are large enough that torch takes its vectorized CPU kernels, which is what a real
checkpoint conversion goes through (tiny tensors may take scalar paths with other NaN bits).

usage: torch-sandbox run python3 gen-cast-golden.py OUT.json
"""
import base64, hashlib, json, sys
import numpy as np
import torch

TARGETS = ["float64", "float32", "float16", "bfloat16"]


def out_bytes(t, dst):
    return t.to(getattr(torch, dst)).contiguous().view(torch.uint8).numpy().tobytes()


def exhaustive(src, bits):
    pats = np.arange(0, 1 << bits, dtype=np.uint8 if bits == 8 else np.uint16)
    t = torch.from_numpy(pats.view(np.uint8 if bits == 8 else np.int16)).view(getattr(torch, src))
    return {dst: hashlib.sha256(out_bytes(t, dst)).hexdigest() for dst in TARGETS if dst != src}


def f32_inputs(rng):
    u = []
    u += [0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FA00000,
          0xFFFFFFFF, 0x7FFFFFFF, 0x00000001, 0x007FFFFF, 0x00800000, 0x7F7FFFFF, 0xFF7FFFFF,
          0x477FF000, 0x477FEFFF, 0x477FE000, 0x477FF001, 0x33800000, 0x33000001, 0x33000000, 0x33400000,
          0x387FC000, 0x387FE000, 0x38800000, 0x3F808000, 0x3F818000, 0x3F800001, 0x3F807FFF, 0x7F7F8000, 0x7F7F7FFF]
    u += [int(x) for x in rng.integers(0, 1 << 32, size=4096, dtype=np.uint64)]
    # exponents where float16 is subnormal / near overflow, and bf16/f16 ties
    for _ in range(2048):
        e = int(rng.integers(98, 145))
        m = int(rng.integers(0, 1 << 23))
        s = int(rng.integers(0, 2))
        u.append((s << 31) | (e << 23) | m)
    for _ in range(512):
        e = int(rng.integers(1, 255)); s = int(rng.integers(0, 2))
        hi = int(rng.integers(0, 1 << 7))
        u.append((s << 31) | (e << 23) | (hi << 16) | 0x8000)          # bf16 tie
        hi = int(rng.integers(0, 1 << 10))
        u.append((s << 31) | (e << 23) | (hi << 13) | 0x1000)          # f16 tie
    return np.array(u, dtype=np.uint32)


def f64_inputs(rng):
    u = [0x0, 0x8000000000000000, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000, 0xFFF8000000000000,
         0x7FF4000000000000, 0x7FF8000000000001, 0xFFFFFFFFFFFFFFFF, 0x7FF8000020000000, 0x0000000000000001,
         0x47EFFFFFE0000000, 0x47EFFFFFF0000000, 0x36A0000000000000, 0x3690000000000000]
    u += [int(x) for x in rng.integers(0, 1 << 63, size=2048, dtype=np.uint64)]
    u += [int(x) | (1 << 63) for x in rng.integers(0, 1 << 63, size=512, dtype=np.uint64)]
    for _ in range(2048):  # exponents in float32/float16 range, incl. double-rounding cases
        e = int(rng.integers(1023 - 160, 1023 + 140)); m = int(rng.integers(0, 1 << 52)); s = int(rng.integers(0, 2))
        u.append((s << 63) | (e << 52) | m)
    for _ in range(256):  # x + a tiny bit: a tie after rounding to float32 first
        e = int(rng.integers(1023 - 20, 1023 + 15)); s = int(rng.integers(0, 2))
        u.append((s << 63) | (e << 52) | (int(rng.integers(0, 1 << 7)) << 45) | (1 << 44) | 1)   # bf16 via f32
        u.append((s << 63) | (e << 52) | (int(rng.integers(0, 1 << 10)) << 42) | (1 << 41) | 1)  # f16 via f32
    return np.array(u, dtype=np.uint64)


def listed(arr, src):
    t = torch.from_numpy(arr.view(np.float32 if src == "float32" else np.float64).copy())
    return {"input": base64.b64encode(arr.tobytes()).decode(),
            "output": {dst: base64.b64encode(out_bytes(t, dst)).decode() for dst in TARGETS if dst != src}}


def main():
    rng = np.random.default_rng(20240611)
    golden = {
        "about": "torch %s .to() on CPU (%s); see gen-cast-golden.py" % (torch.__version__, torch.backends.cpu.get_cpu_capability()),
        "exhaustive": {"float16": exhaustive("float16", 16), "bfloat16": exhaustive("bfloat16", 16),
                       "float8_e4m3fn": exhaustive("float8_e4m3fn", 8), "float8_e5m2": exhaustive("float8_e5m2", 8)},
        "listed": {"float32": listed(f32_inputs(rng), "float32"), "float64": listed(f64_inputs(rng), "float64")},
    }
    json.dump(golden, open(sys.argv[1], "w"), indent=1)


if __name__ == "__main__":
    main()
