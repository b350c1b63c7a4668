/**
 * @module Forcing how the answer starts: once the reasoning block closes (at once when there is none), the
 * next steps emit the given tokens whatever the model would sample, then the method decodes on. This is
 * how an OpenAI `tool_choice` of "required" or a named function makes the answer open a tool call.
 */
import type { DecodingController, StepResult } from "./controller.js";
import { forcedStep, StepLimit } from "./forced-step.js";
import type { TokenSampler } from "./sampler.js";

/** Where the answer starts: right away when the prompt closed the reasoning block, else after `thinkEnd`. */
export interface AnswerStart {
  thinkEnd: number;
  answerFirst: boolean;
}

/**
 * Wraps a decoding method: the prefix is forced from step 0 when `answerFirst` (the prompt closed the
 * reasoning block itself, as with thinking off), else right after the method emits `thinkEnd`. Forced
 * steps do not reach the method (it takes the next sampled step as its own), so the wrapper keeps the
 * token limit itself.
 * @example
 * const start = { thinkEnd, answerFirst: false };
 * const c = new AnswerPrefixController(new CotController(stop), toolCallOpening, start, 256);
 */
export class AnswerPrefixController implements DecodingController {
  private phase: "reasoning" | "forcing" | "free";
  private next = 0;
  private readonly steps: StepLimit;

  constructor(
    private readonly inner: DecodingController,
    private readonly prefix: readonly number[],
    private readonly start: AnswerStart,
    maxTokens: number,
  ) {
    this.steps = new StepLimit(maxTokens);
    this.phase = prefix.length === 0 ? "free" : start.answerFirst ? "forcing" : "reasoning";
  }

  get finished(): boolean {
    return this.steps.done || this.inner.finished;
  }

  step(logits: Float32Array, sampler: TokenSampler): StepResult {
    if (this.finished) throw new Error("AnswerPrefixController.step: the sequence already stopped");
    if (this.phase === "forcing") return this.steps.count(this.forced(sampler));
    const result = this.inner.step(logits, sampler);
    if (this.phase === "reasoning" && result.tokenId === this.start.thinkEnd) this.phase = "forcing";
    return this.steps.count(result);
  }

  private forced(sampler: TokenSampler): StepResult {
    const tokenId = this.prefix[this.next++];
    if (this.next === this.prefix.length) this.phase = "free";
    return forcedStep(tokenId, sampler);
  }
}
