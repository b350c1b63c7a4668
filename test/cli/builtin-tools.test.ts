// `rio run --builtin-tools code` on a tiny model trained to call the code tool (tool-calling-model.ts):
// the call and its result are shown on stderr as they happen, the answer on stdout; with --json they are
// JSON lines among the steps.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { ToolRunner } from "../../src/agent/index.js";
import { codeTool } from "../../src/tools/index.js";
import { makeToolCallingModel } from "../fixtures/tools/tool-calling-model.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-tools-cli-"));
const model = path.join(root, "model");
const QUESTION = "What is 6 times 7? Use code.";
const call = {
  id: "call_1",
  name: "code",
  arguments: JSON.stringify({ language: "javascript", code: "6*7" }),
};

before(async () => {
  const runner = new ToolRunner([codeTool()]);
  const { result } = await runner.run(call, new AbortController().signal);
  await runner.close();
  makeToolCallingModel(model, [
    {
      user: QUESTION,
      tools: runner.definitions(),
      rounds: [{ call, result: result.text }],
      answer: { text: "6 × 7 = 42." },
    },
  ]);
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const rio = (args: string[]) =>
  spawnSync(
    process.execPath,
    [
      "bin/rio.js",
      "run",
      ...["--model", model, "--quant", "f16", "--builtin-tools", "code", "--no-thinking"],
      ...["--reasoning", "cot", "--temperature", "0", "--max-tokens", "100", ...args, QUESTION],
    ],
    { env: { ...process.env, RIO_CACHE_DIR: path.join(root, "cache") }, encoding: "utf8", timeout: 240_000 },
  );

test("rio run --builtin-tools code shows the call and its result on stderr, then the answer", () => {
  const result = rio([]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), "6 × 7 = 42.");
  assert.ok(
    result.stderr.includes(
      `[tool call] code {"language":"javascript","code":"6*7"}\n[tool result] code: ok, `,
    ),
    result.stderr,
  );
  assert.match(result.stderr, /ms\nvalue:\n42\n/);
  assert.match(result.stderr, /1 tool runs, stop: eos\]/);
});

test("rio run --json prints the call and its result as JSON lines between the steps", () => {
  const result = rio(["--json"]);
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  const kinds = lines.map((line) => Object.keys(line)[0]);
  const callAt = kinds.indexOf("tool_call");
  assert.deepEqual(kinds.slice(callAt, callAt + 2), ["tool_call", "tool_result"]);
  assert.ok(callAt > 0 && kinds[callAt + 2] === "index", "steps before and after the run");
  const { text, isError } = lines[callAt + 1].tool_result.result;
  assert.deepEqual([text, isError], ["value:\n42", false]);
  assert.equal(kinds.at(-1), "summary");
});
