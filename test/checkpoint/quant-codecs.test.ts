import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { f16BitsToF32 } from "../../src/checkpoint/float-convert.js";
import { GgmlType } from "../../src/checkpoint/gguf/index.js";
import {
  dequantise,
  dequantiseQ4_0,
  dequantiseQ8_0,
  dequantiseRow,
  quantise,
  quantiseQ4_0,
  quantiseQ8_0,
  type SupportedType,
} from "../../src/checkpoint/quant/index.js";

const sha = (a: ArrayBufferView) =>
  createHash("sha256")
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest("hex");
const scaleOf = (q: Uint8Array, block: number, bytes: number) =>
  f16BitsToF32(q[block * bytes] | (q[block * bytes + 1] << 8));

/** The same vector /tmp/quant_oracle.py builds: a spread of values plus zero, tie and tiny-scale blocks. */
function oracleInput(): Float32Array {
  const n = 32 * 512;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (((i * 7919) % 2001) - 1000) / 37;
  x.fill(0, 32, 64);
  for (let j = 0; j < 32; j++) x[64 + j] = j - 16 + 0.5;
  x[95] = 127;
  for (let j = 0; j < 32; j++) x[96 + j] = Math.fround(1e-6) * (j - 20);
  return x;
}

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 32 - 0.5) * 4 * (i % 64 === 0 ? 10 : 1);
  }
  return x;
}

describe("Q8_0", () => {
  it("matches a hand-computed block", () => {
    const x = new Float32Array(32);
    x.set([127, -63.5, 1, 0.49, -0.5]);
    const q = quantiseQ8_0(x);
    // d = 127/127 = 1 -> f16 0x3c00; roundf(-63.5) = -64 (ties away from zero); 0.49 -> 0; -0.5 -> -1
    assert.deepEqual([...q.subarray(0, 7)], [0x00, 0x3c, 127, 0xc0, 1, 0, 0xff]);
    assert.deepEqual([...dequantiseQ8_0(q, 32).subarray(0, 5)], [127, -64, 1, 0, -1]);
  });

  it("is bit-identical to gguf-py's numpy reference (tested bit-exact against ggml upstream)", () => {
    const q = quantiseQ8_0(oracleInput());
    assert.equal(sha(q), "9701a33007d702aea9b5217177c7156af64cf8780bc9a64ed9354a7b2050e931");
    assert.equal(
      sha(dequantiseQ8_0(q, (q.length / 34) * 32)),
      "bd3ee6c49b3fd5c915779a8097d309b808105f5bf1240d97f8962214a54fe99d",
    );
  });

  it("round-trips within half a step per block (plus the f16 scale's rounding)", () => {
    const x = random(32 * 200, 1);
    const q = quantiseQ8_0(x);
    const y = dequantiseQ8_0(q, x.length);
    for (let b = 0; b < 200; b++) {
      let amax = 0;
      for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b * 32 + j]));
      const d = amax / 127;
      const bound = d / 2 + 127 * Math.abs(d - scaleOf(q, b, 34)) + 1e-6;
      for (let j = 0; j < 32; j++) assert.ok(Math.abs(x[b * 32 + j] - y[b * 32 + j]) <= bound, `block ${b}`);
    }
  });
});

describe("Q4_0", () => {
  it("matches a hand-computed block", () => {
    const x = new Float32Array(32);
    x.set([-8, 4, 0, 1.5]);
    x[16] = 7.9; // 7.9 + 8.5 = 16.4 -> clamped to 15
    x[17] = -0.6; // -0.6 + 8.5 = 7.9 -> 7
    const q = quantiseQ4_0(x);
    // max = -8 -> d = 1 (f16 0x3c00); codes trunc(x + 8.5): 0, 12, 8, 10; byte j = code(j) | code(j+16) << 4
    assert.deepEqual(
      [...q.subarray(0, 6)],
      [0x00, 0x3c, 0 | (15 << 4), 12 | (7 << 4), 8 | (8 << 4), 10 | (8 << 4)],
    );
    const y = dequantiseQ4_0(q, 32);
    assert.deepEqual([y[0], y[1], y[2], y[3], y[16], y[17]], [-8, 4, 0, 2, 7, -1]);
  });

  it("is bit-identical to gguf-py's numpy reference", () => {
    const q = quantiseQ4_0(oracleInput());
    assert.equal(sha(q), "94d5702283f33046a35f0f4ec6c1b7a77d34da0001ad95c4024b59ebb4b99122");
    assert.equal(
      sha(dequantiseQ4_0(q, (q.length / 18) * 32)),
      "5a70f7f451a85d448e4ea91097077d42557a2ad4abbf5402d40eb967431fed64",
    );
  });

  it("round-trips within half a step, or one step where the top code is clamped", () => {
    const x = random(32 * 200, 2);
    const q = quantiseQ4_0(x);
    const y = dequantiseQ4_0(q, x.length);
    for (let b = 0; b < 200; b++) {
      const d = scaleOf(q, b, 18);
      for (let j = 0; j < 32; j++) {
        const v = x[b * 32 + j];
        // code 16 (v/d >= 7.5, the side opposite the block's extreme value) is clamped to 15
        const bound = (v / d >= 7.49 ? Math.abs(d) : Math.abs(d) / 2) * 1.01 + 1e-6;
        assert.ok(Math.abs(v - y[b * 32 + j]) <= bound, `block ${b} value ${j}`);
      }
    }
  });
});

describe("float codecs and rows", () => {
  const types: SupportedType[] = [GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0];

  it("F16/BF16/F32 round-trip representable values exactly and round to nearest even", () => {
    const x = new Float32Array([0, -1, 0.5, 65504, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8]);
    assert.deepEqual(
      [...dequantise(GgmlType.F16, quantise(GgmlType.F16, x), x.length)],
      [0, -1, 0.5, 65504, 1, 1 + 2 ** -9, 1 + 2 ** -8],
    );
    assert.deepEqual(
      [...dequantise(GgmlType.BF16, quantise(GgmlType.BF16, x), x.length)],
      [0, -1, 0.5, 65536, 1, 1, 1],
    );
    assert.deepEqual(dequantise(GgmlType.F32, quantise(GgmlType.F32, x), x.length), x);
  });

  it("quantisation is deterministic", () => {
    const x = random(32 * 64, 3);
    for (const t of types) assert.deepEqual(quantise(t, x), quantise(t, x));
  });

  it("dequantiseRow equals the matching slice of the whole tensor", () => {
    const rows = 5;
    const rowLength = 64;
    const x = random(rows * rowLength, 4);
    for (const t of types) {
      const bytes = quantise(t, x);
      const all = dequantise(t, bytes, x.length);
      for (let r = 0; r < rows; r++) {
        assert.deepEqual(
          dequantiseRow(t, bytes, r, rowLength),
          all.subarray(r * rowLength, (r + 1) * rowLength),
          `type ${t} row ${r}`,
        );
      }
    }
    assert.throws(
      () => dequantiseRow(GgmlType.Q8_0, new Uint8Array(34), 0, 31),
      /multiple of the Q8_0 block size/,
    );
  });
});
