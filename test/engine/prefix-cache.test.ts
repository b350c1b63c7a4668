import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import { createEngine, loadModel, type RioModel, Scheduler } from "../../src/engine/index.js";
import { Metrics } from "../../src/server/metrics.js";
import { tinyModel } from "./tiny-model.js";

let fixture: ReturnType<typeof tinyModel>;
let model: RioModel;
before(() => {
  fixture = tinyModel(3, "f32");
  model = fixture.model;
});
after(() => fixture.dispose());

const range = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);

/**
 * Prefills `prompt` (keeping a cached state at `checkpoint`, when given), then feeds `inputs` (a token id,
 * or "mixture" for a vector that is no token's row).
 */
async function request(
  scheduler: Scheduler,
  prompt: number[],
  inputs: (number | "mixture")[] = [],
  checkpoint?: number,
  on: RioModel = model,
) {
  const lease = await scheduler.acquire();
  try {
    await lease.prefill(prompt, { checkpoint });
    for (const input of inputs)
      if (input === "mixture") await lease.decode(on.embeddings.meanRow());
      else await lease.decode(on.embeddings.row(input), input);
  } finally {
    lease.release();
  }
}

test("a prompt resumes from the longest cached prefix; the counters say so", async () => {
  const engine = createEngine(model, { ctx: 512, maxSequences: 2, batchSize: 64 });
  try {
    const scheduler = new Scheduler(engine);
    const prompt = range(100, 300);
    await request(scheduler, prompt, [7, 8]);
    assert.deepEqual(engine.prefixCacheStats, { hits: 0, tokensReused: 0, entries: 1, cells: 102 });
    await request(scheduler, [...prompt.slice(0, 61), 5, 6]);
    assert.equal(engine.prefixCacheStats?.hits, 1);
    assert.equal(engine.prefixCacheStats?.tokensReused, 61);
    // the whole first request (its fed tokens included) is a prefix of a later prompt
    await request(scheduler, [...prompt, 7, 8, 9]);
    assert.equal(engine.prefixCacheStats?.tokensReused, 61 + 102);
    // a prompt equal to a cached one still feeds its last token, for the logits
    await request(scheduler, prompt);
    assert.equal(engine.prefixCacheStats?.tokensReused, 61 + 102 + 99);
  } finally {
    engine.close();
  }
});

test("cells an entry shares with the entry it resumed from are counted once", async () => {
  const engine = createEngine(model, { ctx: 512, maxSequences: 1, batchSize: 64 });
  try {
    const scheduler = new Scheduler(engine);
    const prompt = range(100, 300);
    await request(scheduler, prompt.slice(0, 80), [9]);
    // resumes 80 cells of the first entry and adds its own 30: the two entries hold 81 + 30 cells
    await request(scheduler, [...prompt.slice(0, 80), 1, 2, 3, ...range(27, 700)]);
    assert.deepEqual(engine.prefixCacheStats, { hits: 1, tokensReused: 80, entries: 2, cells: 81 + 30 });
  } finally {
    engine.close();
  }
});

test("a soft mixture ends the cached key: what follows it is never reused", async () => {
  const engine = createEngine(model, { ctx: 512, maxSequences: 1, batchSize: 64 });
  try {
    const scheduler = new Scheduler(engine);
    const prompt = range(40, 500);
    await request(scheduler, prompt, [11, "mixture", 12]);
    assert.equal(engine.prefixCacheStats?.cells, 41);
    await request(scheduler, [...prompt, 11, 12, 13]);
    assert.equal(engine.prefixCacheStats?.tokensReused, 41);
  } finally {
    engine.close();
  }
});

test("cached prefixes give way to live sequences: the cache never causes context-full", async () => {
  const engine = createEngine(model, {
    ctx: 256,
    maxSequences: 1,
    batchSize: 64,
    prefixCache: { cells: 256 },
  });
  try {
    const scheduler = new Scheduler(engine);
    await request(scheduler, range(200, 100));
    assert.equal(engine.prefixCacheStats?.cells, 200);
    await request(scheduler, range(220, 1000), [3, 4]);
    assert.equal(engine.prefixCacheStats?.hits, 0);
    assert.equal(engine.prefixCacheStats?.cells, 222);
  } finally {
    engine.close();
  }
});

test("hybrid: the chat-history checkpoint survives its request's end state under a tight cells budget", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-prefix-hybrid-"));
  const saved = process.env.RIO_CACHE_DIR;
  process.env.RIO_CACHE_DIR = path.join(root, "cache");
  makeTinyModel({ arch: "qwen3_5", out: path.join(root, "hf"), seed: 5 });
  const hybrid = loadModel(path.join(root, "hf"), { quant: "f32" });
  process.env.RIO_CACHE_DIR = saved;
  // 60 history tokens + 40 of generation prompt + 2 generated: the end state shares the history's 60 cells
  // with the checkpoint, so both fit in 120 cells (counted apart they would need 162 and the end state
  // would evict the checkpoint, which is what the next turn resumes from)
  const engine = createEngine(hybrid, {
    ctx: 512,
    maxSequences: 1,
    batchSize: 32,
    prefixCache: { cells: 120 },
  });
  try {
    const scheduler = new Scheduler(engine);
    const history = range(60, 200);
    await request(scheduler, [...history, ...range(40, 400)], [7, 8], 60, hybrid);
    assert.deepEqual(engine.prefixCacheStats, { hits: 0, tokensReused: 0, entries: 2, cells: 102 });
    await request(scheduler, [...history, ...range(30, 600)], [], undefined, hybrid);
    assert.equal(engine.prefixCacheStats?.hits, 1);
    assert.equal(engine.prefixCacheStats?.tokensReused, 60);
  } finally {
    engine.close();
    hybrid.free();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("prefixCache: false turns it off", async () => {
  const engine = createEngine(model, { ctx: 256, maxSequences: 1, batchSize: 64, prefixCache: false });
  try {
    const scheduler = new Scheduler(engine);
    await request(scheduler, range(50, 100));
    await request(scheduler, range(60, 100));
    assert.equal(engine.prefixCacheStats, undefined);
  } finally {
    engine.close();
  }
});

test("the metrics expose hits and reused tokens", () => {
  const metrics = new Metrics({
    queueDepth: () => 0,
    activeSequences: () => 0,
    inFlightRequests: () => 0,
    prefixCache: () => ({ hits: 2, tokensReused: 40 }),
  });
  const text = metrics.render();
  assert.match(text, /^rio_prefix_cache_hits_total 2$/m);
  assert.match(text, /^rio_prefix_cache_tokens_reused_total 40$/m);
});
