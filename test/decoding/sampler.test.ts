import assert from "node:assert/strict";
import { test } from "node:test";
import {
  applyPenalties,
  filterCandidates,
  Rng,
  Sampler,
  type SamplingParams,
  samplingDefaults,
  TokenHistory,
} from "../../src/decoding/index.js";
import { refPenalties, syntheticLogits } from "./reference.js";

const QWEN3: SamplingParams = {
  ...samplingDefaults({ temperature: 0.6, top_k: 20, top_p: 0.95 }),
  seed: 1234,
};

function draw(params: SamplingParams, rows: Float32Array[]): number[] {
  const sampler = new Sampler(params);
  return rows.map((row) => {
    const id = sampler.sample(row);
    sampler.accept(id);
    return id;
  });
}

test("Rng is reproducible, seed-sensitive and uniform", () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const seq = Array.from({ length: 5 }, () => a.nextUint32());
  assert.deepEqual(
    seq,
    Array.from({ length: 5 }, () => b.nextUint32()),
  );
  assert.notDeepEqual(
    seq,
    Array.from({ length: 5 }, () => new Rng(43).nextUint32()),
  );
  const rng = new Rng(1);
  let sum = 0;
  for (let i = 0; i < 100000; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 100000 - 0.5) < 0.005);
});

test("same seed and same logits give the same tokens; another seed differs", () => {
  const rows = Array.from({ length: 64 }, (_, i) => syntheticLogits("head50", 4096, i));
  const first = draw(QWEN3, rows);
  assert.deepEqual(draw(QWEN3, rows), first);
  assert.notDeepEqual(draw({ ...QWEN3, seed: 99 }, rows), first);
  assert.equal(new Set(first).size > 5, true, "the head50 rows should give varied tokens");
});

test("sampled frequencies follow the filtered distribution", () => {
  const logits = Float32Array.from({ length: 100 }, (_, i) => -0.1 * i);
  const params = { ...QWEN3, temperature: 1, top_k: 5, top_p: 1 };
  const expected = filterCandidates(logits, params);
  const sampler = new Sampler(params);
  const counts = new Map<number, number>();
  const n = 50000;
  for (let i = 0; i < n; i++) {
    const id = sampler.sample(logits);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  assert.deepEqual(
    [...counts.keys()].sort((a, b) => a - b),
    [0, 1, 2, 3, 4],
  );
  expected.ids.forEach((id, i) => {
    const p = expected.probs[i];
    const sd = Math.sqrt((p * (1 - p)) / n);
    assert.ok(Math.abs((counts.get(id) ?? 0) / n - p) < 5 * sd, `token ${id}`);
  });
});

test("temperature 0 is greedy and does not depend on the seed", () => {
  const rows = Array.from({ length: 10 }, (_, i) => syntheticLogits("flat", 2048, i));
  const greedy = draw({ ...QWEN3, temperature: 0 }, rows);
  assert.deepEqual(greedy, draw({ ...QWEN3, temperature: 0, seed: 5 }, rows));
  assert.deepEqual(
    greedy,
    rows.map((r) => r.indexOf(Math.max(...r))),
  );
});

test("penalties match the per-token formula and leave the caller's logits untouched", () => {
  const logits = Float32Array.from({ length: 50 }, (_, i) => (i % 2 ? 1 : -1) * (i / 10));
  const before = logits.slice();
  const params = {
    ...QWEN3,
    repetition_penalty: 1.3,
    presence_penalty: 0.5,
    frequency_penalty: 0.25,
    logit_bias: new Map([
      [4, 2.5],
      [11, -100],
    ]),
  };
  const prompt = [3, 4, 10];
  const generated = [4, 7, 7, 7, 20];
  const history = new TokenHistory(prompt);
  for (const id of generated) history.add(id);
  assert.deepEqual(applyPenalties(logits, history, params), refPenalties(logits, prompt, generated, params));
  assert.deepEqual(logits, before);
});

test("logit_bias bans and forces tokens, alone or with penalties; a bad entry names logit_bias", () => {
  const row = new Float32Array([2, 1.9, 0]);
  assert.deepEqual(draw({ ...QWEN3, temperature: 0, logit_bias: new Map([[0, -100]]) }, [row, row]), [1, 1]);
  assert.deepEqual(draw({ ...QWEN3, logit_bias: new Map([[2, 100]]) }, [row, row, row]), [2, 2, 2]);
  assert.throws(
    () => new Sampler({ ...QWEN3, logit_bias: new Map([[-1, 1]]) }),
    /logit_bias must map token ids/,
  );
});

test("a repetition penalty steers greedy decoding away from repeats", () => {
  const row = new Float32Array([2, 1.9, 0]);
  const plain = draw({ ...QWEN3, temperature: 0 }, [row, row, row]);
  const penalised = draw({ ...QWEN3, temperature: 0, repetition_penalty: 1.2 }, [row, row, row]);
  assert.deepEqual(plain, [0, 0, 0]);
  assert.deepEqual(penalised, [0, 1, 0]);
});
