import assert from "node:assert/strict";
import { test } from "node:test";
import {
  bf16BitsToF32,
  bf16ToF32,
  f16BitsToF32,
  f16ToF32,
  f32ToBf16,
  f32ToBf16Bits,
  f32ToF16,
  f32ToF16Bits,
} from "../../src/checkpoint/index.js";

test("f16: known values, overflow, subnormals and NaN", () => {
  assert.equal(f32ToF16Bits(1), 0x3c00);
  assert.equal(f32ToF16Bits(-2), 0xc000);
  assert.equal(f32ToF16Bits(65504), 0x7bff);
  assert.equal(f32ToF16Bits(65520), 0x7c00, "halfway above the max half rounds to Inf");
  assert.equal(f32ToF16Bits(1e10), 0x7c00);
  assert.equal(f32ToF16Bits(2 ** -24), 0x0001, "smallest subnormal");
  assert.equal(f32ToF16Bits(2 ** -25), 0x0000, "tie between 0 and 2^-24 rounds to even (0)");
  assert.equal(f32ToF16Bits(1.5 * 2 ** -24), 0x0002, "tie between 1 and 2 ulps rounds to even (2)");
  assert.equal(f32ToF16Bits(-0), 0x8000);
  assert.ok(Number.isNaN(f16BitsToF32(f32ToF16Bits(Number.NaN))));
  assert.equal(f16BitsToF32(0x7c00), Number.POSITIVE_INFINITY);
});

test("f16: round to nearest even at normal ties", () => {
  // 1 + 2^-11 is exactly halfway between 1 and 1 + 2^-10: ties to the even mantissa (1)
  assert.equal(f32ToF16Bits(1 + 2 ** -11), 0x3c00);
  // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even)
  assert.equal(f32ToF16Bits(1 + 3 * 2 ** -11), 0x3c02);
  assert.equal(f32ToF16Bits(1 + 2 ** -11 + 2 ** -20), 0x3c01, "just above the tie rounds up");
});

test("f16: every finite half survives f16 -> f32 -> f16", () => {
  const all = new Uint16Array(65536).map((_, i) => i);
  const back = f32ToF16(f16ToF32(all));
  for (let h = 0; h < 65536; h++) {
    if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) continue; // NaN payloads
    assert.equal(back[h], h, `half 0x${h.toString(16)}`);
  }
});

test("bf16: rounding, NaN and exact round trip", () => {
  assert.equal(f32ToBf16Bits(1), 0x3f80);
  assert.equal(f32ToBf16Bits(1 + 2 ** -8), 0x3f80, "tie rounds to even");
  assert.equal(f32ToBf16Bits(1 + 3 * 2 ** -8), 0x3f82, "tie rounds to even (up)");
  assert.equal(f32ToBf16Bits(1 + 2 ** -8 + 2 ** -20), 0x3f81);
  assert.equal(f32ToBf16Bits(3.4028234663852886e38), 0x7f80, "max float rounds to Inf");
  assert.ok(Number.isNaN(bf16BitsToF32(f32ToBf16Bits(Number.NaN))));
  const all = new Uint16Array(65536).map((_, i) => i);
  const back = f32ToBf16(bf16ToF32(all));
  for (let b = 0; b < 65536; b++) {
    if ((b & 0x7f80) === 0x7f80 && b & 0x7f) continue;
    assert.equal(back[b], b);
  }
});
