/**
 * @module Incremental extraction of `<tool_call>…</tool_call>` blocks from answer text. The body format is
 * pluggable: Qwen3's JSON (`tool-call-json.ts`) or Qwen3.5's XML (`tool-call-xml.ts`).
 */
import { partialTagLength, pushText } from "./partial-tag.js";
import { parseJsonToolCall } from "./tool-call-json.js";
import { type ParsedToolCall, ToolCallSyntaxError, type ToolDefinitions } from "./tool-call-types.js";
import { parseXmlToolCall } from "./tool-call-xml.js";

/**
 * Events: text outside calls, each complete call (numbered from 0), and for a malformed call its raw text as
 * a `text` event followed by an `error` event, so nothing the model wrote is lost.
 */
export type ToolCallEvent =
  | { kind: "text"; text: string }
  | { kind: "tool_call"; index: number; call: ParsedToolCall }
  | { kind: "error"; message: string; text: string };

/** Parses the text between `<tool_call>` and `</tool_call>`. */
export type ToolCallBodyParser = (body: string, tools: ToolDefinitions) => ParsedToolCall;

const BODY_PARSERS: Record<"json" | "xml", ToolCallBodyParser> = {
  json: parseJsonToolCall,
  xml: parseXmlToolCall,
};

/** Options of {@link ToolCallParser}. */
export interface ToolCallParserOptions {
  /** "json" for Qwen3 (`{"name": …, "arguments": …}`), "xml" for Qwen3.5 (`<function=…><parameter=…>`). */
  format: "json" | "xml";
  tools?: ToolDefinitions;
  startTag?: string;
  endTag?: string;
}

/**
 * Streams answer text and pulls out tool calls; a tag split across deltas is held back until it resolves.
 * @example
 * const p = new ToolCallParser({ format: "json" });
 * p.feed('<tool_call>\n{"name": "f", "arguments": {"x": 1}}\n</tool_call>');
 * // [{ kind: "tool_call", index: 0, call: { name: "f", arguments: { x: 1 }, argumentsJson: '{"x":1}' } }]
 */
export class ToolCallParser {
  private readonly parseBody: ToolCallBodyParser;
  private readonly tools: ToolDefinitions;
  private readonly startTag: string;
  private readonly endTag: string;
  private inCall = false;
  private held = "";
  private calls = 0;

  constructor(opts: ToolCallParserOptions) {
    this.parseBody = BODY_PARSERS[opts.format];
    this.tools = opts.tools ?? [];
    this.startTag = opts.startTag ?? "<tool_call>";
    this.endTag = opts.endTag ?? "</tool_call>";
  }

  /** Feeds the next piece of answer text. */
  feed(delta: string): ToolCallEvent[] {
    const events: ToolCallEvent[] = [];
    let text = this.held + delta;
    this.held = "";
    for (;;) {
      if (!this.inCall) {
        const start = text.indexOf(this.startTag);
        if (start < 0) {
          const keep = partialTagLength(text, this.startTag);
          pushText(events as { kind: "text"; text: string }[], "text", text.slice(0, text.length - keep));
          this.held = text.slice(text.length - keep);
          return events;
        }
        pushText(events as { kind: "text"; text: string }[], "text", text.slice(0, start));
        this.inCall = true;
        text = text.slice(start + this.startTag.length);
      } else {
        const end = text.indexOf(this.endTag);
        if (end < 0) {
          this.held = text;
          return events;
        }
        this.inCall = false;
        this.emitCall(events, text.slice(0, end), true);
        text = text.slice(end + this.endTag.length);
      }
    }
  }

  /** Flushes held text; an unterminated call is reported as text plus an error. */
  finish(): ToolCallEvent[] {
    const events: ToolCallEvent[] = [];
    if (this.inCall) this.emitCall(events, this.held, false);
    else pushText(events as { kind: "text"; text: string }[], "text", this.held);
    this.inCall = false;
    this.held = "";
    return events;
  }

  private emitCall(events: ToolCallEvent[], body: string, closed: boolean): void {
    const raw = this.startTag + body + (closed ? this.endTag : "");
    try {
      if (!closed) throw new ToolCallSyntaxError(`missing ${this.endTag}`);
      events.push({ kind: "tool_call", index: this.calls++, call: this.parseBody(body, this.tools) });
    } catch (err) {
      if (!(err instanceof ToolCallSyntaxError)) throw err;
      pushText(events as { kind: "text"; text: string }[], "text", raw);
      events.push({ kind: "error", message: err.message, text: raw });
    }
  }
}
