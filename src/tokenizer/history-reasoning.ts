/**
 * @module Moves `<think>…</think>` out of assistant history content into `reasoning_content`.
 *
 * Qwen templates do this split themselves with string operations on `content`. `encodeChat` escapes
 * `</think>` in untrusted text, which would hide it from the template, so the split is done here first with the
 * template's own expressions; `RioTokenizer` only uses the result when it renders to the same text.
 */
import type { ChatMessage } from "./types.js";

const THINK_START = "<think>";
const THINK_END = "</think>";

/** Returns the messages with reasoning split out of assistant content that carries no `reasoning_content`. */
export function splitReasoningInHistory(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages.map((message) => {
    const content = message.content;
    if (message.role !== "assistant" || message.reasoning_content != null) return message;
    if (typeof content !== "string" || !content.includes(THINK_END)) return message;
    const parts = content.split(THINK_END);
    const reasoning = trimNewlines(parts[0], "end").split(THINK_START).at(-1) ?? "";
    return {
      ...message,
      reasoning_content: trimNewlines(reasoning, "start"),
      content: trimNewlines(parts.at(-1) ?? "", "start"),
    };
  });
}

/** Python's `lstrip('\n')` / `rstrip('\n')`. */
function trimNewlines(text: string, side: "start" | "end"): string {
  return side === "start" ? text.replace(/^\n+/, "") : text.replace(/\n+$/, "");
}
