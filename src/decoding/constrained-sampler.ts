/**
 * @module Keeping the answer inside a grammar (JSON mode): a sampler wrapper that, once the reasoning block
 * has closed, lets a token through only if the constraint allows it. The first sampled token is checked
 * alone (cheap); when the grammar rejects it, the sample is drawn again from the allowed tokens, as
 * llama.cpp's own samplers do. A top-k sampler draws only from the k best allowed tokens, so the best
 * SHORTLIST tokens are checked first, in one call; only when fewer than k of them pass is the whole
 * vocabulary masked (each mask checks ~150k tokens against the grammar, the cost of a constrained answer).
 * The reasoning stays free: a constraint applies to the answer only.
 */
import type { AnswerStart } from "./answer-prefix.js";
import type { TokenSampler } from "./sampler.js";
import { topKIndices } from "./top-k.js";

/** Best-scored tokens checked against the constraint before masking the whole row. */
const SHORTLIST = 512;

/** What decides which tokens may come next (llama.cpp's Grammar implements it). */
export interface TokenConstraint {
  /** True when token `id` may come next. */
  allows(id: number): boolean;
  /** A copy of `logits` with every token ruled out at -Infinity. */
  mask(logits: Float32Array): Float32Array;
  /** The ids among `ids` that may come next, in their order. */
  allowedAmong(ids: Int32Array): Int32Array;
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
    const masked = this.shortlisted(logits) ?? this.constraint.mask(logits);
    if (!masked.some((x) => x !== Number.NEGATIVE_INFINITY))
      throw new Error("the grammar allows no token at all here");
    return this.inner.sample(masked);
  }

  /**
   * `logits` with only the inner sampler's `limit` best allowed tokens left, found among its SHORTLIST
   * best-scored ones; undefined when fewer pass (then only the whole row's mask is exact).
   */
  private shortlisted(logits: Float32Array): Float32Array | undefined {
    const shortlist = this.inner.shortlist?.(logits);
    if (!shortlist) return undefined;
    const allowed = this.constraint.allowedAmong(topKIndices(shortlist.scores, SHORTLIST));
    if (allowed.length < shortlist.limit) return undefined;
    const out = new Float32Array(logits.length).fill(Number.NEGATIVE_INFINITY);
    for (const id of allowed.subarray(0, shortlist.limit)) out[id] = logits[id];
    return out;
  }

  accept(tokenId: number): void {
    this.inner.accept?.(tokenId);
    if (this.phase === "active") this.constraint.accept(tokenId);
    else if (this.phase === "reasoning" && tokenId === this.start.thinkEnd) this.phase = "armed";
  }
}
