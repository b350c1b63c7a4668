/** @module Types shared by the tool-call parser and its body formats. */

/** A successfully parsed call; `argumentsJson` is `JSON.stringify(arguments)` for OpenAI responses. */
export interface ParsedToolCall {
  name: string;
  arguments: Record<string, unknown>;
  argumentsJson: string;
}

/** Thrown by body parsers for a malformed call; the parser turns it into an `error` event. */
export class ToolCallSyntaxError extends Error {
  override name = "ToolCallSyntaxError";
}

/** Tool definitions as sent in a request (OpenAI style); the XML form reads parameter types from them. */
export type ToolDefinitions = readonly object[];
