import assert from "node:assert/strict";
import { test } from "node:test";
import { headOf, softmaxSummary, topMass } from "../../src/decoding/index.js";
import { type LogitsShape, refTopMass, syntheticLogits } from "./reference.js";
import { longestSort } from "./sort-spy.js";

const SHAPES: LogitsShape[] = ["peaked", "two-way", "head50", "head500", "flat"];

// Tolerance: the kernels exponentiate in float32 (Cephes expf, ~2 ulp = 1.2e-7 relative) and sum in
// float64; the reference is float64 throughout. 1e-6 is still below the float32 rounding of the logits
// themselves (one ulp of a logit near 16 is 1.9e-6 nats).
const TOL = 1e-6;

test("topMass matches the full-sort reference (entropy, head ids, probabilities)", () => {
  let seed = 1;
  for (const shape of SHAPES) {
    for (const [mass, maxCount, invT] of [
      [0.999, 1024, 1],
      [0.95, 151936, 1 / 0.6],
      [0.5, 16, 1],
      [1, 64, 1],
    ] as const) {
      const logits = syntheticLogits(shape, seed % 2 ? 151936 : 32768, seed++);
      const fast = topMass(logits, { mass, maxCount, invTemperature: invT });
      const ref = refTopMass(logits, mass, maxCount, invT);
      const label = `${shape} mass=${mass} cap=${maxCount} invT=${invT}`;
      assert.ok(Math.abs(fast.entropy - ref.entropy) <= TOL * Math.max(1, ref.entropy), `${label} entropy`);
      assert.deepEqual(Array.from(fast.ids), ref.ids, `${label} ids`);
      for (let i = 0; i < ref.probs.length; i++)
        assert.ok(Math.abs(fast.probs[i] - ref.probs[i]) <= TOL, `${label} p[${i}]`);
      assert.ok(Math.abs(fast.mass - ref.mass) <= TOL, `${label} mass`);
    }
  }
});

test("topMass skips masked (-Infinity) logits and handles ties", () => {
  const logits = new Float32Array([2, Number.NEGATIVE_INFINITY, 2, 1, Number.NEGATIVE_INFINITY]);
  const fast = topMass(logits, { mass: 1, maxCount: 10 });
  const ref = refTopMass(logits, 1, 10);
  assert.deepEqual(Array.from(fast.ids), ref.ids);
  assert.ok(Math.abs(fast.entropy - ref.entropy) < TOL);
  assert.throws(
    () => topMass(new Float32Array([Number.NEGATIVE_INFINITY]), { mass: 1, maxCount: 1 }),
    /-Infinity/,
  );
});

test("topMass on a 152k row sorts at most the head it returns, never the vocabulary", () => {
  const logits = syntheticLogits("head50", 151936, 99);
  for (const maxCount of [16, 1024]) {
    const sorted = longestSort(() => topMass(logits, { mass: 0.999, maxCount }));
    assert.ok(sorted <= maxCount, `maxCount ${maxCount}: sorted ${sorted} entries`);
  }
});

test("a summary now and the head later give what topMass gives at once", () => {
  const logits = syntheticLogits("head500", 151936, 5);
  const summary = softmaxSummary(logits, 1 / 0.7);
  const later = headOf(logits, summary, { mass: 0.99, maxCount: 1024 });
  assert.deepEqual(later, topMass(logits, { mass: 0.99, maxCount: 1024, invTemperature: 1 / 0.7 }));
  assert.equal(summary.entropy, later.entropy);
});
