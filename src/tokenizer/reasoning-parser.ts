/**
 * @module Incremental splitter of model output into reasoning (`<think>…</think>`) and answer text.
 *
 * Qwen3 generates `<think>` itself; Qwen3.5 templates open `<think>` in the prompt, so the output starts inside
 * the reasoning and only `</think>` appears. Only the first reasoning block counts: tags after it are text.
 */
import { partialTagLength, pushText } from "./partial-tag.js";

/** A piece of reasoning or answer text. Consecutive events never share a kind within one call. */
export interface ReasoningEvent {
  kind: "reasoning" | "content";
  text: string;
}

/** Options of {@link ReasoningParser}. */
export interface ReasoningParserOptions {
  /** True when the prompt already opened the reasoning block (Qwen3.5); false when the model writes `<think>`. */
  startsInReasoning: boolean;
  startTag?: string;
  endTag?: string;
}

/**
 * Splits streamed text at the reasoning tags; the tags themselves are not emitted.
 * @example
 * const p = new ReasoningParser({ startsInReasoning: false });
 * [...p.feed("<think>\nhm</thi"), ...p.feed("nk>\n\nYes"), ...p.finish()];
 * // [{ kind: "reasoning", text: "\nhm" }, { kind: "content", text: "\n\nYes" }]
 */
export class ReasoningParser {
  private state: "before" | "reasoning" | "content";
  private held = "";
  private readonly startTag: string;
  private readonly endTag: string;

  constructor(opts: ReasoningParserOptions) {
    this.state = opts.startsInReasoning ? "reasoning" : "before";
    this.startTag = opts.startTag ?? "<think>";
    this.endTag = opts.endTag ?? "</think>";
  }

  /** Feeds the next piece of generated text. */
  feed(delta: string): ReasoningEvent[] {
    const events: ReasoningEvent[] = [];
    let text = this.held + delta;
    this.held = "";
    while (text) {
      if (this.state === "before") {
        // The opening tag counts only at the start (after whitespace): anything else means no reasoning block.
        const lead = text.length - text.trimStart().length;
        const rest = text.slice(lead);
        if (rest.startsWith(this.startTag)) {
          this.state = "reasoning";
          text = rest.slice(this.startTag.length);
        } else if (this.startTag.startsWith(rest)) {
          this.held = text;
          return events;
        } else {
          this.state = "content";
        }
      } else if (this.state === "reasoning") {
        const end = text.indexOf(this.endTag);
        if (end >= 0) {
          pushText(events, "reasoning", text.slice(0, end));
          this.state = "content";
          text = text.slice(end + this.endTag.length);
        } else {
          const keep = partialTagLength(text, this.endTag);
          pushText(events, "reasoning", text.slice(0, text.length - keep));
          this.held = text.slice(text.length - keep);
          return events;
        }
      } else {
        pushText(events, "content", text);
        return events;
      }
    }
    return events;
  }

  /** Flushes held-back text at the end of generation (an unterminated block stays reasoning). */
  finish(): ReasoningEvent[] {
    const events: ReasoningEvent[] = [];
    pushText(events, this.state === "reasoning" ? "reasoning" : "content", this.held);
    this.held = "";
    return events;
  }
}
