/** @module Types shared by the tool-call parser and its body formats. */

/**
 * A successfully parsed call. `argumentsJson` is the arguments as JSON text, the form OpenAI responses
 * carry: the model's own text of the arguments object less the whitespace between tokens (Qwen3 JSON), or
 * the object built from the parameters (Qwen3.5 XML). `arguments` is `JSON.parse(argumentsJson)`.
 */
export interface ParsedToolCall {
  name: string;
  arguments: Record<string, unknown>;
  argumentsJson: string;
}

/** Thrown by body readers for a malformed call; the parser turns it into an `error` event. */
export class ToolCallSyntaxError extends Error {
  override name = "ToolCallSyntaxError";
}

/**
 * Reads one call body (the text between `<tool_call>` and `</tool_call>`) as it streams in.
 * `argumentsJson` only ever grows, and is always a prefix of the finished call's `argumentsJson`.
 */
export interface ToolCallBodyReader {
  /** Feeds the next piece of the body (never any of the end tag). */
  feed(text: string): void;
  /** The function's name, once written in full. */
  readonly name: string | undefined;
  /** The arguments' JSON text settled so far. */
  readonly argumentsJson: string;
  /** Ends the body: the whole call, or a ToolCallSyntaxError. */
  finish(): ParsedToolCall;
}

/** Tool definitions as sent in a request (OpenAI style); the XML form reads parameter types from them. */
export type ToolDefinitions = readonly object[];
