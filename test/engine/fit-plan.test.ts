// The fit planner against what llama.cpp allocates: weights (llama_model_size), KV cache and recurrent
// state (the buffer sizes llama.cpp logs) of the tiny models and of the Qwen3-0.6B shape, each predicted
// from the GGUF and from config.json alone, within 10%. Then the placements it finds for Rio 3.5 Open's
// shape (a 397B-A17B config fixture) at Q4_K_M.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, type TestContext, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type ModelType, makeTinyModel, readGguf } from "../../src/checkpoint/index.js";
import { parseSize } from "../../src/cli/commands/plan.js";
import { loadModel, modelFootprint, type PlannedQuant, planFit } from "../../src/engine/index.js";
import { addLlamaLogListener, loadLlama } from "../../src/llama/index.js";
import { writeShapedGguf } from "./shaped-gguf.js";

const CTX = 4096;
const SEQS = 32;
const here = path.dirname(fileURLToPath(import.meta.url));
const rioOpen = path.resolve(here, "../../../test/fixtures/rio-3.5-open");
let root: string;

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-fit-plan-"));
  process.env.RIO_CACHE_DIR = path.join(root, "cache");
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** What llama.cpp allocates for `gguf` with a CTX-position, SEQS-sequence context (f16 KV). */
function allocated(gguf: string): { weights: number; kvCache: number; recurrentState: number } {
  let log = "";
  const stop = addLlamaLogListener((text) => {
    log += text;
  });
  const model = loadLlama().loadModel(gguf);
  try {
    model.createContext({ nCtx: CTX, nSeqMax: SEQS, nBatch: 512 }).free();
  } finally {
    stop();
  }
  const weights = model.weightBytes;
  model.free();
  const mib = (re: RegExp) => [...log.matchAll(re)].reduce((a, m) => a + Number(m[1]) * 2 ** 20, 0);
  return {
    weights,
    kvCache: mib(/KV buffer size =\s*([\d.]+) MiB/g),
    recurrentState: mib(/RS buffer size =\s*([\d.]+) MiB/g),
  };
}

function planned(source: string, quant: PlannedQuant) {
  const plan = planFit(modelFootprint(source, quant), {
    gpus: [],
    ram: Number.POSITIVE_INFINITY,
    ctx: CTX,
    kvType: "f16",
    sequences: SEQS,
  });
  return plan.totals;
}

function within10(t: TestContext, label: string, predicted: number, actual: number): void {
  if (actual === 0) {
    assert.equal(predicted, 0, `${label}: llama.cpp allocates none`);
    return;
  }
  const error = Math.abs(predicted - actual) / actual;
  t.diagnostic(`${label}: predicted ${predicted}, llama.cpp ${actual} (${(error * 100).toFixed(2)}%)`);
  assert.ok(
    error <= 0.1,
    `${label}: predicted ${predicted}, llama.cpp ${actual} (${(error * 100).toFixed(1)}%)`,
  );
}

function compare(t: TestContext, label: string, gguf: string, configDir: string, quant: PlannedQuant): void {
  const actual = allocated(gguf);
  for (const [from, source] of [
    ["GGUF", gguf],
    ["config.json", configDir],
  ]) {
    const p = planned(source, quant);
    within10(t, `${label} weights from ${from}`, p.weights, actual.weights);
    within10(t, `${label} KV cache from ${from}`, p.kvCache, actual.kvCache);
    within10(t, `${label} recurrent state from ${from}`, p.recurrentState, actual.recurrentState);
  }
}

// rows of 256 values take K-quant blocks (smaller ones fall back): the wide case checks llama.cpp's
// Q4_K_M type choices (Q6_K for attention V and ffn_down of "more bits" layers, Q4_K elsewhere)
const WIDE = {
  hidden_size: 256,
  moe_intermediate_size: 256,
  shared_expert_intermediate_size: 256,
  num_hidden_layers: 4,
  num_experts: 16,
  head_dim: 64,
  linear_key_head_dim: 64,
  linear_value_head_dim: 64,
};
for (const [arch, quant, overrides] of [
  ["qwen3", "q8_0", {}],
  ["qwen3_5_moe", "q8_0", {}],
  ["qwen3_5_moe", "q4_k_m", {}],
  ["qwen3_5_moe", "q4_k_m", WIDE],
] as [ModelType, PlannedQuant, Record<string, number>][]) {
  const label = `${arch}${overrides === WIDE ? " (256-wide, 16 experts)" : ""}`;
  test(`tiny ${label} at ${quant}: plan within 10% of llama.cpp`, (t) => {
    const dir = path.join(root, `${arch}-${quant}-${Object.keys(overrides).length}`);
    makeTinyModel({ arch, out: dir, seed: 2, overrides });
    const model = loadModel(dir, { quant });
    const gguf = model.gguf.path;
    model.free();
    compare(t, `tiny ${label} ${quant}`, gguf, dir, quant);
  });
}

test("Qwen3-0.6B shape (all-zero weights): plan within 10% of llama.cpp", (t) => {
  const tiny = path.join(root, "base");
  makeTinyModel({ arch: "qwen3", out: tiny, seed: 2 });
  const base = loadModel(tiny, { quant: "q8_0" });
  const gguf = writeShapedGguf(
    readGguf(base.gguf.path),
    "qwen3",
    "qwen3-0.6b",
    path.join(root, "0.6b"),
    "q8_0",
  );
  base.free();
  compare(t, "Qwen3-0.6B shape", gguf, path.dirname(gguf), "q8_0");
});

test("Rio 3.5 Open at Q4_K_M: which machines fit at 32k and 256k", () => {
  const model = modelFootprint(rioOpen, "q4_k_m");
  const GB = 1e9;
  const machines = {
    "1x80G+256G": { gpus: [80 * GB], ram: 256 * GB },
    "4x80G": { gpus: new Array(4).fill(80 * GB), ram: 64 * GB },
    "8x80G": { gpus: new Array(8).fill(80 * GB), ram: 64 * GB },
  };
  const strategies: Record<string, string> = {};
  for (const [name, machine] of Object.entries(machines))
    for (const ctx of [32768, 262144]) {
      const plan = planFit(model, { ...machine, ctx, kvType: "q8_0", sequences: 1 });
      assert.ok(plan.fits, `${name} at ${ctx}: ${plan.reason}`);
      strategies[`${name}@${ctx}`] = plan.flags.join(" ");
    }
  // 397B at ~4.8 bits: about 224 GiB of weights, more than one GPU holds
  assert.ok(model.tensors.reduce((a, t) => a + t.bytes, 0) > 200 * 2 ** 30);
  assert.match(strategies["1x80G+256G@32768"], /--n-cpu-moe \d+/);
  assert.match(strategies["1x80G+256G@262144"], /--n-cpu-moe \d+/);
  for (const key of ["4x80G@32768", "4x80G@262144", "8x80G@32768", "8x80G@262144"])
    assert.doesNotMatch(strategies[key], /cpu-moe/, key);
  // one 80 GB GPU without enough RAM does not fit, and says why
  const small = planFit(model, { gpus: [80 * GB], ram: 64 * GB, ctx: 32768, kvType: "q8_0", sequences: 1 });
  assert.equal(small.fits, false);
  assert.match(small.reason ?? "", /exceed all memory/);
});

test("rio plan answers from the command line and names bad sizes", async () => {
  const { execFileSync, spawnSync } = await import("node:child_process");
  const cli = path.resolve(here, "../../src/cli/main.js");
  const args = ["plan", "--model", rioOpen, "--quant", "q4_k_m", "--kv-type", "q8_0", "--ctx", "32768"];
  const plan = JSON.parse(
    execFileSync(process.execPath, [cli, ...args, "--gpus", "1x80G", "--ram", "256G", "--json"], {
      encoding: "utf8",
    }),
  );
  assert.equal(plan.fits, true);
  assert.match(plan.flags.join(" "), /--n-cpu-moe \d+/);
  const tooSmall = spawnSync(process.execPath, [cli, ...args, "--gpus", "1x80G", "--ram", "64G"], {
    encoding: "utf8",
  });
  assert.equal(tooSmall.status, 2);
  assert.match(tooSmall.stdout, /does not fit: .* exceed all memory/);
  assert.throws(() => parseSize("2y80G"), /expected a size such as 80G, 80GB or 79.6GiB, got "2y80G"/);
  assert.equal(parseSize("80G"), 80e9);
  assert.equal(parseSize("1.5GiB"), 1.5 * 2 ** 30);
});
