// Placement options on this CPU-only machine: expert overrides (--cpu-moe, --n-cpu-moe, explicit patterns)
// are accepted and the model runs; a pattern that places nothing, a bad regex, an unknown buffer type and
// impossible GPU settings are refused before llama.cpp loads anything, naming what was wrong.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import { createEngine, loadModel } from "../../src/engine/index.js";
import { addLlamaLogListener } from "../../src/llama/index.js";
import { engineLogits } from "../conformance/harness.js";

let root: string;
let moeDir: string;
let denseDir: string;

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-placement-"));
  process.env.RIO_CACHE_DIR = path.join(root, "cache");
  moeDir = path.join(root, "moe");
  denseDir = path.join(root, "dense");
  makeTinyModel({ arch: "qwen3_moe", out: moeDir, seed: 5 });
  makeTinyModel({ arch: "qwen3", out: denseDir, seed: 5 });
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

test("expert overrides to CPU are accepted and give the same logits", async () => {
  const tokens = [300, 301, 302, 303, 304];
  let log = "";
  const run = async (opts: Parameters<typeof loadModel>[1]) => {
    log = "";
    const stop = addLlamaLogListener((text) => {
      log += text;
    });
    const model = loadModel(moeDir, { quant: "f16", ...opts });
    stop();
    const engine = createEngine(model, { ctx: 64, kvType: "f32", prefixCache: false });
    try {
      return await engineLogits(engine, tokens);
    } finally {
      engine.close();
      model.free();
    }
  };
  const plain = await run({});
  for (const opts of [
    { cpuMoe: true },
    { nCpuMoe: 2 },
    { overrides: [{ pattern: "ffn_.*_exps", bufferType: "CPU" }], gpuLayers: 0 },
  ]) {
    const placed = await run(opts);
    assert.deepEqual(placed.at(-1), plain.at(-1), JSON.stringify(opts));
    // llama.cpp read the override array: it reports each expert tensor it placed by pattern
    assert.match(
      log,
      /tensor blk\.0\.ffn_up_exps\.weight \(.*\) buffer type overridden to CPU/,
      JSON.stringify(opts),
    );
  }
});

test("a pattern that matches no tensor is refused with the tensor names", () => {
  assert.throws(
    () => loadModel(denseDir, { quant: "f16", cpuMoe: true }),
    (e: Error) =>
      /matches none of the \d+ tensors of .*\.gguf/.test(e.message) &&
      e.message.includes("blk.N.ffn_down.weight") &&
      e.message.includes("token_embd.weight"),
  );
  assert.throws(
    () => loadModel(moeDir, { quant: "f16", nCpuMoe: 3 }),
    /pattern "blk\\\\.2\\\\.ffn_\(up\|down\|gate\|gate_up\)_\(ch\|\)exps" matches none/,
  );
  assert.throws(
    () => loadModel(moeDir, { quant: "f16", overrides: [{ pattern: "ffn_(", bufferType: "CPU" }] }),
    /tensor override pattern "ffn_\(": Invalid regular expression/,
  );
});

test("an unknown buffer type and impossible GPU settings are refused", () => {
  assert.throws(
    () => loadModel(moeDir, { quant: "f16", overrides: [{ pattern: "exps", bufferType: "CUDA0" }] }),
    /no buffer type "CUDA0"; this machine has CPU/,
  );
  assert.throws(() => loadModel(moeDir, { quant: "f16", mainGpu: 1 }), /mainGpu = 1; this machine has 0 GPU/);
  assert.throws(
    () => loadModel(moeDir, { quant: "f16", tensorSplit: [1, 1] }),
    /tensorSplit has 2 entries but this machine has 0 GPU/,
  );
  assert.throws(() => loadModel(moeDir, { quant: "f16", gpuLayers: -2 }), /gpuLayers = -2/);
  assert.throws(() => loadModel(moeDir, { quant: "f16", nCpuMoe: -1 }), /nCpuMoe = -1/);
});
