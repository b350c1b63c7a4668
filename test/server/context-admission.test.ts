// Admission at the context's edge: every sequence shares one KV space (ctx 256 here, 4 sequences), so
// requests that fit alone but not together must wait rather than die of context_full; requests that can
// never fit are refused up front with a 400 naming the numbers; the queue limit still answers 429.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ContextBudget, type Reservation } from "../../src/server/context-budget.js";
import { MODEL_NAME, startTinyServer, type TinyServer } from "./tiny-server.js";

const CTX = 256; // llama.cpp pads n_ctx to a multiple of 256
const SEQUENCES = 4;
const QUEUE = 12;
let t: TinyServer;
before(async () => {
  t = await startTinyServer({ maxSequences: SEQUENCES, ctx: CTX, maxQueue: QUEUE });
  assert.equal(t.scheduler.engine.capacity, CTX);
});
after(() => t?.close());

/** A raw token prompt of `n` ids (the tiny model's random weights make EOS practically never come). */
const tokens = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => 1000 + ((i * 7 + seed) % 5000));

const completion = (prompt: number, maxTokens: number, seed: number, n = 1) =>
  t.post("/v1/completions", {
    model: MODEL_NAME,
    prompt: tokens(prompt, seed),
    max_tokens: maxTokens,
    n,
    seed,
    reasoning: { method: "cot" },
  });

test("long and short requests at the context's edge all complete; none dies of context_full", async () => {
  const requests: { prompt: number; maxTokens: number; seed: number; n?: number }[] = [
    // each long one needs 140 + 60 = 200 of the 256 cells: any two together would overflow
    ...Array.from({ length: 3 }, (_, i) => ({ prompt: 140, maxTokens: 60, seed: i })),
    // exactly the whole context
    { prompt: 200, maxTokens: 56, seed: 9 },
    // short ones fill the gaps
    ...Array.from({ length: 9 }, (_, i) => ({ prompt: 8 + i, maxTokens: 8, seed: 20 + i })),
    // three choices of 80 + 40: each choice reserves its own worst case (two fit together, not three)
    { prompt: 80, maxTokens: 40, seed: 30, n: 3 },
  ];
  assert.equal(
    requests.reduce((sum, r) => sum + (r.n ?? 1), 0),
    SEQUENCES + QUEUE,
  );
  const results = await Promise.all(requests.map((r) => completion(r.prompt, r.maxTokens, r.seed, r.n)));
  for (const [i, res] of results.entries()) {
    assert.equal(res.status, 200, `request ${i}: ${JSON.stringify(res.body)}`);
    const body = res.body as unknown as {
      choices: { finish_reason: string }[];
      usage: { completion_tokens: number };
    };
    assert.ok(
      body.choices.every((c) => c.finish_reason === "length"),
      `request ${i} ran to its limit`,
    );
    assert.equal(body.usage.completion_tokens, requests[i].maxTokens * (requests[i].n ?? 1));
  }
});

test("beyond the queue limit a request gets 429, not a wait", async () => {
  // each needs 190 + 10 = 200 cells, so they run one at a time and all 16 admitted are still in flight
  // when the 17th arrives
  const flood = Array.from({ length: SEQUENCES + QUEUE + 1 }, (_, i) => completion(190, 10, 100 + i));
  const statuses = (await Promise.all(flood)).map((r) => r.status);
  assert.ok(
    statuses.every((s) => s === 200 || s === 429),
    String(statuses),
  );
  assert.ok(statuses.includes(429), "the 17th concurrent generation is refused");
});

test("a request whose worst case can never fit is refused up front with a 400 naming the numbers", async () => {
  // a long request is running; the refusal must not wait for it
  const running = completion(140, 60, 5);
  const refused = await completion(160, 120, 6);
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.code, "context_length_exceeded");
  assert.match(refused.body.error.message, /120 plus the prompt's 160 tokens exceed the context of 256/);
  const tooLong = await completion(CTX, 1, 7);
  assert.equal(tooLong.status, 400);
  assert.match(tooLong.body.error.message, /the prompt has 256 tokens, the context holds 256/);
  assert.equal((await running).status, 200);
});

test("ContextBudget: first come first served, no overtaking, aborted waiters leave the queue", async () => {
  const budget = new ContextBudget(100);
  const a = await budget.reserve(60);
  const order: string[] = [];
  const noted = (name: string) => (r: Reservation) => {
    order.push(name);
    return r;
  };
  const b = budget.reserve(50).then(noted("b"));
  const c = budget.reserve(10).then(noted("c")); // fits now, but waits behind b
  const abort = new AbortController();
  const d = budget.reserve(40, abort.signal);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, []);
  assert.equal(budget.waiting, 3);
  abort.abort(new Error("gone"));
  await assert.rejects(d, /gone/);
  a.release();
  const [rb, rc] = await Promise.all([b, c]);
  assert.deepEqual(order, ["b", "c"]);
  assert.equal(budget.reserved, 60);
  rb.release();
  rc.release();
  rc.release(); // twice is harmless
  assert.equal(budget.reserved, 0);
  await assert.rejects(budget.reserve(101), /needs 101 context positions; the server's context holds 100/);
});
