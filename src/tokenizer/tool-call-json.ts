/**
 * @module Qwen3 tool-call body: `\n{"name": NAME, "arguments": {…}}\n` (Hermes style).
 */
import { type ParsedToolCall, ToolCallSyntaxError } from "./tool-call-types.js";

/** Parses one JSON tool call; `arguments` may also arrive as a JSON string holding the object. */
export function parseJsonToolCall(body: string): ParsedToolCall {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new ToolCallSyntaxError(`tool call is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new ToolCallSyntaxError("tool call must be a JSON object");
  if (typeof value.name !== "string" || !value.name)
    throw new ToolCallSyntaxError('tool call needs a string "name"');
  let args = value.arguments ?? {};
  if (typeof args === "string") {
    try {
      args = JSON.parse(args);
    } catch {
      throw new ToolCallSyntaxError('"arguments" string is not valid JSON');
    }
  }
  if (!isObject(args)) throw new ToolCallSyntaxError('"arguments" must be a JSON object');
  return { name: value.name, arguments: args, argumentsJson: JSON.stringify(args) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
