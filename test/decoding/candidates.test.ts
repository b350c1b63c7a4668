import assert from "node:assert/strict";
import { test } from "node:test";
import { argmax, filterCandidates, pickCandidate, Rng } from "../../src/decoding/index.js";
import { type LogitsShape, refCandidates, syntheticLogits } from "./reference.js";
import { longestSort } from "./sort-spy.js";

// Both sides compute in float64 from the same float32 logits; they differ in summation order only.
const TOL = 1e-9;

const PARAMS = [
  { temperature: 0.6, top_k: 20, top_p: 0.95, min_p: 0 }, // Qwen3 thinking defaults
  { temperature: 1, top_k: 50, top_p: 1, min_p: 0 },
  { temperature: 0.7, top_k: 0, top_p: 0.8, min_p: 0 }, // top-p without top-k: the histogram path
  { temperature: 1.3, top_k: 0, top_p: 0.95, min_p: 0.05 },
  { temperature: 1, top_k: 0, top_p: 1, min_p: 0.1 }, // min-p alone
  { temperature: 0.9, top_k: 40, top_p: 0.9, min_p: 0.2 },
  { temperature: 1, top_k: 0, top_p: 1, min_p: 0 }, // no filter: full softmax in id order
];

test("filterCandidates matches the full-sort reference and draws the same tokens", () => {
  const rng = new Rng(11);
  let seed = 100;
  for (const shape of ["peaked", "two-way", "head50", "head500", "flat"] as LogitsShape[]) {
    for (const params of PARAMS) {
      const logits = syntheticLogits(shape, 32768, seed++);
      const fast = filterCandidates(logits, params);
      const ref = refCandidates(logits, params);
      const label = `${shape} ${JSON.stringify(params)}`;
      assert.deepEqual(Array.from(fast.ids), ref.ids, `${label} ids`);
      for (let i = 0; i < ref.probs.length; i++)
        assert.ok(Math.abs(fast.probs[i] - ref.probs[i]) <= TOL, `${label} p[${i}]`);
      for (let draw = 0; draw < 20; draw++) {
        const u = rng.next();
        let refIndex = 0;
        let cum = ref.probs[0];
        while (cum <= u && refIndex < ref.probs.length - 1) cum += ref.probs[++refIndex];
        assert.equal(fast.ids[pickCandidate(fast, u)], ref.ids[refIndex], `${label} u=${u}`);
      }
    }
  }
});

test("filterCandidates keeps exactly top_k on ties (lowest ids first) and rejects temperature 0", () => {
  const logits = new Float32Array([1, 3, 3, 3, 0]);
  assert.deepEqual(
    Array.from(filterCandidates(logits, { temperature: 1, top_k: 2, top_p: 1, min_p: 0 }).ids),
    [1, 2],
  );
  assert.throws(() => filterCandidates(logits, { temperature: 0, top_k: 2, top_p: 1, min_p: 0 }), /argmax/);
  assert.equal(argmax(logits), 1);
});

test("filtering a 152k row never sorts the vocabulary, only the few candidates it keeps", () => {
  const logits = syntheticLogits("head500", 151936, 5);
  const fullSort = () => Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]);
  assert.equal(longestSort(fullSort), logits.length, "the spy sees a full sort");
  for (const params of PARAMS) {
    const sorted = longestSort(() => filterCandidates(logits, params));
    assert.ok(sorted <= 4096, `${JSON.stringify(params)} sorted ${sorted} entries`);
  }
});
