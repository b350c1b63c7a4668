/** @module The chat endpoint's ChoiceFormat: `delta` / `message` with reasoning_content and tool_calls. */
import type { FinishReason, GenerateStep } from "../decoding/index.js";
import type { RioTokenizer } from "../tokenizer/index.js";
import { type ChatDelta, ChatOutput, type ChatOutputOptions } from "./chat-output.js";
import { type ChoiceFields, type ChoiceFormat, finishReason, modesField } from "./choice-format.js";
import { type ChatTokenLogprob, chatLogprob } from "./logprobs-format.js";

/** What a chat choice reports besides the message. */
export interface ChatFormatOptions extends ChatOutputOptions {
  tokenizer: RioTokenizer;
  logprobs: boolean;
  modes: boolean;
}

/**
 * @example
 * const format = new ChatFormat({ tokenizer, startsInReasoning: false, toolFormat: "json", logprobs: false, modes: false });
 * format.step(step); // { delta: { content: "Hi" } }
 */
export class ChatFormat implements ChoiceFormat {
  private readonly output: ChatOutput;
  private readonly logprobs: ChatTokenLogprob[] = [];
  private readonly modes: GenerateStep["mode"][] = [];
  private pending = { logprobs: 0, modes: 0 };
  private reason = "stop";

  constructor(private readonly opts: ChatFormatOptions) {
    this.output = new ChatOutput(opts);
  }

  opening(): ChoiceFields {
    return { delta: { role: "assistant", content: "" } };
  }

  step(step: GenerateStep): ChoiceFields | undefined {
    const logprob = this.opts.logprobs ? chatLogprob(this.opts.tokenizer, step) : undefined;
    if (logprob) this.logprobs.push(logprob);
    if (this.opts.modes) this.modes.push(step.mode);
    return this.chunk(this.output.push(step.text), false);
  }

  finish(reason: FinishReason): { fields: ChoiceFields; finishReason: string } {
    const fields = this.chunk(this.output.finish(), true) ?? { delta: {} };
    this.reason = finishReason(reason, this.output.message.tool_calls.length > 0);
    return { fields, finishReason: this.reason };
  }

  whole(): ChoiceFields {
    const { content, reasoning_content, tool_calls } = this.output.message;
    return {
      message: {
        role: "assistant",
        content: tool_calls.length > 0 && content.trim() === "" ? null : content,
        ...(reasoning_content ? { reasoning_content } : {}),
        ...(tool_calls.length > 0 ? { tool_calls } : {}),
      },
      logprobs: this.opts.logprobs ? { content: this.logprobs } : null,
      ...modesField(this.opts.modes ? this.modes : undefined),
    };
  }

  /** A chunk with the delta and the logprobs/modes not yet sent; undefined when all are empty (unless forced). */
  private chunk(delta: ChatDelta, force: boolean): ChoiceFields | undefined {
    const logprobs = this.logprobs.slice(this.pending.logprobs);
    const modes = this.modes.slice(this.pending.modes);
    if (!force && Object.keys(delta).length === 0 && logprobs.length === 0 && modes.length === 0)
      return undefined;
    this.pending = { logprobs: this.logprobs.length, modes: this.modes.length };
    return {
      delta,
      ...(this.opts.logprobs ? { logprobs: { content: logprobs } } : {}),
      ...modesField(this.opts.modes ? modes : undefined),
    };
  }
}
