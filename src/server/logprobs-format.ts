/** @module Token log-probabilities in the two OpenAI shapes: chat (`content: [...]`) and legacy completions. */
import type { GenerateStep } from "../decoding/index.js";
import type { RioTokenizer } from "../tokenizer/index.js";

/** One token's entry in a chat response's `logprobs.content`. */
export interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: { token: string; logprob: number; bytes: number[] }[];
}

/** The chat entry of a step that carries a logprob (undefined when it carries none). */
export function chatLogprob(tokenizer: RioTokenizer, step: GenerateStep): ChatTokenLogprob | undefined {
  if (!step.logprob) return undefined;
  const entry = (id: number, logprob: number) => ({
    token: tokenizer.decode([id]),
    logprob,
    bytes: Array.from(tokenizer.tokenBytes(id)),
  });
  return {
    ...entry(step.tokenId, step.logprob.logprob),
    top_logprobs: step.logprob.top.map((t) => entry(t.id, t.logprob)),
  };
}

/** Legacy completions' logprobs object, built up step by step. */
export class CompletionLogprobs {
  readonly tokens: string[] = [];
  readonly token_logprobs: number[] = [];
  readonly top_logprobs: Record<string, number>[] = [];
  readonly text_offset: number[] = [];

  /** Adds a step at character offset `offset` of the choice's text. */
  add(tokenizer: RioTokenizer, step: GenerateStep, offset: number): void {
    if (!step.logprob) return;
    this.tokens.push(tokenizer.decode([step.tokenId]));
    this.token_logprobs.push(step.logprob.logprob);
    this.top_logprobs.push(
      Object.fromEntries(step.logprob.top.map((t) => [tokenizer.decode([t.id]), t.logprob])),
    );
    this.text_offset.push(offset);
  }

  /** A copy holding only what was added since `from` (for one streamed chunk). */
  since(from: number): CompletionLogprobs {
    const part = new CompletionLogprobs();
    part.tokens.push(...this.tokens.slice(from));
    part.token_logprobs.push(...this.token_logprobs.slice(from));
    part.top_logprobs.push(...this.top_logprobs.slice(from));
    part.text_offset.push(...this.text_offset.slice(from));
    return part;
  }
}
