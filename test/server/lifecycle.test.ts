// API keys, the queue limit (429 + Retry-After), a disconnecting client freeing its sequence at once,
// and graceful shutdown cancelling a running stream with a visible error.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import OpenAI from "openai";
import { MODEL_NAME, startTinyServer, type TinyServer } from "./tiny-server.js";

const KEY = "sk-test-0123456789";
let t: TinyServer;
before(async () => {
  t = await startTinyServer({ apiKey: KEY, maxSequences: 2, maxQueue: 2, ctx: 4096 });
});
after(() => t?.close());

const body = (maxTokens: number) => ({
  model: MODEL_NAME,
  messages: [{ role: "user", content: "go" }],
  max_tokens: maxTokens,
  stream: true,
  reasoning: { method: "cot" },
});

/** Opens a raw streaming request; resolves once the first chunk arrived. */
async function openStream(maxTokens: number) {
  const abort = new AbortController();
  const res = await fetch(`${t.server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body(maxTokens)),
    signal: abort.signal,
  });
  if (res.status === 200) await res.body?.getReader().read();
  return { res, abort };
}

async function waitIdle(): Promise<number> {
  const started = performance.now();
  while ((await t.metric("rio_active_sequences")) > 0 || (await t.metric("rio_in_flight_requests")) > 0) {
    if (performance.now() - started > 5000) throw new Error("sequences did not return to idle");
    await sleep(10);
  }
  return performance.now() - started;
}

test("API key: missing or wrong key is 401, the right one works, /health and /metrics stay open", async () => {
  const wrong = new OpenAI({ baseURL: `${t.server.url}/v1`, apiKey: "sk-wrong", maxRetries: 0 });
  await assert.rejects(
    wrong.models.list(),
    (e: unknown) => e instanceof OpenAI.AuthenticationError && e.code === "invalid_api_key",
  );
  const missing = await fetch(`${t.server.url}/v1/models`);
  assert.equal(missing.status, 401);
  assert.equal((await missing.json()).error.type, "authentication_error");
  assert.equal((await t.client.models.list()).data[0].id, MODEL_NAME);
  assert.equal((await fetch(`${t.server.url}/health`)).status, 200);
  assert.equal((await fetch(`${t.server.url}/metrics`)).status, 200);
});

test("beyond sequences + queue the server answers 429 with Retry-After; disconnects free sequences at once", async () => {
  const admitted = await Promise.all([1, 2, 3, 4].map(() => openStream(400)));
  assert.deepEqual(
    admitted.map((s) => s.res.status),
    [200, 200, 200, 200],
  );
  assert.equal(await t.metric("rio_active_sequences"), 2);
  assert.equal(await t.metric("rio_queue_depth"), 2);
  const refused = await t.post("/v1/chat/completions", body(4));
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get("retry-after"), "1");
  assert.equal(refused.body.error.code, "queue_full");
  for (const s of admitted) s.abort.abort();
  const ms = await waitIdle();
  assert.ok(ms < 2000, `idle after ${ms} ms`);
  const ok = await t.client.chat.completions.create({
    model: MODEL_NAME,
    messages: [{ role: "user", content: "again" }],
    max_tokens: 2,
  });
  assert.equal(ok.choices.length, 1);
});

test("graceful shutdown: new requests get 503, a running stream ends with a visible error", async () => {
  const stream = await t.client.chat.completions.create({
    ...body(2000),
    stream: true,
  } as OpenAI.ChatCompletionCreateParamsStreaming);
  const iterator = stream[Symbol.asyncIterator]();
  await iterator.next();
  const closing = t.server.close(300);
  const refused = await t.post("/v1/chat/completions", body(2));
  assert.deepEqual([refused.status, refused.body.error.code], [503, "shutting_down"]);
  await assert.rejects(
    (async () => {
      for (let r = await iterator.next(); !r.done; r = await iterator.next());
    })(),
    (e: unknown) => e instanceof OpenAI.APIError && /shutting down/.test(e.message),
  );
  await closing;
});
