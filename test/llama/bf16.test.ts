/**
 * Probe: does the shipped llama.cpp CPU backend run BF16 weight tensors? The same tiny model in F32
 * and BF16 (bf16-exact weights) must give close logits; the difference left comes from ggml rounding
 * activations to bf16 for the BF16 matmuls.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { loadLlama } from "../../src/llama/index.js";
import { writeTinyQwen3 } from "./tiny-qwen3.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "rio-llama-bf16-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function lastLogits(weightType: "f32" | "bf16", tokens: number[]): Promise<Float32Array> {
  const file = path.join(dir, `${weightType}.gguf`);
  writeTinyQwen3(file, { weightType, seed: 7 });
  const model = loadLlama().loadModel(file);
  try {
    const ctx = model.createContext({ nCtx: 256, kvType: "f32", flashAttention: false, threads: 1 });
    const n = tokens.length;
    const logits = new Uint8Array(n);
    logits[n - 1] = 1;
    await ctx.decodeTokens({
      tokens: Int32Array.from(tokens),
      pos: Int32Array.from(tokens.map((_, i) => i)),
      seq: new Int32Array(n),
      logits,
    });
    return ctx.logits(n - 1).slice();
  } finally {
    model.free();
  }
}

test("BF16 weight tensors load and decode on this CPU, close to F32", async (t) => {
  const tokens = [3, 104, 258, 260, 40, 41, 42, 7];
  const f32 = await lastLogits("f32", tokens);
  const bf16 = await lastLogits("bf16", tokens);
  let maxDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < f32.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(f32[i] - bf16[i]));
    maxAbs = Math.max(maxAbs, Math.abs(f32[i]));
  }
  t.diagnostic(
    `BF16 vs F32 logits: max |diff| ${maxDiff.toExponential(2)} (max |logit| ${maxAbs.toFixed(2)})`,
  );
  t.diagnostic(loadLlama().systemInfo());
  // bf16 keeps 8 significant bits: each rounding of an activation moves it by at most 2^-9 (0.2%), and
  // the tiny model's 2 layers round the inputs of 7 matmuls and the head, so about 1.6% of the logit
  // scale when the errors add up; 5% leaves room for the random body's amplification, and a BF16 tensor
  // read wrongly (byte order, a missing scale) is off by the whole scale.
  assert.ok(Number.isFinite(maxDiff) && maxDiff < 0.05 * maxAbs, `max diff ${maxDiff}`);
  const argmax = (x: Float32Array) => x.indexOf(Math.max(...x));
  assert.equal(argmax(bf16), argmax(f32));
});
