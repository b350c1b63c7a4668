import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createEngine, type Engine, EngineError, type RioModel, Scheduler } from "../../src/engine/index.js";
import { tinyModel } from "./tiny-model.js";

let fixture: ReturnType<typeof tinyModel>;
let model: RioModel;
let engine: Engine;
before(() => {
  fixture = tinyModel(3, "f32");
  model = fixture.model;
  engine = createEngine(model, { ctx: 1024, maxSequences: 4, batchSize: 64 });
});
after(() => {
  engine.close();
  fixture.dispose();
});

/** Prefills then decodes `steps` rows fed back as embedding rows of the argmax token. */
async function decodeGreedy(scheduler: Scheduler, prompt: number[], steps: number): Promise<number[]> {
  const lease = await scheduler.acquire();
  try {
    let logits = await lease.prefill(prompt);
    const out: number[] = [];
    for (let i = 0; i < steps; i++) {
      let best = 0;
      for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
      out.push(best);
      logits = await lease.decode(model.embeddings.row(best));
    }
    return out;
  } finally {
    lease.release();
  }
}

test("concurrent requests share steps and get the same tokens as alone", async () => {
  const prompts = [[1, 2, 3, 4], [50, 60, 70], Array.from({ length: 100 }, (_, i) => 200 + i), [9]];
  const alone: number[][] = [];
  for (const p of prompts) alone.push(await decodeGreedy(new Scheduler(engine), p, 12));
  const scheduler = new Scheduler(engine, { prefillTokensPerStep: 32 });
  const together = await Promise.all(prompts.map((p) => decodeGreedy(scheduler, p, 12)));
  assert.deepEqual(together, alone);
  // 4 sequences x 13 inputs each, plus a 100-token prompt in chunks of <= 32: far fewer steps than inputs
  assert.ok(scheduler.steps < 30, `${scheduler.steps} steps`);
  assert.equal(engine.freeSequences, 4);
});

test("requests beyond the free sequences wait in a bounded queue", async () => {
  const scheduler = new Scheduler(engine, { maxQueue: 1 });
  const held = await Promise.all([0, 1, 2, 3].map(() => scheduler.acquire()));
  const waiting = scheduler.acquire();
  await assert.rejects(
    scheduler.acquire(),
    (e: unknown) => e instanceof EngineError && e.code === "queue-full",
  );
  assert.equal(scheduler.queueDepth, 1);
  held[0].release();
  const lease = await waiting;
  assert.equal(scheduler.queueDepth, 0);
  const aborter = new AbortController();
  const aborted = scheduler.acquire(aborter.signal);
  aborter.abort(new Error("client went away"));
  await assert.rejects(aborted, /client went away/);
  for (const l of [lease, ...held.slice(1)]) l.release();
  assert.equal(engine.freeSequences, 4);
});

test("releasing mid-prompt rejects the pending work and frees the sequence at once", async () => {
  const scheduler = new Scheduler(engine, { prefillTokensPerStep: 16 });
  const lease = await scheduler.acquire();
  const prefill = lease.prefill(Array.from({ length: 200 }, (_, i) => 300 + i));
  await new Promise((r) => setTimeout(r, 5));
  lease.release();
  await assert.rejects(prefill, /released/);
  // freed at once, or as soon as the step in flight (if any) ends: well before the prompt's 13 chunks
  const steps = scheduler.steps;
  for (let waited = 0; engine.freeSequences < 4 && waited < 5000; waited += 5)
    await new Promise((r) => setTimeout(r, 5));
  assert.equal(engine.freeSequences, 4);
  assert.equal(engine.cellsInUse, 0);
  assert.ok(scheduler.steps <= steps + 1, `${scheduler.steps - steps} steps ran after the release`);
});
