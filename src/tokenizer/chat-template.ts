/**
 * @module The checkpoint's Jinja chat template, rendered the way transformers' `apply_chat_template` does
 * (trim_blocks, lstrip_blocks, non-escaping `tojson`, `raise_exception`, `strftime_now`; the last three are
 * globals of @huggingface/jinja already).
 */
import { Template } from "@huggingface/jinja";
import { renderPython } from "./jinja-python.js";
import type { ChatMessage, ChatOptions } from "./types.js";

/** A compiled chat template plus the special-token variables transformers passes to every render. */
export class ChatTemplate {
  private readonly template: Template;

  /**
   * @param source Jinja source of the template.
   * @param specialTokens `bos_token`, `eos_token`, … as in the tokenizer's `special_tokens_map`.
   */
  constructor(
    readonly source: string,
    private readonly specialTokens: Record<string, unknown>,
  ) {
    this.template = new Template(source);
  }

  /** Renders the conversation; `tools` is null when absent, like transformers' `tools=None`. */
  render(messages: readonly ChatMessage[], opts: ChatOptions = {}): string {
    const vars: Record<string, unknown> = {
      ...this.specialTokens,
      messages,
      tools: opts.tools ?? null,
      documents: null,
      add_generation_prompt: opts.addGenerationPrompt ?? true,
    };
    if (opts.enableThinking !== undefined) vars.enable_thinking = opts.enableThinking;
    return renderPython(this.template, vars);
  }
}

/** The variables transformers adds from `special_tokens_map`: named special tokens that are set. */
export function specialTokenVariables(tokenizerConfig: Record<string, unknown>): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const key of [
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
  ]) {
    const text = tokenContent(tokenizerConfig[key]);
    if (text !== undefined) vars[key] = text;
  }
  const extra = tokenizerConfig.additional_special_tokens;
  if (Array.isArray(extra) && extra.length > 0) vars.additional_special_tokens = extra.map(tokenContent);
  return vars;
}

/** A token entry in tokenizer_config.json is either a string or an AddedToken object `{ content, … }`. */
export function tokenContent(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return undefined;
}
