/** Thinking budgets: the reasoning is closed at the budget (never later than the closing), an answer follows. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CotController,
  type DecodingController,
  SwiReasoningController,
  swirParams,
  ThinkingBudgetController,
} from "../../src/decoding/index.js";
import { END, EOS, FAKE_VOCAB, LB, row, ScriptedSampler, THINK } from "./fake-model.js";

const CLOSING = [LB, END, LB];
const start = { thinkEnd: END, answerFirst: false };

/** Steps `c` with a low-entropy row per step (level 1: swir would stay latent) over `sampled`. */
function run(c: DecodingController, sampled: number[]) {
  const sampler = new ScriptedSampler(sampled);
  const steps = [];
  while (!c.finished) steps.push(c.step(row(1), sampler));
  return { steps, accepted: sampler.accepted };
}

const cot = () => new CotController({ max_new_tokens: 100, stop_token_ids: [EOS] });
const swir = () =>
  new SwiReasoningController(swirParams({ max_new_tokens: 100, stop_token_ids: [EOS] }), FAKE_VOCAB);

for (const [name, method] of [
  ["cot", cot],
  ["swir", swir],
] as const)
  test(`${name}: at the budget the closing is forced, then the model answers`, () => {
    const c = new ThinkingBudgetController(method(), { budget: 4, closing: CLOSING }, start, 100);
    // the model would think on (1, 2, 3 ...) and never close the block itself
    const { steps, accepted } = run(c, [THINK, 1, 2, 3, 4, 5, 7, 8, EOS]);
    assert.deepEqual(
      steps.map((s) => s.tokenId),
      [THINK, 1, 2, 3, ...CLOSING, 4, 5, 7, 8, EOS],
    );
    assert.deepEqual(
      steps.map((s) => s.forced),
      [false, false, false, false, true, true, true, false, false, false, false, false],
    );
    assert.deepEqual(accepted, [THINK, 1, 2, 3, ...CLOSING, 4, 5, 7, 8, EOS]);
    // the answer is decoded explicitly: swir feeds token rows from the closing on
    assert.ok(steps.slice(4).every((s) => s.fed.kind === "token" && s.mode === "explicit"));
    if (name === "swir") assert.ok(steps.slice(0, 4).some((s) => s.fed.kind === "mixture"));
  });

test("a block the model closes within the budget is left alone", () => {
  const c = new ThinkingBudgetController(cot(), { budget: 4, closing: CLOSING }, start, 100);
  assert.deepEqual(
    run(c, [THINK, 1, END, 7, EOS]).steps.map((s) => s.tokenId),
    [THINK, 1, END, 7, EOS],
  );
});

test("a prompt that closed the reasoning itself is never forced; forced steps count toward the limit", () => {
  const answerFirst = new ThinkingBudgetController(
    cot(),
    { budget: 1, closing: CLOSING },
    { ...start, answerFirst: true },
    100,
  );
  assert.deepEqual(
    run(answerFirst, [1, 2, 3, EOS]).steps.map((s) => s.tokenId),
    [1, 2, 3, EOS],
  );
  const limited = new ThinkingBudgetController(cot(), { budget: 2, closing: CLOSING }, start, 3);
  assert.deepEqual(
    run(limited, [THINK, 1]).steps.map((s) => [s.tokenId, s.stop]),
    [
      [THINK, null],
      [1, null],
      [LB, "max_tokens"],
    ],
  );
});

test("bad budgets and closings are refused", () => {
  assert.throws(
    () => new ThinkingBudgetController(cot(), { budget: -1, closing: CLOSING }, start, 10),
    /budget/,
  );
  assert.throws(
    () => new ThinkingBudgetController(cot(), { budget: 3, closing: [LB] }, start, 10),
    /<\/think>/,
  );
});
