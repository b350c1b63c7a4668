// YaRN end to end: a tiny qwen3 whose config.json extends an original context of 64 positions by a factor
// of 4 converts to a GGUF with llama.cpp's rope-scaling keys, and llama.cpp's forward pass agrees with the
// float64 reference (HF's _compute_yarn_parameters) at positions far beyond the original context.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { convertToGguf, ggufMetadataValue, makeTinyModel, readGguf } from "../../src/checkpoint/index.js";
import { createEngine, loadModel, type RioModel } from "../../src/engine/index.js";
import { F32_VS_REFERENCE_LOGPROB } from "./bounds.js";
import { engineLogits, referenceLogits } from "./harness.js";
import { compareLogits } from "./metrics.js";

const YARN = { rope_type: "yarn", factor: 4, original_max_position_embeddings: 64 };
let root: string;
let yarnDir: string;
let plainDir: string;
let gguf: string;
let model: RioModel;
/** 200 positions: three times the original context. */
const tokens = Array.from({ length: 200 }, (_, i) => 500 + ((i * 131) % 7000));

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-conf-yarn-"));
  yarnDir = path.join(root, "yarn");
  plainDir = path.join(root, "plain");
  const base = { arch: "qwen3" as const, seed: 7, dtype: "f32" as const };
  makeTinyModel({ ...base, out: yarnDir, textConfig: { rope_scaling: YARN, max_position_embeddings: 256 } });
  makeTinyModel({ ...base, out: plainDir, textConfig: { max_position_embeddings: 256 } });
  gguf = path.join(root, "yarn-f32.gguf");
  convertToGguf(yarnDir, gguf, { quant: "f32" });
  model = loadModel(gguf);
});
after(() => {
  model?.free();
  fs.rmSync(root, { recursive: true, force: true });
});

test("the GGUF carries the rope-scaling keys llama.cpp's converter writes", () => {
  const file = readGguf(gguf);
  assert.equal(ggufMetadataValue(file, "qwen3.rope.scaling.type"), "yarn");
  assert.equal(ggufMetadataValue(file, "qwen3.rope.scaling.factor"), 4);
  assert.equal(ggufMetadataValue(file, "qwen3.rope.scaling.original_context_length"), 64);
  assert.equal(ggufMetadataValue(file, "qwen3.context_length"), 256);
});

test("engine (F32) and the float64 YaRN reference agree beyond the original context", async (t) => {
  const engine = createEngine(model, { ctx: 256, kvType: "f32", flashAttention: false });
  let rows: Float32Array[];
  try {
    rows = await engineLogits(engine, tokens);
  } finally {
    engine.close();
  }
  const yarn = compareLogits(referenceLogits(yarnDir, tokens), rows);
  t.diagnostic(JSON.stringify({ yarn }));
  assert.ok(
    yarn.max_abs_logprob_diff <= F32_VS_REFERENCE_LOGPROB,
    `max |Δ log p| ${yarn.max_abs_logprob_diff} > ${F32_VS_REFERENCE_LOGPROB}`,
  );
  // the check can fail: the same weights with plain RoPE are far off (the scaling changes every angle)
  const plain = compareLogits(referenceLogits(plainDir, tokens), rows);
  t.diagnostic(JSON.stringify({ plain: plain.max_abs_logprob_diff }));
  assert.ok(plain.max_abs_logprob_diff > 100 * F32_VS_REFERENCE_LOGPROB);
});

test("a context longer than the YaRN-extended length is refused, naming both", () => {
  assert.throws(
    () => createEngine(model, { ctx: 512 }),
    /context of 512 positions exceeds the model's maximum of 256 \(YaRN-extended length 256, trained length 256\)/,
  );
});
