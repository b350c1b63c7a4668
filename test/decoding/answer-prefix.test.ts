/** The forced answer opening (tool_choice "required" / a named function): when it starts, what it replaces, limits. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AnswerPrefixController, CotController } from "../../src/decoding/index.js";
import { END, EOS, row, ScriptedSampler } from "./fake-model.js";

const PREFIX = [50, 51, 52];

/** Steps `controller` over `sampled` (what the model would say), one per step, until it stops. */
function run(controller: AnswerPrefixController, sampled: number[]) {
  const sampler = new ScriptedSampler(sampled);
  const steps = [];
  while (!controller.finished) steps.push(controller.step(row(1), sampler));
  return { steps, accepted: sampler.accepted };
}

test("after the reasoning closes, the prefix replaces the model's tokens, then the model goes on", () => {
  const cot = new CotController({ max_new_tokens: 100, stop_token_ids: [EOS] });
  const c = new AnswerPrefixController(cot, PREFIX, { thinkEnd: END, answerFirst: false }, 100);
  const { steps, accepted } = run(c, [1, 2, END, 7, 8, EOS]);
  assert.deepEqual(
    steps.map((s) => s.tokenId),
    [1, 2, END, ...PREFIX, 7, 8, EOS],
  );
  assert.deepEqual(
    steps.map((s) => s.forced),
    [false, false, false, true, true, true, false, false, false],
  );
  // forced tokens are fed back as tokens and recorded for penalties; the model is not asked for them
  assert.deepEqual(steps[3].fed, { kind: "token", id: PREFIX[0] });
  assert.deepEqual(accepted, [1, 2, END, ...PREFIX, 7, 8, EOS]);
  assert.equal(steps.at(-1)?.stop, "eos");
});

test("when the prompt closed the reasoning itself, the prefix comes first", () => {
  const cot = new CotController({ max_new_tokens: 100, stop_token_ids: [EOS] });
  const c = new AnswerPrefixController(cot, PREFIX, { thinkEnd: END, answerFirst: true }, 100);
  assert.deepEqual(
    run(c, [9, EOS]).steps.map((s) => s.tokenId),
    [...PREFIX, 9, EOS],
  );
});

test("forced steps count toward the token limit; a model that stops while reasoning is never forced", () => {
  const limited = new AnswerPrefixController(
    new CotController({ max_new_tokens: 100, stop_token_ids: [EOS] }),
    PREFIX,
    { thinkEnd: END, answerFirst: false },
    3,
  );
  const { steps } = run(limited, [END, 7, 8]);
  assert.deepEqual(
    steps.map((s) => [s.tokenId, s.stop]),
    [
      [END, null],
      [PREFIX[0], null],
      [PREFIX[1], "max_tokens"],
    ],
  );
  const stopped = new AnswerPrefixController(
    new CotController({ max_new_tokens: 100, stop_token_ids: [EOS] }),
    PREFIX,
    { thinkEnd: END, answerFirst: false },
    100,
  );
  assert.deepEqual(
    run(stopped, [1, EOS]).steps.map((s) => s.tokenId),
    [1, EOS],
  );
  assert.throws(() => stopped.step(row(1), new ScriptedSampler([1])), /already stopped/);
});
