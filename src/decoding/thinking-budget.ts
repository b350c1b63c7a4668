/**
 * @module Thinking budgets: a limit on the tokens a reasoning block may take. When the method has not
 * closed the block by then, the next steps emit the closing the chat template expects (Qwen3/3.5:
 * `\n</think>\n\n`) whatever the model would sample, the method is told the reasoning is over (so
 * SwiReasoning decodes the answer explicitly), and the answer follows. It composes with SwiReasoning's
 * switch-count control: whichever closes the block first ends the thinking.
 */
import type { AnswerStart } from "./answer-prefix.js";
import type { DecodingController, StepResult } from "./controller.js";
import { forcedStep, StepLimit } from "./forced-step.js";
import type { TokenSampler } from "./sampler.js";

/** The limit and how the block is closed. */
export interface ThinkingBudget {
  /** Most tokens of the reasoning block before the closing is forced (0: close at once). */
  budget: number;
  /** The tokens that close the block, `</think>` among them (e.g. `\n</think>\n\n`). */
  closing: readonly number[];
}

/**
 * Wraps a decoding method with a thinking budget. Steps inside the reasoning are counted until the method
 * emits `</think>`; at the budget the closing is forced (those steps do not reach the method), then
 * `inner.closeReasoning()` runs and the method decodes the answer. Nothing is forced when the prompt closed
 * the block itself (`answerFirst`). The wrapper keeps the token limit itself, as forced steps are its own.
 * @example
 * const closing = [...tokenizer.encode("\n"), thinkEnd, ...tokenizer.encode("\n\n")];
 * const c = new ThinkingBudgetController(swir, { budget: 256, closing }, { thinkEnd, answerFirst: false }, 2048);
 */
export class ThinkingBudgetController implements DecodingController {
  private phase: "reasoning" | "closing" | "answer";
  private reasoning = 0;
  private next = 0;
  private readonly steps: StepLimit;

  constructor(
    private readonly inner: DecodingController,
    private readonly limit: ThinkingBudget,
    private readonly start: AnswerStart,
    maxTokens: number,
  ) {
    this.steps = new StepLimit(maxTokens);
    if (!Number.isInteger(limit.budget) || limit.budget < 0)
      throw new Error(`ThinkingBudgetController: budget must be an integer >= 0, got ${limit.budget}`);
    if (!limit.closing.includes(start.thinkEnd))
      throw new Error("ThinkingBudgetController: the closing tokens must include </think>");
    this.phase = start.answerFirst ? "answer" : limit.budget === 0 ? "closing" : "reasoning";
  }

  get finished(): boolean {
    return this.steps.done || this.inner.finished;
  }

  step(logits: Float32Array, sampler: TokenSampler): StepResult {
    if (this.finished) throw new Error("ThinkingBudgetController.step: the sequence already stopped");
    if (this.phase === "closing") return this.steps.count(this.forced(sampler));
    const result = this.inner.step(logits, sampler);
    if (this.phase === "reasoning") {
      this.reasoning++;
      if (result.tokenId === this.start.thinkEnd) this.phase = "answer";
      else if (this.reasoning >= this.limit.budget) this.phase = "closing";
    }
    return this.steps.count(result);
  }

  private forced(sampler: TokenSampler): StepResult {
    const tokenId = this.limit.closing[this.next++];
    if (this.next === this.limit.closing.length) {
      this.phase = "answer";
      this.inner.closeReasoning?.();
    }
    return forcedStep(tokenId, sampler);
  }
}
