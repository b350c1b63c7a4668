// KV cache types: quantised caches run (flash attention turned on for them), impossible combinations fail
// with a clear error before llama.cpp allocates, the memory estimate follows the type, and one sequence
// may not run past the model's trained context.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import { createEngine, estimateMemory, loadModel, type RioModel } from "../../src/engine/index.js";
import { engineLogits } from "../conformance/harness.js";
import { compareLogits } from "../conformance/metrics.js";

let root: string;
let model: RioModel;
/** head_dim 16: no quantised block (32 values) divides it. */
let narrow: RioModel;
const tokens = Array.from({ length: 80 }, (_, i) => 300 + ((i * 37) % 4000));

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-kv-type-"));
  process.env.RIO_CACHE_DIR = path.join(root, "cache");
  makeTinyModel({ arch: "qwen3", out: path.join(root, "wide"), seed: 3, overrides: { head_dim: 32 } });
  makeTinyModel({ arch: "qwen3", out: path.join(root, "narrow"), seed: 3 });
  model = loadModel(path.join(root, "wide"), { quant: "f16" });
  narrow = loadModel(path.join(root, "narrow"), { quant: "f16" });
});
after(() => {
  model?.free();
  narrow?.free();
  fs.rmSync(root, { recursive: true, force: true });
});

async function logits(kvType: "f16" | "q8_0" | "q4_0"): Promise<Float32Array[]> {
  const engine = createEngine(model, { ctx: 256, kvType });
  try {
    return await engineLogits(engine, tokens);
  } finally {
    engine.close();
  }
}

test("q8_0 and q4_0 KV caches run, q8_0 closer to f16 than q4_0", async (t) => {
  // smoke bounds, not conformance: measured KL 3e-4 (q8_0) and 0.05 (q4_0) on this random model, whose
  // near-uniform distributions magnify quantisation noise; a broken cache gives garbage (KL of nats)
  const f16 = await logits("f16");
  const kl: Record<string, number> = {};
  for (const kvType of ["q8_0", "q4_0"] as const) {
    const rows = await logits(kvType);
    const agreement = compareLogits(f16, rows);
    t.diagnostic(`${kvType}: ${JSON.stringify(agreement)}`);
    assert.ok(rows.every((r) => r.every(Number.isFinite)));
    assert.ok(agreement.max_abs_logprob_diff > 0, `${kvType} is really quantised`);
    kl[kvType] = agreement.kl_mean;
  }
  assert.ok(kl.q8_0 < 0.01 && kl.q4_0 < 0.5 && kl.q8_0 < kl.q4_0, JSON.stringify(kl));
});

test("a quantised KV cache without flash attention is refused", () => {
  assert.throws(
    () => createEngine(model, { ctx: 256, kvType: "q8_0", flashAttention: false }),
    /kvType = q8_0 needs flash attention/,
  );
});

test("a quantised KV cache whose block does not divide the head size is refused", () => {
  assert.throws(
    () => createEngine(narrow, { ctx: 256, kvType: "q4_0" }),
    /--kv-type q4_0: its 32-value blocks do not divide the model's head size 16/,
  );
});

test("the memory estimate follows the KV type", () => {
  const kv = (kvType: "f32" | "f16" | "q8_0" | "q4_0") => estimateMemory(model.gguf, 4096, kvType).kvCache;
  assert.equal(kv("f32"), 2 * kv("f16"));
  assert.equal(kv("q8_0"), (kv("f16") * 34) / 64);
  assert.equal(kv("q4_0"), (kv("f16") * 18) / 64);
});

test("one sequence may not run past the trained context; several may share more cells", () => {
  assert.throws(
    () => createEngine(model, { ctx: 41216 }),
    /a context of 41216 positions exceeds the model's maximum of 40960; config.json rope_scaling \(YaRN\) can extend it/,
  );
  createEngine(model, { ctx: 41216, maxSequences: 2 }).close();
});
