// The SIMD mixture kernels against the plain path: dequantise each row as ggml does, accumulate in
// float64. Float32 accumulation over ~1000 rows keeps the relative L2 error near 1e-7; 2e-6 is the bound.
import assert from "node:assert/strict";
import { test } from "node:test";
import { dequantiseRow, GgmlType, quantise, type SupportedType } from "../../src/checkpoint/index.js";
import { Rng } from "../../src/decoding/index.js";
import { mixRows, type RowType } from "../../src/kernels/index.js";

const TYPES: [RowType, SupportedType][] = [
  ["f32", GgmlType.F32],
  ["f16", GgmlType.F16],
  ["bf16", GgmlType.BF16],
  ["q8_0", GgmlType.Q8_0],
  ["q4_0", GgmlType.Q4_0],
];
const ROWS = 3000;
const HIDDEN = 96;
const TOL = 2e-6;

function referenceMix(
  table: Uint8Array,
  type: SupportedType,
  ids: number[],
  weights: number[],
): Float64Array {
  const acc = new Float64Array(HIDDEN);
  for (let i = 0; i < ids.length; i++) {
    const row = dequantiseRow(type, table, ids[i], HIDDEN);
    for (let j = 0; j < HIDDEN; j++) acc[j] += weights[i] * row[j];
  }
  return acc;
}

test("mixRows matches dequantise-then-add in float64 for every row type", () => {
  const rng = new Rng(11);
  const values = Float32Array.from({ length: ROWS * HIDDEN }, () => (rng.next() - 0.5) * 0.2);
  for (const [name, type] of TYPES) {
    const table = quantise(type, values);
    for (const count of [1, 7, 1024]) {
      const ids = Array.from({ length: count }, () => Math.floor(rng.next() * ROWS));
      const raw = ids.map(() => rng.next());
      const total = raw.reduce((a, b) => a + b, 0);
      const weights = raw.map((w) => w / total);
      const fast = mixRows(table, name, HIDDEN, ids, weights);
      const ref = referenceMix(table, type, ids, weights);
      let diff = 0;
      let norm = 0;
      for (let j = 0; j < HIDDEN; j++) {
        diff += (fast[j] - ref[j]) ** 2;
        norm += ref[j] ** 2;
      }
      assert.ok(Math.sqrt(diff / norm) <= TOL, `${name} x${count}: relative L2 ${Math.sqrt(diff / norm)}`);
    }
    // One row at weight 1 is the row itself, value for value (what ggml's get_rows would produce; the
    // accumulator starts at +0, so a -0 element comes back as +0, which no layer can tell apart).
    const single = mixRows(table, name, HIDDEN, [42], [1]);
    const row = dequantiseRow(type, table, 42, HIDDEN);
    assert.ok(
      single.every((v, j) => v === row[j]),
      `${name}: single row differs`,
    );
  }
});

test("mixRows rejects rows outside the table and mismatched arguments", () => {
  const table = quantise(GgmlType.Q8_0, new Float32Array(4 * HIDDEN));
  assert.throws(() => mixRows(table, "q8_0", HIDDEN, [4], [1]), /row 4 is outside the table of 4 rows/);
  assert.throws(() => mixRows(table, "q8_0", HIDDEN, [0, 1], [1]), /2 ids but 1 weights/);
  assert.throws(() => mixRows(table, "q8_0", 48, [0], [1]), /multiple of 32/);
});
