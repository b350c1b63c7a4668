import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createEngine, type Engine, EngineError, type RioModel } from "../../src/engine/index.js";
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

test("one step mixes a prompt chunk and an embedding input", async () => {
  const a = engine.openSequence();
  const b = engine.openSequence();
  try {
    await engine.step([{ seq: b, tokens: [1, 2, 3] }]);
    const out = await engine.step([
      { seq: a, tokens: [5, 6, 7, 8] },
      { seq: b, embedding: model.embeddings.row(9) },
    ]);
    assert.equal(out[0].length, 1);
    assert.equal(out[1].length, 1);
    assert.equal(a.length, 4);
    assert.equal(b.length, 4);
  } finally {
    engine.release(a);
    engine.release(b);
  }
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
