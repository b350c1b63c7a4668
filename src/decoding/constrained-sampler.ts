/**
 * @module Keeping the answer inside a grammar (JSON mode): a sampler wrapper that, once the reasoning block
 * has closed, lets a token through only if the constraint allows it. The first sampled token is checked
 * alone (cheap); only when the grammar rejects it is the whole row masked and sampled again, as
 * llama.cpp's own samplers do. The reasoning stays free: a constraint applies to the answer only.
 */
import type { AnswerStart } from "./answer-prefix.js";
import type { TokenSampler } from "./sampler.js";

/** What decides which tokens may come next (llama.cpp's Grammar implements it). */
export interface TokenConstraint {
  /** True when token `id` may come next. */
  allows(id: number): boolean;
  /** A copy of `logits` with every token ruled out at -Infinity. */
  mask(logits: Float32Array): Float32Array;
  /** Moves past token `id` (an allowed one). */
  accept(id: number): void;
}

/**
 * @example
 * const sampler = new ConstrainedSampler(new Sampler(params), grammar, { thinkEnd, answerFirst: false });
 */
export class ConstrainedSampler implements TokenSampler {
  /** Before `</think>`; after it, until the answer's first sampled token; constraining. */
  private phase: "reasoning" | "armed" | "active";

  constructor(
    private readonly inner: TokenSampler,
    private readonly constraint: TokenConstraint,
    private readonly start: AnswerStart,
  ) {
    this.phase = start.answerFirst ? "armed" : "reasoning";
  }

  sample(logits: Float32Array): number {
    // tokens injected between `</think>` and here (SwiReasoning's answer openers) stay outside the grammar
    if (this.phase === "armed") this.phase = "active";
    const id = this.inner.sample(logits);
    if (this.phase !== "active" || this.constraint.allows(id)) return id;
    const masked = this.constraint.mask(logits);
    if (!masked.some((x) => x !== Number.NEGATIVE_INFINITY))
      throw new Error("the grammar allows no token at all here");
    return this.inner.sample(masked);
  }

  accept(tokenId: number): void {
    this.inner.accept?.(tokenId);
    if (this.phase === "active") this.constraint.accept(tokenId);
    else if (this.phase === "reasoning" && tokenId === this.start.thinkEnd) this.phase = "armed";
  }
}
