/**
 * @module A Responses conversation (the stored earlier turns, then the request's input items) as the
 * chat template's messages. One assistant turn of the Responses API is several items (reasoning, a
 * message, function calls, built-in tool calls); the template wants one assistant message with
 * `reasoning_content` and `tool_calls`, so consecutive assistant items are merged back into one, and the
 * results of its built-in calls follow it as `tool` messages, as the agent loop gave them to the model.
 */
import { chatToolCall, toolMessage } from "../../agent/index.js";
import type { ChatContentPart, ChatMessage, ChatToolCall } from "../../tokenizer/index.js";
import { recordedCall } from "./builtin-items.js";
import type { InputItem } from "./schema.js";

/**
 * The template messages: `instructions` first as the system message (never stored, as OpenAI does), then
 * the items in order; `developer` becomes `system`, a function call output becomes a `tool` message.
 * @example
 * templateMessagesFromItems([
 *   { type: "message", role: "user", content: "weather?" },
 *   { type: "function_call", call_id: "c1", name: "get_weather", arguments: "{}" },
 *   { type: "function_call_output", call_id: "c1", output: "sunny" },
 * ], "Be brief.");
 * // [system "Be brief.", user "weather?", assistant with tool_calls [get_weather], tool "sunny" (tool_call_id c1)]
 */
export function templateMessagesFromItems(items: InputItem[], instructions?: string | null): ChatMessage[] {
  const messages: ChatMessage[] = instructions ? [{ role: "system", content: instructions }] : [];
  // reasoning comes as its own item before the answer or call it led to
  let reasoning = "";
  // results of the turn's built-in calls, given after all its calls
  let results: ChatMessage[] = [];
  const assistant = (content: string): ChatMessage => {
    const message: ChatMessage = {
      role: "assistant",
      content,
      ...(reasoning ? { reasoning_content: reasoning } : {}),
    };
    reasoning = "";
    messages.push(message);
    return message;
  };
  // calls right after the assistant's message (or after other calls) belong to that same turn
  const addCall = (call: ChatToolCall) => {
    const last = messages.at(-1);
    const turn = last?.role === "assistant" && !reasoning ? last : assistant("");
    turn.tool_calls = [...(turn.tool_calls ?? []), call];
  };
  for (const item of items) {
    if (item.type === "code_interpreter_call" || item.type === "web_search_call") {
      const { call, output } = recordedCall(item);
      addCall(chatToolCall(call));
      results.push(toolMessage({ call, result: { text: output, isError: false } }));
      continue;
    }
    if (item.type !== "function_call") {
      messages.push(...results);
      results = [];
    }
    if (item.type === "reasoning") reasoning += joinText(item.content ?? item.summary);
    else if (item.type === "message") {
      if (item.role === "assistant") assistant(joinText(item.content));
      else
        messages.push({
          role: item.role === "developer" ? "system" : item.role,
          content: templateContent(item.content),
        });
    } else if (item.type === "function_call")
      addCall({
        id: item.call_id,
        type: "function",
        function: { name: item.name, arguments: item.arguments },
      });
    else messages.push({ role: "tool", content: joinText(item.output), tool_call_id: item.call_id });
  }
  return [...messages, ...results];
}

type ItemContent = string | ({ text: string } | { type: "input_file" | "input_image" })[];

// input_file parts were turned into input_text by the route (responseFiles), and so were input_image parts
// for a model that reads images by OCR; an assistant's content is text only
function joinText(content: ItemContent): string {
  return typeof content === "string"
    ? content
    : content.map((part) => ("text" in part ? part.text : "")).join("");
}

/** A message's content for the template: its text, or text and image places when it has images. */
function templateContent(content: ItemContent): string | ChatContentPart[] {
  if (typeof content === "string" || !content.some((part) => "type" in part && part.type === "input_image"))
    return joinText(content);
  return content.map(
    (part): ChatContentPart =>
      "text" in part
        ? { type: "text", text: part.text }
        : part.type === "input_image"
          ? { type: "image" }
          : { type: "text", text: "" },
  );
}
