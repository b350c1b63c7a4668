// trainLmHead's loss is the full-vocabulary cross-entropy of the model it writes: checked against the
// reference's own logits with the trained head in place, with the plain log-softmax.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { makeTinyModel, openCheckpoint } from "../../src/checkpoint/index.js";
import { openReference, trainLmHead } from "../../src/reference/index.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-train-head-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const VOCAB = 300;
const options = {
  arch: "qwen3" as const,
  seed: 3,
  dtype: "f32" as const,
  overrides: { vocab_size: VOCAB, tie_word_embeddings: false },
};
// two "texts" over 40 of the 300 ids, with repeats so some contexts are ambiguous
const sequences = [
  Array.from({ length: 30 }, (_, i) => (i * 7) % 40),
  Array.from({ length: 25 }, (_, i) => (i * i) % 40),
];

/** Mean next-token cross-entropy and argmax accuracy from full logits rows, with the plain log-softmax. */
function crossEntropy(dir: string): { loss: number; accuracy: number } {
  const ckpt = openCheckpoint(dir);
  try {
    const reference = openReference(ckpt);
    let loss = 0;
    let correct = 0;
    let count = 0;
    for (const tokens of sequences) {
      const { logits } = reference.forward({ tokens }, reference.newCache());
      for (let t = 0; t + 1 < tokens.length; t++) {
        const row = logits[t];
        const max = Math.max(...row);
        const logZ = max + Math.log(row.reduce((s, l) => s + Math.exp(l - max), 0));
        loss += logZ - row[tokens[t + 1]];
        if (row[tokens[t + 1]] === max) correct++;
        count++;
      }
    }
    return { loss: loss / count, accuracy: correct / count };
  } finally {
    ckpt.close();
  }
}

test("trainLmHead fits the next token; its loss is the written model's full-vocabulary cross-entropy", () => {
  const dir = path.join(root, "model");
  makeTinyModel({ ...options, out: dir });
  const ckpt = openCheckpoint(dir);
  const result = (() => {
    try {
      return trainLmHead(openReference(ckpt), sequences, { steps: 200 });
    } finally {
      ckpt.close();
    }
  })();
  // the head starts at zero: a uniform distribution over the whole vocabulary
  assert.ok(Math.abs(result.lossBefore - Math.log(VOCAB)) < 1e-12, `loss before ${result.lossBefore}`);
  assert.ok(result.lossAfter < 0.5 * result.lossBefore, `loss ${result.lossBefore} -> ${result.lossAfter}`);

  makeTinyModel({ ...options, out: dir, weights: { "lm_head.weight": result.weight } });
  const measured = crossEntropy(dir);
  // float32 storage of the head moves the loss by ~1e-7
  assert.ok(Math.abs(measured.loss - result.lossAfter) < 1e-4, `${measured.loss} vs ${result.lossAfter}`);
  assert.equal(measured.accuracy, result.accuracy);

  // only target tokens get a row
  const targets = new Set(sequences.flatMap((s) => s.slice(1)));
  const hidden = result.weight.length / VOCAB;
  for (let id = 0; id < VOCAB; id++) {
    const row = result.weight.subarray(id * hidden, (id + 1) * hidden);
    assert.equal(
      row.some((v) => v !== 0),
      targets.has(id),
      `row ${id}`,
    );
  }
});

test("trainLmHead refuses a tied model, whose head is its input embedding", () => {
  const dir = path.join(root, "tied");
  makeTinyModel({ ...options, out: dir, overrides: { vocab_size: VOCAB } });
  const ckpt = openCheckpoint(dir);
  try {
    assert.throws(() => trainLmHead(openReference(ckpt), sequences), /tie_word_embeddings/);
  } finally {
    ckpt.close();
  }
});
