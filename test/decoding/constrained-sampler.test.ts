/** The grammar veto on sampling: free reasoning, checked answer tokens, masking only when the veto bites. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ConstrainedSampler,
  Rng,
  Sampler,
  type SamplingParams,
  type TokenConstraint,
  type TokenSampler,
} from "../../src/decoding/index.js";
import { END, ScriptedSampler, VOCAB } from "./fake-model.js";

/** Allows the ids of `allowed`; records what it is asked and told. */
class SetConstraint implements TokenConstraint {
  readonly accepted: number[] = [];
  masks = 0;
  constructor(private readonly allowed: Set<number>) {}
  allows(id: number): boolean {
    return this.allowed.has(id);
  }
  mask(logits: Float32Array): Float32Array {
    this.masks++;
    return logits.map((x, id) => (this.allowed.has(id) ? x : Number.NEGATIVE_INFINITY));
  }
  allowedAmong(ids: Int32Array): Int32Array {
    return ids.filter((id) => this.allowed.has(id));
  }
  accept(id: number): void {
    this.accepted.push(id);
  }
}

/** A sampler that returns scripted ids, or the argmax of a row that has been masked. */
class ArgmaxWhenMasked implements TokenSampler {
  private readonly script: ScriptedSampler;
  constructor(tokens: number[]) {
    this.script = new ScriptedSampler(tokens);
  }
  get accepted(): number[] {
    return this.script.accepted;
  }
  sample(logits: Float32Array): number {
    if (logits.includes(Number.NEGATIVE_INFINITY)) return logits.indexOf(Math.max(...logits));
    return this.script.sample();
  }
  accept(id: number): void {
    this.script.accept(id);
  }
}

const row = () => Float32Array.from({ length: VOCAB }, (_, i) => i / VOCAB);

test("the reasoning is free; after </think> an allowed token passes and a vetoed one is resampled from the mask", () => {
  const constraint = new SetConstraint(new Set([5, 6]));
  const inner = new ArgmaxWhenMasked([30, END, 5, 40]);
  const sampler = new ConstrainedSampler(inner, constraint, { thinkEnd: END, answerFirst: false });
  const emitted = [];
  for (let i = 0; i < 4; i++) {
    const id = sampler.sample(row());
    sampler.accept(id);
    emitted.push(id);
  }
  // 30 and </think> unchecked; 5 allowed; 40 vetoed, so the best allowed token (6) instead
  assert.deepEqual(emitted, [30, END, 5, 6]);
  assert.deepEqual(constraint.accepted, [5, 6]);
  assert.equal(constraint.masks, 1);
  assert.deepEqual(inner.accepted, emitted);
});

test("with the reasoning closed by the prompt the constraint holds from the first token; a dead end is an error", () => {
  const constraint = new SetConstraint(new Set([7]));
  const sampler = new ConstrainedSampler(new ArgmaxWhenMasked([3]), constraint, {
    thinkEnd: END,
    answerFirst: true,
  });
  assert.equal(sampler.sample(row()), 7);
  const dead = new ConstrainedSampler(new ArgmaxWhenMasked([3]), new SetConstraint(new Set()), {
    thinkEnd: END,
    answerFirst: true,
  });
  assert.throws(() => dead.sample(row()), /allows no token/);
});

test("a top-k sampler redrawn from its shortlist draws exactly as from the whole row's mask", () => {
  const vocab = 4000;
  const params: SamplingParams = {
    temperature: 0.7,
    top_k: 8,
    top_p: 0.9,
    min_p: 0.01,
    repetition_penalty: 1.3,
    presence_penalty: 0,
    frequency_penalty: 0,
    seed: 5,
    logit_bias: new Map([
      [17, 1],
      [900, -100],
    ]),
  };
  const rng = new Rng(11);
  let shortlisted = 0;
  let masked = 0;
  for (let trial = 0; trial < 60; trial++) {
    // dense grammars (most tokens allowed) take the shortlist; sparse ones fall back to the mask
    const density = trial % 3 === 0 ? 0.002 : 0.1;
    const allowed = new Set<number>();
    for (let id = 0; id < vocab; id++) if (rng.next() < density) allowed.add(id);
    allowed.add(17);
    const constraint = new SetConstraint(allowed);
    const fast = new ConstrainedSampler(new Sampler(params, { promptTokens: [3, 4] }), constraint, {
      thinkEnd: 0,
      answerFirst: true,
    });
    const reference = new Sampler(params, { promptTokens: [3, 4] });
    for (let step = 0; step < 5; step++) {
      const logits = Float32Array.from({ length: vocab }, () => 4 * rng.next());
      const masks = constraint.masks;
      const got = fast.sample(logits);
      fast.accept(got);
      // the reference: draw, and when the grammar vetoes, draw again from the whole row's mask
      let want = reference.sample(logits);
      if (!allowed.has(want)) {
        want = reference.sample(logits.map((x, id) => (allowed.has(id) ? x : Number.NEGATIVE_INFINITY)));
        if (constraint.masks > masks) masked++;
        else shortlisted++;
      }
      reference.accept(want);
      assert.equal(got, want, `trial ${trial} step ${step}`);
    }
  }
  assert.ok(shortlisted > 50 && masked > 5, `${shortlisted} shortlisted, ${masked} masked`);
});
