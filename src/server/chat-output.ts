/**
 * @module Splits one choice's generated text into what an OpenAI chat response carries: `reasoning_content`
 * (the think block), `content`, and `tool_calls` (the `<tool_call>` blocks, when the request has tools).
 * A call streams as OpenAI's do: its id and name once the name is written, then its arguments' JSON text
 * in pieces as the model writes them. Calls of the built-in tools Rio runs itself are kept apart: they never
 * reach `tool_calls`, which are the client's to run. As vLLM's Qwen3 reasoning parser does, a `<tool_call>`
 * written inside the think block is reasoning text, not a call. Pure: it sees only text, so tests drive it
 * with scripted streams.
 */
import { randomBytes } from "node:crypto";
import type { TurnText } from "../agent/index.js";
import { ReasoningParser, ToolCallParser } from "../tokenizer/index.js";

/**
 * The body format of a model's tool calls: Qwen3.5's templates write XML parameters, Qwen3's JSON.
 * @example
 * toolCallFormat("qwen35moe"); // "xml"
 */
export function toolCallFormat(architecture: string): "json" | "xml" {
  return architecture.startsWith("qwen35") ? "xml" : "json";
}

/** A tool call as OpenAI returns it. */
export interface ResponseToolCall {
  index: number;
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/**
 * A piece of a streamed tool call: the first carries the id and name (arguments ""), the later ones pieces
 * of the arguments' JSON text, which joined are the whole call's `arguments`.
 */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

/** One piece of a chat message; absent fields did not change. */
export interface ChatDelta {
  reasoning_content?: string;
  content?: string;
  tool_calls?: ToolCallDelta[];
}

/** Options of ChatOutput. */
export interface ChatOutputOptions {
  /** The prompt opened the think block (Qwen3.5-style templates). */
  startsInReasoning: boolean;
  /** Tool definitions in play; without them `<tool_call>` text stays content. */
  tools?: object[];
  /** Body format of tool calls: Qwen3 JSON or Qwen3.5 XML. */
  toolFormat: "json" | "xml";
  /** Names of the built-in tools in `tools`: their calls go to `calls` only. */
  builtinNames?: readonly string[];
}

/**
 * Incremental splitter for one choice. `push` and `finish` return the delta to stream (empty object when
 * nothing is ready); `message` is the whole message so far.
 * @example
 * const out = new ChatOutput({ startsInReasoning: false, toolFormat: "json", tools });
 * out.push("<think>hm</think>");          // { reasoning_content: "hm" }
 * out.push('<tool_call>{"name": "f", "arguments": {}}</tool_call>');
 * // { tool_calls: [{ index: 0, id: "call_…", type: "function", function: { name: "f", arguments: "" } },
 * //                { index: 0, function: { arguments: "{}" } }] }
 */
export class ChatOutput {
  private readonly reasoning: ReasoningParser;
  private readonly tools: ToolCallParser | undefined;
  private readonly builtinNames: ReadonlySet<string>;
  /** The client's part: text, reasoning and the calls of its functions. */
  readonly message = { content: "", reasoning_content: "", tool_calls: [] as ResponseToolCall[] };
  /** Every call in the order written, built-in ones included. */
  readonly calls: ResponseToolCall[] = [];
  /**
   * True when a client's call that had started streaming never completed (cut by the token limit, or
   * malformed): it stays in `tool_calls` with the arguments sent, and the finish reason is not `tool_calls`.
   */
  brokenCall = false;
  /** The open calls by the parser's index: the client's, or built-in ones (not streamed). */
  private readonly open = new Map<number, { call: ResponseToolCall; builtin: boolean }>();

  constructor(opts: ChatOutputOptions) {
    this.builtinNames = new Set(opts.builtinNames);
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

  /** True when the client has calls to run, all complete: the finish reason is then `tool_calls`. */
  get callsToRun(): boolean {
    return this.message.tool_calls.length > 0 && !this.brokenCall;
  }

  /** What was written, as the agent loop reads it: all the text, and every call. */
  turn(): TurnText {
    return {
      content: this.message.content,
      reasoning: this.message.reasoning_content,
      calls: this.calls.map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      })),
    };
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
      else if (event.kind === "call_start") this.startCall(delta, event.index, event.name);
      else if (event.kind === "call_arguments") {
        const open = this.open.get(event.index);
        if (!open) continue;
        open.call.function.arguments += event.text;
        if (!open.builtin)
          addCallDelta(delta, { index: open.call.index, function: { arguments: event.text } });
      } else {
        const open = this.open.get(event.index ?? -1);
        if (!open) continue; // a call that never started: its raw text came as a text event
        this.open.delete(event.index as number);
        if (event.kind === "tool_call") {
          if (open.builtin) this.calls.push(open.call);
        } else if (open.builtin) append(delta, "content", event.text);
        else this.brokenCall = true;
      }
    }
  }

  private startCall(delta: ChatDelta, index: number, name: string): void {
    const builtin = this.builtinNames.has(name);
    const call: ResponseToolCall = {
      // numbered among the calls the client is given
      index: builtin ? -1 : this.message.tool_calls.length,
      id: `call_${randomBytes(12).toString("hex")}`,
      type: "function",
      function: { name, arguments: "" },
    };
    this.open.set(index, { call, builtin });
    if (builtin) return;
    this.calls.push(call);
    this.message.tool_calls.push(call);
    addCallDelta(delta, { ...call, function: { ...call.function } });
  }
}

/** Adds a call's piece; a piece of arguments right after one of the same call joins it. */
function addCallDelta(delta: ChatDelta, piece: ToolCallDelta): void {
  delta.tool_calls ??= [];
  const calls = delta.tool_calls;
  const last = calls.at(-1);
  if (piece.id === undefined && last?.index === piece.index && last.id === undefined)
    last.function.arguments += piece.function.arguments;
  else calls.push(piece);
}

function append(delta: ChatDelta, field: "content" | "reasoning_content", text: string): void {
  if (text) delta[field] = (delta[field] ?? "") + text;
}
