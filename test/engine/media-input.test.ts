/**
 * Image blocks in the engine: rows fed as embeddings with M-RoPE positions of their own. What an image
 * block must do is checked here with token rows in place of a vision encoder's output, so the expected
 * result is known without one: a block at text positions equals feeding the tokens, and a block with 2-D
 * positions reaches llama.cpp (changes the result, advances the position by its span, not its rows).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import {
  createEngine,
  type Engine,
  EngineError,
  loadModel,
  type MediaEmbeddings,
  type RioModel,
} from "../../src/engine/index.js";
import { F32_VS_REFERENCE_LOGPROB } from "../conformance/bounds.js";
import { logSoftmax } from "../conformance/metrics.js";

let root: string;
let model: RioModel;
let engine: Engine;
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-media-test-"));
  makeTinyModel({ arch: "qwen3_5", out: path.join(root, "hf"), seed: 5 });
  process.env.RIO_CACHE_DIR = path.join(root, "cache");
  model = loadModel(path.join(root, "hf"), { quant: "f32" });
  engine = createEngine(model, { ctx: 256, maxSequences: 2, batchSize: 64, kvType: "f32" });
});
after(() => {
  engine.close();
  model.free();
  fs.rmSync(root, { recursive: true, force: true });
});

const before_ = [11, 12, 13];
const block = [40, 41, 42, 43];
const after_ = [70, 71];

/** The block's token rows as an image block with the given positions (3 rows of offsets) and span. */
function rows(positions: number[][], nPos: number): MediaEmbeddings {
  const width = engine.hiddenSize;
  const embeddings = new Float32Array(block.length * width);
  block.forEach((id, i) => {
    embeddings.set(model.embeddings.row(id), i * width);
  });
  return { nTokens: block.length, embeddings, positions: Int32Array.from(positions.flat()), nPos };
}

async function run(
  media: MediaEmbeddings,
): Promise<{ logits: Float32Array; length: number; position: number }> {
  const seq = engine.openSequence();
  try {
    await engine.step([{ seq, tokens: before_, logits: "none" }]);
    await engine.step([{ seq, media }]);
    const [[logits]] = await engine.step([{ seq, tokens: after_ }]);
    return { logits: logits.slice(), length: seq.length, position: seq.position };
  } finally {
    engine.release(seq);
  }
}

async function tokensOnly(): Promise<Float32Array> {
  const seq = engine.openSequence();
  try {
    const [[logits]] = await engine.step([{ seq, tokens: [...before_, ...block, ...after_] }]);
    return logits.slice();
  } finally {
    engine.release(seq);
  }
}

const maxLogprobGap = (a: Float32Array, b: Float32Array) => {
  const [la, lb] = [logSoftmax(a), logSoftmax(b)];
  return la.reduce((m, v, i) => Math.max(m, Math.abs(v - lb[i])), 0);
};

test("an image block at text positions gives the logits of the same tokens fed as ids", async () => {
  const linear = [0, 1, 2, 3];
  const viaBlock = await run(rows([linear, linear, linear], 4));
  // embedding rows are the dequantised token rows: the same computation as token input, up to the batch
  // layout (the block is a separate embedding batch), so the F32 bound applies
  assert.ok(maxLogprobGap(viaBlock.logits, await tokensOnly()) < F32_VS_REFERENCE_LOGPROB);
  assert.equal(viaBlock.length, 9);
  assert.equal(viaBlock.position, 9);
});

test("2-D positions reach llama.cpp, and the sequence advances by the block's span, not its rows", async () => {
  // a 2 x 2 grid: one temporal position, rows (0,0,1,1) and columns (0,1,0,1); Qwen3.5 advances max(2, 2)
  const grid = await run(
    rows(
      [
        [0, 0, 0, 0],
        [0, 0, 1, 1],
        [0, 1, 0, 1],
      ],
      2,
    ),
  );
  assert.equal(grid.length, 3 + 4 + 2);
  assert.equal(grid.position, 3 + 2 + 2);
  assert.ok(maxLogprobGap(grid.logits, await tokensOnly()) > 10 * F32_VS_REFERENCE_LOGPROB);
  // same positions, fed again: deterministic
  const again = await run(
    rows(
      [
        [0, 0, 0, 0],
        [0, 0, 1, 1],
        [0, 1, 0, 1],
      ],
      2,
    ),
  );
  assert.ok(maxLogprobGap(grid.logits, again.logits) < 1e-6);
});

test("a malformed image block is refused before llama.cpp sees it", async () => {
  const seq = engine.openSequence();
  try {
    const good = rows(
      [
        [0, 1, 2, 3],
        [0, 1, 2, 3],
        [0, 1, 2, 3],
      ],
      4,
    );
    const bad: [Partial<MediaEmbeddings>, RegExp][] = [
      [{ positions: new Int32Array(4) }, /expected 3 x 4/],
      [{ nPos: 3 }, /positions must lie in \[0, nPos = 3\)/],
      [{ embeddings: new Float32Array(3) }, /expected 4 rows/],
      [{ nTokens: 0 }, /expected at least 1/],
    ];
    for (const [change, message] of bad)
      await assert.rejects(
        engine.step([{ seq, media: { ...good, ...change } }]),
        (e: unknown) => e instanceof EngineError && message.test(e.message),
      );
    assert.equal(seq.length, 0);
  } finally {
    engine.release(seq);
  }
});
