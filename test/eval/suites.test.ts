// What rio eval reads: built-in suites and JSON-lines files (GSM8K answers, durations, lists, Countdown).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { expectedFromRecord, fileItems, suiteItems } from "../../src/eval/index.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "rio-eval-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

test("a built-in suite is the held-out split, balanced over the families, or only the ones asked for", () => {
  const items = suiteItems("test", 12);
  assert.equal(new Set(items.map((i) => i.family)).size, 6);
  assert.ok(suiteItems("test", 5, ["countdown"]).every((i) => i.family === "countdown"));
  assert.throws(() => suiteItems("nope", 1), /--suite nope: expected one of test, valid/);
});

test("answers: numbers, GSM8K's #### N, durations, lists and Countdown records", () => {
  assert.deepEqual(expectedFromRecord({ answer: 42 }), { kind: "number", value: 42 });
  assert.deepEqual(expectedFromRecord({ answer: "She pays 3 + 4 = 7.\n#### 1,250" }), {
    kind: "number",
    value: 1250,
  });
  assert.deepEqual(expectedFromRecord({ answer: "-3" }), { kind: "number", value: -3 });
  assert.deepEqual(expectedFromRecord({ answer: "3 hours 25 minutes" }), { kind: "duration", minutes: 205 });
  assert.deepEqual(expectedFromRecord({ answer: "5, 140, 875" }), { kind: "numbers", values: [5, 140, 875] });
  assert.deepEqual(expectedFromRecord({ numbers: [8, 3, 5, 6], target: 31 }), {
    kind: "countdown",
    numbers: [8, 3, 5, 6],
    target: 31,
  });
  assert.equal(expectedFromRecord({ answer: "blue" }), undefined);
});

test("a bad file names the file, the line and the field", () => {
  assert.throws(() => fileItems(path.join(dir, "missing.jsonl")), /--file .*missing.jsonl: ENOENT/);
  assert.throws(
    () => fileItems(file("a.jsonl", '{"question": "2+2?", "answer": 4}\n{oops\n')),
    /a.jsonl:2: not JSON/,
  );
  assert.throws(
    () => fileItems(file("b.jsonl", '{"answer": 4}\n')),
    /b.jsonl:1: "question" must be a non-empty string/,
  );
  assert.throws(
    () => fileItems(file("c.jsonl", '{"question": "x", "answer": "blue"}\n')),
    /c.jsonl:1: "answer" must be/,
  );
  assert.throws(() => fileItems(file("d.jsonl", "\n\n")), /no records/);
  const ok = fileItems(
    file(
      "e.jsonl",
      '{"question": "2+2?", "answer": "#### 4", "family": "arithmetic"}\n\n{"question": "hi", "answer": 1}\n',
    ),
  );
  assert.deepEqual(
    ok.map((i) => [i.family, i.expected]),
    [
      ["arithmetic", { kind: "number", value: 4 }],
      ["file", { kind: "number", value: 1 }],
    ],
  );
});
