/**
 * @module From an OpenAI chat request to what the chat template takes: messages (content parts joined,
 * `developer` as `system`, null content as "" since the Qwen3 template fails on null next to tool_calls)
 * the tools `tool_choice` leaves in play, the opening of a tool call it forces, and the rendered prompt.
 * The Responses API converts its input items and tools to these shapes and uses the same functions.
 */
import { preparePrompt } from "../decoding/index.js";
import type { ChatContentPart, ChatMessage, RioTokenizer } from "../tokenizer/index.js";
import type { ServerContext } from "./context.js";
import { ApiError } from "./errors.js";
import type { PreparedPrompt } from "./generation-endpoint.js";
import type { ChatRequest, ChatRequestMessage, ChatRequestPart } from "./schemas/chat.js";

/** Messages in the template's shape: text parts as text, image and video parts as their places. */
export function templateMessages(messages: ChatRequestMessage[]): ChatMessage[] {
  return messages.map((m) => {
    const reasoning = m.reasoning_content || m.reasoning;
    return {
      role: m.role === "developer" ? "system" : m.role,
      content: typeof m.content === "string" ? m.content : templateParts(m.content ?? []),
      ...(reasoning ? { reasoning_content: reasoning } : {}),
      ...(m.tool_calls?.length
        ? {
            tool_calls: m.tool_calls.map((c) => ({
              id: c.id,
              type: "function" as const,
              function: { name: c.function.name, arguments: c.function.arguments },
            })),
          }
        : {}),
      ...(m.tool_call_id !== undefined ? { tool_call_id: m.tool_call_id } : {}),
      ...(m.name !== undefined ? { name: m.name } : {}),
    };
  });
}

// file parts are text by now (document-input.ts); text-only content stays a string, as before images existed (templates that index content as a string)
function templateParts(parts: ChatRequestPart[]): string | ChatContentPart[] {
  const out = parts.map((part): ChatContentPart => {
    if (part.type === "text") return { type: "text", text: part.text };
    if (part.type === "file") return { type: "text", text: "" };
    // chat-route replaces audio parts by their transcripts before the template sees the messages
    if (part.type === "input_audio")
      throw new Error("an input_audio part reached the chat template untranscribed");
    return { type: part.type === "image_url" ? "image" : "video" };
  });
  return out.every((part) => part.type === "text") ? out.map((part) => part.text).join("") : out;
}

/**
 * The tool definitions rendered into the prompt: none for `tool_choice: "none"` (or no tools), only the
 * named one for a named function, all of them for "auto" and "required". `nameField` is where the request
 * named the function (the Responses API has no `function` wrapper), for errors.
 * @example
 * activeTools({ tools: [f, g], tool_choice: { type: "function", function: { name: "g" } } } as ChatRequest); // [g]
 */
export function activeTools(
  request: Pick<ChatRequest, "tools" | "tool_choice">,
  nameField = "tool_choice.function.name",
): NonNullable<ChatRequest["tools"]> | undefined {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? "auto";
  if (choice !== "auto" && choice !== "none" && tools.length === 0)
    throw new ApiError(400, "tool_choice: requires tools", "invalid_request_error", "tool_choice");
  if (tools.length === 0 || choice === "none") return undefined;
  if (typeof choice === "string") return tools;
  const named = tools.filter((t) => t.function.name === choice.function.name);
  if (named.length === 0)
    throw new ApiError(
      400,
      `tool_choice: no tool named ${JSON.stringify(choice.function.name)} in tools`,
      "invalid_request_error",
      nameField,
    );
  return named;
}

/**
 * The tokens the answer must begin with for `tool_choice` "required" (the opening of some call) or a named
 * function (the opening of that call, up to its arguments), in the model's tool-call format; undefined
 * when the model may answer freely. The name is encoded as plain text: it cannot become special tokens.
 * Call it after activeTools, which refuses a choice the request's tools cannot meet.
 */
export function toolCallOpening(
  choice: ChatRequest["tool_choice"],
  tokenizer: RioTokenizer,
  format: "json" | "xml",
): number[] | undefined {
  if (choice == null || choice === "auto" || choice === "none") return undefined;
  const open = tokenizer.tokenToId("<tool_call>");
  if (open === undefined)
    throw new ApiError(
      400,
      "tool_choice: this model's tokenizer has no <tool_call> token to open a call with",
      "invalid_request_error",
      "tool_choice",
    );
  const name = choice === "required" ? undefined : choice.function.name;
  const text =
    format === "xml"
      ? `\n<function=${name === undefined ? "" : `${name}>\n`}`
      : `\n{"name": ${name === undefined ? '"' : `${JSON.stringify(name)}, "arguments": `}`;
  return [open, ...tokenizer.encode(text)];
}

/**
 * The chat template's tokens; a template that rejects the conversation is the client's error (400 naming
 * `field`, the request field the conversation came from).
 * @example
 * const prompt = renderPrompt(server, { messages: [{ role: "user", content: "hi" }] }, "messages");
 */
export function renderPrompt(
  server: ServerContext,
  request: Parameters<typeof preparePrompt>[1],
  field: string,
): PreparedPrompt {
  try {
    return preparePrompt(server.model, request);
  } catch (error) {
    throw new ApiError(
      400,
      `${field}: the chat template rejected them: ${error instanceof Error ? error.message : String(error)}`,
      "invalid_request_error",
      field,
    );
  }
}
