/** @module The completions endpoint's ChoiceFormat: raw `text`, legacy `logprobs`. */
import type { FinishReason, GenerateStep } from "../decoding/index.js";
import type { RioTokenizer } from "../tokenizer/index.js";
import { type ChoiceFields, type ChoiceFormat, finishReason, modesField } from "./choice-format.js";
import { CompletionLogprobs } from "./logprobs-format.js";

/**
 * @example
 * const format = new CompletionFormat(tokenizer, { logprobs: false, modes: false });
 * format.step(step); // { text: "Hi" }
 */
export class CompletionFormat implements ChoiceFormat {
  private text = "";
  private readonly logprobs = new CompletionLogprobs();
  private readonly modes: GenerateStep["mode"][] = [];
  private sent = { logprobs: 0, modes: 0, text: 0 };

  constructor(
    private readonly tokenizer: RioTokenizer,
    private readonly opts: { logprobs: boolean; modes: boolean },
  ) {}

  opening(): undefined {
    return undefined;
  }

  step(step: GenerateStep): ChoiceFields | undefined {
    if (this.opts.logprobs) this.logprobs.add(this.tokenizer, step, this.text.length);
    if (this.opts.modes) this.modes.push(step.mode);
    this.text += step.text;
    return step.text || this.opts.logprobs || this.opts.modes ? this.chunk() : undefined;
  }

  finish(reason: FinishReason): { fields: ChoiceFields; finishReason: string } {
    return { fields: this.chunk(), finishReason: finishReason(reason, false) };
  }

  whole(): ChoiceFields {
    return {
      text: this.text,
      logprobs: this.opts.logprobs ? this.logprobs : null,
      ...modesField(this.opts.modes ? this.modes : undefined),
    };
  }

  private chunk(): ChoiceFields {
    const fields = {
      text: this.text.slice(this.sent.text),
      logprobs: this.opts.logprobs ? this.logprobs.since(this.sent.logprobs) : null,
      ...modesField(this.opts.modes ? this.modes.slice(this.sent.modes) : undefined),
    };
    this.sent = { logprobs: this.logprobs.tokens.length, modes: this.modes.length, text: this.text.length };
    return fields;
  }
}
