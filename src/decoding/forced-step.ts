/**
 * @module What the wrappers that force tokens share (answer-prefix.ts, thinking-budget.ts): the step of a
 * forced token, and the token limit they keep themselves, since forced steps never reach the method.
 */
import type { StepResult } from "./controller.js";
import type { TokenSampler } from "./sampler.js";

/** A step that emits `tokenId` whatever the model would sample: recorded for penalties, fed back as its row. */
export function forcedStep(tokenId: number, sampler: TokenSampler): StepResult {
  sampler.accept?.(tokenId);
  return {
    tokenId,
    mode: "explicit",
    fed: { kind: "token", id: tokenId },
    entropy: null,
    refEntropy: null,
    switched: null,
    forced: true,
    stop: null,
  };
}

/** Counts a wrapper's emitted steps and stops the sequence at `maxTokens` (unless it stopped already). */
export class StepLimit {
  private emitted = 0;
  done = false;

  constructor(private readonly maxTokens: number) {}

  count(result: StepResult): StepResult {
    this.emitted++;
    const stop = result.stop ?? (this.emitted >= this.maxTokens ? "max_tokens" : null);
    this.done = stop !== null;
    return { ...result, stop };
  }
}
