// The WebAssembly SIMD kernels against plain float64 loops: every length mod 4 (the scalar tails),
// masked (-Infinity) entries, and the 152k-vocabulary case.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/decoding/index.js";
import { loadRow } from "../../src/kernels/index.js";

// Cephes' expf is accurate to ~2 ulp of float32 (2.4e-7 relative); 3e-7 leaves room for the reduction.
const EXP_TOL = 3e-7;

function randomRow(n: number, seed: number, spread = 8): Float32Array {
  const rng = new Rng(seed);
  const row = Float32Array.from({ length: n }, () => (rng.next() - 0.5) * spread);
  for (let i = 3; i < n; i += 11) row[i] = Number.NEGATIVE_INFINITY;
  return row;
}

test("the kernels' exp is within 3e-7 relative of Math.exp over [-87, 0], and 0 below", () => {
  for (let y = 0; y >= -87; y -= 0.0137) {
    const { z } = loadRow(new Float32Array([y])).softmaxStats(0, 1);
    const exact = Math.exp(Math.fround(y));
    assert.ok(Math.abs(z - exact) <= EXP_TOL * exact, `e^${y}: ${z} vs ${exact}`);
  }
  for (const y of [-88, -200, Number.NEGATIVE_INFINITY]) {
    const { z, moment } = loadRow(new Float32Array([y])).softmaxStats(0, 1);
    assert.deepEqual([z, moment], [0, 0], `e^${y}`);
  }
});

test("max, softmax statistics and threshold collection match float64 loops", () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 31, 151936]) {
    const row = randomRow(n, n);
    if (n > 1) row[0] = 2.5;
    const kernels = loadRow(row);
    const finite = Array.from(row).filter((v) => v > Number.NEGATIVE_INFINITY);
    const max = finite.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
    assert.equal(kernels.max(), max, `n=${n} max`);

    const invT = 1 / 0.7;
    let z = 0;
    let moment = 0;
    for (const v of finite) {
      const y = (v - max) * invT;
      z += Math.exp(y);
      moment += Math.exp(y) * y;
    }
    const stats = kernels.softmaxStats(max, invT);
    assert.ok(Math.abs(stats.z - z) <= EXP_TOL * z, `n=${n} Z ${stats.z} vs ${z}`);
    assert.ok(Math.abs(stats.moment - moment) <= 1e-6 * Math.max(1, Math.abs(moment)), `n=${n} M`);

    const threshold = max - 1.3;
    const expected = Array.from(row.keys()).filter((i) => row[i] >= threshold);
    assert.deepEqual(Array.from(kernels.collectAtLeast(threshold)), expected, `n=${n} collect`);
    assert.deepEqual(
      Array.from(kernels.collectAtLeast(Number.NEGATIVE_INFINITY)),
      Array.from(row.keys()).filter((i) => row[i] > Number.NEGATIVE_INFINITY),
      `n=${n} collect all finite`,
    );
  }
});

test("top-k over a 152k row: the sampled-threshold path and the plain heap agree with a full sort", () => {
  const rng = new Rng(3);
  // Coarse values make ties common; a skewed block puts the largest values in one region.
  const row = Float32Array.from(
    { length: 151936 },
    (_, i) => Math.floor(rng.next() * 400) + (i > 150000 ? 40 : 0),
  );
  for (let i = 5; i < row.length; i += 13) row[i] = Number.NEGATIVE_INFINITY;
  const sorted = Array.from(row.keys())
    .filter((i) => row[i] > Number.NEGATIVE_INFINITY)
    .sort((a, b) => row[b] - row[a] || a - b);
  const kernels = loadRow(row);
  for (const k of [1, 20, 1024, 4000, 20000])
    assert.deepEqual(Array.from(kernels.topK(k)), sorted.slice(0, k), `k=${k}`);
});

test("a row handle refuses to work once another row is loaded", () => {
  const first = loadRow(new Float32Array([1, 2]));
  loadRow(new Float32Array([3]));
  assert.throws(() => first.max(), /scratch was reused by a later kernel call/);
});
