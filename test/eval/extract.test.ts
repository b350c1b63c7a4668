// The stated extraction rules of `rio eval`, one case each, and the exact Countdown evaluator.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  answerPart,
  checkAnswer,
  evaluate,
  extractDuration,
  extractExpression,
  extractFinalNumber,
  extractNumbers,
} from "../../src/eval/index.js";

test("the answer part is what follows the last </think>; unclosed reasoning has none", () => {
  assert.equal(answerPart("<think>\n12\n</think>\n\n42."), "\n\n42.");
  assert.equal(answerPart("<think>\nstill thinking 12"), undefined);
  assert.equal(answerPart("no tags, 7"), "no tags, 7");
  assert.equal(checkAnswer({ kind: "number", value: 12 }, "<think>\n12 is the answer").correct, false);
});

test("numbers: \\boxed{} first, then 'final answer is', then the last number", () => {
  assert.equal(extractFinalNumber("so 3, and \\boxed{41} then 7"), 41);
  assert.equal(extractFinalNumber("The final answer is 1,234. Check: 99"), 1234);
  assert.equal(extractFinalNumber("A resposta final é 17, e 3"), 17);
  assert.equal(extractFinalNumber("52 - 755 = -703."), -703);
  assert.equal(extractFinalNumber("no digits"), undefined);
  assert.deepEqual(extractNumbers("5, 140, 875 and 1,000"), [5, 140, 875, 1000]);
});

test("durations in words (English, Portuguese, abbreviated) and h:mm", () => {
  assert.equal(extractDuration("3 hours 25 minutes."), 205);
  assert.equal(extractDuration("1 hora e 5 minutos"), 65);
  assert.equal(extractDuration("2 h 5 min"), 125);
  assert.equal(extractDuration("45 minutes"), 45);
  assert.equal(extractDuration("2 horas"), 120);
  assert.equal(extractDuration("it takes 3:25"), 205);
  assert.equal(extractDuration("nothing"), undefined);
});

test("Countdown: the last expression, evaluated exactly, using the given numbers at most once", () => {
  assert.equal(extractExpression("Answer: (8 - 3) * 5 + 6 = 31"), "(8 - 3) * 5 + 6");
  const expected = { kind: "countdown" as const, numbers: [8, 3, 5, 6], target: 31 };
  assert.equal(checkAnswer(expected, "</think>(8 - 3) * 5 + 6 = 31").correct, true);
  assert.equal(checkAnswer(expected, "</think>(8 - 3) * 6 + 1 = 31").correct, false, "1 is not given");
  assert.equal(checkAnswer(expected, "</think>8 * 5 - 3 - 6 = 31").correct, true);
  assert.equal(checkAnswer(expected, "</think>(8 + 8) * 2 = 32").correct, false);
  assert.equal(checkAnswer(expected, "</think>6 * 5 + 3 / 3 = 31").correct, false, "3 used twice");
  assert.equal(
    checkAnswer({ kind: "countdown", numbers: [7, 2, 4], target: 14 }, "</think>7 / 2 * 4 = 14").correct,
    true,
  );
});

test("the evaluator is exact, respects precedence and refuses malformed input", () => {
  assert.deepEqual(evaluate("(8 - 3) * 5 + 6"), { value: { n: 31n, d: 1n }, numbers: [8, 3, 5, 6] });
  assert.deepEqual(evaluate("7 / 2").value, { n: 7n, d: 2n });
  assert.deepEqual(evaluate("2 + 3 × 4 ÷ 6").value, { n: 4n, d: 1n });
  assert.deepEqual(evaluate("10 - 2 - 3").value, { n: 5n, d: 1n });
  assert.throws(() => evaluate("3 / (2 - 2)"), /division by zero/);
  assert.throws(() => evaluate("3 + * 4"), /expected a number/);
  assert.throws(() => evaluate("(3 + 4"), /expected "\)"/);
});
