/** The grammar veto on sampling: free reasoning, checked answer tokens, masking only when the veto bites. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConstrainedSampler, type TokenConstraint, type TokenSampler } from "../../src/decoding/index.js";
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
