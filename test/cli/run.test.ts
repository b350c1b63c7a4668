/** `rio run` on the embedded rio-nano, as the README's first command runs it on a fresh machine. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";

const cache = fs.mkdtempSync(path.join(os.tmpdir(), "rio-run-cli-"));
after(() => fs.rmSync(cache, { recursive: true, force: true }));
const rio = (args: string[]) =>
  spawnSync(process.execPath, ["bin/rio.js", "run", ...args], {
    env: { ...process.env, RIO_CACHE_DIR: cache },
    encoding: "utf8",
    timeout: 240_000,
  });

test("rio run --json streams one JSON object per step, then the summary, and says which model runs", () => {
  const result = rio(["--json", "--max-tokens", "6", "--seed", "1", "What is 17 + 25?"]);
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  const summary = lines.pop().summary;
  assert.deepEqual(
    lines.map((s) => s.index),
    [0, 1, 2, 3, 4, 5],
  );
  assert.equal(lines[0].mode, "latent"); // swir is the default and starts latent
  assert.ok(lines.every((s) => typeof s.tokenId === "number" && (s.fed === "token" || s.fed === "mixture")));
  assert.equal(summary.tokens, 6);
  assert.equal(summary.stopReason, "length");
  assert.equal(summary.latentSteps, lines.filter((s) => s.fed === "mixture").length);
  assert.match(result.stderr, /using rio-nano/);
});

for (const reasoning of ["swir", "cot"])
  test(`rio run "What is 17 + 25?" (${reasoning}) thinks the sum through and answers 42`, () => {
    const result = rio(["--reasoning", reasoning, "What is 17 + 25?"]);
    assert.equal(result.status, 0, result.stderr);
    // the reasoning goes to stderr (dimmed), the answer to stdout
    assert.match(result.stderr, /Ones: 7 \+ 5 = 12, write 2, carry 1\.[\s\S]*Tens: 1 \+ 2 \+ 1 = 4/);
    assert.equal(result.stdout.trim(), "17 + 25 = 42.");
  });
