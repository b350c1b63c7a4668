/** `rio run --json` on the embedded demo model, as the README's first command runs it on a fresh machine. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

test("rio run --json streams one JSON object per step, then the summary, and says it is a demo model", () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "rio-run-cli-"));
  try {
    const result = spawnSync(
      process.execPath,
      ["bin/rio.js", "run", "--json", "--max-tokens", "6", "--seed", "1", "What is 17 + 25?"],
      {
        env: { ...process.env, RIO_CACHE_DIR: cache },
        encoding: "utf8",
        timeout: 240_000,
      },
    );
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const summary = lines.pop().summary;
    assert.equal(lines.length, 6);
    assert.deepEqual(
      lines.map((s) => s.index),
      [0, 1, 2, 3, 4, 5],
    );
    assert.equal(lines[0].mode, "latent"); // swir is the default and starts latent
    assert.ok(
      lines.every((s) => typeof s.tokenId === "number" && (s.fed === "token" || s.fed === "mixture")),
    );
    assert.equal(summary.tokens, 6);
    assert.equal(summary.stopReason, "length");
    assert.equal(summary.latentSteps, lines.filter((s) => s.fed === "mixture").length);
    assert.match(result.stderr, /demo model .*random weights, only its output layer trained/);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
