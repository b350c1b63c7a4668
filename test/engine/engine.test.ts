import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createEngine, type Engine, EngineError, type RioModel } from "../../src/engine/index.js";
import type { LlamaContext } from "../../src/llama/index.js";
import { SAME_FUNCTION_LOGPROB } from "../conformance/bounds.js";
import { tinyModel } from "./tiny-model.js";

let fixture: ReturnType<typeof tinyModel>;
let model: RioModel;
let engine: Engine;
before(() => {
  fixture = tinyModel();
  model = fixture.model;
  engine = createEngine(model, { ctx: 256, maxSequences: 2, batchSize: 64 });
});
after(() => {
  engine.close();
  fixture.dispose();
});

const code = (expected: string) => (error: unknown) =>
  error instanceof EngineError && error.code === expected;

test("a sequence runs out of slots with a specific error, and a released slot is reused", () => {
  const a = engine.openSequence();
  const b = engine.openSequence();
  assert.throws(() => engine.openSequence(), code("no-free-sequence"));
  engine.release(a);
  const c = engine.openSequence();
  assert.equal(c.id, a.id);
  engine.release(b);
  engine.release(c);
  assert.throws(() => engine.release(c), /released/);
});

test("prompt chunks longer than the batch are split, and positions advance", async () => {
  const seq = engine.openSequence();
  try {
    const tokens = Array.from({ length: 150 }, (_, i) => 100 + i);
    const [rows] = await engine.step([{ seq, tokens, logits: "all" }]);
    assert.equal(rows.length, 150);
    assert.equal(rows[0].length, engine.vocabSize);
    assert.equal(seq.length, 150);
  } finally {
    engine.release(seq);
  }
});

/** Largest |Δ log p| between two logits rows. */
function maxLogprobDiff(a: Float32Array, b: Float32Array): number {
  const logZ = (row: Float32Array) => {
    const max = row.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
    return max + Math.log(row.reduce((sum, v) => sum + Math.exp(v - max), 0));
  };
  const [za, zb] = [logZ(a), logZ(b)];
  return a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - za - (b[i] - zb))), 0);
}

test("one step mixes a prompt chunk and an embedding input: one decode, each sequence's own logits", async () => {
  const context = (engine as unknown as { context: LlamaContext }).context;
  const calls: string[] = [];
  const spy = (name: "decodeTokens" | "decodeEmbeddings") => {
    const original = context[name].bind(context);
    context[name] = ((items: never) => {
      calls.push(name);
      return original(items);
    }) as never;
    return () => {
      context[name] = original as never;
    };
  };
  const a = engine.openSequence();
  const b = engine.openSequence();
  let mixed: Float32Array[];
  try {
    await engine.step([{ seq: b, tokens: [1, 2, 3] }]);
    const restore = [spy("decodeTokens"), spy("decodeEmbeddings")];
    try {
      const out = await engine.step([
        { seq: a, tokens: [5, 6, 7, 8] },
        { seq: b, embedding: model.embeddings.row(9), token: 9 },
      ]);
      mixed = out.map(([row]) => row.slice());
    } finally {
      for (const undo of restore) undo();
    }
    // the prompt rode along as embedding rows: one pass over the weights, not two
    assert.deepEqual(calls, ["decodeEmbeddings"]);
    assert.equal(a.length, 4);
    assert.equal(b.length, 4);
  } finally {
    engine.release(a);
    engine.release(b);
  }
  // each sequence alone: the same function in other micro-batches (SAME_FUNCTION_LOGPROB's argument)
  const alone: Float32Array[] = [];
  for (const steps of [[[5, 6, 7, 8]], [[1, 2, 3], [9]]]) {
    const seq = engine.openSequence();
    try {
      let last: Float32Array | undefined;
      for (const tokens of steps) last = (await engine.step([{ seq, tokens }]))[0][0].slice();
      alone.push(last as Float32Array);
    } finally {
      engine.release(seq);
    }
  }
  for (const [i, row] of mixed.entries())
    assert.ok(maxLogprobDiff(row, alone[i]) <= SAME_FUNCTION_LOGPROB, `sequence ${i}`);
});

test("bad steps get specific errors and leave sequences unchanged", async () => {
  const seq = engine.openSequence();
  try {
    await assert.rejects(engine.step([{ seq, embedding: new Float32Array(3) }]), /expected \d+/);
    await assert.rejects(engine.step([{ seq, tokens: [] }]), /empty token chunk/);
    await assert.rejects(
      engine.step([
        { seq, tokens: [1] },
        { seq, tokens: [2] },
      ]),
      /twice/,
    );
    await assert.rejects(engine.step([{ seq, tokens: new Array(300).fill(1) }]), code("context-full"));
    assert.equal(seq.length, 0);
    await engine.step([{ seq, tokens: [1, 2] }]);
    assert.equal(seq.length, 2);
  } finally {
    engine.release(seq);
  }
});

test("out-of-memory estimates fail before llama.cpp allocates", () => {
  assert.throws(() => createEngine(model, { ctx: 2_000_000_000 }), code("out-of-memory"));
});

test("embedding rows reject ids outside the table", () => {
  assert.throws(() => model.embeddings.row(-1), /outside the embedding table/);
  assert.throws(() => model.embeddings.row(model.embeddings.vocabSize), /outside the embedding table/);
  assert.equal(model.embeddings.meanRow().length, model.embeddings.hiddenSize);
  // a second read comes from the row cache and must equal the first
  assert.deepEqual(model.embeddings.row(4242), model.embeddings.row(4242));
});
