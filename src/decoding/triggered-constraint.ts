/**
 * @module A constraint that holds only from a trigger token to the end of its grammar, and again at the
 * next trigger: tool calls of `strict` functions under `tool_choice: "auto"`, where the model may answer in
 * prose or open a call (`<tool_call>`), and only the call must follow the function's schema. Outside a
 * call every token passes, so an unconstrained answer costs nothing. A call's grammar ends exactly where
 * the call does; it is over when the grammar would allow an end-of-generation token (llama.cpp's grammar
 * allows one only once the root rule is complete). Inside a span the trigger itself is ruled out: a grammar
 * matches special tokens by their text, and a call cannot hold another call's opening.
 */
import type { TokenConstraint } from "./constrained-sampler.js";

/** A constraint made fresh for each triggered span; freed when the span ends. */
export type SpanConstraint = TokenConstraint & { free(): void };

/**
 * @example
 * const constraint = new TriggeredConstraint(toolCallId, () => model.llama.grammar(callGrammar), eosIds);
 * const sampler = new ConstrainedSampler(plain, constraint, answerStart);
 */
export class TriggeredConstraint implements TokenConstraint {
  private active: SpanConstraint | undefined;
  private readonly ends: Int32Array;

  constructor(
    private readonly trigger: number,
    private readonly make: () => SpanConstraint,
    /** End-of-generation ids: a span is complete once its constraint allows one. */
    ends: readonly number[],
  ) {
    this.ends = Int32Array.from(ends);
  }

  allows(id: number): boolean {
    return !this.active || (id !== this.trigger && this.active.allows(id));
  }

  mask(logits: Float32Array): Float32Array {
    if (!this.active) return logits.slice();
    const out = this.active.mask(logits);
    if (this.trigger < out.length) out[this.trigger] = Number.NEGATIVE_INFINITY;
    return out;
  }

  allowedAmong(ids: Int32Array): Int32Array {
    return this.active ? this.active.allowedAmong(ids).filter((id) => id !== this.trigger) : ids;
  }

  accept(id: number): void {
    if (!this.active) {
      if (id === this.trigger) this.active = this.make();
      return;
    }
    this.active.accept(id);
    if (this.active.allowedAmong(this.ends).length > 0) this.free();
  }

  /** Frees the span's constraint, if one is open. */
  free(): void {
    this.active?.free();
    this.active = undefined;
  }
}
