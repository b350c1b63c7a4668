// The problem families: deterministic, split by phrasing, and every worked solution checks out, both by
// the answer checker and by an independent recomputation from the question's own numbers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkAnswer, evaluate } from "../../src/eval/index.js";
import { FAMILIES, isHeldOut, type Problem, problems, SPLITS } from "../../src/tasks/index.js";

const sample = (split: (typeof SPLITS)[number], n = 600) => problems(split, n);

test("problems are deterministic: the same split and index give the same problem", () => {
  assert.deepEqual(problems("test", 30), problems("test", 30));
  assert.deepEqual(problems("train", 10, { start: 20 }), problems("train", 30).slice(20));
  assert.notDeepEqual(problems("train", 30), problems("valid", 30), "splits draw from their own streams");
});

test("the test split uses only held-out phrasings, train and valid never; every family and both languages appear", () => {
  for (const split of SPLITS) {
    const list = sample(split);
    assert.ok(
      list.every((p) => isHeldOut(p.template) === (split === "test")),
      split,
    );
    assert.deepEqual(new Set(list.map((p) => p.family)), new Set(FAMILIES));
    assert.deepEqual(new Set(list.map((p) => p.language)), new Set(["en", "pt"]));
  }
  const trainQuestions = new Set(sample("train", 3000).map((p) => p.question));
  assert.ok(sample("test").every((p) => !trainQuestions.has(p.question)));
});

const whole = (p: Problem) => `<think>\n${p.reasoning}\n</think>\n\n${p.answer}`;

test("every worked solution is judged correct, and a wrong answer is not", () => {
  for (const split of SPLITS)
    for (const p of sample(split)) {
      assert.ok(checkAnswer(p.expected, whole(p)).correct, `${p.id}: ${p.answer}`);
      // one more on the stated result (Countdown: on the expression's first number, as its result is derived)
      const bump = (d: string) => String(Number(d) + 1);
      const wrong =
        p.family === "countdown" ? p.answer.replace(/\d+/, bump) : p.answer.replace(/\d+(?!.*\d)/, bump);
      assert.equal(
        checkAnswer(p.expected, `<think>\n${p.reasoning}\n</think>\n\n${wrong}`).correct,
        false,
        `${p.id}: ${wrong}`,
      );
    }
});

const numbersIn = (text: string) => (text.match(/\d+/g) ?? []).map(Number);

test("expected results recomputed from the questions' own numbers", () => {
  for (const p of sample("test", 1200)) {
    const q = numbersIn(p.question);
    const e = p.expected;
    if (p.family === "arithmetic" && e.kind === "number") {
      // the answer's operands are the question's numbers, and its left side evaluates to the expected value
      const left = p.answer.split("=")[0];
      assert.deepEqual(numbersIn(left).sort(), [...q].sort(), `${p.id}: ${p.question} / ${p.answer}`);
      const { value } = evaluate(left);
      assert.equal(Number(value.n), e.value, p.id);
    } else if (p.family === "multiplication" && e.kind === "number") {
      assert.equal(e.value, q[0] * q[1], `${p.id}: ${p.question}`);
    } else if (p.family === "duration" && e.kind === "duration") {
      const [h1, m1, h2, m2] = q;
      assert.equal(e.minutes, (h2 * 60 + m2 - (h1 * 60 + m1) + 1440) % 1440, `${p.id}: ${p.question}`);
    } else if (p.family === "ordering") {
      const values = e.kind === "numbers" ? e.values : [e.kind === "number" ? e.value : Number.NaN];
      assert.ok(
        values.every((v) => q.includes(v)),
        `${p.id}: answer from the question`,
      );
      if (e.kind === "numbers")
        assert.deepEqual(
          [...values].sort((x, y) => x - y),
          [...q].sort((x, y) => x - y),
          p.id,
        );
    } else if (p.family === "countdown" && e.kind === "countdown") {
      const expression = p.answer.split("=")[0];
      const { value, numbers } = evaluate(expression);
      assert.equal(value.d, 1n);
      assert.equal(Number(value.n), e.target, p.id);
      assert.ok(e.target <= 100 && e.numbers.every((n) => n >= 1 && n <= 25), p.id);
      const pool = [...e.numbers];
      for (const n of numbers) pool.splice(pool.indexOf(n), 1);
      assert.equal(pool.length, e.numbers.length - numbers.length, `${p.id}: each number at most once`);
    }
  }
});

test("the reasoning's last line states the answer's result", () => {
  for (const p of sample("valid")) {
    const last = p.reasoning.split("\n").pop() as string;
    assert.ok(checkAnswer(p.expected, `<think></think>${last}`).correct, `${p.id}: ${last}`);
  }
});
