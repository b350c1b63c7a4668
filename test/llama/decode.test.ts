import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { type LlamaContext, type LlamaError, loadLlama, physicalCores } from "../../src/llama/index.js";
import { TINY, writeTinyQwen3 } from "./tiny-qwen3.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "rio-llama-decode-"));
const file = path.join(dir, "tiny.gguf");
const { embedding } = writeTinyQwen3(file);
const model = loadLlama().loadModel(file);
// F32 KV and no flash attention: exact comparisons; 1 thread: other processes may share the CPU.
const ctx = model.createContext({
  nCtx: 256,
  nBatch: 256,
  nSeqMax: 2,
  kvType: "f32",
  flashAttention: false,
  threads: 1,
});
after(() => {
  model.free();
  rmSync(dir, { recursive: true, force: true });
});

const i32 = (xs: number[]) => Int32Array.from(xs);
const all = (n: number) => new Uint8Array(n).fill(1);

/** Decodes `tokens` for one sequence from position `start`; returns a copy of every logits row. */
async function run(c: LlamaContext, tokens: number[], seq = 0, start = 0): Promise<Float32Array[]> {
  const n = tokens.length;
  await c.decodeTokens({
    tokens: i32(tokens),
    pos: i32(tokens.map((_, i) => start + i)),
    seq: new Int32Array(n).fill(seq),
    logits: all(n),
  });
  return tokens.map((_, i) => c.logits(i).slice());
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

test("model sizes come from the GGUF", () => {
  assert.deepEqual(
    [model.nVocab, model.nEmbd, model.nEmbdInput, model.nLayer, model.nCtxTrain],
    [TINY.vocab, TINY.hidden, TINY.hidden, TINY.layers, TINY.ctx],
  );
  assert.equal(model.meta("qwen3.attention.head_count"), String(TINY.heads));
  assert.equal(model.meta("no.such.key"), undefined);
  assert.equal(ctx.nSeqMax, 2);
});

test("embedding rows of the F32 token table give the same logits as the tokens", async () => {
  const tokens = [10, 104, 258, 33, 260, 7];
  ctx.clear();
  const viaTokens = await run(ctx, tokens);
  ctx.clear();
  const n = tokens.length;
  const embd = new Float32Array(n * TINY.hidden);
  for (const [i, t] of tokens.entries())
    embd.set(embedding.subarray(t * TINY.hidden, (t + 1) * TINY.hidden), i * TINY.hidden);
  await ctx.decodeEmbeddings({
    embd,
    pos: i32(tokens.map((_, i) => i)),
    seq: new Int32Array(n),
    logits: all(n),
  });
  for (let i = 0; i < n; i++) assert.equal(maxDiff(ctx.logits(i), viaTokens[i]), 0, `row ${i}`);
});

test("decode is asynchronous: the event loop keeps ticking meanwhile", async () => {
  ctx.clear();
  const n = 256;
  let ticks = 0;
  let done = false;
  const tick = () => {
    ticks++;
    if (!done) setImmediate(tick);
  };
  setImmediate(tick);
  const tokens = Array.from({ length: n }, (_, i) => (i * 7) % TINY.vocab);
  await ctx.decodeTokens({
    tokens: i32(tokens),
    pos: i32(tokens.map((_, i) => i)),
    seq: new Int32Array(n),
    logits: new Uint8Array(n),
  });
  done = true;
  assert.ok(ticks > 0, `setImmediate ticked ${ticks} times during the decode`);
});

test("a batch of two sequences equals each sequence decoded alone", async () => {
  const a = [5, 6, 7, 8];
  const b = [200, 100, 50];
  ctx.clear();
  const aloneA = await run(ctx, a, 0);
  ctx.clear();
  const aloneB = await run(ctx, b, 1);
  ctx.clear();
  const tokens = [...a, ...b];
  const pos = [...a.map((_, i) => i), ...b.map((_, i) => i)];
  const seq = [...a.map(() => 0), ...b.map(() => 1)];
  await ctx.decodeTokens({ tokens: i32(tokens), pos: i32(pos), seq: i32(seq), logits: all(tokens.length) });
  // The shared batch computes the same sums as the lone ones, possibly in another order (kernels are
  // picked by micro-batch shape and differ per CPU variant): a reordered float32 sum of K terms moves
  // by at most about K ulps of its largest partial sum, K <= 64 here, so through two layers and the head
  // 1e-5 of the largest logit is ample; a row of the wrong sequence or position moves logits by O(1).
  const bound = 1e-5 * Math.max(...[...aloneA, ...aloneB].map((row) => Math.max(...row.map(Math.abs))));
  for (let i = 0; i < a.length; i++) assert.ok(maxDiff(ctx.logits(i), aloneA[i]) <= bound, `seq 0 row ${i}`);
  for (let i = 0; i < b.length; i++)
    assert.ok(maxDiff(ctx.logits(a.length + i), aloneB[i]) <= bound, `seq 1 row ${i}`);
  assert.equal(ctx.seqPosMax(0), a.length - 1);
  assert.equal(ctx.seqPosMax(1), b.length - 1);
});

test("seqRemove then re-decoding the removed tail reproduces the logits", async () => {
  const tokens = [11, 22, 33, 44, 55];
  ctx.clear();
  const first = await run(ctx, tokens);
  assert.equal(ctx.seqRemove(0, 3), true);
  assert.equal(ctx.seqPosMax(0), 2);
  const again = await run(ctx, tokens.slice(3), 0, 3);
  for (let i = 0; i < again.length; i++) assert.equal(maxDiff(again[i], first[3 + i]), 0, `row ${3 + i}`);
  assert.equal(ctx.seqRemove(0), true);
  assert.equal(ctx.seqPosMax(0), -1);
});

test("logits() is a view of llama.cpp's buffer, not a copy", async () => {
  ctx.clear();
  await run(ctx, [1, 2, 3]);
  const v1 = ctx.logits(2);
  const v2 = ctx.logits(2);
  assert.equal(v1.buffer, v2.buffer);
  assert.equal(v1.byteOffset, v2.byteOffset);
  assert.equal(v1.length, model.nVocab);
});

const fails = async (p: () => Promise<unknown> | unknown, code: string, text: string) =>
  assert.rejects(
    async () => p(),
    (e: LlamaError) => e.code === code && e.message.includes(text),
  );

test("bad batches fail with specific errors and leave the context usable", async () => {
  ctx.clear();
  const one = (o: { tokens?: number[]; pos?: number[]; seq?: number[] }) =>
    ctx.decodeTokens({
      tokens: i32(o.tokens ?? [1]),
      pos: i32(o.pos ?? [0]),
      seq: i32(o.seq ?? [0]),
      logits: all(1),
    });
  await fails(() => one({ seq: [2] }), "invalid-argument", "seq[0] = 2 is outside [0, 2)");
  await fails(() => one({ tokens: [TINY.vocab] }), "invalid-argument", "outside the vocabulary");
  await fails(() => one({ pos: [-1] }), "invalid-argument", "negative");
  await fails(
    () => ctx.decodeTokens({ tokens: i32([1, 2]), pos: i32([0]), seq: i32([0, 0]), logits: all(2) }),
    "invalid-argument",
    "pos has 1 entries",
  );
  await one({});
  await fails(() => one({ pos: [5] }), "invalid-batch", "invalid batch");
  await fails(() => ctx.logits(1), "invalid-argument", "did not request logits");
  const pending = one({ pos: [1] });
  await fails(() => one({ pos: [2] }), "invalid-argument", "busy");
  await pending;
  assert.equal(ctx.seqPosMax(0), 1);
});

test("a full context is reported as such", async () => {
  ctx.clear();
  const n = ctx.nCtx;
  const tokens = Array.from({ length: n }, (_, i) => i % TINY.vocab);
  await ctx.decodeTokens({
    tokens: i32(tokens),
    pos: i32(tokens.map((_, i) => i)),
    seq: new Int32Array(n),
    logits: new Uint8Array(n),
  });
  await fails(
    () => ctx.decodeTokens({ tokens: i32([1]), pos: i32([0]), seq: i32([1]), logits: all(1) }),
    "context-full",
    "context full",
  );
  ctx.clear();
});

test("context options are checked before llama.cpp sees them", () => {
  assert.throws(
    () => model.createContext({ nCtx: 256, nSeqMax: 300 }),
    /nSeqMax = 300; llama.cpp allows 1\.\.256/,
  );
  assert.throws(() => model.createContext({ nCtx: 256, threads: physicalCores() + 1 }), /physical cores/);
  // llama.cpp itself aborts the process on this one
  assert.throws(() => model.createContext({ nCtx: 256, nBatch: 3, nSeqMax: 4 }), /below nSeqMax = 4/);
  assert.throws(() => model.createContext({ nCtx: 64, nBatch: 128 }), /nBatch = 128/);
  assert.throws(() => model.createContext({ nCtx: 64, poll: 101 }), /poll = 101; expected 0\.\.100/);
});

test("a context with a polling threadpool decodes what a sleeping one does", async () => {
  const logitsOf = async (poll: number) => {
    const c = model.createContext({ nCtx: 64, poll });
    await c.decodeTokens({
      tokens: i32([1, 2, 3]),
      pos: i32([0, 1, 2]),
      seq: i32([0, 0, 0]),
      logits: all(3),
    });
    const row = c.logits(2).slice();
    c.free();
    return row;
  };
  assert.deepEqual(await logitsOf(50), await logitsOf(0));
});

test("a freed context refuses further use", async () => {
  const c = model.createContext({ nCtx: 256, threads: 1 });
  c.free();
  c.free();
  await fails(
    () => c.decodeTokens({ tokens: i32([1]), pos: i32([0]), seq: i32([0]), logits: all(1) }),
    "freed",
    "freed",
  );
});
