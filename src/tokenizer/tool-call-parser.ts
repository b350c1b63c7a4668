/**
 * @module Incremental extraction of `<tool_call>…</tool_call>` blocks from answer text. The body format is
 * pluggable: Qwen3's JSON (`tool-call-json.ts`) or Qwen3.5's XML (`tool-call-xml.ts`); both stream the
 * call's name as soon as it is written and its arguments' JSON text as it settles.
 */
import { partialTagLength, pushText } from "./partial-tag.js";
import { JsonToolCallReader } from "./tool-call-json.js";
import {
  type ParsedToolCall,
  type ToolCallBodyReader,
  ToolCallSyntaxError,
  type ToolDefinitions,
} from "./tool-call-types.js";
import { XmlToolCallReader } from "./tool-call-xml.js";

/**
 * Events: text outside calls; for each call (numbered from 0) `call_start` once its name is written, its
 * arguments' JSON text in `call_arguments` pieces, then `tool_call` with the whole call, whose
 * `argumentsJson` is the pieces joined. A malformed call whose name never came is reported as its raw text
 * (a `text` event) followed by an `error`, so nothing the model wrote is lost; one that had started ends
 * with an `error` carrying its index and raw text instead of a `tool_call`.
 */
export type ToolCallEvent =
  | { kind: "text"; text: string }
  | { kind: "call_start"; index: number; name: string }
  | { kind: "call_arguments"; index: number; text: string }
  | { kind: "tool_call"; index: number; call: ParsedToolCall }
  | { kind: "error"; message: string; text: string; index?: number };

type TextEvent = { kind: "text"; text: string };

const READERS: Record<"json" | "xml", (tools: ToolDefinitions) => ToolCallBodyReader> = {
  json: () => new JsonToolCallReader(),
  xml: (tools) => new XmlToolCallReader(tools),
};

/** Options of {@link ToolCallParser}. */
export interface ToolCallParserOptions {
  /** "json" for Qwen3 (`{"name": …, "arguments": …}`), "xml" for Qwen3.5 (`<function=…><parameter=…>`). */
  format: "json" | "xml";
  tools?: ToolDefinitions;
  startTag?: string;
  endTag?: string;
}

/** The call being read. */
interface OpenCall {
  reader: ToolCallBodyReader;
  body: string;
  /** Its number once `call_start` went out. */
  index?: number;
  /** The arguments' JSON text sent so far. */
  sent: string;
}

/**
 * Streams answer text and pulls out tool calls; a tag split across deltas is held back until it resolves.
 * @example
 * const p = new ToolCallParser({ format: "json" });
 * p.feed('<tool_call>\n{"name": "f", "arguments": {"x": 1}}\n</tool_call>');
 * // [{ kind: "call_start", index: 0, name: "f" }, { kind: "call_arguments", index: 0, text: '{"x":1}' },
 * //  { kind: "tool_call", index: 0, call: { name: "f", arguments: { x: 1 }, argumentsJson: '{"x":1}' } }]
 */
export class ToolCallParser {
  private readonly newReader: () => ToolCallBodyReader;
  private readonly startTag: string;
  private readonly endTag: string;
  private call: OpenCall | undefined;
  private held = "";
  private calls = 0;

  constructor(opts: ToolCallParserOptions) {
    const tools = opts.tools ?? [];
    const reader = READERS[opts.format];
    this.newReader = () => reader(tools);
    this.startTag = opts.startTag ?? "<tool_call>";
    this.endTag = opts.endTag ?? "</tool_call>";
  }

  /** Feeds the next piece of answer text. */
  feed(delta: string): ToolCallEvent[] {
    const events: ToolCallEvent[] = [];
    let text = this.held + delta;
    this.held = "";
    for (;;) {
      if (!this.call) {
        const start = text.indexOf(this.startTag);
        if (start < 0) {
          const keep = partialTagLength(text, this.startTag);
          pushText(events as TextEvent[], "text", text.slice(0, text.length - keep));
          this.held = text.slice(text.length - keep);
          return events;
        }
        pushText(events as TextEvent[], "text", text.slice(0, start));
        this.call = { reader: this.newReader(), body: "", sent: "" };
        text = text.slice(start + this.startTag.length);
      } else {
        const end = text.indexOf(this.endTag);
        if (end < 0) {
          const keep = partialTagLength(text, this.endTag);
          this.feedBody(events, this.call, text.slice(0, text.length - keep));
          this.held = text.slice(text.length - keep);
          return events;
        }
        this.feedBody(events, this.call, text.slice(0, end));
        this.endCall(events, this.call, true);
        text = text.slice(end + this.endTag.length);
      }
    }
  }

  /** Flushes held text; an unterminated call is malformed. */
  finish(): ToolCallEvent[] {
    const events: ToolCallEvent[] = [];
    if (this.call) {
      this.feedBody(events, this.call, this.held);
      this.endCall(events, this.call, false);
    } else pushText(events as TextEvent[], "text", this.held);
    this.held = "";
    return events;
  }

  private feedBody(events: ToolCallEvent[], call: OpenCall, text: string): void {
    if (!text) return;
    call.body += text;
    call.reader.feed(text);
    const { name, argumentsJson } = call.reader;
    if (name !== undefined) this.sendArguments(events, call, name, argumentsJson);
  }

  /** Starts the call if it has not started, and sends the arguments' new text. */
  private sendArguments(events: ToolCallEvent[], call: OpenCall, name: string, json: string): void {
    if (call.index === undefined) {
      call.index = this.calls++;
      events.push({ kind: "call_start", index: call.index, name });
    }
    if (!json.startsWith(call.sent)) throw new Error("a tool call reader changed arguments it had sent");
    if (json.length === call.sent.length) return;
    const text = json.slice(call.sent.length);
    call.sent = json;
    const last = events.at(-1);
    if (last?.kind === "call_arguments" && last.index === call.index) last.text += text;
    else events.push({ kind: "call_arguments", index: call.index, text });
  }

  private endCall(events: ToolCallEvent[], call: OpenCall, closed: boolean): void {
    this.call = undefined;
    const raw = this.startTag + call.body + (closed ? this.endTag : "");
    try {
      if (!closed) throw new ToolCallSyntaxError(`missing ${this.endTag}`);
      const parsed = call.reader.finish();
      this.sendArguments(events, call, parsed.name, parsed.argumentsJson);
      events.push({ kind: "tool_call", index: call.index as number, call: parsed });
    } catch (err) {
      if (!(err instanceof ToolCallSyntaxError)) throw err;
      if (call.index !== undefined) {
        events.push({ kind: "error", message: err.message, text: raw, index: call.index });
        return;
      }
      pushText(events as TextEvent[], "text", raw);
      events.push({ kind: "error", message: err.message, text: raw });
    }
  }
}
