/** `rio run --image FILE` on a tiny Qwen3.5 with a vision tower (libmtmd built or found in the cache). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import { RioTokenizer } from "../../src/tokenizer/index.js";
import { pngOf } from "../vision/images.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-image-cli-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const model = path.join(root, "tiny");
makeTinyModel({ arch: "qwen3_5", out: model, seed: 3, vision: true });
const image = path.join(root, "card.png");
fs.writeFileSync(image, pngOf(128, 64));
const rio = (args: string[]) =>
  spawnSync(process.execPath, ["bin/rio.js", "run", "--json", "--max-tokens", "2", ...args], {
    // fresh conversions; libmtmd comes from RIO_MTMD_CACHE_DIR, shared by the whole test run
    env: { ...process.env, RIO_CACHE_DIR: path.join(root, "cache") },
    encoding: "utf8",
    timeout: 300_000,
  });

test("rio run --image shows the image to the model: the prompt counts its rows", () => {
  const result = rio(["--model", model, "--image", image, "--image", image, "What is this?"]);
  assert.equal(result.status, 0, result.stderr);
  const summary = JSON.parse(result.stdout.trim().split("\n").at(-1) as string).summary;
  const text = RioTokenizer.fromDir(model).encodeChat([
    {
      role: "user",
      content: [{ type: "image" }, { type: "image" }, { type: "text", text: "What is this?" }],
    },
  ]).length;
  // 128 x 64 is a 2 x 4 grid of merged 32-pixel patches: 8 rows in place of each placeholder
  assert.equal(summary.promptTokens, text - 2 + 2 * 8);
});

test("rio run --image says what is wrong with the image or the model", () => {
  const missing = rio(["--model", model, "--image", path.join(root, "none.png"), "hi"]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /none\.png: cannot read the image/);
  const text = path.join(root, "notes.txt");
  fs.writeFileSync(text, "not an image");
  assert.match(rio(["--model", model, "--image", text, "hi"]).stderr, /notes\.txt: not a PNG or JPEG/);
  const textOnly = path.join(root, "text-only");
  makeTinyModel({ arch: "qwen3", out: textOnly, seed: 3 });
  assert.match(
    rio(["--model", textOnly, "--image", image, "hi"]).stderr,
    /card\.png: this model has no vision tower/,
  );
});
