/**
 * @module Splits one choice's generated text into what an OpenAI chat response carries: `reasoning_content`
 * (the think block), `content`, and `tool_calls` (the `<tool_call>` blocks, when the request has tools).
 * Pure: it sees only text, so tests drive it with scripted streams.
 */
import { randomBytes } from "node:crypto";
import { ReasoningParser, ToolCallParser } from "../tokenizer/index.js";

/** A tool call as OpenAI streams and returns it. */
export interface ResponseToolCall {
  index: number;
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** One piece of a chat message; absent fields did not change. */
export interface ChatDelta {
  reasoning_content?: string;
  content?: string;
  tool_calls?: ResponseToolCall[];
}

/** Options of ChatOutput. */
export interface ChatOutputOptions {
  /** The prompt opened the think block (Qwen3.5-style templates). */
  startsInReasoning: boolean;
  /** Tool definitions in play; without them `<tool_call>` text stays content. */
  tools?: object[];
  /** Body format of tool calls: Qwen3 JSON or Qwen3.5 XML. */
  toolFormat: "json" | "xml";
}

/**
 * Incremental splitter for one choice. `push` and `finish` return the delta to stream (empty object when
 * nothing is ready); `message` is the whole message so far.
 * @example
 * const out = new ChatOutput({ startsInReasoning: false, toolFormat: "json", tools });
 * out.push("<think>hm</think>");          // { reasoning_content: "hm" }
 * out.push('<tool_call>{"name": "f", "arguments": {}}</tool_call>'); // { tool_calls: [{ index: 0, id: "call_…", ... }] }
 */
export class ChatOutput {
  private readonly reasoning: ReasoningParser;
  private readonly tools: ToolCallParser | undefined;
  readonly message = { content: "", reasoning_content: "", tool_calls: [] as ResponseToolCall[] };

  constructor(opts: ChatOutputOptions) {
    this.reasoning = new ReasoningParser({ startsInReasoning: opts.startsInReasoning });
    this.tools = opts.tools?.length
      ? new ToolCallParser({ format: opts.toolFormat, tools: opts.tools })
      : undefined;
  }

  /** Feeds generated text. */
  push(text: string): ChatDelta {
    return this.route(this.reasoning.feed(text), false);
  }

  /** Flushes everything held back at the end of generation. */
  finish(): ChatDelta {
    return this.route(this.reasoning.finish(), true);
  }

  private route(events: ReturnType<ReasoningParser["feed"]>, last: boolean): ChatDelta {
    const delta: ChatDelta = {};
    for (const event of events) {
      if (event.kind === "reasoning") append(delta, "reasoning_content", event.text);
      else if (!this.tools) append(delta, "content", event.text);
      else this.toolEvents(delta, this.tools.feed(event.text));
    }
    if (last && this.tools) this.toolEvents(delta, this.tools.finish());
    if (delta.content) this.message.content += delta.content;
    if (delta.reasoning_content) this.message.reasoning_content += delta.reasoning_content;
    return delta;
  }

  private toolEvents(delta: ChatDelta, events: ReturnType<ToolCallParser["feed"]>): void {
    for (const event of events) {
      if (event.kind === "text") append(delta, "content", event.text);
      else if (event.kind === "tool_call") {
        const call: ResponseToolCall = {
          index: event.index,
          id: `call_${randomBytes(12).toString("hex")}`,
          type: "function",
          function: { name: event.call.name, arguments: event.call.argumentsJson },
        };
        this.message.tool_calls.push(call);
        delta.tool_calls = [...(delta.tool_calls ?? []), call];
      }
      // "error" events: the malformed call's raw text already came as a text event, so it stays content.
    }
  }
}

function append(delta: ChatDelta, field: "content" | "reasoning_content", text: string): void {
  if (text) delta[field] = (delta[field] ?? "") + text;
}
