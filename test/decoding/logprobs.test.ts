import assert from "node:assert/strict";
import { test } from "node:test";
import { tokenLogprob } from "../../src/decoding/index.js";

test("tokenLogprob is the log-softmax of the raw row, with the top alternatives first", () => {
  const row = new Float32Array([0, Math.log(3), Math.log(6), Number.NEGATIVE_INFINITY]);
  const lp = tokenLogprob(row, 1, 2);
  assert.ok(Math.abs(lp.logprob - Math.log(0.3)) < 1e-6);
  assert.deepEqual(
    lp.top.map((t) => t.id),
    [2, 1],
  );
  assert.ok(Math.abs(lp.top[0].logprob - Math.log(0.6)) < 1e-6);
  assert.deepEqual(tokenLogprob(row, 0, 0).top, []);
  assert.ok(Math.abs(Math.exp(tokenLogprob(row, 0, 0).logprob) - 0.1) < 1e-6);
});

test("rows past the tokenizer's entries count in the softmax but are never offered as alternatives", () => {
  // ids 2 and 3 are padding rows (a tokenizer of 2 entries); id 3 holds the most mass
  const row = new Float32Array([0, Math.log(3), Math.log(2), Math.log(4)]);
  const lp = tokenLogprob(row, 1, 4, 2);
  assert.deepEqual(
    lp.top.map((t) => t.id),
    [1, 0],
  );
  assert.ok(Math.abs(lp.logprob - Math.log(0.3)) < 1e-6);
});
