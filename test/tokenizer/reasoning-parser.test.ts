import assert from "node:assert/strict";
import { test } from "node:test";
import { ReasoningParser } from "../../src/tokenizer/index.js";
import { runParser, splits } from "./stream-harness.js";

const CASES: { startsInReasoning: boolean; text: string; expected: { kind: string; text: string }[] }[] = [
  {
    startsInReasoning: false,
    text: "<think>\nLet me think.\n</think>\n\nThe answer is 4.",
    expected: [
      { kind: "reasoning", text: "\nLet me think.\n" },
      { kind: "content", text: "\n\nThe answer is 4." },
    ],
  },
  {
    startsInReasoning: false,
    text: "\n<think>\n思考 🤔</think>答案<think>not again</think>",
    expected: [
      { kind: "reasoning", text: "\n思考 🤔" },
      { kind: "content", text: "答案<think>not again</think>" },
    ],
  },
  {
    startsInReasoning: false,
    text: "No reasoning <think> here",
    expected: [{ kind: "content", text: "No reasoning <think> here" }],
  },
  { startsInReasoning: false, text: "<thin", expected: [{ kind: "content", text: "<thin" }] },
  {
    startsInReasoning: false,
    text: "<think>cut off </thi",
    expected: [{ kind: "reasoning", text: "cut off </thi" }],
  },
  {
    startsInReasoning: true,
    text: "still thinking <b>\n</think>\n\nDone </think>",
    expected: [
      { kind: "reasoning", text: "still thinking <b>\n" },
      { kind: "content", text: "\n\nDone </think>" },
    ],
  },
  { startsInReasoning: true, text: "</think>", expected: [] },
  {
    startsInReasoning: true,
    text: "never closed <",
    expected: [{ kind: "reasoning", text: "never closed <" }],
  },
];

for (const [i, c] of CASES.entries()) {
  test(`reasoning parser case ${i}: streaming at every split equals whole-string parsing`, () => {
    const whole = runParser(new ReasoningParser({ startsInReasoning: c.startsInReasoning }), [c.text]);
    assert.deepEqual(whole, c.expected);
    for (const parts of splits(c.text)) {
      assert.deepEqual(runParser(new ReasoningParser(c), parts), whole, JSON.stringify(parts));
    }
  });
}

test("reasoning parser emits reasoning before the closing tag arrives", () => {
  const p = new ReasoningParser({ startsInReasoning: false });
  assert.deepEqual(p.feed("<think>abc</"), [{ kind: "reasoning", text: "abc" }]);
  assert.deepEqual(p.feed("think>x"), [{ kind: "content", text: "x" }]);
  assert.deepEqual(p.finish(), []);
});
