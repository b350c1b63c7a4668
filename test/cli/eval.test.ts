/** `rio eval` on a small JSON-lines file with the embedded rio-nano: the table, --json rows and --out files. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-eval-cli-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const rio = (args: string[]) =>
  spawnSync(process.execPath, ["bin/rio.js", ...args], {
    env: { ...process.env, RIO_CACHE_DIR: path.join(dir, "cache") },
    encoding: "utf8",
    timeout: 300_000,
  });

test("rio eval --file: one JSON row per method and budget, records, a table and the chart as SVG and PNG", () => {
  const file = path.join(dir, "small.jsonl");
  fs.writeFileSync(
    file,
    [
      { question: "What is 17 + 25?", answer: "42", family: "arithmetic" },
      { question: "How long is it from 10:45 to 14:10?", answer: "3 hours 25 minutes", family: "duration" },
      { question: "Which is larger, 4512 or 4521?", answer: "Compare digits. #### 4521" },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n"),
  );
  const out = path.join(dir, "out");
  const result = rio([
    "eval",
    "--file",
    file,
    "--methods",
    "cot,swir",
    "--budgets",
    "16,200",
    "--json",
    "--out",
    out,
  ]);
  assert.equal(result.status, 0, result.stderr);
  const rows = result.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  assert.deepEqual(
    rows.map((r) => [r.method, r.budget, r.n]),
    [
      ["cot", 16, 3],
      ["cot", 200, 3],
      ["swir", 16, 3],
      ["swir", 200, 3],
    ],
  );
  for (const r of rows) {
    assert.ok(
      r.accuracy >= 0 && r.accuracy <= 1 && r.mean_tokens > 0 && r.mean_tokens <= r.budget,
      JSON.stringify(r),
    );
    assert.deepEqual(Object.keys(r.by_family).sort(), ["arithmetic", "duration", "file"]);
  }
  // 16 tokens cannot hold a worked solution: the reasoning never closes, so nothing is answered
  assert.equal(rows[0].accuracy, 0);
  const records = fs
    .readFileSync(path.join(out, "records.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.equal(records.length, 12);
  assert.ok(records.every((r) => typeof r.output === "string" && typeof r.correct === "boolean"));
  assert.match(
    fs.readFileSync(path.join(out, "chart.svg"), "utf8"),
    /^<svg[\s\S]*mean generated tokens[\s\S]*<\/svg>$/,
  );
  assert.deepEqual(
    [...fs.readFileSync(path.join(out, "chart.png")).subarray(0, 8)],
    [137, 80, 78, 71, 13, 10, 26, 10],
  );
  assert.match(
    fs.readFileSync(path.join(out, "table.md"), "utf8"),
    /^\| method \| budget \| accuracy \| mean tokens \| n \|/,
  );
});

test("rio eval refuses a bad file with its line and field, and needs exactly one of --suite and --file", () => {
  const bad = path.join(dir, "bad.jsonl");
  fs.writeFileSync(bad, '{"question": "2+2?", "answer": 4}\n{"question": ""}\n');
  const refused = rio(["eval", "--file", bad]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /bad.jsonl:2: "question" must be a non-empty string/);
  const both = rio(["eval", "--file", bad, "--suite", "test"]);
  assert.match(both.stderr, /exactly one of --suite NAME and --file FILE.jsonl/);
});
