/**
 * @module A tool round as chat-template messages: the assistant turn with its reasoning and its calls, then
 * one `tool` message per result. The chat template turns these into the model's own format (Qwen3:
 * `<tool_call>` blocks in the assistant turn, `<tool_response>` blocks after it). The server's stored
 * Responses conversations are replayed through the same functions, so a continued conversation shows
 * the model exactly what it saw while the tools ran.
 */
import type { ChatMessage, ChatToolCall } from "../tokenizer/index.js";
import type { ToolCallRequest, ToolRun } from "./tool-runner.js";

/** What one generation wrote: its answer text, its reasoning, and every call in it, in order. */
export interface TurnText {
  content: string;
  reasoning: string;
  calls: ToolCallRequest[];
}

/**
 * The assistant message of a turn.
 * @example
 * assistantMessage({ content: "", reasoning: "Compute it.", calls: [{ id: "call_1", name: "code", arguments: '{"language":"python","code":"6*7"}' }] });
 * // { role: "assistant", content: "", reasoning_content: "Compute it.", tool_calls: [{ id: "call_1", type: "function", function: { name: "code", arguments: { language: "python", code: "6*7" } } }] }
 */
export function assistantMessage(turn: TurnText): ChatMessage {
  return {
    role: "assistant",
    // the template puts its own line breaks around calls and after the think block
    content: turn.content.trim(),
    ...(turn.reasoning ? { reasoning_content: turn.reasoning } : {}),
    ...(turn.calls.length > 0 ? { tool_calls: turn.calls.map(chatToolCall) } : {}),
  };
}

/**
 * A call as the template renders it. Arguments go in parsed, so the template writes them as it writes
 * any call (Qwen3: `tojson`, with its spacing), which is what the model itself writes.
 * @example
 * chatToolCall({ id: "call_1", name: "fetch", arguments: '{"url":"https://example.org"}' });
 * // { id: "call_1", type: "function", function: { name: "fetch", arguments: { url: "https://example.org" } } }
 */
export function chatToolCall(call: ToolCallRequest): ChatToolCall {
  // text that is not a JSON object stays text (the template prints a string as it is)
  const args = callArguments(call) ?? call.arguments;
  return { id: call.id, type: "function", function: { name: call.name, arguments: args } };
}

/**
 * A call's arguments as an object, or undefined when they are not a JSON object.
 * @example
 * callArguments({ id: "call_1", name: "fetch", arguments: '{"url":"https://example.org"}' }); // { url: "https://example.org" }
 * callArguments({ id: "call_1", name: "fetch", arguments: "[1]" }); // undefined
 */
export function callArguments(call: ToolCallRequest): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(call.arguments);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The message that gives a run's result to the model.
 * @example
 * toolMessage(run); // { role: "tool", tool_call_id: "call_1", name: "code", content: "value:\n42" }
 */
export function toolMessage(run: Pick<ToolRun, "call" | "result">): ChatMessage {
  return { role: "tool", tool_call_id: run.call.id, name: run.call.name, content: run.result.text };
}
