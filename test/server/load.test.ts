// Load over loopback (bounded: 64 short streams per run): concurrent swir and cot streams are all
// well-formed, and a third of the clients disconnecting mid-stream leaves no sequence behind. Throughput
// (8 streams vs 1) is a benchmark, not a test: `npm run bench -- serve --levels 1,8`.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runLoad, type StreamRequest } from "../../bench/serve-client.js";
import { MODEL_NAME, startTinyServer, type TinyServer } from "./tiny-server.js";

let t: TinyServer;
before(async () => {
  t = await startTinyServer({ maxSequences: 16, ctx: 4096 });
});
after(() => t?.close());

const request = (i: number, maxTokens: number, extra: Partial<StreamRequest> = {}): StreamRequest => ({
  url: t.server.url,
  body: {
    model: MODEL_NAME,
    messages: [{ role: "user", content: `question ${i}` }],
    max_tokens: maxTokens,
    seed: i,
    reasoning: { method: i % 2 ? "cot" : "swir" },
  },
  ...extra,
});

async function expectIdle(): Promise<void> {
  for (
    let i = 0;
    i < 200 &&
    ((await t.metric("rio_active_sequences")) > 0 || (await t.metric("rio_in_flight_requests")) > 0);
    i++
  )
    await sleep(10);
  assert.equal(await t.metric("rio_active_sequences"), 0);
  assert.equal(await t.metric("rio_in_flight_requests"), 0);
  assert.equal(await t.metric("rio_queue_depth"), 0);
}

test("64 concurrent streams mixing swir and cot are all well-formed", async (ctx) => {
  const { records, summary } = await runLoad(64, 64, (i) => request(i, 16));
  ctx.diagnostic(JSON.stringify(summary));
  assert.deepEqual(
    records.flatMap((r) => r.problems),
    [],
  );
  assert.equal(summary.completed, 64);
  assert.ok(records.every((r) => r.tokens === 16));
  // the prompt's length from usage, which the serve bench's replay of this work needs
  assert.ok(records.every((r) => r.promptTokens > 5));
  await expectIdle();
});

test("a third of the clients disconnect mid-stream: the rest complete, no sequence leaks", async (ctx) => {
  const latentBefore = await t.metric("rio_latent_steps_total");
  const { records, summary } = await runLoad(64, 64, (i) =>
    request(i, 8, i % 3 === 0 ? { disconnectAfter: 3 } : {}),
  );
  ctx.diagnostic(JSON.stringify(summary));
  const kept = records.filter((_, i) => i % 3 !== 0);
  assert.deepEqual(
    kept.flatMap((r) => r.problems),
    [],
  );
  assert.ok(kept.every((r) => r.completed));
  assert.ok(records.filter((_, i) => i % 3 === 0).every((r) => !r.completed && r.problems.length === 0));
  await expectIdle();
  assert.ok((await t.metric("rio_latent_steps_total")) >= latentBefore);
  assert.equal((await fetch(`${t.server.url}/health`)).status, 200);
});
