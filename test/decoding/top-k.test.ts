import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng, topKIndices } from "../../src/decoding/index.js";
import { refSortedIds } from "./reference.js";

test("topKIndices matches a full sort (ties by id, -Infinity never selected)", () => {
  const rng = new Rng(7);
  for (const [n, k] of [
    [10, 3],
    [1000, 20],
    [5000, 1],
    [300, 300],
    [50, 80],
  ] as const) {
    // Coarse values so ties are common; a few masked entries.
    const v = Float32Array.from({ length: n }, () => Math.floor(rng.next() * 50));
    for (let i = 0; i < n; i += 7) v[i] = Number.NEGATIVE_INFINITY;
    const expected = refSortedIds(v)
      .filter((id) => v[id] > Number.NEGATIVE_INFINITY)
      .slice(0, k);
    assert.deepEqual(Array.from(topKIndices(v, k)), expected, `n=${n} k=${k}`);
  }
});
