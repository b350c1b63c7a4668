import assert from "node:assert/strict";
import { test } from "node:test";
import { expNonPositive } from "../../src/decoding/fast-exp.js";
import { Rng } from "../../src/decoding/index.js";

test("expNonPositive is within 1e-13 relative of Math.exp on (-708, 0] and 0 below", () => {
  const rng = new Rng(3);
  let worst = 0;
  for (let i = 0; i < 200000; i++) {
    const y = i < 1000 ? -i / 1000 : -rng.next() * 708;
    const exact = Math.exp(y);
    if (exact === 0) continue;
    worst = Math.max(worst, Math.abs(expNonPositive(y) - exact) / exact);
  }
  assert.ok(worst < 1e-13, `worst relative error ${worst}`);
  assert.equal(expNonPositive(0), 1);
  assert.equal(expNonPositive(Number.NEGATIVE_INFINITY), 0);
  assert.equal(expNonPositive(-1e6), 0);
  assert.equal(expNonPositive(-740), 0);
});
